"""The write path's compiled statements (kernel/compiled.py) do what the ORM does: a compiled
query finds what its queryset finds, built the same way (the same row, the same columns read and
deferred, the same related rows, each value converted as the ORM converts it), and run again
with other ids it finds their rows; a compiled insert writes what ``save`` writes, and a compiled
update what ``QuerySet.update`` writes."""

import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from campaign.models import AuditLog, Campaign, Settlement, Version
from kernel import compiled
from kernel.actor import Actor
from kernel.compiled import CompiledQuery
from tests import builders


def settlements_by_uid(uid: uuid.UUID, kingdom: uuid.UUID) -> "QuerySet[Settlement]":
    return (
        Settlement.objects.filter(uid=uid, kingdom__uid=kingdom)
        .select_related("branch__campaign", "kingdom")
        .only(*[f.name for f in Settlement._meta.concrete_fields], "kingdom__uid", "branch")
        .order_by("pk")
    )


@pytest.fixture
def query() -> CompiledQuery[Settlement]:
    return CompiledQuery(settlements_by_uid, "uid", "kingdom")


@pytest.mark.django_db
def test_a_compiled_query_builds_the_instances_the_orm_builds(
    owner: Actor,
    campaign: Campaign,
    query: CompiledQuery[Settlement],
    django_assert_num_queries: Any,
) -> None:
    # Given two settlements of a kingdom
    realm = builders.kingdom(owner, campaign)
    town = builders.settlement(owner, realm, name="Restov", level=3)
    other = builders.settlement(owner, realm, name="Oleg's")

    # When each is found by the compiled query and by its queryset
    for settlement in (town, other):
        with django_assert_num_queries(1):
            found = query.first(uid=settlement.uid, kingdom=realm.uid)
        expected = settlements_by_uid(settlement.uid, realm.uid).get()

        # Then they are the same row, read and converted alike, with the same parents joined
        assert found is not None
        fields = [f.attname for f in Settlement._meta.concrete_fields]
        assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
        assert found.get_deferred_fields() == expected.get_deferred_fields()
        with django_assert_num_queries(0):
            assert found.branch.campaign.name == campaign.name
            assert found.kingdom.uid == realm.uid
        assert found.kingdom.get_deferred_fields() == expected.kingdom.get_deferred_fields()
    again = query.first(uid=town.uid, kingdom=realm.uid)
    assert again is not None
    assert again.name == "Restov"


@pytest.mark.django_db
def test_a_compiled_query_finds_nothing_for_ids_it_does_not_match(
    owner: Actor, campaign: Campaign, query: CompiledQuery[Settlement]
) -> None:
    realm = builders.kingdom(owner, campaign)
    town = builders.settlement(owner, realm)
    elsewhere = builders.kingdom(owner, campaign)

    assert query.first(uid=town.uid, kingdom=elsewhere.uid) is None
    assert query.all(uid=uuid.uuid4(), kingdom=realm.uid) == []


def test_an_id_the_query_does_not_take_is_refused_when_it_is_compiled() -> None:
    with pytest.raises(ValueError, match="does not take kingdom as a parameter"):
        CompiledQuery(lambda uid, kingdom: Settlement.objects.filter(uid=uid), "uid", "kingdom")


@pytest.mark.django_db
def test_a_compiled_insert_writes_the_row_save_writes(owner: Actor, campaign: Campaign) -> None:
    # Given an audit row's values, with JSON, a foreign key, a UUID and text among them
    branch = campaign.branches.get(parent__isnull=True)

    def row(reason: str) -> AuditLog:
        return AuditLog(
            entity_type="kingdom",
            entity_id=str(uuid.uuid4()),
            branch=branch,
            campaign=campaign,
            operation="UPDATE",
            actor=owner.user,
            changes={"name": "Restov"},
            previous_state={"name": "Brevoy", "tags": ["north"]},
            new_state={"name": "Restov", "tags": ["north"]},
            diff=[{"op": "replace", "path": "/name", "value": "Restov"}],
            reason=reason,
            metadata={"client": "spa"},
        )

    # When one is saved by the ORM and the other inserted by a compiled statement
    saved = row("saved")
    saved.save(force_insert=True)
    compiled.insert(compiled.NewRow(row("inserted")))

    # Then the database holds the same values for both, the timestamp set on insert
    columns = [f.attname for f in AuditLog._meta.concrete_fields if f.attname not in {"id"}]
    stored = {
        values["reason"]: values
        for values in AuditLog.objects.filter(reason__in=["saved", "inserted"]).values(*columns)
    }
    for name in ("entity_id", "reason", "timestamp"):
        stored["saved"].pop(name), stored["inserted"].pop(name)
    assert stored["inserted"] == stored["saved"]
    assert AuditLog.objects.get(reason="inserted").timestamp is not None


@pytest.mark.django_db
def test_compiled_inserts_write_rows_of_several_tables_together_computed_columns_included(
    owner: Actor, campaign: Campaign
) -> None:
    # Given an entity's next history sequence as SQL
    branch = campaign.branches.get(parent__isnull=True)
    entity = uuid.uuid4()
    next_sequence = RawSQL(
        'COALESCE((SELECT MAX("sequence") FROM "campaign_version" WHERE "entity_uid" = %s), 0) + 1',
        [compiled.uuid_parameter(entity, connection)],
    )

    # When three times a version and an audit row of it are inserted together
    for n in range(3):
        version = Version(
            entity_type="kingdom",
            entity_uid=entity,
            branch=branch,
            operation="UPDATE",
            valid_from=timezone.now(),
        )
        audit = AuditLog(
            entity_type="kingdom", entity_id=str(entity), operation="UPDATE", reason=f"#{n}"
        )
        compiled.insert(
            compiled.NewRow(version, {"sequence": next_sequence}), compiled.NewRow(audit)
        )

    # Then each version took the next sequence, and each audit row was written with it
    versions = Version.objects.filter(entity_uid=entity).order_by("sequence")
    assert list(versions.values_list("sequence", flat=True)) == [1, 2, 3]
    audits = AuditLog.objects.filter(entity_id=str(entity)).order_by("timestamp")
    assert list(audits.values_list("reason", flat=True)) == ["#0", "#1", "#2"]


@pytest.mark.django_db
def test_a_compiled_update_writes_what_the_orms_update_writes(
    owner: Actor, campaign: Campaign
) -> None:
    # Given two settlements of one kingdom, and another kingdom
    realm, other_realm = builders.kingdom(owner, campaign), builders.kingdom(owner, campaign)
    by_orm, compiled_one = builders.settlement(owner, realm), builders.settlement(owner, realm)
    changes = {"name": "Restov", "kingdom": other_realm, "variables": {"wealth": 3}}

    # When the same changes are written by the ORM to one, by a compiled update to the other
    Settlement._base_manager.filter(pk=by_orm.pk).update(**changes)
    written = compiled.update(Settlement, match={"pk": compiled_one.pk}, values=changes)

    # Then one row was written, and both rows hold the same values
    assert written == 1
    columns = ["name", "kingdom_id", "variables", "version"]
    rows = [
        Settlement.objects.values_list(*columns).get(pk=row.pk) for row in (by_orm, compiled_one)
    ]
    assert rows[0] == rows[1] == ("Restov", other_realm.pk, {"wealth": 3}, by_orm.version)


@pytest.mark.django_db
def test_a_compiled_update_writes_only_the_rows_it_matches(
    owner: Actor, campaign: Campaign
) -> None:
    town = builders.settlement(owner, builders.kingdom(owner, campaign), name="Restov")

    stale = compiled.update(
        Settlement, match={"pk": town.pk, "version": town.version - 1}, values={"name": "Oleg's"}
    )
    current = compiled.update(
        Settlement, match={"pk": town.pk, "version": town.version}, values={"name": "Tatzlford"}
    )

    assert (stale, current) == (0, 1)
    assert Settlement.objects.get(pk=town.pk).name == "Tatzlford"


@pytest.mark.django_db
def test_an_update_of_a_shape_seen_before_is_not_compiled_again(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a compiled update of a settlement's name, matched by id and version
    town = builders.settlement(owner, builders.kingdom(owner, campaign), name="Restov")
    match = {"pk": town.pk, "version": town.version}
    compiled.update(Settlement, match=match, values={"name": "Tatzlford"})
    seen = compiled._update_statement.cache_info()

    # When another update of the same shape runs, with another value
    compiled.update(Settlement, match=match, values={"name": "Oleg's"})

    # Then its statement is the one compiled before
    after = compiled._update_statement.cache_info()
    assert (after.hits, after.misses) == (seen.hits + 1, seen.misses)


def test_a_compiled_update_refuses_what_is_not_a_column_of_its_table() -> None:
    with pytest.raises(ValueError, match=r"Settlement\.structures is not a column"):
        compiled.update(Settlement, match={"pk": 1}, values={"structures": []})


def test_a_compiled_update_refuses_expressions_and_matching_none() -> None:
    with pytest.raises(ValueError, match="Plain values"):
        compiled.update(Settlement, match={"pk": 1}, values={"version": F("version") + 1})
    with pytest.raises(ValueError, match="Plain values"):
        compiled.update(Settlement, match={"kingdom": None}, values={"name": "Restov"})
