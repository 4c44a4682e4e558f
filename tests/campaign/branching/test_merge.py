"""previewMerge and executeMerge: one plan for every branch-scoped kind, conflicts per field
path, all-or-nothing execution with versions, audit and MergeHistory."""

import datetime
import json
from typing import Any

import pytest

from campaign.actions import branches, campaigns, entities, kingdoms, merges, settlements
from campaign.models import AuditLog, Branch, Campaign, Kingdom, MergeHistory, Settlement, Version
from kernel.actor import Actor
from kernel.errors import NotFound, PermissionDenied, ValidationError
from rules import actions as rules
from rules.models import FieldCondition
from tests import builders
from tests.campaign.branching.scene import EDITORS, every_kind
from tests.campaign.races import race

pytestmark = pytest.mark.django_db
FORKED = datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC)
LATER = datetime.datetime(2025, 1, 4, tzinfo=datetime.UTC)


def main_of(campaign: Campaign) -> Branch:
    return Branch.objects.get(campaign=campaign, parent__isnull=True)


def fork(owner: Actor, source: Branch, name: str = "Feature") -> Branch:
    child, _ = branches.fork_branch(
        owner, source_branch_id=source.pk, data={"name": name, "world_time": FORKED}
    )
    return child


def preview(actor: Actor, source: Branch, target: Branch) -> merges.MergePlan:
    return merges.preview_merge(
        actor, source_branch_id=source.pk, target_branch_id=target.pk, world_time=LATER
    )


def execute(
    actor: Actor, source: Branch, target: Branch, resolutions: list[dict[str, Any]] | None = None
) -> merges.MergeResult:
    return merges.execute_merge(
        actor,
        source_branch_id=source.pk,
        target_branch_id=target.pk,
        world_time=LATER,
        resolutions=resolutions or [],
    )


def resolution(entity: Any, path: str, value: Any) -> dict[str, Any]:
    return {
        "entity_type": entity.entity_type,
        "entity_id": str(entity.uid),
        "path": path,
        "resolved_value": json.dumps(value),
    }


def edit_settlement(owner: Actor, row: Settlement, branch: Branch, **data: Any) -> None:
    settlements.update_settlement(
        owner, settlement_id=row.uid, data=data, branch_id=branch.pk, world_time=LATER
    )


def on(branch: Branch, row: Any) -> Any:
    return type(row).objects.get(branch=branch, uid=row.uid)


@pytest.fixture
def town(owner: Actor, campaign: Campaign) -> Settlement:
    realm = builders.kingdom(owner, campaign, name="Brevoy")
    return builders.settlement(
        owner,
        realm,
        name="Restov",
        variable_schemas=[
            {"name": "population", "type": "number"},
            {"name": "wealth", "type": "number"},
        ],
        variables={"population": 1000, "wealth": 500},
    )


def test_the_original_workflow_resolves_two_conflicts(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a fork, then population and wealth changed differently on both sides (§2.9, 26)
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, main, variables={"population": 1200, "wealth": 550})
    edit_settlement(owner, town, feature, variables={"population": 1500, "wealth": 600})

    # When the merge is previewed
    plan = preview(owner, feature, main)

    # Then both paths conflict, with the three values
    [entity] = plan.entities
    assert [(c.path, c.base, c.source, c.target) for c in entity.outcome.conflicts] == [
        ("variables.population", 1000, 1500, 1200),
        ("variables.wealth", 500, 600, 550),
    ]
    assert plan.common_ancestor == main

    # When it is executed with both resolved
    result = execute(
        owner,
        feature,
        main,
        [
            resolution(town, "variables.population", 1500),
            resolution(town, "variables.wealth", 600),
        ],
    )

    # Then the target has the resolved values, with a version and the merge recorded
    assert on(main, town).variables == {"population": 1500, "wealth": 600}
    assert result.merged_entity_ids == [f"settlement:{town.uid}"]
    assert result.merge.conflicts_count == 2
    assert result.merge.entities_merged == 1
    assert Version.objects.filter(branch=main, entity_uid=town.uid, operation="MERGE").count() == 1


def test_changes_on_different_fields_merge_without_conflict(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given main changes the population and the fork the name
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, main, variables={"population": 1200, "wealth": 500})
    edit_settlement(owner, town, feature, name="New Restov")

    # When merged
    execute(owner, feature, main)

    # Then main has both changes
    merged = on(main, town)
    assert (merged.name, merged.variables["population"]) == ("New Restov", 1200)


def test_the_source_keeps_its_other_changes_on_an_entity_with_a_conflict(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given both sides rename the settlement, and the fork also changes its level (§2.9, 32)
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, main, name="Main name")
    edit_settlement(owner, town, feature, name="Feature name", level=7)

    # When merged with the name resolved
    execute(owner, feature, main, [resolution(town, "name", "Resolved")])

    # Then the level change of the source is kept
    merged = on(main, town)
    assert (merged.name, merged.level) == ("Resolved", 7)


def test_preview_equals_execute_and_merging_twice_is_a_no_op(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a fork where every kind is changed
    rows = every_kind(owner, campaign)
    main = main_of(campaign)
    feature = fork(owner, main)
    for entity_type, row in rows.items():
        editor = EDITORS[entity_type]
        editor.edit(owner, str(row.uid), {editor.field: "Merged"}, feature.pk)

    # When previewed and executed
    plan = preview(owner, feature, main)
    result = execute(owner, feature, main)

    # Then the execution wrote what the preview showed, for every kind
    assert [e.key for e in plan.entities] == result.merged_entity_ids
    assert {key.split(":")[0] for key in result.merged_entity_ids} == set(rows)
    for entity_type, row in rows.items():
        assert getattr(on(main, row), EDITORS[entity_type].field) == "Merged"

    # And a second merge finds nothing to do
    writes = (Version.objects.count(), AuditLog.objects.count() - 1)
    assert preview(owner, feature, main).entities == []
    again = execute(owner, feature, main)
    assert again.versions_created == 0
    assert (Version.objects.count(), AuditLog.objects.count() - 2) == writes


def test_entities_created_and_deleted_on_the_source_are_created_and_deleted_on_the_target(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a fork that creates a kingdom with a settlement and deletes an existing settlement
    main = main_of(campaign)
    feature = fork(owner, main)
    realm = kingdoms.create_kingdom(
        owner, campaign_id=campaign.pk, data={"name": "New realm"}, branch_id=feature.pk
    )
    village = builders.settlement(owner, realm, name="Village")
    entities.soft_delete(owner, instance=on(feature, town))

    # When merged into main
    execute(owner, feature, main)

    # Then main has the new kingdom and its settlement (pointing at main's kingdom), and the
    # deleted settlement is deleted on main too
    new_village = on(main, village)
    assert new_village.kingdom == Kingdom.objects.get(branch=main, uid=realm.uid)
    assert not Settlement.objects.filter(branch=main, uid=town.uid).exists()


def test_an_entity_of_the_parent_is_merged_into_the_child(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a kingdom created on main after the fork (§2.9, 33)
    main = main_of(campaign)
    feature = fork(owner, main)
    realm = builders.kingdom(owner, campaign, name="Late realm")

    # When main is merged into the fork
    execute(owner, main, feature)

    # Then the fork has it
    assert on(feature, realm).name == "Late realm"


def test_a_rule_changed_on_the_fork_merges_back(owner: Actor, campaign: Campaign) -> None:
    # Given a field condition whose expression the fork changes
    rows = every_kind(owner, campaign)
    main = main_of(campaign)
    feature = fork(owner, main)
    condition: FieldCondition = rows["field_condition"]
    rules.update_field_condition(
        owner, condition_id=condition.uid, data={"expression": 42}, branch_id=feature.pk
    )

    # When merged
    execute(owner, feature, main)

    # Then main's condition has the new expression
    assert on(main, condition).expression == 42


def test_an_unresolved_conflict_writes_nothing(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given two conflicts, one resolved (§2.9, 29)
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, main, name="A", level=2)
    edit_settlement(owner, town, feature, name="B", level=3)
    before = (Version.objects.count(), AuditLog.objects.count(), MergeHistory.objects.count())

    # When executed
    with pytest.raises(ValidationError) as refused:
        execute(owner, feature, main, [resolution(town, "name", "C")])

    # Then it says which conflict is left and nothing is written
    assert refused.value.extensions["field"] == "resolutions"
    assert "level" in str(refused.value)
    assert (
        Version.objects.count(),
        AuditLog.objects.count(),
        MergeHistory.objects.count(),
    ) == before
    assert on(main, town).name == "A"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (lambda town: resolution(town, "level", 1), "resolutions.0.path"),
        (
            lambda town: {**resolution(town, "name", 1), "resolved_value": "{no"},
            "resolutions.0.resolvedValue",
        ),
    ],
    ids=["a path not in conflict", "a value that is not JSON"],
)
def test_bad_resolutions_are_refused(
    owner: Actor, campaign: Campaign, town: Settlement, bad: Any, field: str
) -> None:
    # Given a conflict on the name
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, main, name="A")
    edit_settlement(owner, town, feature, name="B")

    # When a bad resolution is sent
    with pytest.raises(ValidationError) as refused:
        execute(owner, feature, main, [bad(town)])

    # Then it is refused naming it
    assert refused.value.extensions["field"] == field


def test_bad_branches_and_times_are_refused(
    owner: Actor, campaign: Campaign, world: Any, personas: Any
) -> None:
    # Given a fork, and a branch of another campaign
    main = main_of(campaign)
    feature = fork(owner, main)
    other = main_of(another_campaign(owner, world))

    # Then merging into itself, across campaigns or before the fork is refused, naming the field
    def field_of(**kwargs: Any) -> str:
        with pytest.raises(ValidationError) as refused:
            merges.preview_merge(owner, **{"world_time": LATER, **kwargs})
        return str(refused.value.extensions["field"])

    assert field_of(source_branch_id=feature.pk, target_branch_id=feature.pk) == "targetBranchId"
    assert field_of(source_branch_id=feature.pk, target_branch_id=other.pk) == "targetBranchId"
    early = FORKED - datetime.timedelta(days=1)
    assert field_of(source_branch_id=feature.pk, target_branch_id=main.pk, world_time=early) == (
        "worldTime"
    )
    # And a player may preview but not execute; an outsider sees no branch
    preview(personas.actor("player"), feature, main)
    with pytest.raises(PermissionDenied):
        execute(personas.actor("player"), feature, main)
    with pytest.raises(NotFound):
        preview(personas.actor("outsider"), feature, main)


def another_campaign(owner: Actor, world: Any) -> Campaign:
    return campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Other"})


def test_merge_history_lists_merges_of_a_branch_newest_first(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given two merges from a fork into main
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, feature, name="One")
    first = execute(owner, feature, main).merge
    edit_settlement(owner, town, feature, name="Two")
    second = execute(owner, feature, main).merge

    # Then both branches list them, newest first
    assert list(merges.merge_history(owner, branch_id=main.pk)) == [second, first]
    assert list(merges.merge_history(owner, branch_id=feature.pk)) == [second, first]
    assert on(main, town).name == "Two"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_merges_into_one_target_apply_once(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a fork with a renamed settlement and a new kingdom
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, feature, name="Merged once")
    realm = kingdoms.create_kingdom(
        owner, campaign_id=campaign.pk, data={"name": "Once"}, branch_id=feature.pk
    )

    # When two merges of it into main run at the same moment
    [[first, second]] = race([[lambda: execute(owner, feature, main)] * 2])

    # Then one applies the changes and the other, planned after it, finds nothing to do
    assert sorted([first.versions_created, second.versions_created]) == [0, 2]
    assert on(main, town).name == "Merged once"
    assert Kingdom.objects.filter(branch=main, uid=realm.uid).count() == 1
    assert Version.objects.filter(branch=main, entity_uid=town.uid, operation="MERGE").count() == 1


def test_merges_along_three_levels_and_between_siblings(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given main → child → grandchild, and a sibling of the child (§2.9, 31)
    main = main_of(campaign)
    child = fork(owner, main, "Child")
    sibling = fork(owner, main, "Sibling")
    grandchild = fork(owner, child, "Grandchild")
    edit_settlement(owner, town, grandchild, name="From the grandchild")

    # When the grandchild is merged into the child, the child into main, main into the sibling
    execute(owner, grandchild, child)
    execute(owner, child, main)
    execute(owner, main, sibling)

    # Then the change travelled all the way, each merge against its own common ancestor
    assert [on(b, town).name for b in (child, main, sibling)] == ["From the grandchild"] * 3
    assert preview(owner, sibling, child).common_ancestor == main
    assert preview(owner, sibling, child).entities == []


def test_a_merge_back_after_a_merge_only_brings_the_new_changes(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given a fork merged into main with a resolved conflict, then main changes the level
    main = main_of(campaign)
    feature = fork(owner, main)
    edit_settlement(owner, town, main, name="A")
    edit_settlement(owner, town, feature, name="B")
    execute(owner, feature, main, [resolution(town, "name", "Agreed")])
    edit_settlement(owner, town, main, level=9)

    # When main is merged back into the fork
    execute(owner, main, feature)

    # Then the fork gets the resolution and the new level, without a conflict
    merged = on(feature, town)
    assert (merged.name, merged.level) == ("Agreed", 9)
