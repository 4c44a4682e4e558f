"""forkBranch copies every branch-scoped row of its source, rules included, in one transaction;
afterwards neither side sees the other's writes."""

import datetime
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import branches, history
from campaign.branch_copy import branch_scoped
from campaign.models import AuditLog, Branch, Campaign, Operation, Settlement, Structure
from kernel.actor import Actor
from kernel.errors import NotFound, PermissionDenied, ValidationError
from kernel.snapshots import snapshot
from tests.campaign.branching.scene import EDITORS, every_kind
from tests.campaign.races import on_each_database, race

pytestmark = pytest.mark.django_db
WORLD_TIME = datetime.datetime(4710, 3, 1, tzinfo=datetime.UTC)


def main_of(campaign: Campaign) -> Branch:
    return Branch.objects.get(campaign=campaign, parent__isnull=True)


def fork(actor: Actor, source: Branch, name: str = "What if") -> tuple[Branch, int]:
    return branches.fork_branch(
        actor, source_branch_id=source.pk, data={"name": name, "world_time": WORLD_TIME}
    )


def on(branch: Branch, row: Any) -> Any:
    return type(row).objects.get(branch=branch, uid=row.uid)


def test_every_kind_is_covered_by_the_scene(owner: Actor, campaign: Campaign) -> None:
    # Given the scene with a row of every kind
    rows = every_kind(owner, campaign)

    # Then every branch-scoped kind of the campaign and rules apps is in it (the copy is generic:
    # kinds other apps register are copied alike)
    kinds = {
        kind.entity_type
        for kind in branch_scoped()
        if kind.model._meta.app_label in {"campaign", "rules"}
    }
    assert set(rows) == kinds == set(EDITORS)


def test_a_fork_copies_every_row_with_its_references_remapped(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a campaign with one row of every kind
    rows = every_kind(owner, campaign)
    main = main_of(campaign)

    # When it is forked
    child, copied = fork(owner, main)

    # Then every row has a copy on the child, with the same uid and content
    assert (
        copied == len(rows) + 2
    )  # the scene also has a type-wide condition and a derived variable
    for row in rows.values():
        copy = on(child, row)
        assert copy.pk != row.pk
        assert copy.created_at == row.created_at
        assert (
            history.diff({**_content(row), "branch": None}, {**_content(copy), "branch": None})
            == []
        )
    # And foreign keys point at the child's rows, never back at the parent's
    settlement = on(child, rows["settlement"])
    assert settlement.kingdom.branch_id == child.pk
    assert on(child, rows["structure"]).settlement_id == settlement.pk
    link = on(child, rows["link"])
    assert link.source_event.branch_id == child.pk
    assert link.target_encounter.branch_id == child.pk
    # And the branch records where it forked, with the source's clock and an audit row
    assert child.parent_id == main.pk
    assert child.diverged_at == WORLD_TIME
    assert child.current_world_time == main.current_world_time
    assert child.fork_point is not None
    assert child.fork_point > 0
    assert AuditLog.objects.filter(entity_id=str(child.pk), operation=Operation.FORK).count() == 1


def _content(row: Any) -> dict[str, Any]:
    return {k: v for k, v in snapshot(row).items() if k != "id"}


@pytest.mark.parametrize("entity_type", sorted(EDITORS))
def test_after_a_fork_no_write_is_seen_on_the_other_side(
    owner: Actor, campaign: Campaign, entity_type: str
) -> None:
    # Given a fork of a campaign with a row of every kind
    row = every_kind(owner, campaign)[entity_type]
    main = main_of(campaign)
    child, _ = fork(owner, main)
    editor = EDITORS[entity_type]

    # When the child changes the row, and then the main branch changes it differently
    editor.edit(owner, str(row.uid), {editor.field: "On the child"}, child.pk)
    editor.edit(owner, str(row.uid), {editor.field: "On main"}, main.pk)

    # Then each side sees only its own write
    assert getattr(on(child, row), editor.field) == "On the child"
    assert getattr(on(main, row), editor.field) == "On main"


def test_a_fork_of_a_fork_copies_the_child(owner: Actor, campaign: Campaign) -> None:
    # Given a fork where a settlement was renamed
    rows = every_kind(owner, campaign)
    child, _ = fork(owner, main_of(campaign))
    EDITORS["settlement"].edit(owner, str(rows["settlement"].uid), {"name": "Changed"}, child.pk)

    # When the fork is forked
    grandchild, _ = fork(owner, child, "Deeper")

    # Then the grandchild has the child's state
    assert on(grandchild, rows["settlement"]).name == "Changed"
    assert on(grandchild, rows["structure"]).settlement.branch_id == grandchild.pk


def test_a_fork_costs_one_statement_per_kind_whatever_the_rows(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a campaign with rows of every kind
    every_kind(owner, campaign)
    main = main_of(campaign)

    # When it is forked
    with CaptureQueriesContext(connection) as queries:
        fork(owner, main)

    # Then one INSERT … SELECT per kind copies the rows
    copies = [
        q for q in queries.captured_queries if "INSERT INTO" in q["sql"] and "SELECT" in q["sql"]
    ]
    assert len(copies) == len(branch_scoped())


def test_a_refused_fork_writes_nothing(owner: Actor, campaign: Campaign, personas: Any) -> None:
    # Given a campaign with rows
    rows = every_kind(owner, campaign)
    main = main_of(campaign)
    before = (Branch.objects.count(), Settlement.all_objects.count(), Structure.all_objects.count())

    # When a player forks, a name is taken, or the world time is missing
    with pytest.raises(PermissionDenied):
        fork(personas.actor("player"), main)
    with pytest.raises(NotFound):
        fork(personas.actor("outsider"), main)
    with pytest.raises(ValidationError) as taken:
        fork(owner, main, name=main.name)
    with pytest.raises(ValidationError) as no_time:
        branches.fork_branch(owner, source_branch_id=main.pk, data={"name": "x"})

    # Then nothing is written, and each error names its field
    assert taken.value.extensions["field"] == "name"
    assert no_time.value.extensions["field"] == "worldTime"
    assert (
        Branch.objects.count(),
        Settlement.all_objects.count(),
        Structure.all_objects.count(),
    ) == before
    assert rows


def test_a_fork_before_the_source_diverged_is_refused(owner: Actor, campaign: Campaign) -> None:
    # Given a fork diverging at WORLD_TIME
    child, _ = fork(owner, main_of(campaign))

    # When it is forked at an earlier world time
    with pytest.raises(ValidationError) as refused:
        branches.fork_branch(
            owner,
            source_branch_id=child.pk,
            data={"name": "Earlier", "world_time": WORLD_TIME - datetime.timedelta(days=1)},
        )

    # Then the world time is refused
    assert refused.value.extensions["field"] == "worldTime"


@on_each_database(postgresql=5, sqlite=2)
@pytest.mark.django_db(transaction=True)
def test_one_fork_name_taken_twice_at_once_is_taken_once(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    # Given a campaign with rows
    rows = every_kind(owner, campaign)
    main = main_of(campaign)

    # When two forks with one name are made at the same moment, round after round
    results = race([[partial(fork, owner, main, f"Same {n}")] * 2 for n in range(rounds)])

    # Then each round makes one branch, refusing the other naming its name, and the rows are
    # copied once: the loser's copy rolled back with it
    for first, second in results:
        refused = [r for r in (first, second) if isinstance(r, Exception)]
        assert len(refused) == 1, (first, second)
        assert isinstance(refused[0], ValidationError)
        assert refused[0].extensions["field"] == "name"
    assert Branch.objects.filter(campaign=campaign).count() == 1 + rounds
    assert Settlement.all_objects.filter(uid=rows["settlement"].uid).count() == 1 + rounds
