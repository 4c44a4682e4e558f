"""Parties, characters, events, encounters and links."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor, campaign_branch, capped, readable
from api.graphql.campaign.queries.realm import BRANCH, by_id
from api.graphql.campaign.types.people import Character, Encounter, Event, Link, Party
from campaign.actions.entities import parse_id
from campaign.models import Character as CharacterModel
from campaign.models import Encounter as EncounterModel
from campaign.models import Event as EventModel
from campaign.models import Link as LinkModel
from campaign.models import Party as PartyModel
from campaign.permissions import readable_campaigns
from kernel.errors import ValidationError

LINK_ENDS = ("event", "encounter")


def in_campaign(model: Any, order: tuple[str, ...]) -> graphene.Field:
    def resolve(
        root: None, info: ResolveInfo, campaign_id: str, branch_id: str | None = None
    ) -> Any:
        branch = campaign_branch(info, campaign_id, branch_id)
        query = model.objects.filter(branch=branch).unarchived().select_related("branch")
        return capped(query.order_by(*order, "pk"))

    return resolve


def at_location(model: Any) -> Any:
    """What happens at a location, across the campaigns of its world that the user reads."""

    def resolve(
        root: None, info: ResolveInfo, location_id: str, branch_id: str | None = None
    ) -> Any:
        location = readable(info, "location", location_id, "locationId")
        query = model.objects.filter(
            location=location, branch__campaign__in=readable_campaigns(actor(info))
        )
        if branch_id is None:
            query = query.filter(branch__parent__isnull=True)
        else:
            query = query.filter(branch_id=parse_id(branch_id, "branchId"))
        query = query.unarchived().select_related("branch")
        return capped(query.order_by("scheduled_at", "name", "pk"))

    return resolve


def list_in_campaign(type_: type, model: Any, order: tuple[str, ...]) -> graphene.List:
    return graphene.List(
        graphene.NonNull(type_),
        required=True,
        campaign_id=graphene.ID(required=True),
        branch_id=BRANCH,
        resolver=in_campaign(model, order),
    )


def list_at_location(type_: type, model: Any) -> graphene.List:
    return graphene.List(
        graphene.NonNull(type_),
        required=True,
        location_id=graphene.ID(required=True),
        branch_id=BRANCH,
        resolver=at_location(model),
    )


def links_by(end: str) -> Any:
    def resolve(root: None, info: ResolveInfo, branch_id: str | None = None, **kwargs: Any) -> Any:
        kind = kwargs[f"{end}_type"].lower()
        if kind not in LINK_ENDS:
            raise ValidationError(
                f"{end}Type must be one of {', '.join(LINK_ENDS)}", field=f"{end}Type"
            )
        entity = readable(info, kind, kwargs[f"{end}_id"], f"{end}Id", branch_id)
        query = LinkModel.objects.filter(**{f"{end}_{kind}": entity}).select_related(
            "branch", "source_event", "source_encounter", "target_event", "target_encounter"
        )
        return capped(query.order_by("created_at", "pk"))

    return resolve


class PeopleQueries(graphene.ObjectType):
    character = by_id(Character, "character")
    party = by_id(Party, "party")
    event = by_id(Event, "event")
    encounter = by_id(Encounter, "encounter")
    link = by_id(Link, "link")
    characters_by_campaign = list_in_campaign(Character, CharacterModel, ("name",))
    parties_by_campaign = list_in_campaign(Party, PartyModel, ("name",))
    events_by_campaign = list_in_campaign(Event, EventModel, ("scheduled_at", "name"))
    encounters_by_campaign = list_in_campaign(Encounter, EncounterModel, ("scheduled_at", "name"))
    events_by_location = list_at_location(Event, EventModel)
    encounters_by_location = list_at_location(Encounter, EncounterModel)
    characters_by_party = graphene.List(
        graphene.NonNull(Character),
        required=True,
        party_id=graphene.ID(required=True),
        branch_id=BRANCH,
    )
    links_by_source = graphene.List(
        graphene.NonNull(Link),
        required=True,
        source_id=graphene.ID(required=True),
        source_type=graphene.String(required=True),
        branch_id=BRANCH,
        resolver=links_by("source"),
    )
    links_by_target = graphene.List(
        graphene.NonNull(Link),
        required=True,
        target_id=graphene.ID(required=True),
        target_type=graphene.String(required=True),
        branch_id=BRANCH,
        resolver=links_by("target"),
    )

    @staticmethod
    def resolve_characters_by_party(
        root: None, info: ResolveInfo, party_id: str, branch_id: str | None = None
    ) -> Any:
        party = readable(info, "party", party_id, "partyId", branch_id)
        query = CharacterModel.objects.filter(party=party).unarchived().select_related("branch")
        return capped(query.order_by("name", "pk"))
