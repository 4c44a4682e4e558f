"""Character query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.campaign.access import readable
from campaign.models import Character


def resolve_characters_by_party(
    root: None, info: ResolveInfo, party_id: str, branch_id: str | None = None
) -> Any:
    party = readable(info, "party", party_id, "partyId", branch_id)
    query = Character.objects.filter(party=party).unarchived().select_related("branch")
    return query.order_by("name", "pk")
