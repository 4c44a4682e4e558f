"""Kingdoms, settlements, structures, and the typed-variable queries of every entity that has
them."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor, campaign_branch, capped, get_or_none, readable
from api.graphql.campaign.types.common import Variable, VariableSchemaType
from api.graphql.campaign.types.realm import Kingdom, Settlement, Structure
from api.graphql.errors import camel
from campaign.models import Kingdom as KingdomModel
from campaign.models import Settlement as SettlementModel
from campaign.models import Structure as StructureModel
from campaign.permissions import readable_campaigns

BRANCH = graphene.ID(description="The branch to read; the campaign's main branch by default.")


def by_id(type_: type, kind: str) -> graphene.Field:
    def resolve(root: None, info: ResolveInfo, id: str, branch_id: str | None = None) -> Any:
        return get_or_none(info, kind, id, branch_id)

    return graphene.Field(type_, id=graphene.ID(required=True), branch_id=BRANCH, resolver=resolve)


class RealmQueries(graphene.ObjectType):
    kingdom = by_id(Kingdom, "kingdom")
    settlement = by_id(Settlement, "settlement")
    structure = by_id(Structure, "structure")
    kingdoms_by_campaign = graphene.List(
        graphene.NonNull(Kingdom),
        required=True,
        campaign_id=graphene.ID(required=True),
        branch_id=BRANCH,
    )
    settlements_by_kingdom = graphene.List(
        graphene.NonNull(Settlement),
        required=True,
        kingdom_id=graphene.ID(required=True),
        branch_id=BRANCH,
    )
    settlement_at_location = graphene.Field(
        Settlement,
        location_id=graphene.ID(required=True),
        campaign_id=graphene.ID(),
        branch_id=BRANCH,
    )
    structures_by_settlement = graphene.List(
        graphene.NonNull(Structure),
        required=True,
        settlement_id=graphene.ID(required=True),
        branch_id=BRANCH,
    )

    @staticmethod
    def resolve_kingdoms_by_campaign(
        root: None, info: ResolveInfo, campaign_id: str, branch_id: str | None = None
    ) -> Any:
        branch = campaign_branch(info, campaign_id, branch_id)
        query = KingdomModel.objects.filter(branch=branch).unarchived().select_related("branch")
        return capped(query.order_by("name", "pk"))

    @staticmethod
    def resolve_settlements_by_kingdom(
        root: None, info: ResolveInfo, kingdom_id: str, branch_id: str | None = None
    ) -> Any:
        kingdom = readable(info, "kingdom", kingdom_id, "kingdomId", branch_id)
        query = SettlementModel.objects.filter(kingdom=kingdom).select_related(
            "branch__campaign", "kingdom"
        )
        return capped(query.order_by("name", "pk"))

    @staticmethod
    def resolve_settlement_at_location(
        root: None,
        info: ResolveInfo,
        location_id: str,
        campaign_id: str | None = None,
        branch_id: str | None = None,
    ) -> Any:
        """The live settlement at a location, among the campaigns the user can read."""
        location = get_or_none(info, "location", location_id)
        if location is None:
            return None
        query = SettlementModel.objects.filter(
            location=location, branch__campaign__in=readable_campaigns(actor(info))
        )
        if campaign_id is not None:
            query = query.filter(branch=campaign_branch(info, campaign_id, branch_id))
        else:
            query = query.filter(branch__parent__isnull=True)
        return query.select_related("branch__campaign").order_by("created_at").first()

    @staticmethod
    def resolve_structures_by_settlement(
        root: None, info: ResolveInfo, settlement_id: str, branch_id: str | None = None
    ) -> Any:
        settlement = readable(info, "settlement", settlement_id, "settlementId", branch_id)
        query = StructureModel.objects.filter(settlement=settlement).select_related(
            "branch__campaign"
        )
        return capped(query.order_by("name", "pk"))


def variable_queries(kind: str, id_arg: str) -> dict[str, graphene.Field]:
    """``<kind>Variable``, ``<kind>Variables`` and ``<kind>VariableSchemas`` for one entity type."""
    args = {id_arg: graphene.ID(required=True), "branch_id": BRANCH}

    def entity(info: ResolveInfo, kwargs: dict[str, Any]) -> Any:
        return readable(info, kind, kwargs[id_arg], camel(id_arg), kwargs.get("branch_id"))

    def resolve_one(root: None, info: ResolveInfo, name: str, **kwargs: Any) -> Any:
        values = entity(info, kwargs).variables
        return {"name": name, "value": values[name]} if name in values else None

    def resolve_all(root: None, info: ResolveInfo, **kwargs: Any) -> Any:
        return [{"name": k, "value": v} for k, v in entity(info, kwargs).variables.items()]

    def resolve_schemas(root: None, info: ResolveInfo, **kwargs: Any) -> Any:
        return entity(info, kwargs).variable_schemas

    return {
        f"{kind}_variable": graphene.Field(
            Variable, name=graphene.String(required=True), resolver=resolve_one, **args
        ),
        f"{kind}_variables": graphene.List(
            graphene.NonNull(Variable), required=True, resolver=resolve_all, **args
        ),
        f"{kind}_variable_schemas": graphene.List(
            graphene.NonNull(VariableSchemaType), required=True, resolver=resolve_schemas, **args
        ),
    }


VariableQueries = type(
    "VariableQueries",
    (graphene.ObjectType,),
    {
        **variable_queries("kingdom", "kingdom_id"),
        **variable_queries("settlement", "settlement_id"),
        **variable_queries("structure", "structure_id"),
        **variable_queries("party", "party_id"),
    },
)
