"""``manage.py ensure_admin``: make sure an admin-site superuser exists (idempotent).

The login comes from ``--email``/``--password`` or the ``ADMIN_EMAIL``/``ADMIN_PASSWORD``
environment variables; without a password one is generated and printed. An existing user keeps
their password unless ``--reset-password`` is given.
"""

import os
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from campaign.models import User

DEFAULT_EMAIL = "admin@demo.campaign"


class Command(BaseCommand):
    help = "Create the admin superuser if it does not exist, and print the login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help=f"Default: $ADMIN_EMAIL, else {DEFAULT_EMAIL}.")
        parser.add_argument("--password", help="Default: $ADMIN_PASSWORD, else a generated one.")
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Set the password of an existing user too.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"] or os.environ.get("ADMIN_EMAIL") or DEFAULT_EMAIL
        email = User.objects.normalize_email(email.strip()).lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid email address") from exc
        given = options["password"] or os.environ.get("ADMIN_PASSWORD")
        password = given or secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.select_for_update().filter(email__iexact=email).first()
            if user is None:
                User.objects.create_superuser(email, password, name="Administrator")
                self.stdout.write(self.style.SUCCESS(f"Superuser {email} created."))
                self._login(email, password)
                return
            promoted = not (user.is_staff and user.is_superuser and user.is_active)
            if promoted:
                user.is_staff = user.is_superuser = user.is_active = True
            if options["reset_password"]:
                user.set_password(password)
            user.save()
        if promoted:
            self.stdout.write(f"User {email} already existed and was made an active superuser.")
        else:
            self.stdout.write(f"Superuser {email} already exists.")
        if options["reset_password"]:
            self.stdout.write(self.style.SUCCESS("Password reset."))
            self._login(email, password)
        else:
            self.stdout.write("Its password is unchanged (use --reset-password to set it).")
            self._login(email, None)

    def _login(self, email: str, password: str | None) -> None:
        shown = password if password is not None else "(unchanged)"
        self.stdout.write(f"Admin login at /admin/: {email} / {shown}")
