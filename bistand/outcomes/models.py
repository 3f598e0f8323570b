"""What happens to a household over time: periods of assistance, closing with a reason per
adult (avslutsorsak), the robot's closing proposals, and försörjningshinder and
arbetsmarknadsinsats per adult and month (docs/outcomes.md).

The data contract of issue 14: the follow-up measures (bistand/followup) and Socialstyrelsen's
statistics read these models. Codes are codes of the dated code tables
``statistics.avslutsorsaker``, ``statistics.forsorjningshinder`` and
``statistics.arbetsmarknadsinsatser`` (bistand/rules/parameters/statistics/), read through
``bistand.outcomes.services.codes``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ClosedVia(models.TextChoices):
    CASEWORKER = "caseworker", "handläggare"
    ROBOT_PROPOSAL = "robot_proposal", "handläggare på robotens förslag"


class AssistancePeriod(models.Model):
    """One period of assistance of a case. Reopening a closed case is a new period (a return,
    återaktualisering): number 2, 3, …"""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="periods")
    number = models.PositiveSmallIntegerField("period")
    first_month = models.CharField("första månad", max_length=7, help_text="ÅÅÅÅ-MM")
    opened_at = models.DateTimeField("öppnad", default=timezone.now)
    last_month = models.CharField(
        "sista månad med bistånd", max_length=7, blank=True, help_text="ÅÅÅÅ-MM"
    )
    closed_at = models.DateTimeField("avslutad", null=True, blank=True)
    closed_by = models.CharField("avslutad av", max_length=120, blank=True)
    closed_via = models.CharField(
        "avslutad genom", max_length=20, choices=ClosedVia.choices, blank=True
    )

    class Meta:
        verbose_name = "biståndsperiod"
        verbose_name_plural = "biståndsperioder"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="period_unique_number"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(closed_at__isnull=True),
                name="period_one_open_per_case",
            ),
        ]
        indexes = [models.Index(fields=["last_month"], name="period_last_month")]

    def __str__(self) -> str:
        return f"{self.case} period {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_return(self) -> bool:
        return self.number > 1


class ExitReason(models.Model):
    """The avslutsorsak of one adult of a closed period."""

    period = models.ForeignKey(
        AssistancePeriod, on_delete=models.CASCADE, related_name="exit_reasons"
    )
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("avslutsorsak", max_length=20)
    table_valid_from = models.DateField("kodtabellens version")

    class Meta:
        verbose_name = "avslutsorsak"
        verbose_name_plural = "avslutsorsaker"
        constraints = [
            models.UniqueConstraint(fields=["period", "person"], name="exit_reason_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.code}"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "öppet"
    ACCEPTED = "accepted", "godtaget"
    DISMISSED = "dismissed", "avfärdat"


class ClosureProposal(models.Model):
    """The robot proposes closing a case whose household has not applied for N months
    (parameter ``national.closure_proposal``); a caseworker accepts or dismisses it."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="closure_proposals"
    )
    proposed_at = models.DateTimeField("föreslaget", default=timezone.now)
    months_without_application = models.PositiveSmallIntegerField("månader utan ansökan")
    last_applied_month = models.CharField(
        "senaste månad med ansökan", max_length=7, blank=True, help_text="ÅÅÅÅ-MM"
    )
    status = models.CharField(
        "status", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    decided_by = models.CharField("beslutat av", max_length=120, blank=True)
    decided_at = models.DateTimeField("beslutat", null=True, blank=True)
    dismiss_reason = models.CharField("skäl att avfärda", max_length=500, blank=True)

    class Meta:
        verbose_name = "förslag om avslut"
        verbose_name_plural = "förslag om avslut"
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="open"),
                name="closure_proposal_one_open_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: förslag om avslut ({self.get_status_display()})"


class AdultMonthSource(models.TextChoices):
    APPLICANT = "applicant", "sökande"
    CASEWORKER = "caseworker", "handläggare"


class AdultMonth(models.Model):
    """Försörjningshinder and arbetsmarknadsinsats of one adult for one month's application."""

    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="adult_months"
    )
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    month = models.CharField("månad", max_length=7, help_text="ÅÅÅÅ-MM")
    hinder = models.CharField("försörjningshinder", max_length=20, blank=True)
    activity = models.CharField("arbetsmarknadsinsats", max_length=20, blank=True)
    source = models.CharField("uppgiven av", max_length=10, choices=AdultMonthSource.choices)
    recorded_by = models.CharField("registrerad av", max_length=120, blank=True)
    recorded_at = models.DateTimeField("registrerad", default=timezone.now)

    class Meta:
        verbose_name = "försörjningshinder och insats"
        verbose_name_plural = "försörjningshinder och insatser"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "person"], name="adult_month_unique_person"
            )
        ]
        indexes = [models.Index(fields=["month"], name="adult_month_month")]

    def __str__(self) -> str:
        return f"{self.application}: {self.hinder or '–'} / {self.activity or '–'}"
