"""As-of reads, restoring a version and cherry-picking one: history read back and written back."""

import datetime
from typing import Any

import pytest

from campaign.actions import branches, campaigns, cherry_picks, entities, settlements, versions
from campaign.models import AuditLog, Branch, Campaign, Settlement, Version
from kernel.actor import Actor
from kernel.errors import NotFound, PermissionDenied, ValidationError
from tests import builders

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 1, day, tzinfo=datetime.UTC)


def main_of(campaign: Campaign) -> Branch:
    return Branch.objects.get(campaign=campaign, parent__isnull=True)


@pytest.fixture
def town(owner: Actor, campaign: Campaign) -> Settlement:
    realm = builders.kingdom(owner, campaign)
    return settlements.create_settlement(
        owner,
        kingdom_id=realm.uid,
        data={"name": "Restov", "location_id": str(builders.point(owner, campaign).pk)},
        world_time=at(1),
    )


def rename(
    owner: Actor, town: Settlement, name: str, day: int, branch: Branch | None = None
) -> None:
    settlements.update_settlement(
        owner,
        settlement_id=town.uid,
        data={"name": name},
        world_time=at(day),
        branch_id=branch.pk if branch else None,
    )


def name_as_of(owner: Actor, town: Settlement, branch: Branch, day: int) -> str | None:
    version = versions.as_of(
        owner, entity_type="Settlement", entity_id=town.uid, branch_id=branch.pk, world_time=at(day)
    )
    return None if version is None else version.snapshot["name"]  # type: ignore[index]


def test_as_of_reads_the_latest_version_valid_then(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a settlement created on day 1 and renamed on day 5
    main = main_of(campaign)
    rename(owner, town, "New Restov", 5)

    # Then before day 1 it did not exist, from day 1 it is Restov, from day 5 New Restov
    assert name_as_of(owner, town, main, 1) == "Restov"
    assert name_as_of(owner, town, main, 4) == "Restov"
    assert name_as_of(owner, town, main, 5) == "New Restov"
    assert (
        versions.as_of(
            owner,
            entity_type="settlement",
            entity_id=town.uid,
            branch_id=main.pk,
            world_time=at(1) - datetime.timedelta(days=1),
        )
        is None
    )


def test_a_child_reads_its_parent_history_up_to_the_fork_only(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a fork on day 3 of a settlement never edited since its creation
    main = main_of(campaign)
    child, _ = branches.fork_branch(
        owner, source_branch_id=main.pk, data={"name": "Child", "world_time": at(3)}
    )

    # When main renames it after the fork, and the child renames it on day 6
    rename(owner, town, "Main's name", 4)
    rename(owner, town, "Child's name", 6, child)

    # Then the child resolves the creation before its own edit, never main's later rename
    assert name_as_of(owner, town, child, 5) == "Restov"
    assert name_as_of(owner, town, child, 6) == "Child's name"
    assert name_as_of(owner, town, main, 6) == "Main's name"


def test_a_deleted_entity_reads_as_none_from_its_deletion(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    main = main_of(campaign)
    entities.soft_delete(owner, instance=town, world_time=at(7))

    assert name_as_of(owner, town, main, 6) == "Restov"
    assert name_as_of(owner, town, main, 7) is None


def test_as_of_refuses_unknown_types_and_hides_other_campaigns(
    owner: Actor, campaign: Campaign, town: Settlement, personas: Any
) -> None:
    main = main_of(campaign)
    with pytest.raises(ValidationError) as unknown:
        versions.as_of(
            owner, entity_type="world", entity_id=town.uid, branch_id=main.pk, world_time=at(2)
        )
    with pytest.raises(NotFound):
        versions.as_of(
            personas.actor("outsider"),
            entity_type="settlement",
            entity_id=town.uid,
            branch_id=main.pk,
            world_time=at(2),
        )
    assert unknown.value.extensions["field"] == "entityType"


def test_restoring_a_version_updates_the_live_row_through_the_update_action(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a settlement renamed twice
    main = main_of(campaign)
    rename(owner, town, "Second", 2)
    rename(owner, town, "Third", 3)
    first = Version.objects.get(entity_uid=town.uid, branch=main, sequence=1)

    # When its first version is restored
    restored = versions.restore_version(
        owner, version_id=first.pk, branch_id=main.pk, world_time=at(4)
    )

    # Then the live row has the first name, at the next row version, with a new version and audit
    live = Settlement.objects.get(pk=town.pk)
    assert (live.name, live.version) == ("Restov", 4)
    assert restored.snapshot["name"] == "Restov"  # type: ignore[index]
    assert (restored.sequence, restored.valid_from, restored.comment) == (
        4,
        at(4),
        f"Restored from version {first.pk}",
    )
    assert AuditLog.objects.filter(entity_id=str(town.uid), operation="UPDATE").count() == 3


def test_restore_refusals(
    owner: Actor, world: Any, campaign: Campaign, town: Settlement, personas: Any
) -> None:
    main = main_of(campaign)
    first = Version.objects.get(entity_uid=town.uid, branch=main, sequence=1)
    other = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Other"})
    entities.soft_delete(owner, instance=builders.kingdom(owner, campaign))
    tombstone = Version.objects.filter(branch=main, operation="DELETE").latest("id")

    with pytest.raises(PermissionDenied):
        versions.restore_version(personas.actor("player"), version_id=first.pk, branch_id=main.pk)
    with pytest.raises(NotFound):
        versions.restore_version(personas.actor("outsider"), version_id=first.pk, branch_id=main.pk)
    with pytest.raises(ValidationError) as foreign:
        versions.restore_version(owner, version_id=first.pk, branch_id=main_of(other).pk)
    with pytest.raises(ValidationError) as deletion:
        versions.restore_version(owner, version_id=tombstone.pk, branch_id=main.pk)
    assert foreign.value.extensions["field"] == "versionId"
    assert deletion.value.extensions["field"] == "versionId"


def test_cherry_picking_a_change_onto_another_branch(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a fork that changes the settlement's level, and one that renames it
    main = main_of(campaign)
    child, _ = branches.fork_branch(
        owner, source_branch_id=main.pk, data={"name": "Child", "world_time": at(2)}
    )
    settlements.update_settlement(
        owner, settlement_id=town.uid, data={"level": 4}, branch_id=child.pk
    )
    picked = Version.objects.filter(branch=child, entity_uid=town.uid).latest("id")

    # When that version is cherry-picked onto main
    result = cherry_picks.cherry_pick_version(
        owner, source_version_id=picked.pk, target_branch_id=main.pk
    )

    # Then main gets the level, keeping its name
    live = Settlement.objects.get(pk=town.pk)
    assert (live.level, live.name, result.conflicts) == (4, "Restov", [])
    assert result.version is not None
    assert result.version.branch_id == main.pk


def test_a_conflicting_cherry_pick_writes_nothing_until_resolved(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given both branches renamed the settlement differently after a fork
    main = main_of(campaign)
    child, _ = branches.fork_branch(
        owner, source_branch_id=main.pk, data={"name": "Child", "world_time": at(2)}
    )
    rename(owner, town, "Child's", 3, child)
    rename(owner, town, "Main's", 3)
    picked = Version.objects.filter(branch=child, entity_uid=town.uid).latest("id")
    before = Version.objects.count()

    # When the child's rename is cherry-picked onto main
    result = cherry_picks.cherry_pick_version(
        owner, source_version_id=picked.pk, target_branch_id=main.pk
    )

    # Then the conflict is reported and nothing is written
    assert [(c.path, c.source, c.target) for c in result.conflicts] == [
        ("name", "Child's", "Main's")
    ]
    assert Version.objects.count() == before

    # And resolved, it applies
    cherry_picks.cherry_pick_version(
        owner,
        source_version_id=picked.pk,
        target_branch_id=main.pk,
        resolutions=[
            {
                "entity_type": "settlement",
                "entity_id": str(town.uid),
                "path": "name",
                "resolved_value": '"Both"',
            }
        ],
    )
    assert Settlement.objects.get(pk=town.pk).name == "Both"


def test_cherry_picks_across_campaigns_are_refused(
    owner: Actor, world: Any, campaign: Campaign, town: Settlement
) -> None:
    other = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Other"})
    picked = Version.objects.filter(entity_uid=town.uid).latest("id")

    with pytest.raises(ValidationError) as refused:
        cherry_picks.cherry_pick_version(
            owner, source_version_id=picked.pk, target_branch_id=main_of(other).pk
        )

    assert refused.value.extensions["field"] == "targetBranchId"
