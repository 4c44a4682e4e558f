from campaign.models.audit import AuditLog, MergeHistory, Operation
from campaign.models.branches import Branch
from campaign.models.campaigns import Campaign, CampaignMembership, Role
from campaign.models.characters import Character
from campaign.models.credentials import ApiKey, RefreshToken
from campaign.models.encounters import Encounter
from campaign.models.events import Event, EventType
from campaign.models.history import LevelChange, Version
from campaign.models.kingdoms import Kingdom
from campaign.models.links import Link, LinkType
from campaign.models.locations import Location, LocationType
from campaign.models.parties import Party
from campaign.models.settlements import Settlement
from campaign.models.structures import Structure
from campaign.models.users import User
from campaign.models.worlds import World
from kernel.models import BranchScopedEntity, GlobalEntity

__all__ = [
    "ApiKey",
    "AuditLog",
    "Branch",
    "BranchScopedEntity",
    "Campaign",
    "CampaignMembership",
    "Character",
    "Encounter",
    "Event",
    "EventType",
    "GlobalEntity",
    "Kingdom",
    "LevelChange",
    "Link",
    "LinkType",
    "Location",
    "LocationType",
    "MergeHistory",
    "Operation",
    "Party",
    "RefreshToken",
    "Role",
    "Settlement",
    "Structure",
    "User",
    "Version",
    "World",
]
