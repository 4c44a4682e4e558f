"""Builds the root fields of the mutations every kind of rule has — create, update, delete and
toggle<Kind>Active — one field a call, so that the root types name each field
(``delete_effect = delete_rule("effect")``). Each resolver translates its input and calls the
action, which validates (expressions, patches, cycles), authorizes, versions and audits."""

from collections.abc import Callable
from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import BRANCH_ARG, split
from api.graphql.rules.queries.lists import value_of
from campaign.actions.entities import require_authenticated
from kernel.actor import Actor
from rules import actions as rules


def caller(info: ResolveInfo) -> Actor:
    """The actor; anonymous callers are refused before any lookup, so that unknown and real ids
    answer alike."""
    who = actor(info)
    require_authenticated(who)
    return who


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """Enum inputs as their stored values."""
    return {key: value_of(value) for key, value in data.items()}


def create_rule(type_: Any, input_: Any, action: Callable[..., Any]) -> graphene.Field:
    """create<Kind>(input:)."""

    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        return action(caller(info), data=plain(dict(input)))

    return graphene.Field(type_, required=True, input=input_(required=True), resolver=resolve)


def update_rule(
    type_: Any, input_: Any, id_name: str, action: Callable[..., Any]
) -> graphene.Field:
    """update<Kind>(id:, input:): ``id`` is the action's argument named ``id_name``."""

    def resolve(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
        data, options = split(plain(dict(input)))
        return action(caller(info), **{id_name: id}, data=data, **options)

    return graphene.Field(
        type_,
        required=True,
        id=graphene.ID(required=True),
        input=input_(required=True),
        resolver=resolve,
    )


def delete_rule(kind: str) -> graphene.Field:
    """delete<Kind>(id:, branchId:)."""

    def resolve(root: None, info: ResolveInfo, id: str, branch_id: str | None = None) -> bool:
        rules.delete_rule(caller(info), kind=kind, rule_id=id, branch_id=branch_id)
        return True

    return graphene.Field(
        graphene.Boolean,
        required=True,
        resolver=resolve,
        description="Soft delete (owner only); true once done.",
        id=graphene.ID(required=True),
        branch_id=BRANCH_ARG,
    )


def toggle_rule(kind: str, type_: Any) -> graphene.Field:
    """toggle<Kind>Active(id:, isActive:, branchId:)."""

    def resolve(
        root: None, info: ResolveInfo, id: str, is_active: bool, branch_id: str | None = None
    ) -> Any:
        return rules.toggle_active(
            caller(info), kind=kind, rule_id=id, is_active=is_active, branch_id=branch_id
        )

    id_arg = graphene.ID(required=True)  # made first: the schema lists it before isActive
    return graphene.Field(
        type_,
        required=True,
        is_active=graphene.Boolean(required=True),
        resolver=resolve,
        id=id_arg,
        branch_id=BRANCH_ARG,
    )
