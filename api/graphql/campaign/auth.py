"""Sign-in over GraphQL: the same actions as the REST endpoints under /auth."""

import datetime
from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.paging import paged_list
from api.graphql.scalars import DateTime
from campaign.auth import api_keys, sessions
from campaign.auth.request_auth import client_for_request


class User(graphene.ObjectType):
    id = graphene.ID(required=True)
    email = graphene.String(required=True)
    name = graphene.String()


class AuthPayload(graphene.ObjectType):
    access_token = graphene.String(required=True)
    refresh_token = graphene.String(required=True)
    expires_in = graphene.Int(required=True, description="Seconds until the access token expires.")
    token_type = graphene.String(required=True)
    user = graphene.Field(User, required=True)

    @staticmethod
    def resolve_token_type(root: Any, info: ResolveInfo) -> str:
        return "Bearer"


class ApiKey(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    prefix = graphene.String(required=True)
    scopes = graphene.List(graphene.NonNull(graphene.String), required=True)
    campaign_id = graphene.ID()
    expires_at = DateTime()
    last_used_at = DateTime()
    created_at = DateTime(required=True)
    revoked_at = DateTime()


class CreatedApiKey(graphene.ObjectType):
    api_key = graphene.Field(ApiKey, required=True)
    key = graphene.String(required=True, description="The secret: shown once, never again.")


def client(info: ResolveInfo) -> sessions.Client:
    return client_for_request(info.context.request)


def signed_in(info: ResolveInfo) -> Any:
    """The signed-in user; API keys are refused, exactly as by the REST endpoints."""
    return sessions.session_user(actor(info))


class AuthQueries(graphene.ObjectType):
    me = graphene.Field(User, description="The signed-in user, or null.")
    api_keys = paged_list(ApiKey, lambda root, info: api_keys.list_api_keys(actor(info)))

    @staticmethod
    def resolve_me(root: None, info: ResolveInfo) -> Any:
        return actor(info).user


class AuthMutations(graphene.ObjectType):
    register = graphene.Field(
        AuthPayload,
        required=True,
        email=graphene.String(required=True),
        password=graphene.String(required=True),
        name=graphene.String(),
    )
    login = graphene.Field(
        AuthPayload,
        required=True,
        email=graphene.String(required=True),
        password=graphene.String(required=True),
    )
    refresh_token = graphene.Field(
        AuthPayload, required=True, refresh_token=graphene.String(required=True)
    )
    logout = graphene.Boolean(required=True, refresh_token=graphene.String(required=True))
    logout_all = graphene.Int(required=True, description="How many sessions were ended.")
    create_api_key = graphene.Field(
        CreatedApiKey,
        required=True,
        name=graphene.String(required=True),
        scopes=graphene.List(graphene.NonNull(graphene.String), required=True),
        campaign_id=graphene.ID(),
        expires_at=DateTime(),
    )
    revoke_api_key = graphene.Field(ApiKey, required=True, id=graphene.ID(required=True))

    @staticmethod
    def resolve_register(
        root: None, info: ResolveInfo, email: str, password: str, name: str = ""
    ) -> Any:
        return sessions.register(email, password, name or "", client(info))

    @staticmethod
    def resolve_login(root: None, info: ResolveInfo, email: str, password: str) -> Any:
        return sessions.login(email, password, client(info))

    @staticmethod
    def resolve_refresh_token(root: None, info: ResolveInfo, refresh_token: str) -> Any:
        return sessions.refresh(refresh_token, client(info))

    @staticmethod
    def resolve_logout(root: None, info: ResolveInfo, refresh_token: str) -> bool:
        return sessions.logout(refresh_token, client(info))

    @staticmethod
    def resolve_logout_all(root: None, info: ResolveInfo) -> int:
        return sessions.logout_all(signed_in(info), client(info))

    @staticmethod
    def resolve_create_api_key(
        root: None,
        info: ResolveInfo,
        name: str,
        scopes: list[str],
        campaign_id: str | None = None,
        expires_at: datetime.datetime | None = None,
    ) -> dict[str, Any]:
        signed_in(info)
        key, raw = api_keys.create_api_key(actor(info), name, scopes, campaign_id, expires_at)
        return {"api_key": key, "key": raw}

    @staticmethod
    def resolve_revoke_api_key(root: None, info: ResolveInfo, id: str) -> Any:
        signed_in(info)
        return api_keys.revoke_api_key(actor(info), id)
