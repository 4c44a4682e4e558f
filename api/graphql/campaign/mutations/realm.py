"""Kingdoms, settlements and structures."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    create_and_update,
    life_cycle,
    object_type,
    set_level,
    split,
    typed_variables,
)
from api.graphql.campaign.types.realm import Kingdom, Settlement, Structure
from campaign.actions import kingdoms, settlements, structures


class CreateKingdomInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)


class UpdateKingdomInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    level = graphene.Int()


class CreateSettlementInput(TypedVariablesInput, graphene.InputObjectType):
    kingdom_id = graphene.ID(required=True)
    location_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)


class UpdateSettlementInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    level = graphene.Int()


class CreateStructureInput(TypedVariablesInput, graphene.InputObjectType):
    settlement_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    type = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)
    x = graphene.Float()
    y = graphene.Float()
    orientation = graphene.Float()


class UpdateStructureInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    type = graphene.String()
    level = graphene.Int()
    x = graphene.Float()
    y = graphene.Float()
    orientation = graphene.Float()


def create_kingdom(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data, options = split(input)
    return kingdoms.create_kingdom(actor(info), data.pop("campaign_id"), data, **options)


def create_settlement(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data, options = split(input)
    return settlements.create_settlement(actor(info), data.pop("kingdom_id"), data, **options)


def create_structure(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data, options = split(input)
    return structures.create_structure(actor(info), data.pop("settlement_id"), data, **options)


RealmMutations = object_type(
    "RealmMutations",
    create_and_update(
        "kingdom",
        Kingdom,
        create_kingdom,
        CreateKingdomInput,
        kingdoms.update_kingdom,
        UpdateKingdomInput,
    ),
    create_and_update(
        "settlement",
        Settlement,
        create_settlement,
        CreateSettlementInput,
        settlements.update_settlement,
        UpdateSettlementInput,
    ),
    create_and_update(
        "structure",
        Structure,
        create_structure,
        CreateStructureInput,
        structures.update_structure,
        UpdateStructureInput,
    ),
    *(
        life_cycle(kind, t)
        for kind, t in (("kingdom", Kingdom), ("settlement", Settlement), ("structure", Structure))
    ),
    *(
        set_level(kind, t)
        for kind, t in (("kingdom", Kingdom), ("settlement", Settlement), ("structure", Structure))
    ),
    *(typed_variables(kind) for kind in ("kingdom", "settlement", "structure")),
)
