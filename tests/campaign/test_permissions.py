"""The role matrix on actions: reads need membership, writes GM or owner, deletes the owner."""

import pytest

from campaign.actions import campaigns, entities, kingdoms
from campaign.models import AuditLog, Campaign, Operation, Role
from campaign.permissions import READ, WRITE, readable_campaigns
from kernel.actor import Actor
from kernel.errors import AuthenticationError, NotFound, PermissionDenied
from tests import builders
from tests.conftest import Personas

MATRIX = [
    # persona, read, write, delete
    ("owner", "ok", "ok", "ok"),
    ("gm", "ok", "ok", PermissionDenied),
    ("player", "ok", PermissionDenied, PermissionDenied),
    ("viewer", "ok", PermissionDenied, PermissionDenied),
    ("outsider", NotFound, NotFound, NotFound),
]


def attempt(outcome: object, action: object) -> None:
    if outcome == "ok":
        action()  # type: ignore[operator]
    else:
        with pytest.raises(outcome):  # type: ignore[call-overload]
            action()  # type: ignore[operator]


@pytest.mark.parametrize(("persona", "read", "write", "delete"), MATRIX)
def test_role_matrix_for_a_kingdom(
    personas: Personas, owner: Actor, campaign: Campaign, persona: str, read, write, delete
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    actor = personas.actor(persona)

    attempt(read, lambda: entities.load(actor, "kingdom", kingdom.uid, minimum=READ))
    attempt(
        write,
        lambda: kingdoms.update_kingdom(actor, kingdom_id=kingdom.uid, data={"name": "Renamed"}),
    )
    attempt(
        write, lambda: kingdoms.create_kingdom(actor, campaign_id=campaign.pk, data={"name": "New"})
    )
    attempt(
        delete,
        lambda: entities.soft_delete(
            actor, instance=entities.load(actor, "kingdom", kingdom.uid, minimum=Role.OWNER)
        ),
    )


def test_anonymous_must_authenticate(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign)

    with pytest.raises(AuthenticationError):
        entities.load(Actor(None), "kingdom", kingdom.uid)


def test_outsider_learns_nothing_about_the_campaign(
    personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign)

    with pytest.raises(NotFound) as hidden:
        entities.load(personas.actor("outsider"), "kingdom", kingdom.uid)
    with pytest.raises(NotFound) as missing:
        entities.load(personas.actor("outsider"), "kingdom", "7b0f1d0e-0000-4000-8000-00000000000a")

    assert hidden.value.message.startswith("Kingdom with ID")
    assert missing.value.message.startswith("Kingdom with ID")


@pytest.mark.parametrize("persona", ["gm", "player", "viewer", "outsider"])
def test_only_the_owner_manages_members(
    personas: Personas, campaign: Campaign, persona: str
) -> None:
    newcomer = personas.outsider if persona != "outsider" else personas.viewer
    with pytest.raises((PermissionDenied, NotFound)):
        campaigns.add_member(
            personas.actor(persona), campaign_id=campaign.pk, user_id=newcomer.pk, role=Role.VIEWER
        )


def test_owner_adds_updates_and_removes_members(personas: Personas, campaign: Campaign) -> None:
    owner = personas.actor("owner")

    campaigns.add_member(
        owner, campaign_id=campaign.pk, user_id=personas.outsider.pk, role=Role.PLAYER
    )
    assert entities.load(personas.actor("outsider"), "campaign", campaign.pk)
    campaigns.update_member(
        owner, campaign_id=campaign.pk, user_id=personas.outsider.pk, role=Role.GM
    )
    kingdoms.create_kingdom(
        personas.actor("outsider"), campaign_id=campaign.pk, data={"name": "Theirs"}
    )
    campaigns.remove_member(owner, campaign_id=campaign.pk, user_id=personas.outsider.pk)

    with pytest.raises(NotFound):
        entities.load(personas.actor("outsider"), "campaign", campaign.pk)


def test_a_gm_cannot_archive_the_campaign_out_of_its_members_lists(
    personas: Personas, campaign: Campaign
) -> None:
    # Given a GM who loaded the campaign for writing, as the archive mutation does
    gm = personas.actor("gm")
    loaded = entities.load(gm, "campaign", campaign.pk, minimum=WRITE)

    # When they archive it
    with pytest.raises(PermissionDenied) as refused:
        entities.archive(gm, instance=loaded)

    # Then it is the owner's decision, and nothing was written
    assert refused.value.message == "This needs the OWNER role in the campaign; you are GM"
    assert Campaign.objects.get(pk=campaign.pk).archived_at is None
    assert Campaign.objects.get(pk=campaign.pk).version == campaign.version
    assert not AuditLog.objects.filter(operation=Operation.ARCHIVE).exists()
    assert campaign in readable_campaigns(personas.actor("owner")).filter(archived_at=None)


def test_a_gm_cannot_restore_an_archived_campaign(personas: Personas, campaign: Campaign) -> None:
    archived = entities.archive(personas.actor("owner"), instance=campaign)
    gm = personas.actor("gm")

    with pytest.raises(PermissionDenied):
        entities.restore(gm, instance=entities.load(gm, "campaign", campaign.pk, minimum=WRITE))

    assert Campaign.objects.get(pk=campaign.pk).archived_at == archived.archived_at


def test_the_owner_archives_and_restores_the_campaign(
    personas: Personas, campaign: Campaign
) -> None:
    owner = personas.actor("owner")

    archived = entities.archive(owner, instance=campaign)
    restored = entities.restore(owner, instance=archived)

    assert archived.archived_at is not None
    assert restored.archived_at is None
    assert restored.version == campaign.version + 2


def test_a_gm_still_archives_and_restores_the_campaigns_entities(
    personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    gm = personas.actor("gm")
    kingdom = builders.kingdom(owner, campaign)
    settlement = builders.settlement(owner, kingdom)

    for row, kind in ((kingdom, "kingdom"), (settlement, "settlement")):
        archived = entities.archive(gm, instance=entities.load(gm, kind, row.uid, minimum=WRITE))
        assert archived.archived_at is not None
        restored = entities.restore(gm, instance=entities.load(gm, kind, row.uid, minimum=WRITE))
        assert restored.archived_at is None
