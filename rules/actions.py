"""Rules as domain data: field conditions, state variables, effects and availability conditions.

Each change is validated (expressions compile, patches touch only patchable paths, values fit
their declared type), authorized (GM or owner of the campaign; deletes need the owner), refused
when it would close a cycle in the branch's dependency graph (the cycle is named) or when a derived
formula's value runs into an evaluation limit (the limit is named), and versioned and audited like
every other entity. The commit bumps the branch's cache generation, so cached computed fields and
graphs are never served stale.
"""

import re
import uuid
from collections.abc import Mapping
from typing import Any, TypeAlias, TypedDict, TypeVar, Unpack

from django.db import IntegrityError, transaction
from django.db.models import TextChoices

from campaign.actions import entities, follow_up
from campaign.actions import fields as f
from campaign.actions.kinds import KINDS
from campaign.models import Branch, Location
from campaign.permissions import MANAGE, WRITE, require_world
from kernel import generations
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.ids import EntityId
from rules import dependencies, expressions, tasks, variable_values
from rules.evaluation import fits_type
from rules.models import Condition, Effect, FieldCondition, StateVariable
from rules.models.effects import EffectTarget, EffectTiming
from rules.models.kinds import Occurrence, RuleTarget
from rules.models.variables import VariableScope, VariableType
from rules.patches import check_against_target, validate_patch

Rule: TypeAlias = FieldCondition | StateVariable | Effect | Condition
R = TypeVar("R", FieldCondition, StateVariable, Effect, Condition)


class RuleRouting(TypedDict, total=False):
    """Which branch's rule a change applies to (the main branch's unless given) and the version
    it expects (unchecked unless given)."""

    branch_id: EntityId | None
    expected_version: int | None


KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


def identifier(value: object, field: str) -> str:
    if not isinstance(value, str) or not KEY.match(value):
        raise ValidationError(
            f"{field} must start with a letter or underscore and hold only letters, digits and"
            " underscores (at most 100)",
            field=field,
        )
    return value


def lower_choice(options: type[TextChoices]) -> f.Cleaner:
    """Accept any letter case (``Settlement``, ``SETTLEMENT``) and store the canonical value."""
    clean = f.choice(options.values)

    def cleaner(value: object, field: str) -> str:
        return clean(value.lower() if isinstance(value, str) else value, field)

    return cleaner


def expression(value: object, field: str) -> object:
    expressions.validate(value, field)
    return stored_json(value, field)


def stored_json(value: object, field: str) -> object:
    """A value, formula or payload the database can store (no NUL, NaN, or runaway nesting)."""
    return f.json_value(value, field, max_depth=expressions.MAX_JSON_DEPTH)


def target_branch(
    actor: Actor,
    entity_type: str,
    entity_id: EntityId | None,
    campaign_id: EntityId | None,
    branch_id: EntityId | None,
    field: str,
) -> tuple[Branch, uuid.UUID | None]:
    """The branch a rule lives on: its entity's, or (type-wide) the campaign's given branch;
    the entity or campaign is held until the rule is saved (a delete takes its rules along)."""
    if entity_id is not None:
        entity = entities.load(
            actor,
            entity_type,
            entity_id,
            branch_id=branch_id,
            minimum=WRITE,
            field=field,
            lock=True,
        )
        return entity.branch, entity.uid
    if campaign_id is None:
        raise ValidationError(
            "campaignId is required for a rule that applies to every entity of a type",
            field="campaignId",
        )
    campaign = entities.load(
        actor, "campaign", campaign_id, minimum=WRITE, field="campaignId", lock=True
    )
    return entities.resolve_branch(actor, campaign, branch_id, WRITE), None


# --- Field conditions ---------------------------------------------------------------------------

CONDITION_FIELDS: dict[str, f.Cleaner] = {
    "expression": expression,
    "description": f.text,
    "is_active": f.boolean,
    "priority": f.integer(0, 1_000_000),
}


@transaction.atomic  # the entity or campaign the rule hangs from is held until it is saved
def create_field_condition(actor: Actor, *, data: Mapping[str, object]) -> FieldCondition:
    # Unchecked input: each value is checked as it is taken out.
    given: dict[str, Any] = dict(data)
    target_type = lower_choice(RuleTarget)(given.pop("entity_type", None), "entityType")
    field = identifier(given.pop("field", None), "field")
    branch, target_uid = target_branch(
        actor,
        target_type,
        given.pop("entity_id", None),
        given.pop("campaign_id", None),
        given.pop("branch_id", None),
        "entityId",
    )
    cleaned = f.clean_fields(given, CONDITION_FIELDS, required=("expression",))
    condition = FieldCondition(
        branch=branch,
        target_type=target_type,
        target_uid=target_uid,
        field=field,
        created_by=actor.user,
        updated_by=actor.user,
        **cleaned,
    )
    return _changed(entities.save_new(actor, instance=condition), set())


def update_field_condition(
    actor: Actor,
    *,
    condition_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[RuleRouting],
) -> FieldCondition:
    condition = entities.load(
        actor,
        "field_condition",
        condition_id,
        branch_id=options.get("branch_id"),
        minimum=WRITE,
    )
    cleaned = f.clean_fields(data, CONDITION_FIELDS)
    before = _dependents(condition)
    updated = entities.update(
        actor,
        instance=condition,
        changes={**cleaned, "updated_by": actor.user},
        expected_version=options.get("expected_version"),
    )
    return _changed(updated, before)


# --- State variables ----------------------------------------------------------------------------

VARIABLE_FIELDS: dict[str, f.Cleaner] = {
    "value": f.json_value,
    "formula": stored_json,
    "description": f.text,
    "is_active": f.boolean,
}


def _check_value_and_formula(kind: str, value: object, formula: object) -> None:
    if kind == VariableType.DERIVED:
        if formula is None:
            raise ValidationError("A derived variable needs a formula", field="formula")
        expressions.validate(formula, "formula")
        if value is not None:
            raise ValidationError("A derived variable computes its value", field="value")
        return
    if formula is not None:
        raise ValidationError(f"A {kind} variable holds a value, not a formula", field="formula")
    if value is None:
        raise ValidationError(f"A {kind} variable needs a value", field="value")
    if not fits_type(kind, value):
        raise ValidationError(f"value must be a {kind}, not {value!r}", field="value")


def _variable_home(
    actor: Actor,
    scope: str,
    scope_id: EntityId | None,
    campaign_id: EntityId | None,
    branch_id: EntityId | None,
) -> tuple[Branch | None, uuid.UUID]:
    """(branch, scope uid) of a new variable; world variables have no branch."""
    if scope_id is None:
        raise ValidationError(f"scopeId is required for a {scope} variable", field="scopeId")
    if scope == VariableScope.WORLD:
        world = entities.load(actor, "world", scope_id, minimum=WRITE, field="scopeId")
        require_world(actor, world, WRITE)
        return None, world.pk
    if scope == VariableScope.CAMPAIGN:
        campaign = entities.load(
            actor, "campaign", scope_id, minimum=WRITE, field="scopeId", lock=True
        )
        return entities.resolve_branch(actor, campaign, branch_id, WRITE), campaign.pk
    if scope == VariableScope.LOCATION:
        # Locations belong to the world; their variables belong to one campaign's branch.
        location: Location = entities.load(actor, "location", scope_id, field="scopeId")
        branch, _ = target_branch(actor, "campaign", None, campaign_id, branch_id, "campaignId")
        if branch.campaign.world_id != location.world_id:
            raise ValidationError("The location is not in this campaign's world", field="scopeId")
        return branch, location.pk
    entity = entities.load(
        actor, scope, scope_id, branch_id=branch_id, minimum=WRITE, field="scopeId", lock=True
    )
    return entity.branch, entity.uid


def _refuse_cycles(variable: StateVariable) -> None:
    """Refuse a derived formula that would make a variable depend on itself, through any chain
    of variables that can see each other (naming the cycle)."""
    if variable.type != VariableType.DERIVED:
        return
    if variable.branch is None:
        in_scope = dependencies.world_variables(variable.scope_uid)
        campaign_id, world_id = None, variable.scope_uid
    else:
        in_scope = dependencies.branch_variables(variable.branch)
        campaign_id = variable.branch.campaign_id
        world_id = variable.branch.campaign.world_id
    # The variable as it is about to be saved: a formula may name the variable itself.
    variables = [v for v in in_scope if v.uid != variable.uid] + [variable]
    graph, _ = dependencies.variable_graph(variables, campaign_id, world_id)
    node_id = dependencies.variable_node_id(variable)
    for cycle in graph.find_cycles():
        if node_id in cycle.path:
            # Told from the variable being changed: b -> a -> b when b is the one edited.
            loop = cycle.path[:-1]
            start = loop.index(node_id)
            path = [*loop[start:], *loop[:start], node_id]
            labels = [graph.nodes[n].label for n in path]
            raise ValidationError(
                "This formula would create a cycle: " + " -> ".join(labels),
                field="formula",
                cycle=path,
            )


@transaction.atomic  # the entity or campaign the rule hangs from is held until it is saved
def create_state_variable(actor: Actor, *, data: Mapping[str, object]) -> StateVariable:
    # Unchecked input: each value is checked as it is taken out.
    given: dict[str, Any] = dict(data)
    scope = lower_choice(VariableScope)(given.pop("scope", None), "scope")
    kind = lower_choice(VariableType)(given.pop("type", None), "type")
    key = identifier(given.pop("key", None), "key")
    branch, scope_uid = _variable_home(
        actor,
        scope,
        given.pop("scope_id", None),
        given.pop("campaign_id", None),
        given.pop("branch_id", None),
    )
    cleaned = f.clean_fields(given, VARIABLE_FIELDS)
    _check_value_and_formula(kind, cleaned.get("value"), cleaned.get("formula"))
    taken = StateVariable.objects.filter(branch=branch, scope=scope, scope_uid=scope_uid, key=key)

    def refuse_taken() -> None:
        if taken.exists():
            raise ValidationError(f"A variable {key!r} already exists in this scope", field="key")

    refuse_taken()
    variable = StateVariable(
        branch=branch,
        scope=scope,
        scope_uid=scope_uid,
        key=key,
        type=kind,
        created_by=actor.user,
        updated_by=actor.user,
        **cleaned,
    )
    _refuse_cycles(variable)
    variable_values.refuse_over_limits(variable)
    try:
        with transaction.atomic():
            saved = entities.save_new(actor, instance=variable)
    except IntegrityError:
        # A concurrent request took the key after our check: the check's refusal.
        refuse_taken()
        raise
    return _changed(saved, set())


def update_state_variable(
    actor: Actor,
    *,
    variable_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[RuleRouting],
) -> StateVariable:
    variable: StateVariable = entities.load(
        actor,
        "state_variable",
        variable_id,
        branch_id=options.get("branch_id"),
        minimum=WRITE,
    )
    cleaned = f.clean_fields(data, VARIABLE_FIELDS)
    value = cleaned.get("value", variable.value)
    formula = cleaned.get("formula", variable.formula)
    _check_value_and_formula(variable.type, value, formula)
    before = _dependents(variable)
    if "formula" in cleaned:
        variable.formula = formula
        _refuse_cycles(variable)
        variable_values.refuse_over_limits(variable)
    updated = entities.update(
        actor,
        instance=variable,
        changes={**cleaned, "updated_by": actor.user},
        expected_version=options.get("expected_version"),
    )
    return _changed(updated, before)


# --- Effects -----------------------------------------------------------------------------------

EFFECT_FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "description": f.text,
    "effect_type": f.name,
    "payload": f.json_value,
    "timing": f.choice(EffectTiming.values),
    "priority": f.integer(-1_000_000, 1_000_000),
    "is_active": f.boolean,
}


def _effect_target(actor: Actor, source: Any, target_type: str, target_id: EntityId | None) -> Any:
    """The effect's target, held until the effect is saved: its own source, or an entity of the
    source's branch (another branch's or campaign's is not found)."""
    if target_type == EffectTarget.SELF:
        return source
    if target_id is None:
        raise ValidationError(f"targetId is required for a {target_type} target", field="targetId")
    return entities.load(
        actor,
        target_type,
        target_id,
        branch_id=source.branch_id,
        minimum=WRITE,
        field="targetId",
        lock=True,
    )


def _check_payload(effect: Effect, target: Any) -> None:
    if effect.payload == []:
        # RFC 6902 allows it, but an effect that does nothing is a mistake.
        raise ValidationError(
            "An effect's payload is a non-empty list of operations", field="payload"
        )
    check_against_target(
        validate_patch(effect.payload, effect.patched_type), effect.patched_type, target
    )


def _target_of(effect: Effect) -> Any:
    """The live target of a saved effect, on the effect's branch."""
    kind = KINDS[effect.patched_type]
    target = kind.model.objects.filter(
        branch_id=effect.branch_id, uid=effect.target_uid or effect.source_uid
    ).first()
    if target is None:
        raise ValidationError("The effect's target no longer exists", field="targetId")
    return target


@transaction.atomic  # the entity or campaign the rule hangs from is held until it is saved
def create_effect(actor: Actor, *, data: Mapping[str, object]) -> Effect:
    # Unchecked input: each value is checked as it is taken out.
    given: dict[str, Any] = dict(data)
    source_type = lower_choice(Occurrence)(given.pop("entity_type", None), "entityType")
    source = entities.load(
        actor,
        source_type,
        given.pop("entity_id", None),
        branch_id=given.pop("branch_id", None),
        minimum=WRITE,
        field="entityId",
        lock=True,
    )
    target_type = lower_choice(EffectTarget)(
        given.pop("target_type", "self") or "self", "targetType"
    )
    target = _effect_target(actor, source, target_type, given.pop("target_id", None))
    cleaned = f.clean_fields(given, EFFECT_FIELDS, required=("name", "payload"))
    effect = Effect(
        branch=source.branch,
        source_type=source_type,
        source_uid=source.uid,
        target_type=target_type,
        target_uid=None if target is source else target.uid,
        **cleaned,
    )
    _check_payload(effect, target)
    return _changed(entities.save_new(actor, instance=effect), set())


def update_effect(
    actor: Actor, *, effect_id: EntityId, data: Mapping[str, object], **options: Unpack[RuleRouting]
) -> Effect:
    effect: Effect = entities.load(
        actor, "effect", effect_id, branch_id=options.get("branch_id"), minimum=WRITE
    )
    cleaned = f.clean_fields(data, EFFECT_FIELDS)
    if "payload" in cleaned:
        effect.payload = cleaned["payload"]
        _check_payload(effect, _target_of(effect))
    before = _dependents(effect)
    return _changed(
        entities.update(
            actor,
            instance=effect,
            changes=cleaned,
            expected_version=options.get("expected_version"),
        ),
        before,
    )


# --- Availability conditions of events and encounters -------------------------------------------

AVAILABILITY_FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "description": f.text,
    "expression": expression,
    "is_active": f.boolean,
}


@transaction.atomic  # the entity or campaign the rule hangs from is held until it is saved
def create_condition(actor: Actor, *, data: Mapping[str, object]) -> Condition:
    # Unchecked input: each value is checked as it is taken out.
    given: dict[str, Any] = dict(data)
    target_type = lower_choice(Occurrence)(given.pop("entity_type", None), "entityType")
    target = entities.load(
        actor,
        target_type,
        given.pop("entity_id", None),
        branch_id=given.pop("branch_id", None),
        minimum=WRITE,
        field="entityId",
        lock=True,
    )
    cleaned = f.clean_fields(given, AVAILABILITY_FIELDS, required=("name", "expression"))
    condition = Condition(
        branch=target.branch, target_type=target_type, target_uid=target.uid, **cleaned
    )
    return entities.save_new(actor, instance=condition)


def update_condition(
    actor: Actor,
    *,
    condition_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[RuleRouting],
) -> Condition:
    condition = entities.load(
        actor, "condition", condition_id, branch_id=options.get("branch_id"), minimum=WRITE
    )
    return entities.update(
        actor,
        instance=condition,
        changes=f.clean_fields(data, AVAILABILITY_FIELDS),
        expected_version=options.get("expected_version"),
    )


# --- Shared ------------------------------------------------------------------------------------


def toggle_active(
    actor: Actor, *, kind: str, rule_id: EntityId, is_active: bool, **options: Unpack[RuleRouting]
) -> Rule:
    """Turning a rule on or off is a change like any other: versioned, audited, invalidating."""
    rule = entities.load(actor, kind, rule_id, branch_id=options.get("branch_id"), minimum=WRITE)
    before = _dependents(rule)
    active = f.boolean(is_active, "isActive")
    return _changed(
        entities.update(
            actor,
            instance=rule,
            changes={"is_active": active},
            expected_version=options.get("expected_version"),
        ),
        before,
    )


def delete_rule(
    actor: Actor, *, kind: str, rule_id: EntityId, **options: Unpack[RuleRouting]
) -> Rule:
    rule = entities.load(actor, kind, rule_id, branch_id=options.get("branch_id"), minimum=MANAGE)
    before = _dependents(rule)
    return _changed(
        entities.delete_with_descendants(
            actor, instance=rule, expected_version=options.get("expected_version")
        ),
        before,
    )


NODE_TYPES: dict[type, str] = {
    FieldCondition: "CONDITION",
    StateVariable: "VARIABLE",
    Effect: "EFFECT",
}


def _node_id(rule: Rule) -> str | None:
    node_type = NODE_TYPES.get(type(rule))
    return f"{node_type}:{rule.uid}" if node_type else None


def _dependents(rule: Rule) -> set[str]:
    """What depends on ``rule`` before it changes: a deleted or deactivated rule leaves the graph,
    and its former dependents must still be recomputed."""
    node_id = _node_id(rule)
    if node_id is None or rule.branch is None:
        return set()
    return dependencies.cached(rule.branch).affected_by({node_id})


def _changed(rule: R, before: set[str]) -> R:
    """On commit: recompute (only) what depends on the rule, and make caches see the change."""
    node_id = _node_id(rule)
    if rule.branch_id is not None and node_id is not None:
        follow_up.after_commit(
            tasks.recompute_rule_dependents, str(rule.branch_id), sorted(before | {node_id})
        )
    if isinstance(rule, StateVariable) and rule.branch_id is None:
        # A world variable is in scope on every branch of every campaign of its world, which the
        # rule's own commit hook (campaign and branch) does not reach: bump them all.
        world_id = rule.scope_uid

        def bump() -> None:
            rows = Branch.objects.filter(campaign__world_id=world_id)
            for campaign_id, branch_id in rows.values_list("campaign_id", "pk"):
                generations.bump(campaign_id, branch_id)

        transaction.on_commit(bump)
    return rule
