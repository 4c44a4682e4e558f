"""The StateVariable type."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.dataloaders import then
from api.graphql.rules.dataloaders import VariableValue
from api.graphql.rules.types.common import Authored, RuleFields
from api.graphql.rules.types.enums import VariableScope, VariableType
from api.graphql.scalars import JSON


class StateVariable(RuleFields, Authored, graphene.ObjectType):
    """A named value of a world, a campaign or one of its entities; a derived one computes its
    ``value`` from its ``formula``."""

    key = graphene.String(required=True)
    scope = graphene.Field(VariableScope, required=True)
    scope_id = graphene.ID(description="The world, campaign, location or entity.")
    type = graphene.Field(VariableType, required=True)
    value = JSON(description="A derived variable's value is computed in its scope.")
    value_error = graphene.String(description="Why a derived variable has no value, if it fails.")
    formula = JSON()

    @staticmethod
    def resolve_scope_id(root: Any, info: ResolveInfo) -> str:
        return str(root.scope_uid)

    @staticmethod
    def resolve_value(root: Any, info: ResolveInfo) -> Any:
        if root.type != "derived":
            return root.value
        return then(VariableValue.of(info).load(root), lambda result: result.value)

    @staticmethod
    def resolve_value_error(root: Any, info: ResolveInfo) -> Any:
        if root.type != "derived":
            return None
        return then(VariableValue.of(info).load(root), lambda result: result.error)
