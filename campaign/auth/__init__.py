"""Authentication: JWT access tokens, rotating refresh tokens, API keys, throttling.

``sessions`` and ``api_keys`` hold the actions (shared by the REST views here and the GraphQL
mutations); ``request_auth`` turns an HTTP request into an ``Actor``. Why tokens work this way:
docs/decisions.md §12.
"""
