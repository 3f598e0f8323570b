"""Persons, households, cases (ärenden) and monthly applications.

Money is integer öre (``*_ore``). Every model keeps its history
(django-simple-history); the application's states change only through
``bistand.cases.states.transition``, which logs each change.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import personnummer as pnr


class Municipality(models.Model):
    """A municipality (kommun) running Bistånd; its nämnd owns the decisions."""

    code = models.SlugField("kod", unique=True)
    name = models.CharField("namn", max_length=100)
    organisation_number = models.CharField("organisationsnummer", max_length=11, blank=True)
    committee = models.CharField("nämnd", max_length=200, default="Socialnämnden")
    kommunkod = models.CharField(
        "kommunkod",
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", "Kommunkoden är fyra siffror (t.ex. 0180).")],
        help_text="SCB:s fyrsiffriga kod (län + kommun); används i statistiken till "
        "Socialstyrelsen.",
    )
    guidelines = models.CharField(
        "kommunala riktlinjer",
        max_length=100,
        blank=True,
        help_text="Riktlinjefilen i regelmotorn (t.ex. exempelkommun); tomt = bara riksnorm.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kommun"
        verbose_name_plural = "kommuner"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisational unit (enhet) whose caseworkers handle a set of cases."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    name = models.CharField("namn", max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "enhet"
        verbose_name_plural = "enheter"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.name}"


class Person(models.Model):
    """Someone known to the system by personnummer or samordningsnummer (12 digits)."""

    personnummer = models.CharField(
        "personnummer", max_length=12, unique=True, validators=[pnr.validate]
    )
    given_name = models.CharField("förnamn", max_length=100, blank=True)
    family_name = models.CharField("efternamn", max_length=100, blank=True)
    protected_identity = models.BooleanField(
        "skyddade personuppgifter",
        default=False,
        help_text="Adressen visas aldrig; ärendet har begränsad åtkomst.",
    )
    history = HistoricalRecords(excluded_fields=["personnummer"])

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "personer"

    def __str__(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return f"{name or 'Person'} ({self.masked})"

    def save(self, *args, **kwargs):
        self.personnummer = pnr.normalise(self.personnummer)
        super().save(*args, **kwargs)

    @property
    def born(self):
        return pnr.birth_date(self.personnummer)

    @property
    def masked(self) -> str:
        return pnr.mask(self.personnummer)


class Household(models.Model):
    """A household; its members over time are ``HouseholdMember`` rows."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "hushåll"
        verbose_name_plural = "hushåll"

    def __str__(self) -> str:
        return f"Hushåll {self.pk}"

    def members_on(self, day):
        return (
            self.members.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .select_related("person")
        )


class Role(models.TextChoices):
    APPLICANT = "applicant", "sökande"
    PARTNER = "partner", "medsökande"
    CHILD = "child", "barn"
    OTHER = "other", "annan person i hushållet"


class MembershipBasis(models.TextChoices):
    """How a membership came about. Only ``CONFIRMED`` adult memberships give a person any
    access to the household's case, and only they decide where a new application goes: a
    person becomes a member of someone else's household by their own signature, never because
    someone typed their personnummer (docs/eservice.md, "Membership by consent")."""

    SIGNED = "signed", "egen underskrift med e-legitimation"
    REGISTERED = "registered", "registrerad av kommunen"
    DECLARED = "declared", "uppgiven av sökande (barn eller annan person)"
    UNVERIFIED = "unverified", "ej bekräftad: tillagd utan egen underskrift"


CONFIRMED = (MembershipBasis.SIGNED, MembershipBasis.REGISTERED)


class HouseholdMember(models.Model):
    """A person's membership of a household, from one date (to another)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("roll", max_length=10, choices=Role.choices)
    valid_from = models.DateField("från")
    valid_to = models.DateField("till", null=True, blank=True)
    days_per_month = models.PositiveSmallIntegerField(
        "dagar per månad",
        null=True,
        blank=True,
        help_text="För barn som bor i hushållet en del av tiden.",
    )
    basis = models.CharField(
        "grund",
        max_length=10,
        choices=MembershipBasis.choices,
        default=MembershipBasis.REGISTERED,
        help_text="Hur medlemskapet uppstod. Bara en vuxen med egen underskrift eller "
        "registrerad av kommunen når ärendet på Mina sidor.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "hushållsmedlem"
        verbose_name_plural = "hushållsmedlemmar"
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person", "valid_from"], name="member_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Case(models.Model):
    """Ett ärende: one per household, holding its monthly applications and decisions."""

    reference = models.CharField("diarienummer", max_length=30, unique=True)
    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="case")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    opened_at = models.DateTimeField("öppnat", default=timezone.now)
    restricted = models.BooleanField(
        "begränsad åtkomst",
        default=False,
        help_text="Satt när någon i hushållet har skyddade personuppgifter.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ärende"
        verbose_name_plural = "ärenden"

    def __str__(self) -> str:
        return self.reference


class ApplicationKind(models.TextChoices):
    FIRST = "first", "nyansökan"
    REPEAT = "repeat", "återansökan"


class State(models.TextChoices):
    DRAFT = "draft", "utkast"
    AWAITING_COSIGNATURE = "awaiting_cosignature", "väntar på medsökandes underskrift"
    SUBMITTED = "submitted", "inkommen"
    ROBOT_PROCESSING = "robot_processing", "under automatisk handläggning"
    PROPOSAL_READY = "proposal_ready", "beslutsförslag klart"
    COMPLETION_REQUESTED = "completion_requested", "komplettering begärd"
    DECIDED = "decided", "beslutad"
    PAID = "paid", "utbetald"
    WITHDRAWN = "withdrawn", "återtagen"


class Application(models.Model):
    """One month's application (nyansökan or återansökan) for a case.

    ``declared`` holds what the applicant said, in the shape documented in
    docs/architecture.md: household, housing, costs, incomes, assets, other needs,
    changes since last month, planning.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="applications")
    month = models.CharField("månad", max_length=7, help_text="ÅÅÅÅ-MM")
    kind = models.CharField("typ", max_length=10, choices=ApplicationKind.choices)
    state = models.CharField("status", max_length=24, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField("inkom", null=True, blank=True)
    declared = models.JSONField("uppgifter i ansökan", default=dict)
    submission_key = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Idempotensnyckel: en upprepad inskickning ger samma ansökan.",
    )
    robot_enqueued_at = models.DateTimeField(null=True, blank=True)
    robot_lease_until = models.DateTimeField(null=True, blank=True)
    robot_worker = models.CharField(max_length=120, blank=True)
    robot_runs = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(
        "flaggad",
        default=False,
        help_text="Beslutsförslaget har flaggor att pröva (kön Flaggade räknar på detta). "
        "Hålls i takt med förslaget av Proposal.save.",
    )
    history = HistoricalRecords(
        excluded_fields=[
            "robot_enqueued_at",
            "robot_lease_until",
            "robot_worker",
            "robot_runs",
            "flagged",
        ]
    )

    class Meta:
        verbose_name = "ansökan"
        verbose_name_plural = "ansökningar"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "month"],
                condition=~Q(state="withdrawn"),
                name="one_live_application_per_case_and_month",
            )
        ]
        indexes = [
            models.Index(fields=["month", "state"]),
            # The workspace's queues: open applications by state, oldest first, and their cases.
            models.Index(fields=["state", "submitted_at"], name="application_state_submitted"),
            models.Index(fields=["state", "case"], name="application_state_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.month} ({self.get_kind_display()})"


class Transition(models.Model):
    """The log of an application's states: who moved it, when, from what, to what, why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=24, choices=State.choices)
    to_state = models.CharField(max_length=24, choices=State.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=120)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "statusändring"
        verbose_name_plural = "statusändringar"
        ordering = ["at", "pk"]
        # /metrics counts the robot's outcomes in the last minutes (bistand/ops/metrics.py).
        indexes = [models.Index(fields=["from_state", "at"], name="transition_from_state_at")]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"
