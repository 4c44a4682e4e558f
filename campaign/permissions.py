"""Campaign roles: reads need membership, writes GM or OWNER, deletes OWNER.

A non-member is told the campaign's object does not exist (``NotFound``), never ``Forbidden``,
so that probing IDs reveals nothing. Superusers (operators in the admin) act as owners.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from campaign.models import Campaign, CampaignMembership, Role, User, World
from kernel.actor import Actor
from kernel.errors import AuthenticationError, NotFound, PermissionDenied

RANK = {Role.VIEWER: 1, Role.PLAYER: 2, Role.GM: 3, Role.OWNER: 4}
READ, WRITE, MANAGE = Role.VIEWER, Role.GM, Role.OWNER


def role_of(user: User | AnonymousUser | None, campaign: Campaign) -> Role | None:
    if user is None or not user.is_authenticated:
        return None
    if campaign.owner_id == user.pk or user.is_superuser:
        return Role.OWNER
    role = (
        CampaignMembership.objects.filter(user_id=user.pk, campaign_id=campaign.pk)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def require_role(
    actor: Actor, campaign: Campaign, minimum: Role, hidden: NotFound | None = None
) -> Role:
    """Return the actor's role in ``campaign`` when it is at least ``minimum``; raise otherwise.

    ``hidden`` is the error a non-member sees: the not-found of the object they asked for.
    """
    if actor.is_system:
        return Role.OWNER
    if actor.user is None or not actor.user.is_authenticated:
        raise AuthenticationError("Authentication required")
    role = role_of(actor.user, campaign)
    if role is None or not _key_reaches(actor, campaign):
        raise hidden or NotFound.entity("campaign", campaign.pk)
    if RANK[role] < RANK[minimum]:
        raise PermissionDenied(f"This needs the {minimum} role in the campaign; you are {role}")
    _require_scope(actor, minimum)
    return role


def _key_reaches(actor: Actor, campaign: Campaign) -> bool:
    return actor.campaign_id is None or str(actor.campaign_id) == str(campaign.pk)


SCOPE_FOR = {Role.VIEWER: "read", Role.PLAYER: "read", Role.GM: "write", Role.OWNER: "admin"}


def _require_scope(actor: Actor, minimum: Role) -> None:
    """An API key acts within its scopes; "admin" implies "write", which implies "read"."""
    if actor.scopes is None:
        return
    needed = SCOPE_FOR[minimum]
    implied = {"admin": {"admin", "write", "read"}, "write": {"write", "read"}, "read": {"read"}}
    granted = set().union(*(implied.get(scope, set()) for scope in actor.scopes))
    if needed not in granted:
        raise PermissionDenied(f"This API key lacks the {needed!r} scope")


def can_access_world(actor: Actor, world: World, minimum: Role) -> bool:
    """A world belongs to its creator; members of its campaigns read it, their GMs edit its map.

    An API key restricted to a campaign reaches that campaign's world and no other, even one
    its user owns.
    """
    if actor.is_system:
        return True
    user = actor.user
    if user is None or not user.is_authenticated:
        return False
    campaigns = Campaign.objects.filter(world_id=world.pk)
    if actor.campaign_id is not None:
        campaigns = campaigns.filter(pk=actor.campaign_id)
        if not campaigns.exists():
            return False
    if user.is_superuser or world.owner_id == user.pk:
        return True
    if campaigns.filter(owner_id=user.pk).exists():
        return True
    roles = [r for r, rank in RANK.items() if rank >= RANK[minimum] and r != Role.OWNER] + [
        Role.OWNER
    ]
    return CampaignMembership.objects.filter(
        user_id=user.pk, campaign__in=campaigns, role__in=roles
    ).exists()


def require_world(
    actor: Actor, world: World, minimum: Role, hidden: NotFound | None = None
) -> None:
    if not actor.is_system and (actor.user is None or not actor.user.is_authenticated):
        raise AuthenticationError("Authentication required")
    if can_access_world(actor, world, minimum):
        _require_scope(actor, minimum)
        return
    if can_access_world(actor, world, READ):
        raise PermissionDenied(f"This needs the {minimum} role in a campaign of this world")
    raise hidden or NotFound.entity("world", world.pk)


def readable_campaigns(actor: Actor) -> QuerySet[Campaign]:
    """The campaigns the actor may read: owned, or a member of (narrowed by an API key)."""
    if actor.is_system or (actor.user is not None and actor.user.is_superuser):
        query = Campaign.objects.all()
    elif actor.user is None or not actor.user.is_authenticated:
        raise AuthenticationError("Authentication required")
    else:
        # A membership subquery rather than a join: no row comes twice, so no DISTINCT over
        # every column of every campaign.
        memberships = CampaignMembership.objects.filter(user=actor.user).values("campaign_id")
        query = Campaign.objects.filter(Q(owner=actor.user) | Q(pk__in=memberships))
    if actor.campaign_id is not None:
        query = query.filter(pk=actor.campaign_id)
    return query


def readable_worlds(actor: Actor) -> QuerySet[World]:
    """The worlds the actor may read (see ``can_access_world``): their own and those of the
    campaigns they read; a campaign-restricted API key reads only its campaign's world."""
    if actor.is_system:
        return World.objects.all()
    campaigns = readable_campaigns(actor)  # refuses anonymous callers; narrowed by a key
    in_campaigns = Q(pk__in=campaigns.values("world_id"))
    if actor.campaign_id is not None:
        return World.objects.filter(in_campaigns)
    user = actor.user
    assert user is not None
    if user.is_superuser:
        return World.objects.all()
    return World.objects.filter(Q(owner=user) | in_campaigns)


def require_creator(actor: Actor) -> User:
    """Creating a world or a campaign makes something outside every existing campaign, owned
    by the actor's user: that needs a user session, or an API key with the "admin" scope that
    is not restricted to a campaign (a restricted key could otherwise escape its campaign)."""
    user = actor.user
    if user is None or not user.is_authenticated:
        raise AuthenticationError("Authentication required")
    if actor.scopes is not None:
        if actor.campaign_id is not None:
            raise PermissionDenied(
                "This API key is restricted to one campaign; it cannot create worlds or campaigns"
            )
        if "admin" not in actor.scopes:
            raise PermissionDenied(
                "This API key lacks the 'admin' scope needed to create worlds or campaigns"
            )
    return user


def require_world_owner(actor: Actor, world: World, hidden: NotFound | None = None) -> None:
    """The world itself (its name, calendars, settings) is changed only by whoever created it;
    members of its campaigns read it and their GMs edit its map."""
    if actor.is_system:
        return
    require_world(actor, world, READ, hidden)
    user = actor.user
    assert user is not None
    if not (user.is_superuser or world.owner_id == user.pk):
        raise PermissionDenied("Only the world's owner may change the world")
    _require_scope(actor, MANAGE)
