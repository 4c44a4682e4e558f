"""``manage.py seed_demo`` and ``manage.py ensure_admin``."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from shapely.geometry import shape

from campaign.models import (
    AuditLog,
    BranchScopedEntity,
    Campaign,
    CampaignMembership,
    Event,
    GlobalEntity,
    Location,
    Role,
    Settlement,
    Structure,
    User,
    Version,
    World,
)
from kernel.snapshots import public_id

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--password", PASSWORD, *args, stdout=out)
    return out.getvalue()


def every_row() -> dict[str, set[str]]:
    """Every row of every campaign model (soft-deleted ones too), by public id or pk."""
    rows: dict[str, set[str]] = {}
    for model in apps.get_app_config("campaign").get_models():
        ids = model._base_manager.values_list("uid" if hasattr(model, "uid") else "pk", flat=True)
        rows[model.__name__] = {str(i) for i in ids}
    return rows


def versioned_entities() -> list[models.Model]:
    found: list[models.Model] = []
    for model in apps.get_app_config("campaign").get_models():
        if issubclass(model, BranchScopedEntity | GlobalEntity):
            found += list(model._base_manager.all())
    return found


def test_seeding_twice_creates_everything_once() -> None:
    # given a seeded demo
    first_output = seed()
    before = every_row()

    # when it is seeded again
    second_output = seed()

    # then nothing was created, and the command said so
    assert every_row() == before
    assert "already exists" in second_output
    assert "nothing to do" in second_output
    assert "Demo campaign" in first_output


def test_the_demo_is_a_realistic_campaign() -> None:
    # given / when
    seed()

    # then the world has a real calendar and the campaign a start world time
    world = World.objects.get(name="Golarion (demo)", owner__email="gm@demo.campaign")
    calendar = world.calendars["calendars"][0]
    assert calendar["monthNames"][0] == "Abadius"
    assert len(calendar["weekdays"]) == 7
    assert sum(calendar["daysPerMonth"]) == 365
    campaign = Campaign.objects.get(world=world)
    assert campaign.current_world_time is not None
    assert campaign.current_world_time.year == 4710
    # and the content the demo promises
    branch = campaign.main_branch
    kingdoms = list(branch_rows("Kingdom", branch))
    assert len(kingdoms) == 3
    settlements = list(Settlement.objects.filter(branch=branch).select_related("location"))
    assert len(settlements) == 6
    assert len({s.location_id for s in settlements}) == 6
    for settlement in settlements:
        assert 2 <= settlement.structures.count() <= 4
        assert settlement.variables["population"] > 0
        assert {d["name"] for d in settlement.variable_schemas} >= {"population", "prosperity"}
    characters = list(branch_rows("Character", branch))
    assert any(c.is_npc for c in characters)
    assert sum(1 for c in characters if c.party_id) >= 3
    assert len({e.event_type for e in Event.objects.filter(branch=branch)}) >= 3
    assert all(e.scheduled_at for e in Event.objects.filter(branch=branch))
    assert branch_rows("Encounter", branch).count() >= 2
    assert branch_rows("Link", branch).count() >= 2
    roles = dict(
        CampaignMembership.objects.filter(campaign=campaign).values_list("user__email", "role")
    )
    assert roles == {"player@demo.campaign": Role.PLAYER, "viewer@demo.campaign": Role.VIEWER}


def branch_rows(model_name: str, branch: object) -> models.QuerySet:
    return apps.get_model("campaign", model_name).objects.filter(branch=branch)


def test_settlement_points_lie_inside_valid_region_polygons() -> None:
    # given / when
    seed()

    # then every region is a valid closed polygon containing its settlements' points
    for settlement in Settlement.objects.select_related("location__parent"):
        region = settlement.location.parent
        assert region is not None
        assert region.type == "region"
        ring = region.geometry["coordinates"][0]
        assert ring[0] == ring[-1]
        polygon = shape(region.geometry)
        assert polygon.is_valid
        assert polygon.contains(shape(settlement.location.geometry))
    assert Location.objects.filter(type="region").count() == 3


def test_the_demo_map_lies_within_the_longitudes_and_latitudes_a_web_map_shows() -> None:
    # given / when
    seed()

    # then every coordinate of every location is a longitude within ±180 and a latitude within
    # ±85 (web maps clip beyond), and so are the structures' positions
    for location in Location.objects.all():
        west, south, east, north = shape(location.geometry).bounds
        assert -180 <= west <= east <= 180, location.name
        assert -85 <= south <= north <= 85, location.name
    for structure in Structure.objects.all():
        assert -180 <= structure.x <= 180, structure.name
        assert -85 <= structure.y <= 85, structure.name


def test_every_seeded_entity_is_versioned_and_audited_by_the_demo_gm() -> None:
    # given / when
    seed()

    # then each entity has its history and audit trail, written by the demo GM
    gm = User.objects.get(email="gm@demo.campaign")
    rows = versioned_entities()
    assert len(rows) > 50
    for row in rows:
        entity_type = row.entity_type  # type: ignore[attr-defined]
        versions = Version.objects.filter(entity_type=entity_type, entity_uid=public_id(row))
        audits = AuditLog.objects.filter(entity_type=entity_type, entity_id=public_id(row))
        assert versions.filter(operation="CREATE", author=gm).exists(), row
        assert audits.filter(operation="CREATE", actor=gm, reason="seed_demo").exists(), row
    assert AuditLog.objects.filter(entity_type="membership").count() == 2


def test_seeding_reports_progress_and_the_login() -> None:
    # when
    output = seed()

    # then there is a line per step and the sign-in details
    for expected in ("World", "Campaign", "Kingdom Brevoy", "Party", "events", "links"):
        assert expected in output
    assert f"gm@demo.campaign / {PASSWORD}" in output
    assert User.objects.get(email="gm@demo.campaign").check_password(PASSWORD)


def test_reset_replaces_the_demo_with_a_fresh_one() -> None:
    # given a seeded demo
    seed()
    old_world = World.objects.get(name="Golarion (demo)")

    # when it is reset
    seed("--reset")

    # then the old one is soft-deleted (with its campaign) and a new one is live
    assert World.all_objects.get(pk=old_world.pk).deleted_at is not None
    assert Campaign.all_objects.filter(world=old_world, deleted_at__isnull=True).count() == 0
    assert Location.objects.filter(world=old_world).count() == 0
    assert World.objects.filter(name="Golarion (demo)").count() == 1
    assert Campaign.objects.count() == 1


def test_ensure_admin_creates_a_superuser_once() -> None:
    # given no admin
    out = io.StringIO()

    # when ensured twice, the second time with another password
    call_command(
        "ensure_admin", "--email", "Ops@Example.com", "--password", "first-pass", stdout=out
    )
    call_command("ensure_admin", "--email", "ops@example.com", "--password", "other", stdout=out)

    # then one superuser exists, with the first password
    user = User.objects.get(email="ops@example.com")
    assert user.is_superuser
    assert user.is_staff
    assert user.check_password("first-pass")
    assert "ops@example.com / first-pass" in out.getvalue()
    assert "already exists" in out.getvalue()


def test_ensure_admin_resets_the_password_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # given an admin from the environment
    monkeypatch.setenv("ADMIN_EMAIL", "root@example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", "from-env")
    call_command("ensure_admin", stdout=io.StringIO())

    # when the password is reset
    call_command("ensure_admin", "--reset-password", "--password", "new-pass", stdout=io.StringIO())

    # then it changed
    assert User.objects.get(email="root@example.com").check_password("new-pass")
