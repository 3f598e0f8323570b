"""Calculations as archived, proposals, decisions per item, the decision policy and stickprov."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from bistand.cases.models import Application, Municipality


class Outcome(models.TextChoices):
    GRANT = "grant", "bifall"
    PARTIAL = "partial", "delvis bifall"
    REFUSAL = "refusal", "avslag"


class DecisionPolicy(models.Model):
    """The municipality's delegation order for this benefit (kommunallagen 6 kap. 37 §).

    By default a caseworker decides every proposal. The nämnd may delegate to the
    automated decision function the grants of unflagged återansökningar that grant
    the full amount; automated refusals need a separate decision.
    """

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="policy"
    )
    automate_clean_repeat_grants = models.BooleanField(
        "automatiserade beslut om bifall",
        default=False,
        help_text="Återansökningar utan flaggor som beviljas fullt ut beslutas av den "
        "automatiserade beslutsfunktionen.",
    )
    automate_refusals = models.BooleanField(
        "automatiserade avslag",
        default=False,
        help_text="Avslag när inkomsterna täcker behovet, utan flaggor, beslutas automatiskt.",
    )
    delegation_reference = models.CharField(
        "delegationsbeslut",
        max_length=300,
        blank=True,
        help_text="T.ex. Delegationsordning för socialnämnden, punkt 4.2, 2025-01-15 § 12.",
    )
    stickprov_percent = models.PositiveSmallIntegerField(
        "andel stickprov (%)", default=10, validators=[MaxValueValidator(100)]
    )
    four_eyes_limit_ore = models.BigIntegerField(
        "gräns för fyraögonsprincipen (öre)",
        null=True,
        blank=True,
        help_text="Beslut över beloppet kräver två handläggares godkännande; tomt = ingen gräns.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "beslutsordning"
        verbose_name_plural = "beslutsordningar"

    def __str__(self) -> str:
        return f"Beslutsordning för {self.municipality}"


class CalculationSnapshot(models.Model):
    """A calculation exactly as the rules engine returned it: the archived trace."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="calculations"
    )
    trace = models.JSONField()
    trace_sha256 = models.CharField(max_length=64)
    amount_ore = models.BigIntegerField()
    provisional = models.BooleanField(default=False)
    engine_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=120)

    class Meta:
        verbose_name = "beräkning"
        verbose_name_plural = "beräkningar"

    def __str__(self) -> str:
        return f"Beräkning {self.pk} ({self.application})"


class Route(models.TextChoices):
    AUTOMATED = "automated", "automatiserat beslut"
    CASEWORKER = "caseworker", "handläggare"


class Proposal(models.Model):
    """The robot's beslutsförslag for an application: one per application."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="proposal"
    )
    # Empty when the robot could not calculate (bistand/robot/handover.py): the proposal then
    # has no outcome and no amount, only the flag that says why; it cannot be decided as it
    # stands, only asked for completion or calculated again.
    calculation = models.ForeignKey(
        CalculationSnapshot, on_delete=models.PROTECT, null=True, blank=True
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    amount_ore = models.BigIntegerField()
    route = models.CharField(max_length=12, choices=Route.choices)
    route_reasons = models.JSONField(
        default=list, help_text="Varför förslaget går till handläggare."
    )
    flags = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "beslutsförslag"
        verbose_name_plural = "beslutsförslag"

    def __str__(self) -> str:
        return f"Beslutsförslag för {self.application}"

    def save(self, *args, **kwargs):
        """Also marks the application flagged or not, so the queues can count flagged
        proposals without reading every proposal's JSON."""
        super().save(*args, **kwargs)
        flagged = bool(self.flags)
        Application.objects.filter(pk=self.application_id).exclude(flagged=flagged).update(
            flagged=flagged
        )

    @property
    def flag_codes(self) -> list[str]:
        return [flag["code"] for flag in self.flags]

    @property
    def calculated(self) -> bool:
        """False when the robot handed the application over without a calculation."""
        return self.calculation_id is not None


class Decision(models.Model):
    """A decision on one application (never more than one), with who or what decided."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True)
    calculation = models.ForeignKey(CalculationSnapshot, on_delete=models.PROTECT)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    amount_ore = models.BigIntegerField()
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Under the four-eyes rule (``DecisionPolicy.four_eyes_limit_ore``) two caseworkers approve:
    # this one gave the first approval (``workspace.FourEyesApproval``), ``decided_by`` the
    # second, which made the decision. Empty when one approval sufficed.
    four_eyes_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="godkänt även av (fyraögonsprincipen)",
    )
    automated_function = models.CharField(max_length=100, blank=True)
    automated_function_version = models.CharField(max_length=20, blank=True)
    rules_version = models.CharField(max_length=20)
    parameter_versions = models.JSONField(default=list)
    delegation_reference = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "beslut"
        verbose_name_plural = "beslut"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=False) | ~models.Q(automated_function=""),
                name="decision_names_who_decided",
            )
        ]

    def __str__(self) -> str:
        return f"Beslut om {self.application}"

    @property
    def automated(self) -> bool:
        return bool(self.automated_function)


class DecisionItem(models.Model):
    """One item of a decision: granted or refused, amount, motivering and legal basis."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    amount_ore = models.BigIntegerField()
    reasons = models.TextField("motivering")
    legal_basis = models.CharField("lagrum", max_length=300)

    class Meta:
        verbose_name = "beslutspunkt"
        verbose_name_plural = "beslutspunkter"

    def __str__(self) -> str:
        return self.label


class StickprovDraw(models.Model):
    """A random draw of decided applications for after-control, reproducible from its seed."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT)
    month = models.CharField(max_length=7)
    seed = models.CharField(max_length=64)
    percent = models.PositiveSmallIntegerField()
    population = models.PositiveIntegerField()
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.CharField(max_length=120)

    class Meta:
        verbose_name = "stickprovsdragning"
        verbose_name_plural = "stickprovsdragningar"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], name="one_draw_per_month")
        ]

    def __str__(self) -> str:
        return f"Stickprov {self.month} ({self.municipality})"


class ControlOutcome(models.TextChoices):
    PENDING = "pending", "ej kontrollerad"
    CORRECT = "correct", "korrekt"
    WRONG_INCOME = "wrong_income", "fel: inkomst"
    WRONG_COST = "wrong_cost", "fel: kostnad"
    WRONG_HOUSEHOLD = "wrong_household", "fel: hushållets sammansättning"
    WRONG_NORM = "wrong_norm", "fel: norm eller beräkning"
    MISSING_DOCUMENT = "missing_document", "fel: underlag saknas"
    OTHER_ERROR = "other_error", "fel: annat"


class StickprovControl(models.Model):
    """A decision drawn for after-control, and the outcome of the control."""

    draw = models.ForeignKey(StickprovDraw, on_delete=models.CASCADE, related_name="controls")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="stickprov")
    outcome = models.CharField(max_length=20, choices=ControlOutcome.choices, default="pending")
    note = models.TextField(blank=True)
    controlled_at = models.DateTimeField(null=True, blank=True)
    controlled_by = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "stickprovskontroll"
        verbose_name_plural = "stickprovskontroller"

    def __str__(self) -> str:
        return f"Kontroll av {self.decision}"
