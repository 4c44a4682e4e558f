"""What goes with a deleted entity, and what merely lets go of it."""

from typing import Any

import pytest

from campaign.actions import branches, campaigns, entities, kingdoms
from campaign.models import Campaign, Character, Kingdom
from kernel.actor import Actor
from kernel.errors import NotFound
from rules import actions as rules
from rules import computed_fields
from rules.models import Condition, Effect, FieldCondition, StateVariable
from tests import builders


def test_deleting_an_event_takes_its_rules_with_it(owner: Actor, campaign: Campaign) -> None:
    event = builders.event(owner, campaign, name="Feast", event_type="story")
    effect = rules.create_effect(
        owner,
        data={
            "entity_type": "event",
            "entity_id": str(event.uid),
            "name": "Cheer",
            "payload": [{"op": "add", "path": "/variables/cheer", "value": 1}],
        },
    )
    condition = rules.create_condition(
        owner,
        data={
            "entity_type": "event",
            "entity_id": str(event.uid),
            "name": "Only in spring",
            "expression": True,
        },
    )

    entities.soft_delete(owner, instance=event)

    assert not Effect.objects.filter(pk=effect.pk).exists()
    assert not Condition.objects.filter(pk=condition.pk).exists()


def test_deleting_a_settlement_takes_its_own_rules_but_not_type_wide_ones(
    owner: Actor, campaign: Campaign
) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    own = rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "entity_id": str(settlement.uid),
            "field": "x",
            "expression": 1,
        },
    )
    shared = rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "campaign_id": str(campaign.pk),
            "field": "y",
            "expression": 2,
        },
    )
    variable = rules.create_state_variable(
        owner,
        data={
            "scope": "settlement",
            "scope_id": str(settlement.uid),
            "key": "grain",
            "type": "integer",
            "value": 3,
        },
    )

    entities.soft_delete(owner, instance=settlement)

    assert not FieldCondition.objects.filter(pk=own.pk).exists()
    assert FieldCondition.objects.filter(pk=shared.pk).exists()
    assert not StateVariable.objects.filter(pk=variable.pk).exists()


def test_deleting_a_party_lets_its_members_go(owner: Actor, campaign: Campaign) -> None:
    party = builders.party(owner, campaign, name="Charter")
    from campaign.actions import characters

    hero = characters.create_character(
        owner, campaign_id=campaign.pk, data={"name": "Valeros", "party_id": str(party.uid)}
    )

    entities.soft_delete(owner, instance=party)

    survivor = Character.objects.get(pk=hero.pk)
    assert survivor.party is None
    assert survivor.version == 2


def test_a_deleted_branch_takes_its_rows_out_of_reach(owner: Actor, campaign: Campaign) -> None:
    branch = branches.create_branch(
        owner, campaign_id=campaign.pk, parent_id=None, data={"name": "what-if"}
    )
    kingdom = kingdoms.create_kingdom(
        owner, campaign_id=campaign.pk, data={"name": "Pitax"}, branch_id=str(branch.pk)
    )

    branches.delete_branch(owner, branch_id=branch.pk)

    with pytest.raises(NotFound):
        entities.load(owner, "kingdom", kingdom.uid, branch_id=branch.pk)
    with pytest.raises(NotFound):
        kingdoms.update_kingdom(
            owner, kingdom_id=kingdom.uid, data={"name": "Gone"}, branch_id=str(branch.pk)
        )
    assert Kingdom.objects.get(pk=kingdom.pk).name == "Pitax"


def test_renaming_the_campaign_refreshes_computed_fields(
    owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "campaign_id": str(campaign.pk),
            "field": "realm",
            "expression": {"cat": ["Realm of ", {"var": "campaign.name"}]},
        },
    )
    assert computed_fields.for_entity(settlement).values == {"realm": "Realm of Kingmaker"}

    with django_capture_on_commit_callbacks(execute=True):
        campaigns.update_campaign(owner, campaign_id=campaign.pk, data={"name": "Stolen Lands"})

    assert computed_fields.for_entity(settlement).values == {"realm": "Realm of Stolen Lands"}
