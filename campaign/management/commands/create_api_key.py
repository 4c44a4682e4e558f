"""``manage.py create_api_key``: issue an API key for a user, through the same action as the API
(``campaign.auth.api_keys.create_api_key``: validated, audited), and print it once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign.auth import api_keys
from campaign.models import User
from kernel.actor import Actor
from kernel.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create an API key for an existing user and print the raw key (shown only this once; "
        "only its digest is stored). Clients send it as `x-api-key: <key>`. The key can do no "
        "more than its user, narrowed to --scopes and, with --campaign, to one campaign."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The user the key acts for.")
        parser.add_argument("--name", required=True, help="What the key is for (shown in lists).")
        parser.add_argument(
            "--scopes",
            default="read",
            help=f"Comma-separated, of {', '.join(api_keys.SCOPES)} (default: read).",
        )
        parser.add_argument("--campaign", help="Restrict the key to this campaign id.")
        parser.add_argument("--expires-at", help="ISO-8601 date-time after which it is refused.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email {options['email']!r}")
        actor = Actor(user, reason="manage.py create_api_key", metadata={"source": "command"})
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            key, raw = api_keys.create_api_key(
                actor,
                name=options["name"],
                scopes=scopes,
                campaign_id=options["campaign"],
                expires_at=options["expires_at"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"API key {key.name!r} for {user.email}, scopes {', '.join(key.scopes)}")
        self.stdout.write(raw)
