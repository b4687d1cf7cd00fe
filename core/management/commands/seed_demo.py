"""Load the demo reference data and accounts (idempotent; fresh passwords and keys each run)."""

import contextlib
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import autodiscover_modules

from core.actors import Actor
from core.demo import DemoResult, seeders
from core.history import history_actor_default


def embedded_default_database() -> bool:
    """Whether the default database is the embedded SQLite one (what `make run` serves)."""
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


class Command(BaseCommand):
    help = (
        "Load demo data and accounts. Refuses to run with DEBUG off, or on any database but the "
        "embedded SQLite default, unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object and nothing else on stdout."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, **options):
        if not options["force"]:
            if not settings.DEBUG:
                raise CommandError(
                    "seed_demo refuses to run with DEBUG off; pass --force if you really mean it."
                )
            # DEBUG on says nothing about the database: local settings with DATABASE_URL pointing at
            # a shared PostgreSQL would get demo admins with printed passwords.
            if not embedded_default_database():
                raise CommandError(
                    "seed_demo refuses to write demo accounts into a database other than the embedded "
                    f"SQLite default (this one is {settings.DATABASES['default']['ENGINE']}); "
                    "pass --force if you really mean it."
                )
        autodiscover_modules("demo")
        result = DemoResult()
        # The demo's moves notify its people in the portal, but e-mail nobody (the addresses are
        # made up); and stdout carries the JSON alone, so anything else printed goes to stderr.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            contextlib.redirect_stdout(sys.stderr),
            transaction.atomic(),
            history_actor_default(Actor.system("seed_demo")),
        ):
            for seeder in seeders():
                seeder(result)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Accounts (passwords are new on every run):"))
        for user in result.users:
            dealer = f" dealer={user['dealer']}" if user["dealer"] else ""
            self.stdout.write(f"  {user['username']:<16} {user['password']:<20} {user['role']}{dealer}")
        for key in result.api_keys:
            self.stdout.write(f"  {key['kind']} key for {key['owner']}: {key['key']}")
        for note in result.notes:
            self.stdout.write(f"  {note}")
