"""``bistand demo``: load demo data for development. Safe to run again and again."""

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"  # noqa: S105 - a known development-only login, refused unless DEBUG
DEMO_HOUSEHOLDS = 25


class Command(BaseCommand):
    help = (
        "Load demo data: the superuser admin/admin and, when the register simulator answers, "
        f"{DEMO_HOUSEHOLDS} synthetic households in Exempelkommun with this month's "
        "återansökan submitted. Development only: needs DEBUG."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to load demo data: DEBUG is off. The demo account admin/admin is for "
                "development only. Set BISTAND_DEBUG=1 (as `make run` does) to load it.",
                returncode=2,
            )
        with transaction.atomic():
            created = self._ensure_admin()
        state = "created" if created else "already there"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo superuser {DEMO_USERNAME!r} (password {DEMO_PASSWORD!r}): {state}."
            )
        )
        self._seed_households()

    def _seed_households(self) -> None:
        from bistand.cases import seeding
        from bistand.connectors.simulator.client import SimulatorClient
        from bistand.rules.period import Month

        client = SimulatorClient(settings.REGISTER_SIMULATOR_URL)
        try:
            client.health()
        except httpx.HTTPError:
            self.stdout.write(
                f"No register simulator at {settings.REGISTER_SIMULATOR_URL}: no demo households "
                "(start `bistand simulator` and run `bistand demo` again)."
            )
            return
        today = timezone.localdate()
        month = Month(today.year, today.month)
        result = seeding.seed(
            DEMO_HOUSEHOLDS,
            month,
            municipality=seeding.get_municipality(automated=True),
            simulator=client,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo households in Exempelkommun: {result.submitted} applications for {month} "
                f"submitted, {result.already_there} already there. Automated decisions are on "
                "for clean återansökningar (a demo setting; the default is a caseworker)."
            )
        )

    def _ensure_admin(self) -> bool:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"email": "admin@example.invalid", "is_staff": True, "is_superuser": True},
        )
        changed = created
        for field in ("is_staff", "is_superuser", "is_active"):
            if not getattr(user, field):
                setattr(user, field, True)
                changed = True
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed = True
        if changed:
            user.save()
        return created
