"""Turning snapshot values (``kernel.snapshots``: foreign keys as public ids, ISO date-times) back
into model field values on a branch, for the actions that write history back into rows:
merges, cherry-picks and restores."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from campaign.models import Branch
from kernel.errors import ValidationError
from kernel.snapshots import EXCLUDED


def field_values(
    model: type[models.Model], values: Mapping[str, Any], branch: Branch, *, live: bool = True
) -> dict[str, Any]:
    """Model field values for the snapshot ``values``; a foreign key to a branch-scoped row
    names the row with that public id on ``branch``, which must be live there (any row, for a
    past state: ``live=False``)."""
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if name in EXCLUDED:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValidationError(f"{name} is not a field of this entity", field=name) from exc
        if not isinstance(field, models.Field):
            raise ValidationError(f"{name} is not a field of this entity", field=name)
        if isinstance(field, models.ForeignKey):
            fields[name] = _related(field, value, branch, live)
            continue
        try:
            fields[name] = field.to_python(value)
        except DjangoValidationError as exc:
            raise ValidationError(f"{name} cannot hold {value!r}", field=name) from exc
    return fields


def _related(field: models.ForeignKey, public_id: Any, branch: Branch, live: bool) -> Any:
    if public_id is None:
        return None
    related: Any = field.related_model
    if hasattr(related, "uid"):
        rows = related.objects if live else related._base_manager
        row = rows.filter(branch=branch, uid=public_id).first()
    else:
        row = related._base_manager.filter(pk=public_id).first()
    if row is None:
        raise ValidationError(
            f"{field.name} names {public_id}, which does not exist on this branch", field=field.name
        )
    return row


def past_state(model: type[models.Model], snapshot: Mapping[str, Any], branch: Branch) -> Any:
    """An unsaved row holding a past ``snapshot`` of an entity on ``branch``, to be shown. It
    takes the primary key of the entity's row on the branch, so that what hangs off the entity
    (its structures, its computed fields) is found as for the row itself."""
    values = field_values(model, snapshot, branch, live=False)
    pk = model._base_manager.filter(branch=branch, uid=snapshot["id"]).values_list("pk").first()
    return model(pk=pk[0] if pk else None, uid=snapshot["id"], branch=branch, **values)
