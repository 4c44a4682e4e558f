"""Party inputs and resolvers, members included (the root fields are in
api/graphql/campaign/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    created_under,
    updater,
)
from campaign.actions import parties


class CreatePartyInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    average_level = graphene.Int()
    manual_level_override = graphene.Int()


class UpdatePartyInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    average_level = graphene.Int()
    manual_level_override = graphene.Int()


class PartyMemberFields:
    party_id = graphene.ID(required=True)
    character_id = graphene.ID(required=True)
    branch_id = graphene.ID()


class AddPartyMemberInput(PartyMemberFields, graphene.InputObjectType):
    pass


class RemovePartyMemberInput(PartyMemberFields, graphene.InputObjectType):
    pass


create_party = created_under("campaign_id", parties.create_party)
update_party = updater("party_id", parties.update_party)


def party_member(change: Any) -> Any:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        return change(
            actor(info),
            party_id=input["party_id"],
            character_id=input["character_id"],
            branch_id=input.get("branch_id"),
        )

    return resolve


add_party_member = party_member(parties.add_member)
remove_party_member = party_member(parties.remove_member)
