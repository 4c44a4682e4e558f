"""The domain kernel: what every domain package builds on — abstract base models, domain errors,
the actor, JSON snapshots and cache generations. Imports Django only (and django-redis, to reach
Redis in one round trip)."""
