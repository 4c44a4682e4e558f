"""Link query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.campaign.access import readable
from campaign.models import Link
from kernel.errors import ValidationError

LINK_ENDS = ("event", "encounter")


def links_by(end: str) -> Any:
    """linksBySource / linksByTarget: the links whose ``end`` is the given event or encounter."""

    def resolve(root: None, info: ResolveInfo, branch_id: str | None = None, **kwargs: Any) -> Any:
        kind = kwargs[f"{end}_type"].lower()
        if kind not in LINK_ENDS:
            raise ValidationError(
                f"{end}Type must be one of {', '.join(LINK_ENDS)}", field=f"{end}Type"
            )
        entity = readable(info, kind, kwargs[f"{end}_id"], f"{end}Id", branch_id)
        query = Link.objects.filter(**{f"{end}_{kind}": entity}).select_related(
            "branch", "source_event", "source_encounter", "target_event", "target_encounter"
        )
        return query.order_by("created_at", "pk")

    return resolve
