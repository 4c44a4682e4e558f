"""Small builders for test data, all through the actions."""

from typing import Any

from campaign.actions import kingdoms, locations, settlements, structures
from campaign.models import Campaign, Kingdom, Location, Settlement, Structure
from kernel.actor import Actor

_counter = iter(range(1, 10_000_000))


def point(actor: Actor, campaign: Campaign, x: float = 0.0, y: float = 0.0) -> Location:
    return locations.create_location(
        actor,
        campaign.world_id,
        {
            "type": "point",
            "name": f"Place {next(_counter)}",
            "geometry": {"type": "Point", "coordinates": [x, y]},
        },
    )


def kingdom(actor: Actor, campaign: Campaign, **data: Any) -> Kingdom:
    return kingdoms.create_kingdom(
        actor, campaign.pk, {"name": f"Kingdom {next(_counter)}", **data}
    )


def settlement(actor: Actor, in_kingdom: Kingdom, **data: Any) -> Settlement:
    campaign = in_kingdom.branch.campaign
    location = data.pop("location", None) or point(actor, campaign)
    return settlements.create_settlement(
        actor,
        in_kingdom.uid,
        {"name": f"Settlement {next(_counter)}", "location_id": str(location.pk), **data},
        branch_id=in_kingdom.branch_id,
    )


def structure(actor: Actor, in_settlement: Settlement, **data: Any) -> Structure:
    return structures.create_structure(
        actor,
        in_settlement.uid,
        {"name": f"Structure {next(_counter)}", "type": "temple", **data},
        branch_id=in_settlement.branch_id,
    )
