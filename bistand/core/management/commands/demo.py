"""``bistand demo``: load demo data for development. Safe to run again and again."""

from dataclasses import dataclass

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bistand.staff.models import Role

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"  # noqa: S105 - a known development-only login, refused unless DEBUG
DEMO_STAFF_PASSWORD = "demo"  # noqa: S105 - the same, for the demo staff below
DEMO_HOUSEHOLDS = 25
# Exempelkommun is made up, and so is its kommunkod (no real code starts with 00).
DEMO_KOMMUNKOD = "0000"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    last_name: str
    role: str
    title: str
    units: tuple[str, ...] = ()
    protected_identity_access: bool = False

    @property
    def admin_access(self) -> bool:
        """The administrator and the auditor work in the admin too."""
        return self.role in (Role.ADMINISTRATOR, Role.AUDITOR)

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@exempelkommun.invalid".lower()


DEMO_STAFF = (
    DemoStaff("handlaggare", "Anna", "Andersson", Role.CASEWORKER, "Handläggare", ("Enhet Nord",)),
    DemoStaff("handlaggare2", "Bo", "Berg", Role.CASEWORKER, "Handläggare", ("Enhet Syd",)),
    DemoStaff(
        "gruppledare",
        "Gun",
        "Lind",
        Role.TEAM_LEAD,
        "Gruppledare",
        ("Enhet Nord", "Enhet Syd"),
        protected_identity_access=True,
    ),
    DemoStaff("administrator", "Ali", "Karlsson", Role.ADMINISTRATOR, "Systemförvaltare"),
    DemoStaff(
        "granskare", "Greta", "Persson", Role.AUDITOR, "Granskare", protected_identity_access=True
    ),
)


class Command(BaseCommand):
    help = (
        "Load demo data: the superuser admin/admin, five demo staff of Exempelkommun (password "
        f"{DEMO_STAFF_PASSWORD!r}) and, when the register simulator answers, {DEMO_HOUSEHOLDS} "
        "synthetic households with this month's återansökan submitted. Development only: "
        "needs DEBUG."
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
            staff_created = self._ensure_staff()
        state = "created" if created else "already there"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo superuser {DEMO_USERNAME!r} (password {DEMO_PASSWORD!r}): {state}."
            )
        )
        self._print_staff(staff_created)
        self._seed_households()

    def _ensure_staff(self) -> set[str]:
        """The demo staff of Exempelkommun, as listed in DEMO_STAFF, whatever was changed."""
        from bistand.cases import seeding
        from bistand.cases.models import Unit
        from bistand.staff.models import StaffProfile

        municipality = seeding.get_municipality()
        role_groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
        created = set()
        for demo in DEMO_STAFF:
            user, is_new = get_user_model().objects.get_or_create(username=demo.username)
            if is_new:
                created.add(demo.username)
            user.first_name, user.last_name, user.email = (
                demo.first_name,
                demo.last_name,
                demo.email,
            )
            user.is_active, user.is_staff, user.is_superuser = True, demo.admin_access, False
            if not user.check_password(DEMO_STAFF_PASSWORD):
                user.set_password(DEMO_STAFF_PASSWORD)
            user.save()
            user.groups.remove(*[g for name, g in role_groups.items() if name != demo.role])
            user.groups.add(role_groups[demo.role])
            profile, _ = StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "municipality": municipality,
                    "title": demo.title,
                    "protected_identity_access": demo.protected_identity_access,
                },
            )
            profile.units.set(Unit.objects.filter(municipality=municipality, name__in=demo.units))
        return created

    def _print_staff(self, created: set[str]) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo staff of Exempelkommun, password {DEMO_STAFF_PASSWORD!r} for all "
                "(DEMO ONLY: never on a server with real data):"
            )
        )
        for demo in DEMO_STAFF:
            units = ", ".join(demo.units) or "hela kommunen"
            extras = [units]
            if demo.protected_identity_access:
                extras.append("skyddade personuppgifter")
            if demo.admin_access:
                extras.append("administrationen")
            state = "created" if demo.username in created else "already there"
            name = f"{demo.first_name} {demo.last_name}"
            self.stdout.write(
                f"  {demo.username:<14} {name:<15} {Role(demo.role).label:<14} "
                f"{'; '.join(extras)} ({state})"
            )
        self.stdout.write("Log in at /konto/logga-in/ (administrator and granskare also /admin/).")

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
        from bistand.eservice import demo as eservice_demo
        from bistand.eservice.services import months_open

        for open_month in months_open(today):
            eservice_demo.register(client, open_month)
        eservice_demo.ensure_history(seeding.get_municipality(), month)
        self._history(month)
        from bistand.af_exchange import demo as af_exchange_demo  # Sara Nilsson's AF notice

        af_exchange_demo.seed(client, month, self.stdout)
        from bistand.planning import demo as planning_demo  # meeting slots for tomorrow

        planning_demo.seed(self.stdout)
        from bistand.urgent import demo as urgent_demo  # one urgent request, Akut – i dag

        urgent_demo.seed(self.stdout)
        from bistand.appeals import demo as appeals_demo  # two paper appeals, one examined

        appeals_demo.seed(self.stdout)
        from bistand.aktivitetskrav import demo as aktivitetskrav_demo  # 3 months, no plan

        aktivitetskrav_demo.load(seeding.get_municipality(automated=True), month, client)
        self._draw_stickprov(str(seeding.previous_month(month)))
        self._payout_accounts()
        self.stdout.write(
            "Demo applicants (log in at /mina-sidor/ with the local e-ID provider): "
            + "; ".join(f"{a.login_name} ({a.about})" for a in eservice_demo.DEMO_APPLICANTS)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo households in Exempelkommun: {result.submitted} applications for {month} "
                f"submitted, {result.already_there} already there. Automated decisions are on "
                "for clean återansökningar (a demo setting; the default is a caseworker)."
            )
        )

    def _history(self, month) -> None:
        """A year of synthetic history (bistand/core/demo_history.py) and a kommunkod, so
        /uppfoljning/ has something to show and `bistand statistics socialstyrelsen` a month."""
        from bistand.cases import seeding
        from bistand.core import demo_history

        municipality = seeding.get_municipality()
        if not municipality.kommunkod:
            municipality.kommunkod = DEMO_KOMMUNKOD
            municipality.save()
        result = demo_history.load(municipality, month)
        if result.skipped:
            return
        self.stdout.write(
            f"History {result.months[0]}–{result.months[-1]}: {result.households} more "
            f"households, {result.applications} applications decided ({result.automated} "
            f"automated), {result.closed} periods closed with a reason, {result.returns} "
            f"returns, {result.controls} stickprov controls with outcomes."
        )

    def _draw_stickprov(self, month: str) -> None:
        """Last month's stickprov, drawn once, so the team lead has controls to record."""
        from bistand.audit.services import Actor
        from bistand.cases import seeding
        from bistand.decisions import stickprov
        from bistand.decisions.models import StickprovDraw

        municipality = seeding.get_municipality()
        if StickprovDraw.objects.filter(municipality=municipality, month=month).exists():
            return
        draw = stickprov.draw(municipality, month, actor=Actor.system("demo"), seed="demo")
        self.stdout.write(
            f"Stickprov for {month}: {draw.controls.count()} of {draw.population} decisions drawn "
            "for after-control (the Stickprov queue; gruppledare records the outcome)."
        )

    def _payout_accounts(self) -> None:
        """A (made-up) bank account for each demo applicant and medsökande without one, so
        the day's payment file has payments in it (an order without an account is left out)."""
        from bistand.audit.services import Actor
        from bistand.cases import seeding
        from bistand.cases.models import Person
        from bistand.payments.models import PayoutAccount
        from bistand.payments.services import set_payout_account

        people = (
            Person.objects.filter(
                memberships__role__in=("applicant", "partner"),
                memberships__household__case__municipality=seeding.get_municipality(),
            )
            .exclude(pk__in=PayoutAccount.objects.values("person_id"))
            .distinct()
            .order_by("pk")
        )
        for person in people:
            # Swedbank's clearing 8327-9 takes 6 to 10 digits: 9 and the person's id, padded.
            set_payout_account(
                person,
                clearing_number="8327-9",
                account_number=f"9{person.pk:09d}",
                actor=Actor.system("demo"),
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
