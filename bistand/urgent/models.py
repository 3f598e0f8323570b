"""Akut hjälp (nödbistånd): the app's tables (see bistand/urgent/__init__.py).

A request (``UrgentRequest``) is made by the applicant on Mina sidor or registered by a
caseworker at the reception, for a case where the applicant is a confirmed adult member. It
has its own clock (``due_at``: the same working day, or the next one after closing time), a
proposal the background task makes (``UrgentProposal``), at most one decision
(``UrgentDecision``) and, when granted, at most one payment (``UrgentPayment``), exported on its
own, outside the day's batch. Why not ``decisions.Decision``: docs/urgent.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from bistand.cases.models import Case, Person


class Reason(models.TextChoices):
    NO_FOOD = "no_food", gettext_noop("Ingen mat i dag")
    ELECTRICITY = "electricity", gettext_noop("Elen stängs av")
    RENT = "rent", gettext_noop("Hyran eller vräkning")
    OTHER = "other", gettext_noop("Annat")


class Channel(models.TextChoices):
    MINASIDOR = "minasidor", "Mina sidor (e-legitimation)"
    RECEPTION = "reception", "Receptionen (registrerad av handläggare)"


class IdentityCheck(models.TextChoices):
    """How the caseworker checked at the reception that the person is who they say."""

    ID_DOCUMENT = "id_document", "Id-handling (id-kort, körkort eller pass) visad"
    EID_ON_SITE = "eid_on_site", "E-legitimation på plats"
    KNOWN = "known", "Känd av handläggaren sedan tidigare möte med id-kontroll"


class Status(models.TextChoices):
    RECEIVED = "received", "Inkommen"
    PROPOSED = "proposed", "Förslag klart"
    GRANTED = "granted", "Beviljad"
    REFUSED = "refused", "Avslagen"
    PAID = "paid", "Utbetald"


OPEN = (Status.RECEIVED, Status.PROPOSED)


class UrgentRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="urgent_requests")
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("skäl", max_length=20, choices=Reason.choices)
    description = models.TextField("beskrivning")
    days = models.PositiveSmallIntegerField("antal dagar")
    channel = models.CharField("kanal", max_length=12, choices=Channel.choices)
    identity_check = models.CharField(
        "id-kontroll", max_length=20, choices=IdentityCheck.choices, blank=True
    )
    identity_note = models.CharField("id-kontroll, anteckning", max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="registrerad av",
    )
    received_at = models.DateTimeField("inkom", default=timezone.now)
    due_at = models.DateTimeField("ska vara beslutad")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ansökan om akut hjälp"
        verbose_name_plural = "ansökningar om akut hjälp"
        constraints = [
            # A double click, or the applicant and the reception at once: one open request.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["received", "proposed"]),
                name="urgent_one_open_request_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(channel="reception") | ~Q(identity_check=""),
                name="urgent_reception_identity_checked",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"Akut hjälp {self.pk} ({self.case})"

    @property
    def open(self) -> bool:
        return self.status in OPEN


class UrgentProposal(models.Model):
    """The background task's proposal: the amount for the days (or none, with the reason),
    the trace line by line, the flags and what each register answered."""

    request = models.OneToOneField(UrgentRequest, on_delete=models.CASCADE, related_name="proposal")
    amount_ore = models.BigIntegerField(null=True, blank=True)
    trace = models.JSONField(default=dict)
    flags = models.JSONField(default=list)
    registers = models.JSONField(default=list)
    checked = models.BooleanField(
        "registren kontrollerade", default=False, help_text="Alla register svarade."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "förslag om akut hjälp"
        verbose_name_plural = "förslag om akut hjälp"

    def __str__(self) -> str:
        return f"Förslag om akut hjälp {self.request_id}"


class Outcome(models.TextChoices):
    GRANT = "grant", "Beviljas"
    REFUSAL = "refusal", "Avslås"


class UrgentDecision(models.Model):
    request = models.OneToOneField(UrgentRequest, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField("beslut", max_length=10, choices=Outcome.choices)
    amount_ore = models.BigIntegerField("belopp (öre)", default=0)
    proposed_ore = models.BigIntegerField("föreslaget belopp (öre)", null=True, blank=True)
    motivering = models.TextField("motivering")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    letter_html = models.TextField("beslutsbrev (HTML)", blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords(excluded_fields=["letter_html"])

    class Meta:
        verbose_name = "beslut om akut hjälp"
        verbose_name_plural = "beslut om akut hjälp"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="refusal", amount_ore=0) | Q(outcome="grant", amount_ore__gt=0),
                name="urgent_decision_amount_matches_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"Beslut om akut hjälp {self.request_id}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Väntar på utbetalning"
    EXPORTED = "exported", "Skickad till banken"
    PAID = "paid", "Utbetald"


class UrgentPayment(models.Model):
    """One urgent payment order per granted decision: the one-to-one makes a second one
    impossible (a double click, two workers)."""

    decision = models.OneToOneField(
        UrgentDecision, on_delete=models.PROTECT, related_name="payment"
    )
    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    amount_ore = models.BigIntegerField()
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    message_id = models.CharField("meddelande-id (MsgId)", max_length=35, blank=True)
    execution_date = models.DateField("utbetalningsdag", null=True, blank=True)
    xml = models.BinaryField("pain.001", blank=True, default=b"")
    xml_sha256 = models.CharField(max_length=64, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_by = models.CharField(max_length=120, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["xml"])

    class Meta:
        verbose_name = "akut utbetalning"
        verbose_name_plural = "akuta utbetalningar"
        constraints = [
            models.CheckConstraint(condition=Q(amount_ore__gt=0), name="urgent_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"Akut utbetalning {self.pk}"
