"""The rules' entity kinds, registered with the campaign domain's generic actions: rules rows are
deleted, archived and restored like any entity, and go when the entity they are about goes."""

from campaign.actions.announcements import STATE_INVALIDATED
from campaign.actions.kinds import Child, Kind, cascade_to, register
from campaign.models import World
from rules.models import Condition, Effect, FieldCondition, StateVariable


def rules_about(entity_type: str, *, occurrence: bool = False) -> tuple[Child, ...]:
    """The rules about an entity: its conditions, variables and the effects aimed at it (and,
    for events and encounters, the effects and availability conditions they carry). Rules refer
    to entities by ``uid``, which is the same on every branch."""
    children: tuple[Child, ...] = (
        Child("field_condition", "target_uid", "uid", (("target_type", entity_type),)),
        Child("state_variable", "scope_uid", "uid", (("scope", entity_type),)),
        Child("effect", "target_uid", "uid", (("target_type", entity_type),)),
    )
    if occurrence:
        children += (
            Child("effect", "source_uid", "uid", (("source_type", entity_type),)),
            Child("condition", "target_uid", "uid", (("target_type", entity_type),)),
        )
    return children


def world_owned_variable(variable: object) -> bool:
    """A world's own variables belong to no branch."""
    return isinstance(variable, StateVariable) and variable.branch_id is None


def variable_world(variable: object) -> World | None:
    assert isinstance(variable, StateVariable)
    return World.objects.filter(pk=variable.scope_uid).first()


def register_kinds() -> None:
    register(
        "field_condition",
        Kind(
            FieldCondition,
            "Field condition",
            campaign_content=True,
            event_type=STATE_INVALIDATED,
        ),
    )
    register(
        "state_variable",
        Kind(
            StateVariable,
            "State variable",
            campaign_content=True,
            event_type=STATE_INVALIDATED,
            world_owned=world_owned_variable,
            world_of=variable_world,
        ),
    )
    register("effect", Kind(Effect, "Effect", campaign_content=True, event_type=STATE_INVALIDATED))
    register(
        "condition",
        Kind(Condition, "Condition", campaign_content=True, event_type=STATE_INVALIDATED),
    )
    for entity_type in ("party", "kingdom", "settlement", "structure", "character"):
        cascade_to(entity_type, *rules_about(entity_type))
    for entity_type in ("event", "encounter"):
        cascade_to(entity_type, *rules_about(entity_type, occurrence=True))
