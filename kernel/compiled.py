"""The write path's statements compiled once, and run again with other values.

Building a queryset and compiling it is Python work that gives the same SQL every time a
statement of the same shape runs: for an edit's load (a row with its branch, campaign and
parents joined) it was about 1.5 ms of a 2 ms load, the statement itself 0.4 ms; the INSERTs of
its Version and AuditLog rows and its UPDATE spent as much again in the ORM (issue 15,
docs/decisions.md §30). Each statement here is compiled on first use per shape, executed as is
(so PostgreSQL prepares it, config/settings.py), with each value prepared by its field as the
ORM prepares it:

* ``CompiledQuery`` builds its queryset once from stand-in ids, finds where each stand-in sits
  among the compiled parameters, puts the given ids there on each run, and builds the instances
  as the ORM does: the same columns, converters, deferred fields and ``select_related`` rows.
  Only ids vary: a query whose SQL depends on a value (``None`` becomes ``IS NULL``) is compiled
  once per shape by its caller.
* ``insert`` writes a model instance as ``save(force_insert=True)`` does, some columns computed
  by SQL; ``update`` is ``filter(**match).update(**values)`` for plain values.
"""

import dataclasses
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=models.Model)
_UUID: "models.UUIDField[Any, Any]" = models.UUIDField()


def uuid_parameter(value: uuid.UUID | str, connection: BaseDatabaseWrapper) -> Any:
    """A UUID as a statement's parameter for a UUID column (SQLite stores the hex digits)."""
    return _UUID.get_db_prep_value(value, connection)


class CompiledQuery(Generic[M]):
    """A query of model instances by ids, compiled once."""

    def __init__(self, build: Callable[..., "models.QuerySet[M]"], *names: str) -> None:
        """``build(**ids)`` returns the queryset for the ids named ``names``."""
        stand_ins = {name: uuid.uuid4() for name in names}
        queryset = build(**stand_ins)
        self.db = queryset.db
        connection = connections[self.db]
        compiler = queryset.query.get_compiler(self.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots: dict[str, list[int]] = {}
        for name, stand_in in stand_ins.items():
            prepared = uuid_parameter(stand_in, connection)
            self.slots[name] = [i for i, value in enumerate(self.params) if value == prepared]
            if not self.slots[name]:
                raise ValueError(f"The compiled query does not take {name} as a parameter")
        klass_info = compiler.klass_info
        assert klass_info is not None, "a query of model instances"
        self.model: type[M] = klass_info["model"]
        fields = klass_info["select_fields"]
        self.own = slice(fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in compiler.select[self.own]]
        # The ORM's own builder of select_related rows (ModelIterable's); not in django-stubs.
        self.populators = get_related_populators(klass_info, compiler.select, self.db)
        self.converters: Sequence[tuple[int, list[Any], Any]] = [
            (position, converters, expression)
            for position, (converters, expression) in compiler.get_converters(
                [column[0] for column in compiler.select]
            ).items()
        ]

    def all(self, **ids: uuid.UUID) -> list[M]:
        connection = connections[self.db]
        params = list(self.params)
        for name, positions in self.slots.items():
            prepared = uuid_parameter(ids[name], connection)
            for position in positions:
                params[position] = prepared
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        return [self._instance(row, connection) for row in rows]

    def first(self, **ids: uuid.UUID) -> M | None:
        """The first row; the query orders and limits itself (``[:1]``) when it may find more."""
        found = self.all(**ids)
        return found[0] if found else None

    def _instance(self, row: Sequence[Any], connection: BaseDatabaseWrapper) -> M:
        values = list(row)
        for position, converters, expression in self.converters:
            for convert in converters:
                values[position] = convert(values[position], expression, connection)
        instance = self.model.from_db(self.db, self.init_list, values[self.own])
        for populator in self.populators:
            populator.populate(values, instance)
        return instance


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: "tuple[models.Field[Any, Any], ...]"
    parameters: int


@dataclass(frozen=True)
class NewRow:
    """A row for ``insert``: a model instance, and the columns whose value is SQL."""

    instance: models.Model
    computed: Mapping[str, RawSQL] = dataclasses.field(default_factory=dict)


def insert(*rows: NewRow) -> None:
    """INSERT each row as ``save(force_insert=True)`` writes it — each column's value prepared by
    its field, computed columns given as SQL — with statements compiled once per model and
    computed SQL. On PostgreSQL the rows go in one statement (all but the last as data-modifying
    ``WITH`` clauses: one round trip, not one a row); elsewhere one statement a row. So no row
    may depend on another of the same call: on PostgreSQL each sees the tables as they were
    before the statement. Automatic primary keys are not read back: the caller writes rows
    (history, audit) it does not use afterwards."""
    db = router.db_for_write(type(rows[0].instance), instance=rows[0].instance)
    connection = connections[db]
    statements = [_insert_statement(type(row.instance), db, _shape(row)) for row in rows]
    params = [_values(s, row, connection) for s, row in zip(statements, rows, strict=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            clauses = [f"row_{n} AS ({s.sql})" for n, s in enumerate(statements[:-1])]
            cursor.execute(
                (f"WITH {', '.join(clauses)} " if clauses else "") + statements[-1].sql,
                [value for values in params for value in values],
            )
        else:
            for statement, values in zip(statements, params, strict=True):
                cursor.execute(statement.sql, values)


def _shape(row: NewRow) -> tuple[tuple[str, str], ...]:
    return tuple((name, sql.sql) for name, sql in row.computed.items())


def _values(statement: _Insert, row: NewRow, connection: BaseDatabaseWrapper) -> list[Any]:
    values: list[Any] = []
    for column in statement.fields:
        if column.name in row.computed:
            values.extend(row.computed[column.name].params)
        else:
            value = column.pre_save(row.instance, True)
            values.append(column.get_db_prep_save(value, connection))
    assert len(values) == statement.parameters, "as many values as the statement takes"
    return values


@functools.cache
def _insert_statement(
    model: type[models.Model], db: str, computed: tuple[tuple[str, str], ...]
) -> _Insert:
    fields = tuple(
        field
        for field in model._meta.local_concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    )
    stand_in = model()
    for name, sql in computed:
        setattr(stand_in, name, RawSQL(sql, [None] * sql.count("%s")))
    query = InsertQuery(model)
    query.insert_values(fields, [stand_in])
    (sql, params), *more = query.get_compiler(db).as_sql()
    assert not more, "one row, one statement"
    return _Insert(sql, fields, len(params))


def update(
    model: type[models.Model], match: Mapping[str, object], values: Mapping[str, object]
) -> int:
    """``model._base_manager.filter(**match).update(**values)`` for plain values (no
    expressions), each column named by its field's name or attname, with a statement compiled
    once per model and names; the number of rows written."""
    if any(hasattr(value, "resolve_expression") for value in values.values()) or any(
        value is None for value in match.values()
    ):
        raise ValueError("Plain values to set, and values to match other than None")
    statement = _update_statement(model, tuple(values), tuple(match))
    connection = connections[router.db_for_write(model)]
    params: list[Any] = []
    for field, value in zip(statement.fields, values.values(), strict=True):
        if hasattr(value, "prepare_database_save"):  # a related row, as the ORM takes it
            value = value.prepare_database_save(field)
        params.append(field.get_db_prep_save(value, connection))
    for field, value in zip(statement.matched, match.values(), strict=True):
        params.append(field.get_db_prep_value(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        return int(cursor.rowcount)


@dataclass(frozen=True)
class _Update:
    sql: str
    fields: "tuple[models.Field[Any, Any], ...]"
    matched: "tuple[models.Field[Any, Any], ...]"


def own_field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    """``model``'s field ``name`` (``pk`` for its primary key), which must be a column of its own
    table: a parent's field or a relation would be another table's."""
    meta = model._meta
    found = meta.pk if name == "pk" else meta.get_field(name)
    if not isinstance(found, models.Field) or found.model is not model:
        raise ValueError(f"{model.__name__}.{name} is not a column of its own table")
    return found


@functools.cache
def _update_statement(
    model: type[models.Model], names: tuple[str, ...], matched: tuple[str, ...]
) -> _Update:
    meta = model._meta
    quote = connections[router.db_for_write(model)].ops.quote_name
    fields = tuple(own_field(model, name) for name in names)
    keys = tuple(own_field(model, name) for name in matched)
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    conditions = " AND ".join(f"{quote(f.column)} = %s" for f in keys)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {conditions}"
    return _Update(sql, fields, keys)
