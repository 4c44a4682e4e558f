"""Recurring effects: a GM attaches a JSON Patch to an entity, applied every N world days.

An operation may compute its value from the target as it is when the application is due:
``valueRule`` (JSONLogic over the patch document, e.g. population growth capped by a variable)
instead of ``value``. Each application goes through ``rules.effects.apply_patch`` (the target's
own update action: validated, compare-and-set, versioned at the world time it was due, audited,
published) in the same transaction that moves ``next_due_at`` on, so an application is never
lost nor made twice, whoever runs it and however often.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import DomainError, ValidationError
from kernel.ids import EntityId
from rules import jsonlogic
from rules.effects import apply_patch
from rules.patches import document, validate_patch
from scheduler.models import TARGET_TYPES, RecurringEffect

MAX_PERIOD_DAYS = 36_500
VALUE_RULE = "valueRule"


def _payload(value: object) -> list[dict[str, Any]]:
    """A payload as stored: RFC 6902 operations, each with a ``value`` or a ``valueRule``."""
    payload = f.json_value(value, "payload")
    if not isinstance(payload, list):
        raise ValidationError("payload must be a list of operations", field="payload")
    for index, operation in enumerate(payload):
        if isinstance(operation, dict) and VALUE_RULE in operation:
            if "value" in operation:
                raise ValidationError(
                    "An operation has a value or a valueRule, not both", field=f"payload.{index}"
                )
            try:
                jsonlogic.validate(operation[VALUE_RULE])
            except jsonlogic.JsonLogicError as exc:
                raise ValidationError(
                    f"valueRule is not a valid rule: {exc}", field=f"payload.{index}.valueRule"
                ) from exc
    return payload


def resolved(payload: list[dict[str, Any]], target: dict[str, Any]) -> list[dict[str, Any]]:
    """The payload with every ``valueRule`` evaluated against the target's patch document."""
    return [
        {
            **{key: value for key, value in operation.items() if key != VALUE_RULE},
            "value": jsonlogic.apply(operation[VALUE_RULE], target),
        }
        if VALUE_RULE in operation
        else operation
        for operation in payload
    ]


def attach_recurring_effect(
    actor: Actor,
    *,
    target_type: str,
    target_id: EntityId,
    data: Mapping[str, object],
    branch_id: EntityId | None = None,
    starts_at: InstantInput | None = None,
) -> RecurringEffect:
    """Attach ``data`` (``name``, ``payload``, ``period_days``) to an entity (GM or owner). The
    first application is due one period after ``starts_at`` (default: the branch clock)."""
    if target_type not in TARGET_TYPES:
        raise ValidationError(
            f"targetType must be one of {', '.join(TARGET_TYPES)}", field="targetType"
        )
    with transaction.atomic():
        target = entities.load(
            actor, target_type, target_id, branch_id=branch_id, minimum=WRITE, field="targetId"
        )
        if target.branch_id is None:  # a world's own variable lives on no branch, so no clock
            raise ValidationError(
                "A recurring effect needs an entity of a campaign branch", field="targetId"
            )
        cleaned = f.clean_fields(
            data,
            {
                "name": f.name,
                "payload": lambda value, field: _payload(value),
                "period_days": f.integer(1, MAX_PERIOD_DAYS),
            },
            required=("name", "payload", "period_days"),
        )
        # The operations and their paths as any effect on this type (values are computed later).
        validate_patch(
            [{**op, "value": None} if VALUE_RULE in op else op for op in cleaned["payload"]],
            target_type,
        )
        start = f.moment(starts_at, "startsAt") or target.branch.current_world_time
        if start is None:
            raise ValidationError(
                "startsAt is required while the branch's world time is not set", field="startsAt"
            )
        effect = RecurringEffect(
            branch=target.branch,
            target_type=target_type,
            target_uid=target.uid,
            next_due_at=start + datetime.timedelta(days=cleaned["period_days"]),
            created_by=actor.user,
            **cleaned,
        )
        return entities.save_new(actor, instance=effect)


def apply_due(effect: RecurringEffect, now: datetime.datetime) -> RecurringEffect:
    """Apply ``effect`` once, for the period due at its ``next_due_at`` (<= ``now``), and move it
    to the next period; in the caller's transaction, which holds the effect's row."""
    due = effect.next_due_at
    assert due <= now, "only a due effect is applied"
    actor = Actor.system(reason=f"Recurring effect {effect.name!r}, due {due.isoformat()}")
    target = entities.load(actor, effect.target_type, effect.target_uid, branch_id=effect.branch_id)
    apply_patch(
        actor,
        target_type=effect.target_type,
        target_id=effect.target_uid,
        branch_id=effect.branch_id,
        payload=resolved(effect.payload, document(effect.target_type, target)),
        world_time=due,
    )
    return entities.update(
        actor,
        instance=effect,
        changes={
            "next_due_at": due + datetime.timedelta(days=effect.period_days),
            "applied_count": effect.applied_count + 1,
            "last_applied_at": due,
        },
        world_time=due,
    )


def suspend(effect: RecurringEffect, error: DomainError) -> RecurringEffect:
    """Stop an effect whose application was refused (its target changed shape, a rule broke),
    saying why, rather than retrying it on every run."""
    actor = Actor.system(reason=f"Recurring effect {effect.name!r} suspended: {error.message}")
    return entities.update(
        actor, instance=effect, changes={"is_active": False, "last_error": error.message}
    )
