import dataclasses

import pytest
from django.db import transaction

from campaign.actions import entities, kingdoms, settlements
from campaign.models import AuditLog, Campaign, Kingdom, LevelChange, Settlement, Structure, Version
from kernel.actor import Actor
from kernel.errors import Conflict
from tests import builders


def history_of(instance: object) -> list[str]:
    return list(
        Version.objects.filter(entity_uid=instance.uid)  # type: ignore[attr-defined]
        .order_by("sequence")
        .values_list("operation", flat=True)
    )


def test_create_writes_a_version_and_an_audit_row(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign, level=3)

    version = Version.objects.get(entity_uid=kingdom.uid)
    audit = AuditLog.objects.get(entity_id=str(kingdom.uid))
    assert version.sequence == 1
    assert version.snapshot is not None
    assert version.snapshot["name"] == kingdom.name
    assert version.branch == campaign.main_branch
    assert audit.operation == "CREATE"
    assert audit.actor == owner.user
    assert audit.previous_state is None
    assert audit.new_state is not None
    assert audit.new_state["level"] == 3
    assert {"op": "add", "path": "/level", "value": 3} in (audit.diff or [])


def test_update_bumps_version_and_records_diff(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign, name="Brevoy")

    updated = kingdoms.update_kingdom(
        owner, kingdom_id=kingdom.uid, data={"name": "Restov"}, expected_version=1
    )

    assert updated.version == 2
    assert Kingdom.objects.get(pk=kingdom.pk).name == "Restov"
    audit = AuditLog.objects.filter(entity_id=str(kingdom.uid)).latest("id")
    assert audit.operation == "UPDATE"
    assert {"op": "replace", "path": "/name", "value": "Restov"} in (audit.diff or [])
    assert audit.changes["name"] == "Restov"
    assert history_of(kingdom) == ["CREATE", "UPDATE"]


def test_stale_expected_version_is_a_conflict_and_writes_nothing(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign, name="Brevoy")
    kingdoms.update_kingdom(
        owner, kingdom_id=kingdom.uid, data={"name": "Restov"}, expected_version=1
    )

    with pytest.raises(Conflict) as error:
        kingdoms.update_kingdom(
            owner, kingdom_id=kingdom.uid, data={"name": "Lost"}, expected_version=1
        )

    assert error.value.extensions == {"expectedVersion": 1, "actualVersion": 2}
    assert Kingdom.objects.get(pk=kingdom.pk).name == "Restov"
    assert history_of(kingdom) == ["CREATE", "UPDATE"]


def test_failure_after_the_row_write_rolls_back_version_and_audit(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign, name="Brevoy")
    audits_before = AuditLog.objects.count()

    def update_then_fail() -> None:
        with transaction.atomic():
            kingdoms.update_kingdom(owner, kingdom_id=kingdom.uid, data={"name": "Restov"})
            raise RuntimeError("the caller fails after the action wrote")

    with pytest.raises(RuntimeError):
        update_then_fail()

    assert Kingdom.objects.get(pk=kingdom.pk).name == "Brevoy"
    assert Kingdom.objects.get(pk=kingdom.pk).version == 1
    assert history_of(kingdom) == ["CREATE"]
    assert AuditLog.objects.count() == audits_before


def test_a_failing_history_write_rolls_back_the_row(owner: Actor, campaign: Campaign) -> None:
    # Given an actor whose audit metadata cannot be stored (not JSON)
    kingdom = builders.kingdom(owner, campaign, name="Brevoy")
    unstorable = dataclasses.replace(owner, metadata={"client": object()})

    # When its update writes the row and its version, and then fails on the audit row
    with pytest.raises(TypeError):
        kingdoms.update_kingdom(unstorable, kingdom_id=kingdom.uid, data={"name": "Restov"})

    # Then neither the row nor its version was written
    assert Kingdom.objects.get(pk=kingdom.pk).name == "Brevoy"
    assert history_of(kingdom) == ["CREATE"]
    assert AuditLog.objects.filter(entity_id=kingdom.uid).count() == 1


def test_deleting_a_kingdom_cascades_to_settlements_and_structures(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    settlement = builders.settlement(owner, kingdom)
    live = builders.structure(owner, settlement)
    already_deleted = builders.structure(owner, settlement)
    entities.soft_delete(owner, instance=already_deleted)
    first_stamp = Structure.all_objects.get(pk=already_deleted.pk).deleted_at

    deleted = entities.soft_delete(owner, instance=kingdom)

    stamps = {
        Settlement.all_objects.get(pk=settlement.pk).deleted_at,
        Structure.all_objects.get(pk=live.pk).deleted_at,
    }
    assert stamps == {deleted.deleted_at}
    assert Structure.all_objects.get(pk=already_deleted.pk).deleted_at == first_stamp
    assert not Settlement.objects.filter(pk=settlement.pk).exists()
    tombstones = Version.objects.filter(operation="DELETE", snapshot__isnull=True)
    assert set(tombstones.values_list("entity_uid", flat=True)) >= {
        kingdom.uid,
        settlement.uid,
        live.uid,
    }
    cascaded = AuditLog.objects.get(entity_id=str(live.uid), operation="DELETE")
    assert cascaded.changes["cascadedFrom"] == f"kingdom:{kingdom.uid}"


def test_a_cascade_is_one_transaction(
    owner: Actor, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    settlement = builders.settlement(owner, kingdom)
    builders.structure(owner, settlement)
    real_save = Structure.save

    def failing_save(self: Structure, *args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Structure, "save", failing_save)
    with pytest.raises(RuntimeError):
        entities.soft_delete(owner, instance=kingdom)
    monkeypatch.setattr(Structure, "save", real_save)

    assert Kingdom.objects.filter(pk=kingdom.pk).exists()
    assert Settlement.objects.filter(pk=settlement.pk).exists()


def test_recreating_a_settlement_on_the_location_of_a_deleted_one_works(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    place = builders.point(owner, campaign)
    first = builders.settlement(owner, kingdom, location=place)
    entities.soft_delete(owner, instance=first)

    second = builders.settlement(owner, kingdom, location=place)

    assert second.location == place
    assert second.uid != first.uid


def test_archive_and_restore_are_versioned(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign)

    archived = entities.archive(owner, instance=kingdom)
    assert archived.archived_at is not None
    restored = entities.restore(owner, instance=archived)

    assert restored.archived_at is None
    assert restored.version == 3
    assert history_of(kingdom) == ["CREATE", "ARCHIVE", "RESTORE"]


def test_set_level_validates_range_and_records_level_history(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    settlement = builders.settlement(owner, kingdom)

    entities.set_level(owner, instance=settlement, level=4)

    change = LevelChange.objects.get(entity_uid=settlement.uid, new_level=4)
    assert change.old_level == 1
    assert change.changed_by == owner.user


def test_typed_variables_define_set_and_delete(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign)
    settlement = builders.settlement(owner, kingdom)

    settlement = entities.define_variable_schema(
        owner,
        instance=settlement,
        definition={"name": "population", "type": "number", "defaultValue": 100},
    )
    assert settlement.variables == {"population": 100}
    settlement = entities.set_variable(owner, instance=settlement, name="population", value=2500)
    assert Settlement.objects.get(pk=settlement.pk).variables == {"population": 2500}
    settlement = entities.delete_variable_schema(owner, instance=settlement, name="population")

    assert settlement.variable_schemas == []
    assert settlement.variables == {}


def test_update_with_variables_checks_them_against_the_schemas(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    settlement = builders.settlement(
        owner,
        kingdom,
        variable_schemas=[{"name": "mood", "type": "enum", "enumValues": ["calm", "angry"]}],
        variables={"mood": "calm"},
    )

    updated = settlements.update_settlement(
        owner, settlement_id=settlement.uid, data={"variables": {"mood": "angry"}}
    )

    assert updated.variables == {"mood": "angry"}
