"""What resolution announces to the layers above it, which it cannot import.

``trigger_deferred`` is sent, inside the resolution's transaction, for each target of a
``triggers`` link that is scheduled later than the branch's world time: the scheduler keeps it as
due work (``scheduler.deferred``), so a dry run, rolled back, leaves nothing scheduled.
Arguments: ``source`` (the event or encounter completed), ``target``, ``due_at``.
"""

from django.dispatch import Signal

trigger_deferred = Signal()
