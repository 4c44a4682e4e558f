"""A campaign as one JSON document, and back: every branch, every row of every kind (the rules'
included), its history (versions, level changes, merges) and its audit trail, with the world,
locations and users they refer to. ``manage.py export_campaign`` / ``import_campaign``.

The kinds are found in the app registry (every model with a foreign key to the campaign, to a
branch or to a row already taken), so a kind added later travels without changes here, and this
module imports no app above ``campaign``. Database keys never appear: a row with a UUID key is
named by it; a row with a sequential key by its position among its kind's rows of the export (rows
go out in key order, and are created again in that order). ``Branch.fork_point`` compares with
history keys, so it travels as how many of the campaign's versions it covers.

Import writes the rows as they were exported, their history and audit trail included: it
restores the record, it does not make a change (so, unlike an action, it adds no version or audit
row of its own; the command logs it). Importing an export into a database without that campaign
and exporting again gives the same document.
"""

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from graphlib import TopologicalSorter
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from campaign.models import Branch, Campaign, Location, User, Version, World
from kernel import generations
from kernel.errors import NotFound, ValidationError

FORMAT = "campaign-manager/campaign-export"
FORMAT_VERSION = 1
# Credentials and operational queues are not campaign data.
NOT_EXPORTED = {
    "campaign.RefreshToken",
    "campaign.ApiKey",
    "campaign.User",
    "campaign.World",
    "campaign.Location",
    "campaign.Campaign",
}
# Kinds that have moved to another app since exports named them, by the label an export gives.
MOVED_KINDS = {"scheduler.DeferredWork": "rules.DeferredWork"}
Progress = Callable[[str, int, int], None]


def _no_progress(label: str, done: int, total: int) -> None:
    return None


def target(field: Any) -> type[models.Model]:
    """The model a foreign key points to."""
    model = field.related_model
    assert isinstance(model, type)
    return model


def sequential(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


def scoped_models() -> list[tuple[type[models.Model], list[str]]]:
    """Every kind that belongs to a campaign, parents first, each with its foreign keys that
    lead to the campaign's rows."""
    taken: dict[type[models.Model], list[str]] = {Campaign: []}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in taken or model._meta.label in NOT_EXPORTED:
                continue
            links = [
                field.name
                for field in model._meta.concrete_fields
                if field.is_relation
                and field.related_model in taken
                and field.related_model is not model
            ]
            if links:
                taken[model] = links
                changed = True
    del taken[Campaign]
    graph = {
        model: {
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.related_model in taken
            and field.related_model is not model
        }
        for model in taken
    }
    return [(model, taken[model]) for model in TopologicalSorter(graph).static_order()]


def rows_of(model: type[models.Model], links: list[str], scope: dict[type, list[Any]]) -> Any:
    """The campaign's rows of ``model``: through any of its links (a merge names two branches)."""
    manager = getattr(model, "all_objects", model._default_manager)
    condition = models.Q()
    for link in links:
        related = target(model._meta.get_field(link))
        if related is Campaign:
            condition |= models.Q(**{link: scope[Campaign][0]})
        else:
            condition |= models.Q(**{f"{link}__in": scope[related]})
    ordering = (
        ["pk"]
        if sequential(model) or not hasattr(model, "created_at")
        else [
            "created_at",
            "pk",
        ]
    )
    return manager.filter(condition).order_by(*ordering)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


class Keys:
    """How references are written: a UUID key as itself, a sequential key as its position."""

    def __init__(self) -> None:
        self.positions: dict[type[models.Model], dict[Any, int]] = {}

    def name(self, model: type[models.Model], pk: Any) -> Any:
        if pk is None:
            return None
        if sequential(model):
            return self.positions[model][pk]
        return str(pk)


def _row(obj: models.Model, keys: Keys) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key and sequential(type(obj)):
            continue
        if field.is_relation:
            row[field.name] = keys.name(target(field), getattr(obj, field.attname))
        else:
            row[field.name] = _plain(field.value_from_object(obj))
    return row


def _global_row(obj: models.Model) -> dict[str, Any]:
    return {
        field.attname: _plain(field.value_from_object(obj)) for field in obj._meta.concrete_fields
    }


def export(campaign_id: Any, progress: Progress = _no_progress) -> dict[str, Any]:
    campaign = Campaign.all_objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(f"No campaign {campaign_id}", field="campaign")
    keys = Keys()
    scope: dict[type, list[Any]] = {Campaign: [campaign.pk]}
    rows: list[dict[str, Any]] = []
    versions: list[int] = []
    for model, links in scoped_models():
        objects = list(rows_of(model, links, scope))
        scope[model] = [obj.pk for obj in objects]
        if sequential(model):
            keys.positions[model] = {obj.pk: n for n, obj in enumerate(objects)}
        if model is Version:
            versions = [obj.pk for obj in objects]
        out = []
        for done, obj in enumerate(objects, 1):
            out.append(_row(obj, keys))
            if done % 500 == 0:
                progress(model._meta.label, done, len(objects))
        progress(model._meta.label, len(objects), len(objects))
        rows.append({"kind": model._meta.label, "rows": out})
    _fork_points_as_counts(rows, versions)
    users = _users_of(campaign, rows)
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "campaign": _global_row(campaign),
        "world": _global_row(campaign.world),
        "locations": [
            _global_row(location)
            for location in Location.all_objects.filter(world=campaign.world).order_by(
                "created_at", "pk"
            )
        ],
        "users": [
            {"id": str(user.pk), "email": user.email, "name": user.name}
            for user in User.objects.filter(pk__in=users).order_by("email")
        ],
        "kinds": rows,
    }


def _fork_points_as_counts(kinds: list[dict[str, Any]], versions: list[int]) -> None:
    for kind in kinds:
        if kind["kind"] == Branch._meta.label:
            for row in kind["rows"]:
                if row["fork_point"] is not None:
                    row["fork_point"] = sum(1 for pk in versions if pk <= row["fork_point"])


def _users_of(campaign: Campaign, kinds: list[dict[str, Any]]) -> set[str]:
    users = {str(campaign.owner_id), str(campaign.world.owner_id)}
    for kind in kinds:
        model = apps.get_model(kind["kind"])
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                users.update(row[field.name] for row in kind["rows"] if row[field.name])
    return users


# --- import ------------------------------------------------------------------------------------


@contextmanager
def _timestamps_as_given(model: type[models.Model]) -> Iterator[None]:
    """Creation and modification times are restored, not set to now."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _value(field: "models.Field[Any, Any]", value: Any) -> Any:
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def _instance(
    model: type[models.Model], row: dict[str, Any], created: dict[type, list[Any]]
) -> models.Model:
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.name not in row:
            continue
        value = row[field.name]
        if field.is_relation:
            related = target(field)
            if value is not None and sequential(related):
                value = created[related][value]
            values[field.attname] = value
        else:
            values[field.attname] = _value(field, value)
    return model(**values)


def _global(model: type[models.Model], row: dict[str, Any]) -> models.Model:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return model(**{name: _value(fields[name], value) for name, value in row.items()})


def import_(document: dict[str, Any], progress: Progress = _no_progress) -> Campaign:
    if document.get("format") != FORMAT or document.get("formatVersion") != FORMAT_VERSION:
        raise ValidationError("Not a campaign export of a known version", field="format")
    with transaction.atomic():
        campaign_id = document["campaign"]["id"]
        if Campaign.all_objects.filter(pk=campaign_id).exists():
            raise ValidationError(f"Campaign {campaign_id} already exists", field="campaign")
        for user in document["users"]:
            if not User.objects.filter(pk=user["id"]).exists():
                if User.objects.filter(email__iexact=user["email"]).exists():
                    raise ValidationError(f"{user['email']} exists with another id", field="users")
                # No password travels: the user sets one through a reset.
                User.objects.create(
                    id=user["id"],
                    email=user["email"],
                    name=user["name"],
                    password=make_password(None),
                )
        for model, rows in ((World, [document["world"]]), (Location, document["locations"])):
            with _timestamps_as_given(model):
                existing = set(
                    model.all_objects.filter(pk__in=[r["id"] for r in rows]).values_list(
                        "pk", flat=True
                    )
                )
                fresh = [_global(model, r) for r in rows if uuid.UUID(r["id"]) not in existing]
                # Parents first (a location may sit in another).
                model.all_objects.bulk_create(parents_first(fresh))
        with _timestamps_as_given(Campaign):
            Campaign.all_objects.bulk_create(
                [cast(Campaign, _global(Campaign, document["campaign"]))]
            )
        created: dict[type, list[Any]] = {}
        versions_in_order: list[int] = []
        branches: list[dict[str, Any]] = []
        for kind in document["kinds"]:
            model = apps.get_model(MOVED_KINDS.get(kind["kind"], kind["kind"]))
            objects = [_instance(model, row, created) for row in kind["rows"]]
            if model is Branch:
                branches = kind["rows"]
                for obj in objects:
                    obj.fork_point = None  # type: ignore[attr-defined]
                objects = parents_first(objects)
            manager = getattr(model, "all_objects", model._default_manager)
            with _timestamps_as_given(model):
                saved = []
                for start in range(0, len(objects), 1000):
                    saved += manager.bulk_create(objects[start : start + 1000])
                    progress(model._meta.label, len(saved), len(objects))
            if sequential(model):
                created[model] = [obj.pk for obj in saved]
            if model is Version:
                versions_in_order = created[model]
        for row in branches:
            if row["fork_point"] is not None:
                covered = row["fork_point"]
                point = versions_in_order[covered - 1] if covered else 0
                Branch.all_objects.filter(pk=row["id"]).update(fork_point=point)
        # Written without the actions: the new campaign is in its members' lists all the same.
        generations.bump_on_commit(generations.CAMPAIGNS)
        return Campaign.all_objects.get(pk=campaign_id)


def parents_first(objects: list[Any]) -> list[Any]:
    """Rows of a kind that refers to itself (``parent``), each after its parent."""
    if not objects or not hasattr(objects[0], "parent_id"):
        return objects
    by_pk = {obj.pk: obj for obj in objects}
    graph = {obj.pk: {obj.parent_id} & by_pk.keys() for obj in objects}
    return [by_pk[pk] for pk in TopologicalSorter(graph).static_order()]
