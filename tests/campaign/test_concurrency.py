"""Optimistic locking under real concurrency (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from campaign.actions import kingdoms, settlements
from campaign.models import Campaign, Kingdom, Settlement, Version
from kernel.actor import Actor
from kernel.errors import Conflict, ValidationError
from tests import builders

WRITERS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_updates_at_one_version_give_one_winner(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign, name="Brevoy")
    start = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        try:
            start.wait()
            kingdoms.update_kingdom(
                owner, kingdom_id=kingdom.uid, data={"name": f"Writer {n}"}, expected_version=1
            )
            result = f"won:{n}"
        except Conflict as conflict:
            result = f"conflict:{conflict.expected_version}->{conflict.actual_version}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1
    assert outcomes.count("conflict:1->2") == WRITERS - 1
    stored = Kingdom.objects.get(pk=kingdom.pk)
    assert stored.version == 2
    assert stored.name == f"Writer {winners[0].split(':')[1]}"
    assert Version.objects.filter(entity_uid=kingdom.uid).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_without_expected_version_all_land(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign, level=1)
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            kingdoms.update_kingdom(owner, kingdom_id=kingdom.uid, data={"name": f"Writer {n}"})
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Kingdom.objects.get(pk=kingdom.pk).version == 1 + WRITERS
    sequences = Version.objects.filter(entity_uid=kingdom.uid).values_list("sequence", flat=True)
    assert sorted(sequences) == list(range(1, WRITERS + 2))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_variable_writes_keep_every_value(owner: Actor, campaign: Campaign) -> None:
    """Each write adds to the variables as they are when locked, not as they were read."""
    from campaign.actions import entities

    kingdom = builders.kingdom(owner, campaign)
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            stale = Kingdom.objects.get(pk=kingdom.pk)  # everyone reads the same version
            start.wait()
            entities.set_variable(owner, instance=stale, name=f"resource_{n}", value=n)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Kingdom.objects.get(pk=kingdom.pk).variables == {
        f"resource_{n}": n for n in range(WRITERS)
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_settlements_founded_on_one_location_at_once_give_one_and_a_clear_refusal(
    owner: Actor, campaign: Campaign
) -> None:
    # Given one free location and two kingdoms (so the kingdom locks do not serialize them)
    place = builders.point(owner, campaign)
    realms = [builders.kingdom(owner, campaign), builders.kingdom(owner, campaign)]
    start = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()

    def found(realm: Kingdom) -> None:
        try:
            start.wait()
            result: object = settlements.create_settlement(
                owner,
                kingdom_id=realm.uid,
                data={"name": f"Town of {realm.name}", "location_id": str(place.pk)},
            )
        except ValidationError as refusal:
            result = (refusal.field, refusal.message)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    # When both found a settlement there at the same moment
    threads = [threading.Thread(target=found, args=(realm,)) for realm in realms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one stands and the other is told the location is taken, naming the input
    assert sum(isinstance(o, Settlement) for o in outcomes) == 1
    assert [o for o in outcomes if not isinstance(o, Settlement)] == [
        ("locationId", "This location is already occupied by another settlement")
    ]
    assert Settlement.objects.filter(location=place).count() == 1
