"""JSON snapshots of entities, as stored in history and audit rows.

Foreign keys appear as the related object's public id, so a snapshot means the same thing on
every branch. Datetimes are ISO-8601 UTC with milliseconds and ``Z``.
"""

import datetime
import uuid
from typing import Any

from django.db import models

# Bookkeeping columns that say nothing about the entity itself.
EXCLUDED = frozenset({"id", "uid", "branch"})


def iso(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    utc = value.astimezone(datetime.UTC)
    # Not strftime("%Y"): it writes the year 500 as "500", which is not ISO-8601.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}"
        f":{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def public_id(instance: models.Model) -> str:
    return str(getattr(instance, "uid", None) or instance.pk)


def to_json(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return iso(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"id": public_id(instance)}
    for f in instance._meta.concrete_fields:
        if f.name in EXCLUDED:
            continue
        if isinstance(f, models.ForeignKey):
            if getattr(instance, f.attname) is None:
                data[f.name] = None
            else:
                data[f.name] = public_id(getattr(instance, f.name))
        else:
            data[f.name] = to_json(getattr(instance, f.attname))
    return data
