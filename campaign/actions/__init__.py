"""Every state change goes through one function here (docs/architecture.md#the-path-of-a-mutation):
validate → authorize → lock/compare-and-set → write rows → history and audit → on commit:
cache generation, real-time event, follow-up work. GraphQL, admin, Celery and commands call these.
"""
