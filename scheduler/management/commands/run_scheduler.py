"""``manage.py run_scheduler``: the periodic jobs in this process (the embedded default)."""

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from scheduler import embedded


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (due work, pruning) in this process on their schedule, as the"
        " embedded default's beat and worker. Production runs celery beat and workers instead."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("Running the periodic jobs; stop with Ctrl-C.")
        embedded.run(stop)
