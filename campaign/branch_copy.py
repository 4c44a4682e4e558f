"""Copying a branch's rows into a new child branch: one ``INSERT … SELECT`` per entity kind.

The database copies the rows itself, so a fork costs one statement per kind whatever the size of
the campaign (tests/benchmarks/bench_branching.py). Foreign keys between branch-scoped rows are
remapped to the child's copy of the row they point at (the row with the same ``uid`` on the
child, copied before, see ``branch_scoped``); rules refer to entities by ``uid`` and need
no remapping. Every row is copied as it stands, deleted ones included, so that no copied row
can point back at a row of the parent; timestamps are kept, so the copies keep their order.
"""

from graphlib import TopologicalSorter
from typing import Any

from django.db import connection, models

from campaign.actions.kinds import KINDS, Kind
from campaign.models import Branch


def branch_scoped() -> list[Kind]:
    """Every kind whose rows live on a branch (rules included), each after the kinds its foreign
    keys point at, so that rows can be copied or created in this order."""
    scoped = {
        kind.model: kind
        for kind in KINDS.values()
        if hasattr(kind.model, "uid") and any(f.name == "branch" for f in kind.model._meta.fields)
    }
    graph = {
        model: {
            f.related_model
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model in scoped
        }
        for model in scoped
    }
    return [scoped[model] for model in TopologicalSorter(graph).static_order()]


def copy_rows(source: Branch, child: Branch) -> int:
    """Copy every branch-scoped row of ``source`` onto ``child``; the number of rows copied."""
    child_id = Branch._meta.pk.get_db_prep_value(child.pk, connection)  # type: ignore[union-attr]
    source_id = Branch._meta.pk.get_db_prep_value(source.pk, connection)  # type: ignore[union-attr]
    scoped: set[type[models.Model]] = {kind.model for kind in branch_scoped()}
    copied = 0
    with connection.cursor() as cursor:
        for kind in branch_scoped():
            sql, params = _insert_select(kind.model, scoped, child_id, source_id)
            cursor.execute(sql, params)
            copied += max(cursor.rowcount, 0)
    return copied


def _insert_select(
    model: type[models.Model], scoped: set[type[models.Model]], child_id: object, source_id: object
) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = quote(field.column)
        columns.append(column)
        if isinstance(field, models.ForeignKey) and field.related_model is Branch:
            values.append("%s")
            params.append(child_id)
        elif isinstance(field, models.ForeignKey) and field.related_model in scoped:
            # The child's row with the uid of the row the parent's copy points at.
            target = field.related_model
            target_table = quote(target._meta.db_table)
            pk = quote(target._meta.pk.column)  # type: ignore[union-attr]
            values.append(
                f"(SELECT n.{pk} FROM {target_table} n WHERE n.{quote('branch_id')} = %s"
                f" AND n.{quote('uid')} = (SELECT o.{quote('uid')} FROM {target_table} o"
                f" WHERE o.{pk} = src.{column}))"
            )
            params.append(child_id)
        else:
            values.append(f"src.{column}")
    params.append(source_id)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
        f" FROM {table} src WHERE src.{quote('branch_id')} = %s"
    )
    return sql, params
