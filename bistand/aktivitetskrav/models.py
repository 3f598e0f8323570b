"""Aktivitetskrav: exemptions, the individual plan and its activities, attendance and absence,
läkarintyg (see bistand/aktivitetskrav/__init__.py and docs/aktivitetskrav.md).

Every row names the person it is about and the case it was recorded in: permissions follow the
case (``bistand.staff.access.cases_visible_to``), the person is who the requirement follows.
Health data (läkarintyg, an absence because of illness) is special-category: it is shown only to
staff who see the case, never written to a log line, an audit text or a notification.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords


class ExemptionGround(models.TextChoices):
    AF_PROGRAMME = "af_programme", "program på heltid hos Arbetsförmedlingen"
    MEDICAL = "medical", "läkarintyg: sjukdom sätter ned arbetsförmågan"
    PARENTAL_LEAVE = "parental_leave", "föräldraledighet"
    UNDER_18 = "under_18", "under 18 år"
    SCHOOL_18_20 = "school_18_20", "18–20 år och går i grundskola eller gymnasium"
    PENSION_AGE = "pension_age", "har uppnått riktåldern för pension"
    SICKNESS_BENEFIT = "sickness_benefit", "sjukpenning eller sjukersättning"
    OTHER = "other", "annat skäl (beskrivs)"


class Exemption(models.Model):
    """A person is not covered by the aktivitetskrav on this ground for this period."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    ground = models.CharField("grund", max_length=20, choices=ExemptionGround.choices)
    text = models.CharField("beskrivning", max_length=500, blank=True)
    valid_from = models.DateField("från")
    valid_to = models.DateField("till", null=True, blank=True)
    recorded_by = models.CharField("registrerat av", max_length=120)
    recorded_at = models.DateTimeField("registrerat", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "undantag från aktivitetskravet"
        verbose_name_plural = "undantag från aktivitetskravet"
        ordering = ["valid_from", "pk"]
        indexes = [models.Index(fields=["person", "valid_from"], name="akt_exemption_person")]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} från {self.valid_from}"


class Plan(models.Model):
    """The individual plan of one person (one per person and case; its history keeps the
    earlier versions)."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    goal = models.TextField("mål")
    capacity = models.CharField(
        "anpassning efter förmåga",
        max_length=500,
        blank=True,
        help_text="Hur aktiviteterna är anpassade till personens förmåga.",
    )
    created_by = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "individuell plan"
        verbose_name_plural = "individuella planer"
        constraints = [
            models.UniqueConstraint(fields=["person", "case"], name="akt_one_plan_per_person_case")
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class ActivityKind(models.TextChoices):
    ABILITY = "ability", gettext_noop("höja förmågan att arbeta")
    LANGUAGE = "language", gettext_noop("språk")
    JOB_SEEKING = "job_seeking", gettext_noop("arbetssökande")
    WORKPLACE = "workplace", gettext_noop("arbetsplatsförlagd")


class Activity(models.Model):
    """One activity of a plan: one of the four kinds, with provider and hours per week."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("slag", max_length=12, choices=ActivityKind.choices)
    provider = models.CharField("anordnare", max_length=200)
    hours_per_week = models.PositiveSmallIntegerField(
        "timmar per vecka", validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    start = models.DateField("från")
    end = models.DateField("till", null=True, blank=True)
    created_by = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="akt_activity_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} hos {self.provider}"


class AttendanceSource(models.TextChoices):
    PROVIDER = "provider", "anordnaren"
    CASEWORKER = "caseworker", "handläggaren"
    APPLICANT = "applicant", "den sökande (Mina sidor)"


class ReasonAssessment(models.TextChoices):
    PENDING = "pending", gettext_noop("ej bedömt")
    ACCEPTED = "accepted", gettext_noop("godtaget skäl")
    NOT_ACCEPTED = "not_accepted", gettext_noop("inte godtaget skäl")


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", gettext_noop("egen sjukdom")
    CHILD = "child", gettext_noop("vård av sjukt barn")
    APPOINTMENT = "appointment", gettext_noop("besök hos vård eller myndighet")
    WORK = "work", gettext_noop("arbete eller anställningsintervju")
    OTHER = "other", gettext_noop("annat skäl")
    UNKNOWN = "unknown", gettext_noop("okänt skäl")


class Attendance(models.Model):
    """One day's attendance or absence at an activity (or, reported by the applicant, absence
    from their activities); an absence has a reason and whether it is accepted."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="attendance"
    )
    day = models.DateField("dag")
    month = models.CharField("månad", max_length=7, help_text="ÅÅÅÅ-MM")
    present = models.BooleanField("närvarande")
    hours = models.PositiveSmallIntegerField("timmar", null=True, blank=True)
    reason_kind = models.CharField(
        "slag av skäl", max_length=12, choices=AbsenceReason.choices, blank=True
    )
    reason = models.CharField("skäl till frånvaro", max_length=500, blank=True)
    assessment = models.CharField(
        "bedömning av skälet",
        max_length=12,
        choices=ReasonAssessment.choices,
        default=ReasonAssessment.PENDING,
    )
    source = models.CharField("rapporterat av", max_length=10, choices=AttendanceSource.choices)
    recorded_by = models.CharField(max_length=120)
    recorded_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.CharField(max_length=120, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "närvaro eller frånvaro"
        verbose_name_plural = "närvaro och frånvaro"
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["person", "month"], name="akt_attendance_person_month")]

    def __str__(self) -> str:
        return f"{'Närvaro' if self.present else 'Frånvaro'} {self.day}"


class CertificateStatus(models.TextChoices):
    PENDING = "pending", gettext_noop("ej bedömt")
    ACCEPTED = "accepted", gettext_noop("godtaget")
    REJECTED = "rejected", gettext_noop("inte godtaget")


class MedicalCertificate(models.Model):
    """A läkarintyg: the applicant's attachment with its validity period, and the caseworker's
    assessment. Special-category data: never in logs, audit texts or notifications."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attachment = models.ForeignKey(
        "eservice.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField("gäller från")
    valid_until = models.DateField("gäller till")
    submitted_by = models.CharField(max_length=120)
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        "bedömning",
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PENDING,
    )
    accepted_until = models.DateField("godtas till", null=True, blank=True)
    note = models.TextField("anteckning", blank=True)
    assessed_by = models.CharField(max_length=120, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "läkarintyg"
        verbose_name_plural = "läkarintyg"
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="akt_certificate_period",
            )
        ]

    def __str__(self) -> str:
        return f"Läkarintyg {self.pk}"

    @property
    def effective_until(self):
        """The last day the certificate counts: the caseworker's date when accepted, else the
        certificate's own."""
        if self.status == CertificateStatus.ACCEPTED and self.accepted_until:
            return self.accepted_until
        return self.valid_until


class Reduction(models.Model):
    """A caseworker's decision to reduce or refuse försörjningsstöd because activities were
    refused without an acceptable reason (for the figures to IVO and the nämnd)."""

    # Empty while a first approval under the four-eyes rule waits for the second: the decision
    # is then the application's (``application.decision``) once made.
    decision = models.OneToOneField(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, null=True, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    month = models.CharField("månad", max_length=7)
    outcome = models.CharField(max_length=10)
    decided_by = models.CharField(max_length=120)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application"], name="akt_one_reduction_per_application"
            )
        ]
        verbose_name = "nedsättning eller avslag enligt aktivitetskravet"
        verbose_name_plural = "nedsättningar och avslag enligt aktivitetskravet"

    def __str__(self) -> str:
        return f"Nedsättning {self.month}"
