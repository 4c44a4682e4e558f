"""Branches, versions, audit history and campaign membership."""

import datetime
import re
from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor, capped, readable
from api.graphql.campaign.types.history import Audit, Branch, BranchNode, Version, VersionDiff
from api.graphql.campaign.types.world import CampaignMember
from api.graphql.scalars import DateTime
from campaign.actions import entities
from campaign.actions.branches import load_branch
from campaign.actions.entities import require_authenticated
from campaign.actions.kinds import KINDS
from campaign.history_queries import audit_query, entity_campaign, own_audit_rows, version_diff
from campaign.models import AuditLog, CampaignMembership
from campaign.models import Branch as BranchModel
from campaign.models import Version as VersionModel
from campaign.permissions import MANAGE, READ, WRITE, require_role
from kernel.errors import AuthenticationError, NotFound, PermissionDenied, ValidationError

AUDIT_LIMIT = 100  # the original API's cap: a larger limit returns this many rows
DEFAULT_AUDIT_LIMIT = 50
# Version ids are bigint primary keys; ASCII digits only ("²" passes str.isdigit).
VERSION_ID = re.compile(r"[0-9]{1,18}")


def hierarchy(branches: list[BranchModel]) -> list[dict[str, Any]]:
    children: dict[Any, list[BranchModel]] = {}
    for branch in branches:
        children.setdefault(branch.parent_id, []).append(branch)

    def node(branch: BranchModel) -> dict[str, Any]:
        return {"branch": branch, "children": [node(c) for c in children.get(branch.pk, [])]}

    return [node(root) for root in children.get(None, [])]


def audit_limit(limit: int | None) -> int:
    """How many audit rows to return: a limit below one is a mistake, not a request for one."""
    if limit is None:
        return DEFAULT_AUDIT_LIMIT
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, but received {limit}", field="limit")
    return min(limit, AUDIT_LIMIT)


class HistoryQueries(graphene.ObjectType):
    branch = graphene.Field(Branch, id=graphene.ID(required=True))
    branches = graphene.List(
        graphene.NonNull(Branch), required=True, campaign_id=graphene.ID(required=True)
    )
    branch_hierarchy = graphene.List(
        graphene.NonNull(BranchNode), required=True, campaign_id=graphene.ID(required=True)
    )
    campaign_members = graphene.List(
        graphene.NonNull(CampaignMember), required=True, campaign_id=graphene.ID(required=True)
    )
    entity_versions = graphene.List(
        graphene.NonNull(Version),
        required=True,
        branch_id=graphene.ID(required=True),
        entity_id=graphene.ID(required=True),
        entity_type=graphene.String(required=True),
    )
    version_diff = graphene.Field(
        VersionDiff,
        required=True,
        version_id1=graphene.ID(required=True),
        version_id2=graphene.ID(required=True),
    )
    entity_audit_history = graphene.List(
        graphene.NonNull(Audit),
        required=True,
        entity_type=graphene.String(required=True),
        entity_id=graphene.ID(required=True),
        limit=graphene.Int(default_value=DEFAULT_AUDIT_LIMIT),
        operations=graphene.List(graphene.NonNull(graphene.String)),
        start_date=DateTime(),
        end_date=DateTime(),
        sort_by=graphene.String(default_value="timestamp"),
        sort_order=graphene.String(default_value="desc"),
    )
    user_audit_history = graphene.List(
        graphene.NonNull(Audit),
        required=True,
        user_id=graphene.ID(required=True),
        limit=graphene.Int(default_value=DEFAULT_AUDIT_LIMIT),
        skip=graphene.Int(default_value=0),
        operations=graphene.List(graphene.NonNull(graphene.String)),
        entity_types=graphene.List(graphene.NonNull(graphene.String)),
        start_date=DateTime(),
        end_date=DateTime(),
        sort_by=graphene.String(default_value="timestamp"),
        sort_order=graphene.String(default_value="desc"),
    )

    @staticmethod
    def resolve_branch(root: None, info: ResolveInfo, id: str) -> Any:
        try:
            return load_branch(actor(info), id, READ)
        except NotFound:
            return None

    @staticmethod
    def resolve_branches(root: None, info: ResolveInfo, campaign_id: str) -> Any:
        campaign = readable(info, "campaign", campaign_id, "campaignId")
        return capped(BranchModel.objects.filter(campaign=campaign).order_by("created_at", "pk"))

    @staticmethod
    def resolve_branch_hierarchy(root: None, info: ResolveInfo, campaign_id: str) -> Any:
        campaign = readable(info, "campaign", campaign_id, "campaignId")
        return hierarchy(list(BranchModel.objects.filter(campaign=campaign).order_by("created_at")))

    @staticmethod
    def resolve_campaign_members(root: None, info: ResolveInfo, campaign_id: str) -> Any:
        campaign = entities.load(
            actor(info), "campaign", campaign_id, minimum=MANAGE, field="campaignId"
        )
        query = CampaignMembership.objects.filter(campaign=campaign).select_related("user")
        return capped(query.order_by("created_at", "pk"))

    @staticmethod
    def resolve_entity_versions(
        root: None, info: ResolveInfo, branch_id: str, entity_id: str, entity_type: str
    ) -> Any:
        branch = load_branch(actor(info), branch_id, READ)
        kind = KINDS.get(entity_type.lower())
        if kind is None:
            raise ValidationError(f"Unknown entity type {entity_type!r}", field="entityType")
        uid = entities.parse_id(entity_id, "entityId")
        scoped = hasattr(kind.model, "uid")
        query = VersionModel.objects.filter(
            entity_type=kind.entity_type, entity_uid=uid, branch=branch if scoped else None
        )
        if not scoped:
            # Worlds and locations are global: their history is readable with the entity.
            readable(info, kind.entity_type, entity_id, "entityId")
        return capped(query.order_by("sequence"))

    @staticmethod
    def resolve_version_diff(
        root: None, info: ResolveInfo, version_id1: str, version_id2: str
    ) -> Any:
        require_authenticated(actor(info))
        first, second = (
            readable_version(info, version_id1, "versionId1"),
            readable_version(info, version_id2, "versionId2"),
        )
        return version_diff(first.snapshot, second.snapshot)

    @staticmethod
    def resolve_entity_audit_history(
        root: None,
        info: ResolveInfo,
        entity_type: str,
        entity_id: str,
        limit: int | None = DEFAULT_AUDIT_LIMIT,
        operations: list[str] | None = None,
        start_date: datetime.datetime | None = None,
        end_date: datetime.datetime | None = None,
        sort_by: str = "timestamp",
        sort_order: str = "desc",
    ) -> Any:
        who = actor(info)
        require_authenticated(who)
        rows = audit_limit(limit)
        kind_name = entity_type.lower()
        campaign = entity_campaign(kind_name, entity_id)
        # One error for a missing entity and a hidden one, so probing ids reveals nothing.
        missing = NotFound.entity(KINDS[kind_name].entity_type, entity_id, "entityId")
        try:
            if campaign is not None:
                require_role(who, campaign, WRITE)
            else:
                # Worlds, locations and world variables: authorized through their world.
                readable(info, kind_name, entity_id, "entityId")
        except NotFound as hidden:
            raise missing from hidden
        query = audit_query(
            AuditLog.objects.filter(entity_type=kind_name, entity_id=str(entity_id)),
            operations=operations,
            start=start_date,
            end=end_date,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        return list(query[:rows])

    @staticmethod
    def resolve_user_audit_history(
        root: None,
        info: ResolveInfo,
        user_id: str,
        limit: int | None = DEFAULT_AUDIT_LIMIT,
        skip: int | None = 0,
        operations: list[str] | None = None,
        entity_types: list[str] | None = None,
        start_date: datetime.datetime | None = None,
        end_date: datetime.datetime | None = None,
        sort_by: str = "timestamp",
        sort_order: str = "desc",
    ) -> Any:
        who = actor(info)
        user = who.user
        if user is None:
            raise AuthenticationError("Authentication required")
        if str(user.pk) != str(user_id):
            raise PermissionDenied("You can only view your own audit history")
        skip = skip or 0
        if not 0 <= skip <= 100_000:
            raise ValidationError("skip must be between 0 and 100000", field="skip")
        rows = audit_limit(limit)
        query = audit_query(
            own_audit_rows(who),
            operations=operations,
            entity_types=entity_types,
            start=start_date,
            end=end_date,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        return list(query[skip : skip + rows])


def readable_version(info: ResolveInfo, version_id: str, field: str) -> VersionModel:
    """The version if the actor may read its entity. Version ids are sequential, so a missing
    version and a hidden one fail alike: the same NotFound, naming only the id given."""
    if not VERSION_ID.fullmatch(str(version_id)):
        raise ValidationError(f"{field} is not a valid version ID", field=field)
    missing = NotFound.entity("version", version_id, field)
    version = (
        VersionModel.objects.select_related("branch__campaign").filter(pk=int(version_id)).first()
    )
    if version is None or (version.branch is None and version.entity_type not in KINDS):
        raise missing
    try:
        if version.branch is not None:
            require_role(actor(info), version.branch.campaign, READ)
        else:
            readable(info, version.entity_type, version.entity_uid, field)
    except NotFound as hidden:
        raise missing from hidden
    return version
