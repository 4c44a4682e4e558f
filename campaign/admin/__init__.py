"""The admin site for the campaign app: every model is registered by one of these modules, and
``login`` throttles its sign-in form."""

from campaign.admin import access, entities, history, login, world

__all__ = ["access", "entities", "history", "login", "world"]
