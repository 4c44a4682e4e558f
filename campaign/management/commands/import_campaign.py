"""``manage.py import_campaign``: see campaign/portability.py."""

import json
import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign import portability
from campaign.management.progress import ProgressBar
from kernel.errors import DomainError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Create a campaign from a document of export_campaign, in one transaction: its rows, "
        "history and audit trail as they were exported; the world and locations unless they "
        "exist; users that do not exist, without a password (they set one by a reset). Refused "
        "when the campaign exists already. Exporting it again gives the same document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The export to read ('-' for standard input).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"] == "-":
                document = json.load(sys.stdin)
            else:
                with open(options["file"], encoding="utf-8") as source:
                    document = json.load(source)
        except ValueError as error:
            raise CommandError(f"{options['file']} is not JSON: {error}") from error
        bar = ProgressBar(self.stderr)
        try:
            campaign = portability.import_(document, progress=bar.update)
        except DomainError as error:
            raise CommandError(error.message) from error
        bar.finish()
        logger.info("Imported campaign %s (%s)", campaign.pk, campaign.name)
        self.stdout.write(f"Imported campaign {campaign.name!r} ({campaign.pk}).")
