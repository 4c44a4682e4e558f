"""The admin site for the campaign app: every model is registered by one of these modules."""

from campaign.admin import access, entities, history, rules, world

__all__ = ["access", "entities", "history", "rules", "world"]
