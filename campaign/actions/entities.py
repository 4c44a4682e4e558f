"""The generic life cycle every entity shares: load with authorization, create, update with
compare-and-set, cascading soft delete, archive and restore, levels and typed variables.

Entity modules (``kingdoms.py``, …) clean their own fields and call these.

Structural writes — creating a row under a parent, moving a row to another parent, deleting a
row with its descendants — lock rows top down: first the root (the campaign of campaign
content, the world of a location), then the parent, then the rows they change. A delete and a
create under the same parent therefore serialize: on PostgreSQL on the row locks (READ
COMMITTED re-reads a locked row once it is released, so a create that waited sees the parent
deleted, and a cascade that waited sees the new child), on SQLite on the write lock every
transaction takes as it begins (IMMEDIATE). Holding the root first also means two structural
writes never wait on each other in a cycle. Row locks are FOR NO KEY UPDATE: no write changes a
key, and a stronger lock would block every insert that merely refers to the row (its audit
rows, its children).
"""

import datetime
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, TypedDict, TypeVar, cast

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaign import variables as typed_variables
from campaign.actions import announcements, history
from campaign.actions.fields import moment
from campaign.actions.history import Snapshot
from campaign.actions.kinds import KINDS, Child, Kind, campaign_of, kind_of
from campaign.models import Branch, Campaign, Location, Operation, Role, World
from campaign.permissions import READ, WRITE, require_role, require_world, require_world_owner
from kernel import compiled
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import AuthenticationError, Conflict, DomainError, NotFound, ValidationError
from kernel.ids import EntityId
from kernel.models import BranchScopedEntity, VersionedModel
from kernel.snapshots import public_id, snapshot

M = TypeVar("M", bound=VersionedModel)
# What carries a ``version`` to compare and set: entities, and branches (their clock).
Row = TypeVar("Row", VersionedModel, Branch)
Scoped = TypeVar("Scoped", bound=BranchScopedEntity)


def parse_id(value: object, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationError(f"{field} is not a valid ID: {value!r}", field=field) from exc


def require_authenticated(actor: Actor) -> None:
    """Refuse anonymous callers before any lookup: otherwise an unknown id would answer
    NOT_FOUND (or null) and a real one UNAUTHENTICATED, telling them which ids exist."""
    if actor.user is None and not actor.is_system:
        raise AuthenticationError("Authentication required")


def authorize(actor: Actor, instance: models.Model, minimum: Role) -> None:
    """Refuse unless the actor holds ``minimum`` where ``instance`` lives (its campaign, or the
    world of world-owned rows); a non-member is told it does not exist."""
    kind = kind_of(instance)
    hidden = NotFound.entity(kind.entity_type, public_id(instance))
    if kind.world_owned(instance):
        # The world and its own variables: read by its campaigns' members, changed by its owner.
        world = kind.world_of(instance)
        if world is None:
            raise hidden
        if minimum == READ:
            require_world(actor, world, READ, hidden)
        else:
            require_world_owner(actor, world, hidden)
    elif isinstance(instance, Location):
        require_world(actor, instance.world, minimum, hidden)
    else:
        campaign = campaign_of(instance)
        assert campaign is not None
        require_role(actor, campaign, minimum, hidden)


def authorize_change(actor: Actor, instance: models.Model, operation: str) -> None:
    """How every action that is handed a loaded row authorizes itself: with the role its kind
    requires for ``operation`` (``Kind.required_role``), whatever the caller checked before."""
    authorize(actor, instance, kind_of(instance).required_role(operation))


def load(
    actor: Actor,
    kind_name: str,
    entity_id: EntityId | None,
    *,
    branch_id: EntityId | None = None,
    minimum: Role = READ,
    field: str = "id",
    lock: bool = False,
    referenced: bool = False,
) -> Any:
    """The live entity with this public id, on ``branch_id`` or else its campaign's main branch.

    Raises NotFound both for a missing entity and for one the actor may not see, and a
    ValidationError naming ``field`` for what is not an id (None included: a missing input).
    ``lock`` holds it as the parent of a structural write in the caller's transaction (see
    ``hold``); ``referenced`` joins the rows its snapshot names (see ``compare_and_set``).
    """
    require_authenticated(actor)
    kind = KINDS[kind_name]
    ids = {"uid": parse_id(entity_id, field)}
    if branch_id is not None and hasattr(kind.model, "uid"):
        ids["branch"] = parse_id(branch_id, "branchId")
    # One error for a missing entity and for a hidden one, so probing ids reveals nothing; it
    # names the input field that held the id (e.g. an unknown ``kingdomId`` of a new settlement).
    missing = NotFound.entity(kind.entity_type, entity_id, field)
    instance = _load_query(kind.model, "branch" in ids, referenced).first(**ids)
    if instance is None:
        raise missing
    try:
        authorize(actor, instance, minimum)
    except NotFound as hidden:
        raise missing from hidden
    if lock:
        hold(instance, missing)
    return instance


@functools.cache
def _load_query(
    model: type[models.Model], on_a_branch: bool, referenced: bool
) -> compiled.CompiledQuery:
    """``load``'s query of ``model``: by public id on a given branch or on the main branch, with
    the rows its snapshot names when ``referenced``. Compiled once (kernel/compiled.py)."""

    def build(uid: uuid.UUID, branch: uuid.UUID | None = None) -> QuerySet:
        if not hasattr(model, "uid"):
            query = model._default_manager.filter(pk=uid)
        else:
            # A deleted branch takes its rows out of reach with it.
            query = (
                model._default_manager.filter(uid=uid)
                .exclude(branch__deleted_at__isnull=False)
                .select_related("branch__campaign")
            )
            if on_a_branch:
                query = query.filter(branch_id=branch)
            else:
                # The main branch's row; world-scoped variables have no branch at all.
                query = query.filter(Q(branch__parent__isnull=True) | Q(branch__isnull=True))
        if referenced:
            query = query.select_related(*_referenced(model)).only(*_read_for_write(model))
        return query.order_by("pk")[:1]

    return compiled.CompiledQuery(build, "uid", *(["branch"] if on_a_branch else []))


def load_related(
    branch: Branch, kind_name: str, entity_id: EntityId, field: str, *, lock: bool = False
) -> Any:
    """A live entity of the same branch that another entity refers to (e.g. a character's
    party). Reported as a bad ``field`` rather than as a missing top-level object; ``lock``
    holds it as the parent of a structural write (see ``hold``)."""
    kind = KINDS[kind_name]
    uid = parse_id(entity_id, field)
    instance = kind.model.objects.filter(branch=branch, uid=uid).select_related("branch").first()
    missing = ValidationError(
        f"{kind.label} {entity_id} does not exist in this campaign branch", field=field
    )
    if instance is None:
        raise missing
    if lock:
        hold(instance, missing)
    return instance


def hold(parent: models.Model, missing: DomainError) -> None:
    """Lock ``parent``, after its root, until the caller's transaction ends, for a write that
    puts a row under it; ``missing`` (what a missing parent gets) if it was deleted meanwhile."""
    root = _root(parent)
    if root != (type(parent), parent.pk):
        _lock(*root)
    if not _lock(type(parent), parent.pk):
        raise missing


def _root(instance: models.Model) -> tuple[type[models.Model], uuid.UUID]:
    """The row every structural write under ``instance`` locks first; campaigns and worlds are
    their own roots."""
    if isinstance(instance, Campaign | World):
        return type(instance), instance.pk
    if isinstance(instance, Location):
        return World, instance.world_id
    if isinstance(instance, Branch):
        return Campaign, instance.campaign_id
    branch = getattr(instance, "branch", None)
    if branch is None:  # a world's own variable
        return World, instance.scope_uid  # type: ignore[attr-defined]
    return Campaign, branch.campaign_id


def _lock(model: type[models.Model], pk: uuid.UUID) -> bool:
    """Lock one row (FOR NO KEY UPDATE); whether it is live, as it is once we hold it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A row lock outside a transaction would be released at once")
    rows = model._base_manager.select_for_update(no_key=True).filter(pk=pk)
    return any(deleted_at is None for deleted_at in rows.values_list("deleted_at", flat=True))


def resolve_branch(
    actor: Actor,
    campaign: Campaign,
    branch_id: EntityId | None,
    minimum: Role,
    field: str = "branchId",
) -> Branch:
    """The explicit branch (which must belong to ``campaign``), else the campaign's main branch."""
    require_role(actor, campaign, minimum)
    query = Branch.objects.filter(campaign=campaign).select_related("campaign")
    if branch_id is None:
        branch = query.filter(parent__isnull=True).first()
    else:
        branch = query.filter(pk=parse_id(branch_id, field)).first()
    if branch is None:
        raise NotFound.entity("branch", branch_id, field)
    return branch


def _record(
    actor: Actor,
    instance: models.Model,
    operation: str,
    previous: Snapshot,
    world_time: datetime.datetime | None,
    *,
    metadata_changes: dict[str, object] | None = None,
) -> None:
    """Write the history and audit of a change to ``instance`` and announce it after commit."""
    kind = kind_of(instance)
    change = history.Change(
        entity_type=kind.entity_type,
        entity_id=public_id(instance),
        operation=operation,
        previous=previous,
        new=snapshot(instance),
        campaign=campaign_of(instance),
        branch=getattr(instance, "branch", None),
        valid_from=world_time,
        changes=metadata_changes,
    )
    history.record(actor, change)
    version = getattr(instance, "version", None)
    history.after_commit(
        actor,
        change,
        version=version,
        extra_rooms=kind.rooms(instance),
        announcement=announcements.entity_changed(
            change,
            version=version,
            changed=history.changed_fields(change),
            event_type=kind.event_type,
            ids=kind.event_ids(instance),
        ),
    )


def save_new(actor: Actor, *, instance: M, world_time: datetime.datetime | None = None) -> M:
    """Insert a cleaned, authorized entity with its history and audit, atomically."""
    with transaction.atomic():
        return _insert(actor, instance, world_time)


# ``_insert`` and ``_update`` are ``save_new`` and ``update`` for the actions of this module that
# hold a transaction of their own already: a nested ``atomic`` would cost a savepoint, two
# statements, for every write (issue 15), and their own block rolls back as one.


def _insert(actor: Actor, instance: M, world_time: datetime.datetime | None) -> M:
    instance.save(force_insert=True)
    _record(actor, instance, Operation.CREATE, None, world_time)
    return instance


Changes: TypeAlias = Mapping[str, object] | Callable[[Row], Mapping[str, object]]


def compare_and_set(
    instance: Row,
    changes: Changes[Row],
    *,
    expected_version: int | None,
    missing: DomainError,
    conflict: Callable[[int, int | None], Conflict],
    loaded: bool = False,
) -> tuple[dict[str, Any], Row]:
    """Write ``changes`` with one conditional ``UPDATE … WHERE version = <read>`` (docs/decisions.md
    §7), in the caller's transaction.

    Returns the row's snapshot before the change and the row as written. ``changes`` may be a
    function of the current row, for changes derived from its state (a variable added to the
    current variables): computing them from a copy read earlier would silently drop a concurrent
    writer's change. ``missing`` is raised for a row deleted meanwhile, ``conflict(expected,
    actual)`` for a version mismatch.

    ``loaded`` says that the action has just read ``instance`` with the rows its snapshot names
    (``load(referenced=True)``) and changed nothing on it. Every write to an entity row adds one to
    its version (decisions §28), so an ``UPDATE … WHERE version = <loaded>`` that writes the row
    proves it was still as loaded: ``instance`` is the previous state and the row ``changes`` are
    computed from, and the write is one statement. Otherwise — not loaded, an
    ``expected_version`` other than the loaded one, changes refused when computed from the loaded
    row, or a row written since — the row is locked and read, and all is judged on that read.
    A branch's delete leaves its clock alone, so a branch is never written as ``loaded``.
    """
    if loaded and expected_version in (None, instance.version):
        written = _set_if_unchanged(instance, changes)
        if written is not None:
            return written
    # The rows the snapshot, the history and the audit name (the parents, the branch and its
    # campaign) come joined, each read with the locked row rather than on its own; only the
    # row itself is locked.
    manager = type(instance)._base_manager
    locked = manager.select_for_update(no_key=True, of=("self",))
    current = locked.select_related(*_referenced(type(instance))).filter(pk=instance.pk).first()
    if current is None or current.deleted_at is not None:
        raise missing
    if expected_version is not None and current.version != expected_version:
        raise conflict(expected_version, current.version)
    previous = snapshot(current)
    if not _write(current, changes(current) if callable(changes) else changes):
        actual = manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise conflict(current.version, actual)
    return previous, current


def _set_if_unchanged(instance: Row, changes: Changes[Row]) -> tuple[dict[str, Any], Row] | None:
    """``compare_and_set`` of a row as loaded; None when the row is not proven current."""
    try:
        values = changes(instance) if callable(changes) else changes
    except DomainError:
        # Refused on a row that may be stale: the locked read judges again.
        return None
    previous = snapshot(instance)
    if not _write(instance, values):
        return None
    return previous, instance


def _write(row: Row, changes: Mapping[str, object]) -> bool:
    """Write ``changes`` if the row is still at ``row``'s version, adding one; then ``row`` is
    as written."""
    now = timezone.now()
    # The statement is compiled once per model and fields (kernel/compiled.py); matching the
    # version read makes setting it to one more the same as adding one.
    written = compiled.update(
        type(row),
        match={"pk": row.pk, "version": row.version},
        values={**changes, "version": row.version + 1, "updated_at": now},
    )
    if written != 1:
        return False
    for field, value in changes.items():
        setattr(row, field, value)
    row.version += 1
    row.updated_at = now
    return True


@functools.cache
def _referenced(model: type[models.Model]) -> tuple[str, ...]:
    names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    return tuple("branch__campaign" if name == "branch" else name for name in names)


@functools.cache
def _read_for_write(model: type[models.Model]) -> tuple[str, ...]:
    """The columns a write of ``model`` reads: its own, its branch and campaign whole (the write
    path authorizes, times and announces with them), and of every other row its snapshot names
    only the public id (``snapshot.public_id``): a parent's other columns, a location's geometry
    among them, would be read for nothing. A field left out costs a query when read."""
    own = [f.name for f in model._meta.concrete_fields]
    parents = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.name != "branch":
            related = f.target_field.model._meta
            has_uid = any(g.name == "uid" for g in related.concrete_fields)
            parents.append(f"{f.name}__{'uid' if has_uid else related.pk.name}")
    return (*own, *parents)


def update(
    actor: Actor,
    *,
    instance: M,
    changes: Changes[VersionedModel],
    expected_version: int | None = None,
    world_time: datetime.datetime | None = None,
    operation: str = Operation.UPDATE,
) -> M:
    """Apply ``changes`` with one compare-and-set on ``version`` (see ``compare_and_set``) and
    write the change's history and audit. The caller has authorized the change."""
    with transaction.atomic():
        return _update(actor, instance, changes, expected_version, world_time, operation)


def _update(
    actor: Actor,
    instance: M,
    changes: Changes[VersionedModel],
    expected_version: int | None,
    world_time: datetime.datetime | None,
    operation: str = Operation.UPDATE,
    *,
    loaded: bool = False,
) -> M:
    previous, current = compare_and_set(
        instance,
        changes,
        expected_version=expected_version,
        missing=NotFound.entity(kind_of(instance).entity_type, public_id(instance)),
        conflict=lambda expected, actual: stale(
            kind_of(instance).label, instance, expected, actual
        ),
        loaded=loaded,
    )
    _record(actor, current, operation, previous, world_time)
    return cast(M, current)  # the row of ``instance``'s own model, as written


def stale(label: str, instance: models.Model, expected: int, actual: int | None) -> Conflict:
    """The conflict of a compare-and-set that found ``instance`` at another version."""
    return Conflict(
        f"{label} {public_id(instance)} was changed by someone else: you expected version"
        f" {expected}, it is now at version {actual}. Reload it and try again.",
        expected_version=expected,
        actual_version=actual,
    )


def archive(actor: Actor, *, instance: M, expected_version: int | None = None) -> M:
    authorize_change(actor, instance, Operation.ARCHIVE)
    return update(
        actor,
        instance=instance,
        changes={"archived_at": timezone.now()},
        expected_version=expected_version,
        operation=Operation.ARCHIVE,
    )


def restore(actor: Actor, *, instance: M, expected_version: int | None = None) -> M:
    authorize_change(actor, instance, Operation.RESTORE)
    return update(
        actor,
        instance=instance,
        changes={"archived_at": None},
        expected_version=expected_version,
        operation=Operation.RESTORE,
    )


def soft_delete(
    actor: Actor,
    *,
    instance: M,
    expected_version: int | None = None,
    world_time: datetime.datetime | None = None,
) -> M:
    """Soft-delete the entity and, in the same transaction, every live descendant (needs the
    owner, see ``Kind.required_role``)."""
    authorize_change(actor, instance, Operation.DELETE)
    return delete_with_descendants(
        actor, instance=instance, expected_version=expected_version, world_time=world_time
    )


def delete_with_descendants(
    actor: Actor,
    *,
    instance: M,
    expected_version: int | None = None,
    world_time: datetime.datetime | None = None,
) -> M:
    """The soft delete itself, for ``soft_delete`` and for actions that authorized the delete of
    what holds ``instance`` (a campaign takes its content along, a world its map).

    Each deleted row gets its tombstone version and its own audit row, with the same timestamp.
    The root is locked first, as every create under the entity does (see the module's doc).
    """
    with transaction.atomic():
        _lock(*_root(instance))
        deleted = _update(
            actor,
            instance,
            {"deleted_at": timezone.now()},
            expected_version,
            world_time,
            Operation.DELETE,
        )
        assert deleted.deleted_at is not None
        _cascade(actor, kind_of(deleted), [deleted], deleted, world_time)
        for child_kind_name, pointer in kind_of(deleted).detach:
            for row in KINDS[child_kind_name].model.objects.filter(**{pointer: deleted}):
                _update(actor, row, {pointer: None}, None, world_time)
    return deleted


def _cascade(
    actor: Actor,
    kind: Kind,
    parents: Sequence[models.Model],
    root: VersionedModel,
    world_time: datetime.datetime | None,
) -> None:
    stamp = root.deleted_at
    assert stamp is not None
    for spec in kind.cascade:
        child_kind = KINDS[spec.kind]
        children = list(_children(spec, parents).select_for_update(no_key=True))
        if not children:
            continue
        for child in children:
            previous = snapshot(child)
            child.deleted_at = stamp
            child.version += 1
            child.save(update_fields=["deleted_at", "version", "updated_at"])
            _record(
                actor,
                child,
                Operation.DELETE,
                previous,
                world_time,
                metadata_changes={
                    "deleted_at": stamp.isoformat(),
                    "cascadedFrom": f"{kind_of(root).entity_type}:{public_id(root)}",
                },
            )
        _cascade(actor, child_kind, children, root, world_time)


def _children(spec: Child, parents: Sequence[models.Model]) -> QuerySet[VersionedModel]:
    query = KINDS[spec.kind].model.objects.filter(
        **{f"{spec.lookup}__in": [getattr(p, spec.by) for p in parents]}, **dict(spec.where)
    )
    if spec.by == "uid":
        # A uid names the entity on every branch: only the parents' branch's rows go.
        query = query.filter(
            branch_id__in={p.branch_id for p in parents if isinstance(p, BranchScopedEntity)}
        )
    return query


def children_of(instance: models.Model) -> list[models.Model]:
    """The live rows a soft delete of ``instance`` takes with it directly (one level)."""
    return [child for spec in kind_of(instance).cascade for child in _children(spec, [instance])]


def set_level(
    actor: Actor,
    *,
    instance: M,
    level: object,
    expected_version: int | None = None,
    world_time: datetime.datetime | None = None,
) -> M:
    authorize_change(actor, instance, Operation.UPDATE)
    kind = kind_of(instance)
    assert kind.level_field is not None
    assert kind.level_range is not None
    low, high = kind.level_range
    if isinstance(level, float) and level.is_integer():
        level = int(level)
    if not isinstance(level, int) or isinstance(level, bool):
        raise ValidationError(f"Level must be an integer, but received {level!r}", field="level")
    if not low <= level <= high:
        raise ValidationError(
            f"{kind.label} level must be between {low} and {high}, but received {level}",
            field="level",
        )
    return update(
        actor,
        instance=instance,
        changes={kind.level_field: level},
        expected_version=expected_version,
        world_time=world_time,
    )


def define_variable_schema(
    actor: Actor, *, instance: M, definition: object, expected_version: int | None = None
) -> M:
    """Add a variable definition, or replace the one with the same name; existing values must
    still fit (a value that no longer does is an error naming it)."""
    authorize_change(actor, instance, Operation.UPDATE)
    cleaned = typed_variables.clean_definition(definition)

    def changes(current: Any) -> dict[str, Any]:
        schemas = [d for d in current.variable_schemas if d["name"] != cleaned["name"]]
        schemas.append(cleaned)
        values = typed_variables.clean_variables(schemas, current.variables)
        return {"variable_schemas": schemas, "variables": values}

    return update(actor, instance=instance, changes=changes, expected_version=expected_version)


def delete_variable_schema(
    actor: Actor, *, instance: M, name: str, expected_version: int | None = None
) -> M:
    authorize_change(actor, instance, Operation.UPDATE)

    def changes(current: Any) -> dict[str, Any]:
        schemas = current.variable_schemas
        if not any(d["name"] == name for d in schemas):
            raise ValidationError(f"No variable named {name!r} is defined", field="name")
        values = {k: v for k, v in current.variables.items() if k != name}
        return {"variable_schemas": [d for d in schemas if d["name"] != name], "variables": values}

    return update(actor, instance=instance, changes=changes, expected_version=expected_version)


def set_variable(
    actor: Actor, *, instance: M, name: str, value: object, expected_version: int | None = None
) -> M:
    authorize_change(actor, instance, Operation.UPDATE)

    def changes(current: Any) -> dict[str, Any]:
        schemas = current.variable_schemas
        if schemas and not any(d["name"] == name for d in schemas):
            raise ValidationError(f"No variable named {name!r} is defined", field="name")
        values = {**current.variables, name: value}
        return {"variables": typed_variables.clean_variables(schemas, values)}

    return update(actor, instance=instance, changes=changes, expected_version=expected_version)


def with_typed_variables(
    cleaned: dict[str, Any], instance: models.Model | None = None
) -> dict[str, Any]:
    """Validate ``variables`` against the schemas being written, else the entity's current ones."""
    if "variable_schemas" in cleaned:
        cleaned["variable_schemas"] = typed_variables.clean_schemas(cleaned["variable_schemas"])
    if "variables" in cleaned or "variable_schemas" in cleaned:
        schemas = cleaned.get("variable_schemas", getattr(instance, "variable_schemas", None) or [])
        values = cleaned.get("variables", getattr(instance, "variables", None) or {})
        cleaned["variables"] = typed_variables.clean_variables(schemas, values)
    return cleaned


# An entity module's cleaner: the input data, the branch the row is on and the row being
# changed (None for a new one) → the model fields to write.
Clean: TypeAlias = Callable[[dict[str, Any], Branch, M | None], dict[str, Any]]


class Placement(TypedDict, total=False):
    """Where a new row goes (the campaign's main branch unless given) and when in the world it
    appears (the branch's current world time unless given)."""

    branch_id: EntityId | None
    world_time: InstantInput | None


class Routing(Placement, total=False):
    """Where an update applies and when, and the version it expects (unchecked unless given)."""

    expected_version: int | None


def create_in_branch(
    actor: Actor,
    *,
    model: type[M],
    branch: Branch,
    data: Mapping[str, object],
    clean: Clean[M],
    world_time: InstantInput | None = None,
) -> M:
    """Clean ``data`` for a new ``model`` row on ``branch`` (already authorized) and save it, in
    the caller's transaction."""
    cleaned = with_typed_variables(clean(dict(data), branch, None))
    return _insert(actor, model(branch=branch, **cleaned), moment(world_time, "worldTime"))


def create_in_campaign(
    actor: Actor,
    *,
    model: type[M],
    campaign_id: EntityId,
    data: Mapping[str, object],
    clean: Clean[M],
    branch_id: EntityId | None = None,
    world_time: InstantInput | None = None,
) -> M:
    with transaction.atomic():
        campaign = load(
            actor, "campaign", campaign_id, minimum=WRITE, field="campaignId", lock=True
        )
        branch = resolve_branch(actor, campaign, branch_id, WRITE)
        return create_in_branch(
            actor, model=model, branch=branch, data=data, clean=clean, world_time=world_time
        )


def create_under(
    actor: Actor,
    *,
    model: type[M],
    parent_kind: str,
    parent_id: EntityId,
    data: Mapping[str, object],
    clean: Clean[M],
    field: str,
    branch_id: EntityId | None = None,
    world_time: InstantInput | None = None,
) -> M:
    """Create a ``model`` row whose ``parent_kind`` foreign key is the entity ``parent_id`` (named
    by the input ``field``). The parent is locked and re-read live first, so that a concurrent
    delete of it either waits for the new row and takes it along, or wins and refuses it."""
    with transaction.atomic():
        parent = load(
            actor,
            parent_kind,
            parent_id,
            branch_id=branch_id,
            minimum=WRITE,
            field=field,
            lock=True,
        )

        def clean_new(data: dict[str, Any], branch: Branch, _: M | None) -> dict[str, Any]:
            return {**clean(data, branch, None), parent_kind: parent}

        return create_in_branch(
            actor,
            model=model,
            branch=parent.branch,
            data=data,
            clean=clean_new,
            world_time=world_time,
        )


def edit(
    actor: Actor,
    *,
    model: type[Scoped],
    entity_id: EntityId,
    data: Mapping[str, object],
    clean: Clean[Scoped],
    branch_id: EntityId | None = None,
    expected_version: int | None = None,
    world_time: InstantInput | None = None,
) -> Scoped:
    """Load, authorize (GM or owner), clean and compare-and-set update one entity; in one
    transaction, since cleaning may lock a new parent (a character moving to another party).

    The row is read once, with what its snapshot names, and written with one ``UPDATE`` when no
    one wrote it in between (``compare_and_set``'s ``loaded``); it is locked no earlier than
    the parents that cleaning locks."""
    instance: Scoped = load(
        actor, model.entity_type, entity_id, branch_id=branch_id, minimum=WRITE, referenced=True
    )
    with transaction.atomic():
        cleaned = clean(dict(data), instance.branch, instance)
        return _update(
            actor,
            instance,
            # Variables are checked against the schemas of the row the write finds, not of a
            # row someone has changed since it was read.
            lambda current: with_typed_variables(dict(cleaned), current),
            expected_version,
            moment(world_time, "worldTime"),
            loaded=True,
        )
