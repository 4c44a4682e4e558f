"""Builds the root query fields several entities share — one by id, the lists of a campaign and
of a location, the typed-variable trio — one field a call, so that the root types name each
field (``kingdom = by_id(Kingdom, "kingdom")``)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql import answers
from api.graphql.campaign.access import (
    actor,
    branch_parent,
    campaign_branch,
    entity_parent,
    get_or_none,
    readable,
)
from api.graphql.campaign.types.common import Variable, VariableSchemaType
from api.graphql.errors import camel
from api.graphql.paging import Page, paged_list
from campaign.actions.entities import parse_id
from campaign.models import Branch
from campaign.permissions import readable_campaigns
from kernel.errors import NotFound

BRANCH = graphene.ID(description="The branch to read; the campaign's main branch by default.")


def by_id(type_: type, kind: str, *, cached_as: str | None = None) -> graphene.Field:
    """A field finding one `kind` by id on a branch: null when it is missing or hidden from the
    caller; answers are kept across requests under the ``cached_as`` namespace when given
    (api/graphql/answers.py)."""

    def resolve(root: None, info: ResolveInfo, id: str, branch_id: str | None = None) -> Any:
        if cached_as is None:
            return get_or_none(info, kind, id, branch_id)
        parent = entity_parent(info, kind, id, "id", branch_id)
        try:
            return answers.remember(info, cached_as, parent, lambda found: found)
        except NotFound:
            return None

    return graphene.Field(type_, id=graphene.ID(required=True), branch_id=BRANCH, resolver=resolve)


def in_campaign(
    type_: type, model: Any, order: tuple[str, ...], *, cached_as: str | None = None
) -> graphene.List:
    """<kinds>ByCampaign(campaignId:, branchId:): the unarchived rows of the branch; answers are
    kept across requests under the ``cached_as`` namespace when given (api/graphql/answers.py)."""

    def resolve(
        root: None, info: ResolveInfo, page: Page, campaign_id: str, branch_id: str | None = None
    ) -> Any:
        def rows(branch: Branch) -> Any:
            query = model.objects.filter(branch=branch).unarchived().select_related("branch")
            return page.cut(query.order_by(*order, "pk"))

        if cached_as is None:
            return rows(campaign_branch(info, campaign_id, branch_id))
        return answers.remember(info, cached_as, branch_parent(info, campaign_id, branch_id), rows)

    return paged_list(type_, resolve, campaign_id=graphene.ID(required=True), branch_id=BRANCH)


def at_location(type_: type, model: Any) -> graphene.List:
    """What happens at a location, across the campaigns of its world that the user reads."""

    def resolve(
        root: None, info: ResolveInfo, location_id: str, branch_id: str | None = None
    ) -> Any:
        location = readable(info, "location", location_id, "locationId")
        query = model.objects.filter(
            location=location, branch__campaign__in=readable_campaigns(actor(info))
        )
        if branch_id is None:
            query = query.filter(branch__parent__isnull=True)
        else:
            query = query.filter(branch_id=parse_id(branch_id, "branchId"))
        query = query.unarchived().select_related("branch")
        return query.order_by("scheduled_at", "name", "pk")

    return paged_list(type_, resolve, location_id=graphene.ID(required=True), branch_id=BRANCH)


# The typed-variable trio: <kind>Variable, <kind>Variables and <kind>VariableSchemas, each
# addressing its entity by ``<kind>Id``.


def variable_entity(kind: str, info: ResolveInfo, kwargs: dict[str, Any]) -> Any:
    id_arg = f"{kind}_id"
    return readable(info, kind, kwargs[id_arg], camel(id_arg), kwargs.get("branch_id"))


def entity_args(kind: str) -> dict[str, Any]:
    """Made before a field's other arguments: graphene orders arguments as they were made, and
    the schema lists the entity first."""
    return {f"{kind}_id": graphene.ID(required=True), "branch_id": BRANCH}


def variable(kind: str) -> graphene.Field:
    def resolve(root: None, info: ResolveInfo, name: str, **kwargs: Any) -> Any:
        values = variable_entity(kind, info, kwargs).variables
        return {"name": name, "value": values[name]} if name in values else None

    args = entity_args(kind)
    return graphene.Field(Variable, name=graphene.String(required=True), resolver=resolve, **args)


def variables(kind: str) -> graphene.List:
    def resolve(root: None, info: ResolveInfo, **kwargs: Any) -> Any:
        values = variable_entity(kind, info, kwargs).variables
        return [{"name": k, "value": v} for k, v in values.items()]

    return graphene.List(
        graphene.NonNull(Variable), required=True, resolver=resolve, **entity_args(kind)
    )


def variable_schemas(kind: str) -> graphene.List:
    def resolve(root: None, info: ResolveInfo, **kwargs: Any) -> Any:
        return variable_entity(kind, info, kwargs).variable_schemas

    return graphene.List(
        graphene.NonNull(VariableSchemaType), required=True, resolver=resolve, **entity_args(kind)
    )
