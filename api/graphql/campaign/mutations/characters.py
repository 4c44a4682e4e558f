"""Character inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

import graphene

from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    created_under,
    updater,
)
from campaign.actions import characters

# `class` is a Python keyword: the input's `class_` is the action's `character_class`.
RENAMES = {"class_": "character_class"}


class CharacterFields(TypedVariablesInput):
    class_ = graphene.String(name="class")
    race = graphene.String()
    party_id = graphene.ID()


class CreateCharacterInput(CharacterFields, graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)
    is_npc = graphene.Boolean(name="isNPC", required=True, default_value=False)


class UpdateCharacterInput(CharacterFields, Versioning, graphene.InputObjectType):
    name = graphene.String()
    level = graphene.Int()
    is_npc = graphene.Boolean(name="isNPC")


create_character = created_under("campaign_id", characters.create_character, RENAMES)
update_character = updater("character_id", characters.update_character, RENAMES)
