"""The HTTP edge: the GraphQL API (plumbing and every domain's types, queries and mutations),
the request-body limit, health views and the mapping of dependency outages to 503."""
