"""An entity update writes the row as its action loaded it with one conditional UPDATE, and falls
back to locking and reading the row when someone wrote it in between (entities.compare_and_set).

The rival write in the first tests happens between the load and the UPDATE deterministically: in
the cleaning step, which is where the write path leaves the caller's code between the two (a
character's cleaning locks its new party there). It is the real action, in the same transaction,
so on both databases the UPDATE finds the row one version on from the one loaded.
"""

import functools
import itertools
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import characters, entities, kingdoms, locations, settlements, structures
from campaign.models import AuditLog, Branch, Campaign, Settlement, Version
from kernel.actor import Actor
from kernel.errors import Conflict
from tests import builders
from tests.campaign.races import race

WRITERS = 10
TABLE = re.compile(r'"campaign_(\w+)"')
INSERTED = re.compile(r'INSERT INTO "campaign_(\w+)"')


def renamed_by_a_rival_while_cleaning(owner: Actor, name: str) -> entities.Clean[Settlement]:
    """``settlements.clean``, after another write of the same settlement has renamed it."""

    def clean(data: dict[str, Any], branch: Branch, row: Settlement | None) -> dict[str, Any]:
        assert row is not None
        settlements.update_settlement(owner, settlement_id=row.uid, data={"name": name})
        return settlements.clean(data, branch, row)

    return clean


def edit_level(owner: Actor, settlement: Settlement, clean: Any, **routing: Any) -> Settlement:
    return entities.edit(
        owner,
        model=Settlement,
        entity_id=settlement.uid,
        data={"level": 4},
        clean=clean,
        **routing,
    )


def test_a_row_written_since_it_was_loaded_is_changed_and_recorded_as_it_now_is(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a settlement that a rival renames after our update loaded it
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign), name="Oldtown")
    rival = renamed_by_a_rival_while_cleaning(owner, "Rivaltown")

    # When our update of its level goes on
    written = edit_level(owner, settlement, rival)

    # Then it lands on the rival's row, and the history and audit say so
    stored = Settlement.objects.get(pk=settlement.pk)
    assert (stored.name, stored.level, stored.version) == ("Rivaltown", 4, 3)
    assert (written.name, written.level, written.version) == ("Rivaltown", 4, 3)
    ours = AuditLog.objects.filter(entity_id=str(settlement.uid)).latest("id")
    assert ours.previous_state is not None
    assert ours.new_state is not None
    assert (ours.previous_state["name"], ours.previous_state["version"]) == ("Rivaltown", 2)
    assert (ours.new_state["name"], ours.new_state["level"], ours.new_state["version"]) == (
        "Rivaltown",
        4,
        3,
    )
    assert ours.changes == {"level": 4}
    versions = Version.objects.filter(entity_uid=settlement.uid).order_by("sequence")
    assert [v.sequence for v in versions] == [1, 2, 3]
    assert versions.last().snapshot == ours.new_state  # type: ignore[union-attr]


def test_an_expected_version_the_rival_moved_past_is_a_conflict_with_the_actual_one(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a settlement at version 1 that a rival moves to 2 after our update loaded it
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    rival = renamed_by_a_rival_while_cleaning(owner, "Rivaltown")

    # When our update expects version 1, which it also loaded
    with pytest.raises(Conflict) as conflict:
        edit_level(owner, settlement, rival, expected_version=1)

    # Then the conflict names the version the row is really at
    assert (conflict.value.expected_version, conflict.value.actual_version) == (1, 2)


def test_an_expected_version_newer_than_the_loaded_one_is_judged_on_the_row_itself(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a settlement loaded at version 1 that a rival moves to 2 before our write
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    rival = renamed_by_a_rival_while_cleaning(owner, "Rivaltown")

    # When our update expects version 2, as its client had already read it
    written = edit_level(owner, settlement, rival, expected_version=2)

    # Then it is no conflict: the row is at the version expected
    assert (written.name, written.level, written.version) == ("Rivaltown", 4, 3)


def test_an_update_of_the_row_as_loaded_reads_it_once_and_locks_nothing_first(
    owner: Actor, campaign: Campaign
) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))

    with CaptureQueriesContext(connection) as statements:
        settlements.update_settlement(
            owner, settlement_id=settlement.uid, data={"level": 3}, expected_version=1
        )

    on_the_row = [s["sql"] for s in statements if '"campaign_settlement"' in s["sql"]]
    assert [sql.split()[0] for sql in on_the_row] == ["SELECT", "UPDATE"]
    assert not any("FOR NO KEY UPDATE" in s["sql"] for s in statements)
    # The history's sequence is computed in its INSERT, not read before it.
    on_history = [s["sql"] for s in statements if '"campaign_version"' in s["sql"]]
    assert len(on_history) == 1
    assert 'INSERT INTO "campaign_version"' in on_history[0]


def statements_of(write: Any) -> list[str]:
    """The statements ``write`` runs, by their first words (savepoints left out); rows inserted
    together in one statement (kernel/compiled.insert) as ``INSERT a+b``."""
    with CaptureQueriesContext(connection) as statements:
        write()
    shapes = []
    for sql in (s["sql"] for s in statements):
        if sql.startswith("WITH"):
            shapes.append("INSERT " + "+".join(INSERTED.findall(sql)))
        elif table := TABLE.search(sql):
            shapes.append(f"{sql.split()[0]} {table[1]}")
    return shapes


def with_history_and_audit(*statements: str) -> list[str]:
    """``statements``, then the change's version and audit rows: one statement on PostgreSQL,
    one a row elsewhere."""
    if connection.vendor == "postgresql":
        return [*statements, "INSERT version+auditlog"]
    return [*statements, "INSERT version", "INSERT auditlog"]


def test_an_update_of_each_kind_reads_its_parents_with_the_row_and_reads_nothing_after(
    owner: Actor, campaign: Campaign
) -> None:
    # Given one of each kind that entities.edit writes
    kingdom = builders.kingdom(owner, campaign)
    settlement = builders.settlement(owner, kingdom)
    structure = builders.structure(owner, settlement)
    character = builders.character(
        owner, campaign, party_id=str(builders.party(owner, campaign).uid)
    )
    writes = {
        "settlement": lambda: settlements.update_settlement(
            owner, settlement_id=settlement.uid, data={"name": "Tuskwater"}
        ),
        "structure": lambda: structures.update_structure(
            owner, structure_id=structure.uid, data={"name": "Keep"}
        ),
        "kingdom": lambda: kingdoms.update_kingdom(
            owner, kingdom_id=kingdom.uid, data={"name": "Pitax"}
        ),
        "character": lambda: characters.update_character(
            owner, character_id=character.uid, data={"name": "Valerie"}
        ),
    }

    # When each is updated, then it is one read (parents joined), the write, its history and audit:
    # a parent's column left out of the read and read later would add a statement
    for kind, write in writes.items():
        assert statements_of(write) == with_history_and_audit(f"SELECT {kind}", f"UPDATE {kind}"), (
            kind
        )


def test_a_location_update_locks_and_reads_the_row_with_its_parents_once(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a location (world-scoped: updated through entities.update, not entities.edit)
    location = builders.settlement(owner, builders.kingdom(owner, campaign)).location

    # When it is renamed
    shapes = statements_of(
        lambda: locations.update_location(owner, location_id=location.pk, data={"name": "Mivon"})
    )

    # Then it is loaded and authorized by its world, then locked and read with its parents
    # joined, and written with its history and audit: nothing read after
    assert shapes == with_history_and_audit(
        "SELECT location", "SELECT world", "SELECT location", "UPDATE location"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_keep_a_gapless_history_and_an_exact_chain_of_states(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a settlement that ten writers update at the same moment, without expected versions
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))

    def write(n: int) -> Any:
        return settlements.update_settlement(
            owner, settlement_id=settlement.uid, data={"name": f"Writer {n}"}
        )

    # When they all write
    [outcomes] = race([[functools.partial(write, n) for n in range(WRITERS)]])

    # Then every write landed, numbered 1 to 11 once each, each starting from the one before
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert Settlement.objects.get(pk=settlement.pk).version == 1 + WRITERS
    versions = list(Version.objects.filter(entity_uid=settlement.uid).order_by("sequence"))
    assert [v.sequence for v in versions] == list(range(1, WRITERS + 2))
    audits = list(AuditLog.objects.filter(entity_id=str(settlement.uid)).order_by("id"))
    assert [a.new_state for a in audits] == [v.snapshot for v in versions]
    for before, after in itertools.pairwise(audits):
        assert after.previous_state == before.new_state
