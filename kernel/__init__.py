"""The domain kernel: what every domain package builds on — abstract base models, domain errors,
the actor, JSON snapshots and cache generations. Imports Django only."""
