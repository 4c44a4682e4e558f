"""The GraphQL API of the campaign domain. Thin: resolvers load through DataLoaders and call
actions; all domain logic lives in ``campaign.actions``."""
