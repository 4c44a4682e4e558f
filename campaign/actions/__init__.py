"""Every state change goes through one function here (docs/architecture.md#the-path-of-a-mutation):
validate → authorize → lock/compare-and-set → write rows → history and audit → on commit:
cache generation, real-time event, follow-up work. GraphQL, admin, Celery and commands call these.

A public function here or in rules/actions.py that takes the ``actor`` first and writes (every use
case, and the generic writers of entities.py) takes everything after the actor by keyword; readers
and checkers (``load``, ``load_branch``, ``resolve_branch``, ``authorize``…), the field cleaners and
history's ``record``/``after_commit`` (one ``Change`` argument) stay positional.
"""
