"""``computedFields`` of settlements, structures, kingdoms, parties and characters."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.dataloaders import then
from api.graphql.rules.dataloaders import ComputedFieldsOf
from api.graphql.scalars import JSON


class WithComputedFields:
    computed_fields = JSON(
        description="Field name → value of the highest-priority field condition that evaluated."
    )
    computed_field_errors = JSON(
        description="Field name → errors of the conditions that failed to evaluate, in order."
    )

    @staticmethod
    def resolve_computed_fields(root: Any, info: ResolveInfo) -> Any:
        return then(ComputedFieldsOf.of(info).load(root), lambda result: result.values)

    @staticmethod
    def resolve_computed_field_errors(root: Any, info: ResolveInfo) -> Any:
        return then(ComputedFieldsOf.of(info).load(root), lambda result: result.errors)
