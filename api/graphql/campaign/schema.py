"""The campaign domain's root fields, each declared by name, in the order the printed schema
lists them (graphene orders the fields of one type as they were made). Each field's inputs and
resolver live in the module named for its entity, under ``queries/`` and ``mutations/``; the
fields every entity has are built by ``queries/factory.py`` and ``mutations/factory.py``."""

import graphene

from api.graphql.campaign.mutations import (
    branches,
    campaigns,
    characters,
    encounters,
    events,
    kingdoms,
    links,
    locations,
    merges,
    parties,
    settlements,
    structures,
    worlds,
)
from api.graphql.campaign.mutations.factory import (
    archive,
    define_variable_schema,
    delete,
    delete_variable_schema,
    id_input_field,
    input_field,
    restore,
    set_level,
    set_variable,
)
from api.graphql.campaign.queries import spatial
from api.graphql.campaign.queries.audit import (
    resolve_entity_audit_history,
    resolve_user_audit_history,
)
from api.graphql.campaign.queries.branches import (
    resolve_branch,
    resolve_branch_hierarchy,
    resolve_branches,
)
from api.graphql.campaign.queries.campaigns import (
    resolve_campaign,
    resolve_campaign_members,
    resolve_campaigns,
    resolve_campaigns_by_world,
    resolve_get_current_world_time,
)
from api.graphql.campaign.queries.characters import resolve_characters_by_party
from api.graphql.campaign.queries.factory import (
    BRANCH,
    at_location,
    by_id,
    in_campaign,
    variable,
    variable_schemas,
    variables,
)
from api.graphql.campaign.queries.health import resolve_health
from api.graphql.campaign.queries.links import links_by
from api.graphql.campaign.queries.locations import (
    resolve_location,
    resolve_locations_by_parent,
    resolve_locations_by_world,
)
from api.graphql.campaign.queries.merges import (
    as_of,
    resolve_entity_as_of,
    resolve_get_merge_history,
    resolve_preview_merge,
)
from api.graphql.campaign.queries.settlements import (
    resolve_settlement_at_location,
    resolve_settlements_by_kingdom,
)
from api.graphql.campaign.queries.structures import resolve_structures_by_settlement
from api.graphql.campaign.queries.versions import resolve_entity_versions, resolve_version_diff
from api.graphql.campaign.queries.worlds import resolve_world, resolve_worlds
from api.graphql.campaign.types.audit import Audit
from api.graphql.campaign.types.branches import Branch, BranchNode
from api.graphql.campaign.types.campaigns import Campaign, CampaignMember
from api.graphql.campaign.types.characters import Character
from api.graphql.campaign.types.encounters import Encounter
from api.graphql.campaign.types.events import Event
from api.graphql.campaign.types.health import HealthCheck
from api.graphql.campaign.types.kingdoms import Kingdom
from api.graphql.campaign.types.links import Link
from api.graphql.campaign.types.locations import Location
from api.graphql.campaign.types.merges import (
    CherryPickResult,
    ForkResult,
    MergeHistoryEntry,
    MergePreview,
    MergeResult,
)
from api.graphql.campaign.types.parties import Party
from api.graphql.campaign.types.settlements import Settlement
from api.graphql.campaign.types.spatial import (
    GeoJSONFeatureCollection,
    LocationWithDistance,
    RegionOverlapResult,
    SettlementWithDistance,
)
from api.graphql.campaign.types.structures import Structure
from api.graphql.campaign.types.versions import Version, VersionDiff
from api.graphql.campaign.types.worlds import World
from api.graphql.limits import DEFAULT_AUDIT_PAGE
from api.graphql.paging import paged_list
from api.graphql.scalars import JSON, Date, DateTime
from campaign.models import Character as CharacterModel
from campaign.models import Encounter as EncounterModel
from campaign.models import Event as EventModel
from campaign.models import Kingdom as KingdomModel
from campaign.models import Party as PartyModel
from kernel import cache_stats


class CampaignQueries(graphene.ObjectType):
    # Branches, members, versions and the audit trail
    branch = graphene.Field(Branch, id=graphene.ID(required=True), resolver=resolve_branch)
    branches = paged_list(Branch, resolve_branches, campaign_id=graphene.ID(required=True))
    branch_hierarchy = graphene.List(
        graphene.NonNull(BranchNode),
        required=True,
        campaign_id=graphene.ID(required=True),
        resolver=resolve_branch_hierarchy,
    )
    campaign_members = paged_list(
        CampaignMember, resolve_campaign_members, campaign_id=graphene.ID(required=True)
    )
    entity_versions = paged_list(
        Version,
        resolve_entity_versions,
        branch_id=graphene.ID(required=True),
        entity_id=graphene.ID(required=True),
        entity_type=graphene.String(required=True),
    )
    entity_as_of = JSON(
        entity_type=graphene.String(required=True),
        id=graphene.ID(required=True),
        branch_id=graphene.ID(required=True),
        world_time=DateTime(required=True),
        resolver=resolve_entity_as_of,
        description="The snapshot of any branch-scoped entity valid at worldTime on the branch.",
    )
    settlement_as_of = graphene.Field(
        Settlement,
        id=graphene.ID(required=True),
        branch_id=graphene.ID(required=True),
        as_of=Date(required=True),
        resolver=as_of("settlement"),
    )
    structure_as_of = graphene.Field(
        Structure,
        id=graphene.ID(required=True),
        branch_id=graphene.ID(required=True),
        as_of=Date(required=True),
        resolver=as_of("structure"),
    )
    preview_merge = graphene.Field(
        MergePreview,
        required=True,
        input=merges.PreviewMergeInput(required=True),
        resolver=resolve_preview_merge,
    )
    get_merge_history = paged_list(
        MergeHistoryEntry, resolve_get_merge_history, branch_id=graphene.ID(required=True)
    )
    version_diff = graphene.Field(
        VersionDiff,
        required=True,
        version_id1=graphene.ID(required=True),
        version_id2=graphene.ID(required=True),
        resolver=resolve_version_diff,
    )
    entity_audit_history = graphene.List(
        graphene.NonNull(Audit),
        required=True,
        entity_type=graphene.String(required=True),
        entity_id=graphene.ID(required=True),
        limit=graphene.Int(default_value=DEFAULT_AUDIT_PAGE),
        operations=graphene.List(graphene.NonNull(graphene.String)),
        start_date=DateTime(),
        end_date=DateTime(),
        sort_by=graphene.String(default_value="timestamp"),
        sort_order=graphene.String(default_value="desc"),
        resolver=resolve_entity_audit_history,
    )
    user_audit_history = graphene.List(
        graphene.NonNull(Audit),
        required=True,
        user_id=graphene.ID(required=True),
        limit=graphene.Int(default_value=DEFAULT_AUDIT_PAGE),
        skip=graphene.Int(default_value=0),
        operations=graphene.List(graphene.NonNull(graphene.String)),
        entity_types=graphene.List(graphene.NonNull(graphene.String)),
        start_date=DateTime(),
        end_date=DateTime(),
        sort_by=graphene.String(default_value="timestamp"),
        sort_order=graphene.String(default_value="desc"),
        resolver=resolve_user_audit_history,
    )
    # Characters, parties, events, encounters and links
    character = by_id(Character, "character")
    party = by_id(Party, "party")
    event = by_id(Event, "event")
    encounter = by_id(Encounter, "encounter")
    link = by_id(Link, "link")
    characters_by_campaign = in_campaign(Character, CharacterModel, ("name",))
    parties_by_campaign = in_campaign(Party, PartyModel, ("name",))
    events_by_campaign = in_campaign(Event, EventModel, ("scheduled_at", "name"))
    encounters_by_campaign = in_campaign(Encounter, EncounterModel, ("scheduled_at", "name"))
    events_by_location = at_location(Event, EventModel)
    encounters_by_location = at_location(Encounter, EncounterModel)
    characters_by_party = paged_list(
        Character,
        resolve_characters_by_party,
        party_id=graphene.ID(required=True),
        branch_id=BRANCH,
    )
    links_by_source = paged_list(
        Link,
        links_by("source"),
        source_id=graphene.ID(required=True),
        source_type=graphene.String(required=True),
        branch_id=BRANCH,
    )
    links_by_target = paged_list(
        Link,
        links_by("target"),
        target_id=graphene.ID(required=True),
        target_type=graphene.String(required=True),
        branch_id=BRANCH,
    )
    # Typed variables
    kingdom_variable = variable("kingdom")
    kingdom_variables = variables("kingdom")
    kingdom_variable_schemas = variable_schemas("kingdom")
    settlement_variable = variable("settlement")
    settlement_variables = variables("settlement")
    settlement_variable_schemas = variable_schemas("settlement")
    structure_variable = variable("structure")
    structure_variables = variables("structure")
    structure_variable_schemas = variable_schemas("structure")
    party_variable = variable("party")
    party_variables = variables("party")
    party_variable_schemas = variable_schemas("party")
    # Kingdoms, settlements and structures
    kingdom = by_id(Kingdom, "kingdom", cached_as=cache_stats.KINGDOMS)
    settlement = by_id(Settlement, "settlement", cached_as=cache_stats.SETTLEMENTS)
    structure = by_id(Structure, "structure", cached_as=cache_stats.STRUCTURES)
    kingdoms_by_campaign = in_campaign(
        Kingdom, KingdomModel, ("name",), cached_as=cache_stats.KINGDOMS
    )
    settlements_by_kingdom = paged_list(
        Settlement,
        resolve_settlements_by_kingdom,
        kingdom_id=graphene.ID(required=True),
        branch_id=BRANCH,
    )
    settlement_at_location = graphene.Field(
        Settlement,
        location_id=graphene.ID(required=True),
        campaign_id=graphene.ID(),
        branch_id=BRANCH,
        resolver=resolve_settlement_at_location,
    )
    structures_by_settlement = paged_list(
        Structure,
        resolve_structures_by_settlement,
        settlement_id=graphene.ID(required=True),
        branch_id=BRANCH,
    )
    # Health, worlds, campaigns and locations
    health = graphene.Field(HealthCheck, required=True, resolver=resolve_health)
    worlds = paged_list(World, resolve_worlds)
    world = graphene.Field(World, id=graphene.ID(required=True), resolver=resolve_world)
    campaigns = paged_list(Campaign, resolve_campaigns)
    campaign = graphene.Field(Campaign, id=graphene.ID(required=True), resolver=resolve_campaign)
    campaigns_by_world = paged_list(
        Campaign, resolve_campaigns_by_world, world_id=graphene.ID(required=True)
    )
    get_current_world_time = DateTime(
        campaign_id=graphene.ID(required=True),
        branch_id=graphene.ID(),
        resolver=resolve_get_current_world_time,
    )
    location = graphene.Field(Location, id=graphene.ID(required=True), resolver=resolve_location)
    locations_by_world = paged_list(
        Location, resolve_locations_by_world, world_id=graphene.ID(required=True)
    )
    locations_by_parent = paged_list(
        Location, resolve_locations_by_parent, parent_location_id=graphene.ID(required=True)
    )
    # The map: spatial queries (map units, see campaign/spatial)
    locations_near = paged_list(
        LocationWithDistance,
        spatial.resolve_locations_near,
        input=spatial.LocationsNearInput(required=True),
    )
    locations_in_region = paged_list(
        Location,
        spatial.resolve_locations_in_region,
        region_id=graphene.ID(required=True),
        world_id=graphene.ID(),
    )
    settlements_near = paged_list(
        SettlementWithDistance,
        spatial.resolve_settlements_near,
        input=spatial.SettlementsNearInput(required=True),
    )
    settlements_in_region = paged_list(
        Settlement,
        spatial.resolve_settlements_in_region,
        region_id=graphene.ID(required=True),
        world_id=graphene.ID(),
        campaign_id=graphene.ID(),
        branch_id=BRANCH,
    )
    check_region_overlap = graphene.Field(
        RegionOverlapResult,
        required=True,
        region1_id=graphene.ID(required=True),
        region2_id=graphene.ID(required=True),
        resolver=spatial.resolve_check_region_overlap,
    )
    map_layer = graphene.Field(
        GeoJSONFeatureCollection,
        required=True,
        world_id=graphene.ID(required=True),
        bbox=spatial.BoundingBoxInput(required=True),
        filters=spatial.MapFilterInput(),
        campaign_id=graphene.ID(
            description="Whose settlements the features show; by default the main branches of "
            "the campaigns of the world the caller reads."
        ),
        branch_id=BRANCH,
        resolver=spatial.resolve_map_layer,
    )


class CampaignMutations(graphene.ObjectType):
    # Parties, characters, events, encounters and links
    create_party = input_field(Party, parties.CreatePartyInput, parties.create_party)
    update_party = id_input_field(Party, parties.UpdatePartyInput, parties.update_party)
    create_character = input_field(
        Character, characters.CreateCharacterInput, characters.create_character
    )
    update_character = id_input_field(
        Character, characters.UpdateCharacterInput, characters.update_character
    )
    create_event = input_field(Event, events.CreateEventInput, events.create_event)
    update_event = id_input_field(Event, events.UpdateEventInput, events.update_event)
    create_encounter = input_field(
        Encounter, encounters.CreateEncounterInput, encounters.create_encounter
    )
    update_encounter = id_input_field(
        Encounter, encounters.UpdateEncounterInput, encounters.update_encounter
    )
    create_link = input_field(Link, links.CreateLinkInput, links.create_link)
    update_link = id_input_field(Link, links.UpdateLinkInput, links.update_link)
    delete_party = delete("party", Party)
    archive_party = archive("party", Party)
    restore_party = restore("party", Party)
    delete_character = delete("character", Character)
    archive_character = archive("character", Character)
    restore_character = restore("character", Character)
    delete_event = delete("event", Event)
    archive_event = archive("event", Event)
    restore_event = restore("event", Event)
    delete_encounter = delete("encounter", Encounter)
    archive_encounter = archive("encounter", Encounter)
    restore_encounter = restore("encounter", Encounter)
    delete_link = delete("link", Link)
    archive_link = archive("link", Link)
    restore_link = restore("link", Link)
    set_party_level = set_level("party", Party)
    set_character_level = set_level("character", Character)
    define_party_variable_schema = define_variable_schema("party")
    set_party_variable = set_variable("party")
    delete_party_variable_schema = delete_variable_schema("party")
    add_party_member = input_field(Party, parties.AddPartyMemberInput, parties.add_party_member)
    remove_party_member = input_field(
        Party, parties.RemovePartyMemberInput, parties.remove_party_member
    )
    # Kingdoms, settlements and structures
    create_kingdom = input_field(Kingdom, kingdoms.CreateKingdomInput, kingdoms.create_kingdom)
    update_kingdom = id_input_field(Kingdom, kingdoms.UpdateKingdomInput, kingdoms.update_kingdom)
    create_settlement = input_field(
        Settlement, settlements.CreateSettlementInput, settlements.create_settlement
    )
    update_settlement = id_input_field(
        Settlement, settlements.UpdateSettlementInput, settlements.update_settlement
    )
    create_structure = input_field(
        Structure, structures.CreateStructureInput, structures.create_structure
    )
    update_structure = id_input_field(
        Structure, structures.UpdateStructureInput, structures.update_structure
    )
    delete_kingdom = delete("kingdom", Kingdom)
    archive_kingdom = archive("kingdom", Kingdom)
    restore_kingdom = restore("kingdom", Kingdom)
    delete_settlement = delete("settlement", Settlement)
    archive_settlement = archive("settlement", Settlement)
    restore_settlement = restore("settlement", Settlement)
    delete_structure = delete("structure", Structure)
    archive_structure = archive("structure", Structure)
    restore_structure = restore("structure", Structure)
    set_kingdom_level = set_level("kingdom", Kingdom)
    set_settlement_level = set_level("settlement", Settlement)
    set_structure_level = set_level("structure", Structure)
    define_kingdom_variable_schema = define_variable_schema("kingdom")
    set_kingdom_variable = set_variable("kingdom")
    delete_kingdom_variable_schema = delete_variable_schema("kingdom")
    define_settlement_variable_schema = define_variable_schema("settlement")
    set_settlement_variable = set_variable("settlement")
    delete_settlement_variable_schema = delete_variable_schema("settlement")
    define_structure_variable_schema = define_variable_schema("structure")
    set_structure_variable = set_variable("structure")
    delete_structure_variable_schema = delete_variable_schema("structure")
    # Worlds, campaigns (and their members), locations and branches
    create_world = input_field(World, worlds.CreateWorldInput, worlds.create_world)
    update_world = id_input_field(World, worlds.UpdateWorldInput, worlds.update_world)
    create_campaign = input_field(
        Campaign, campaigns.CreateCampaignInput, campaigns.create_campaign
    )
    update_campaign = id_input_field(
        Campaign, campaigns.UpdateCampaignInput, campaigns.update_campaign
    )
    create_location = input_field(
        Location, locations.CreateLocationInput, locations.create_location
    )
    update_location = id_input_field(
        Location, locations.UpdateLocationInput, locations.update_location
    )
    delete_world = delete("world", World, with_branch=False, action=worlds.delete_world)
    archive_world = archive("world", World, with_branch=False)
    restore_world = restore("world", World, with_branch=False)
    delete_campaign = delete(
        "campaign", Campaign, with_branch=False, action=campaigns.delete_campaign
    )
    archive_campaign = archive("campaign", Campaign, with_branch=False)
    restore_campaign = restore("campaign", Campaign, with_branch=False)
    delete_location = delete("location", Location, with_branch=False)
    archive_location = archive("location", Location, with_branch=False)
    restore_location = restore("location", Location, with_branch=False)
    update_location_geometry = id_input_field(
        Location, locations.UpdateLocationGeometryInput, locations.update_location_geometry
    )
    add_campaign_member = input_field(
        CampaignMember, campaigns.CampaignMemberInput, campaigns.add_campaign_member
    )
    update_campaign_member = input_field(
        CampaignMember, campaigns.CampaignMemberInput, campaigns.update_campaign_member
    )
    remove_campaign_member = input_field(
        graphene.Boolean, campaigns.RemoveCampaignMemberInput, campaigns.remove_campaign_member
    )
    create_branch = input_field(Branch, branches.CreateBranchInput, branches.create_branch)
    update_branch = id_input_field(Branch, branches.UpdateBranchInput, branches.update_branch)
    delete_branch = graphene.Field(
        graphene.Boolean,
        required=True,
        id=graphene.ID(required=True),
        resolver=branches.delete_branch,
    )
    fork_branch = input_field(ForkResult, merges.ForkBranchInput, merges.fork_branch)
    execute_merge = input_field(MergeResult, merges.ExecuteMergeInput, merges.execute_merge)
    cherry_pick_version = input_field(
        CherryPickResult, merges.CherryPickVersionInput, merges.cherry_pick_version
    )
    restore_version = input_field(Version, merges.RestoreVersionInput, merges.restore_version)
