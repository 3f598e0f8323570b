"""Planeringsmöten: the app's tables (see bistand/planning/__init__.py).

* ``Slot``: a time staff publish for a unit (start, length, place or video link).
* ``Invitation``: a case the caseworker chose to offer a meeting to (a nyansökan is offered
  one without an invitation).
* ``Booking``: one person's booking of one slot for one case; cancelled (by the applicant or
  staff) or given an outcome (held, not attended, rebooked) with the plan the meeting produced.
  At most one live booking per slot and per case (database constraints).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from bistand.cases.models import Application, Case, Person, Unit


class Mode(models.TextChoices):
    PLACE = "place", gettext_noop("på plats")
    VIDEO = "video", gettext_noop("videomöte")


class Outcome(models.TextChoices):
    HELD = "held", "genomfört"
    NOT_ATTENDED = "not_attended", "uteblev"
    REBOOKED = "rebooked", "ombokat"


class Slot(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="planning_slots")
    starts_at = models.DateTimeField("börjar")
    minutes = models.PositiveSmallIntegerField("längd (minuter)", default=45)
    mode = models.CharField("form", max_length=8, choices=Mode.choices, default=Mode.PLACE)
    place = models.CharField(
        "plats eller länk",
        max_length=200,
        help_text="Adress och rum för ett möte på plats, eller länken till videomötet.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField("återtagen", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mötestid"
        verbose_name_plural = "mötestider"
        indexes = [models.Index(fields=["unit", "starts_at"], name="slot_unit_starts")]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H:%M} ({self.get_mode_display()}, {self.unit.name})"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.minutes)


class Invitation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="planning_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField("inbjuden", default=timezone.now)
    closed_at = models.DateTimeField("avslutad", null=True, blank=True)

    class Meta:
        verbose_name = "inbjudan till planeringsmöte"
        verbose_name_plural = "inbjudningar till planeringsmöte"
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(closed_at__isnull=True), name="one_open_invitation"
            )
        ]

    def __str__(self) -> str:
        return f"Inbjudan {self.case}"


class Booking(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="planning_bookings")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField("bokad", default=timezone.now)
    booked_by = models.CharField("bokad av", max_length=120)  # audit actor text
    cancelled_at = models.DateTimeField("avbokad", null=True, blank=True)
    outcome = models.CharField("utfall", max_length=16, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.TextField(
        "planering",
        blank=True,
        help_text="Vad mötet kom fram till: vägen till egen försörjning, nästa steg.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bokning av planeringsmöte"
        verbose_name_plural = "bokningar av planeringsmöten"
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(cancelled_at__isnull=True) & ~Q(outcome="rebooked"),
                name="one_live_booking_per_slot",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(cancelled_at__isnull=True) & Q(outcome=""),
                name="one_open_booking_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.slot}"

    @property
    def live(self) -> bool:
        return self.cancelled_at is None and not self.outcome
