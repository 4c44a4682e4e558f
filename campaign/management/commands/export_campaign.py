"""``manage.py export_campaign``: see campaign/portability.py."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign import portability
from campaign.management.progress import ProgressBar
from kernel.errors import DomainError


class Command(BaseCommand):
    help = (
        "Write a campaign as one JSON document: the campaign, every branch, every entity and "
        "rule of every branch (deleted and archived ones too), their history (versions, level "
        "changes, merges), the audit trail, the world, its locations and the users all of it "
        "names (id, email, name; never passwords or API keys). import_campaign reads it back. "
        "Progress goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", help="The campaign's id.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stderr)
        try:
            document = portability.export(options["campaign_id"], progress=bar.update)
        except DomainError as error:
            raise CommandError(error.message) from error
        bar.finish()
        text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as file:
                file.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
