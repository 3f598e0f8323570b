"""Överklaganden: the app's tables (see bistand/appeals/__init__.py).

* ``Delivery``: how and when a decision reached the applicant, per channel (Mina sidor, the
  digital mailbox, post); the earliest proven date counts (``services.delivery_of``).
* ``Appeal``: the appeal (from Mina sidor or on paper), its rättidsprövning, the dismissal or
  the forwarding to förvaltningsrätten, and the court's outcome.
* ``AppealAttachment``: a file that came with the appeal.
* ``Reconsideration``: an omprövning (FL 38–39 §§) or the new decision after a remand, with
  its letter; ``SupplementaryPayment``: the difference it grants, paid once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from bistand.cases.models import Person
from bistand.decisions.models import Decision, Outcome
from bistand.eservice.models import attachment_store
from bistand.rules.money import format_kr, from_ore

#: Exactly one of ``decision`` (the month's decision) and ``urgent_decision`` (nödbistånd).
ONE_SUBJECT = Q(decision__isnull=False, urgent_decision__isnull=True) | Q(
    decision__isnull=True, urgent_decision__isnull=False
)


class Channel(models.TextChoices):
    MINASIDOR = "minasidor", "läst på Mina sidor"
    MAILBOX = "mailbox", "digital brevlåda"
    POST = "post", "post"


class Delivery(models.Model):
    """One way the decision was sent or reached the applicant. One row per channel:
    Mina sidor records the first opening only, the mailbox the day the letter was put in it,
    post the day it was sent (and, if known, the actual day it arrived)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="deliveries", null=True, blank=True
    )
    # Or an urgent decision (nödbistånd, bistand.urgent): exactly one of the two is set.
    urgent_decision = models.ForeignKey(
        "urgent.UrgentDecision",
        on_delete=models.PROTECT,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    channel = models.CharField("sätt", max_length=10, choices=Channel.choices)
    sent_on = models.DateField("skickat", null=True, blank=True)
    delivered_on = models.DateField(
        "kom fram (styrkt)",
        null=True,
        blank=True,
        help_text="Mina sidor: dagen beslutet öppnades första gången; brevlådan: dagen det "
        "lades där; post: dagen enligt t.ex. mottagningsbevis.",
    )
    assumed_days = models.PositiveSmallIntegerField(
        "antagen postgång (dagar)", null=True, blank=True
    )
    evidence = models.CharField("underlag", max_length=200, blank=True)
    opened_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.CharField(max_length=120)

    class Meta:
        verbose_name = "delgivning"
        verbose_name_plural = "delgivningar"
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "channel"], name="one_delivery_per_channel"
            ),
            models.UniqueConstraint(
                fields=["urgent_decision", "channel"], name="one_urgent_delivery_per_channel"
            ),
            models.CheckConstraint(
                condition=ONE_SUBJECT, name="delivery_of_a_decision_or_an_urgent_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} ({self.decision_id or self.urgent_decision_id})"


class AppealChannel(models.TextChoices):
    MINASIDOR = "minasidor", "Mina sidor"
    PAPER = "paper", "på papper"


class Timeliness(models.TextChoices):
    TIMELY = "timely", "i rätt tid"
    LATE = "late", "för sent"
    UNKNOWN = "unknown", "delgivning okänd – behandlas som i rätt tid"


class AppealStatus(models.TextChoices):
    RECEIVED = "received", "inkommet, rättidsprövning återstår"
    EXAMINED = "examined", "rättidsprövat"
    DISMISSED = "dismissed", "avvisat för sent"
    LAPSED = "lapsed", "förfallet, beslutet ändrat som begärts"
    FORWARDED = "forwarded", "överlämnat till förvaltningsrätten"
    COURT_DECIDED = "court_decided", "avgjort av förvaltningsrätten"


class CourtOutcome(models.TextChoices):
    UPHELD = "upheld", gettext_noop("fastställt")
    CHANGED = "changed", gettext_noop("ändrat")
    REMANDED = "remanded", gettext_noop("undanröjt och återförvisat")
    DISMISSED = "dismissed", gettext_noop("avvisat")


class Appeal(models.Model):
    """An appeal of a decision on ekonomiskt bistånd (``decision``) or of an urgent decision
    (``urgent_decision``, bistand.urgent): exactly one of the two is set."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="appeals", null=True, blank=True
    )
    urgent_decision = models.ForeignKey(
        "urgent.UrgentDecision",
        on_delete=models.PROTECT,
        related_name="appeals",
        null=True,
        blank=True,
    )
    channel = models.CharField("inkom via", max_length=10, choices=AppealChannel.choices)
    text = models.TextField("överklagandet")
    arrived_on = models.DateField("inkom till nämnden")
    appellant = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=15, choices=AppealStatus.choices, default=AppealStatus.RECEIVED
    )
    # Rättidsprövning (FL 45 §), as the caseworker confirmed it, with the dates it used.
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    delivered_on_used = models.DateField("delgivning enligt prövningen", null=True, blank=True)
    delivery_how_used = models.CharField(max_length=120, blank=True)
    period_end_used = models.DateField("sista dag enligt prövningen", null=True, blank=True)
    examined_at = models.DateTimeField(null=True, blank=True)
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Avvisning (FL 45 §): a caseworker's decision with its letter.
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissal_reasons = models.TextField(blank=True)
    dismissal_pdf = models.BinaryField(null=True, blank=True, editable=False)
    dismissal_sha256 = models.CharField(max_length=64, blank=True)
    # Överlämnande (FL 46 §).
    forward_due_on = models.DateField("överlämnas senast", null=True, blank=True)
    forwarded_on = models.DateField("överlämnat", null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement = models.TextField("yttrande", blank=True)
    bundle_pdf = models.BinaryField(null=True, blank=True, editable=False)
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    # The court's outcome.
    court_outcome = models.CharField(max_length=10, choices=CourtOutcome.choices, blank=True)
    court_decided_on = models.DateField("domstolens avgörande", null=True, blank=True)
    court_case_number = models.CharField("målnummer", max_length=40, blank=True)
    remand_due_on = models.DateField("nytt beslut senast", null=True, blank=True)
    remand_resolved_on = models.DateField("nytt beslut fattat", null=True, blank=True)

    class Meta:
        verbose_name = "överklagande"
        verbose_name_plural = "överklaganden"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | Q(timeliness="late"),
                name="appeal_dismissed_only_when_late",
            ),
            models.CheckConstraint(
                condition=Q(appellant__isnull=False) | Q(registered_by__isnull=False),
                name="appeal_names_who_brought_it",
            ),
            models.CheckConstraint(
                condition=ONE_SUBJECT, name="appeal_of_a_decision_or_an_urgent_decision"
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Överklagande {self.pk}"

    @property
    def is_urgent(self) -> bool:
        return self.urgent_decision_id is not None

    @property
    def subject(self):
        """The appealed decision: a ``decisions.Decision`` or an ``urgent.UrgentDecision``."""
        return self.urgent_decision if self.is_urgent else self.decision

    @property
    def case_id(self) -> int:
        if self.is_urgent:
            return self.urgent_decision.request.case_id
        return self.decision.application.case_id

    @property
    def case_reference(self) -> str:
        if self.is_urgent:
            return self.urgent_decision.request.case.reference
        return self.decision.application.case.reference


def _appeal_file_path(instance: AppealAttachment, filename: str) -> str:
    import uuid

    return f"appeals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField("filnamn", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("storlek (byte)")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(storage=attachment_store, upload_to=_appeal_file_path)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "bilaga till överklagande"
        verbose_name_plural = "bilagor till överklaganden"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class ReconsiderationKind(models.TextChoices):
    OMPROVNING = "omprovning", "omprövning efter överklagande"
    AFTER_REMAND = "after_remand", "nytt beslut efter återförvisning"
    COURT_JUDGMENT = "court_judgment", "verkställighet av förvaltningsrättens dom"


class Reconsideration(models.Model):
    """A new decision on the appealed one: an omprövning (FL 38–39 §§), or the new decision
    after the court sent the case back. Never lower than what was granted (FL 38 § second
    paragraph): ``services.reconsider`` refuses it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="reconsiderations")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=ReconsiderationKind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    previous_amount_ore = models.BigIntegerField()
    new_amount_ore = models.BigIntegerField()
    reasons = models.TextField("motivering")
    fully_as_requested = models.BooleanField(
        "ändrat helt som klaganden begärt",
        default=False,
        help_text="Då förfaller överklagandet (FL 46 § andra stycket).",
    )
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    letter_pdf = models.BinaryField(editable=False)
    letter_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "omprövning"
        verbose_name_plural = "omprövningar"
        constraints = [
            models.UniqueConstraint(fields=["appeal", "kind"], name="one_reconsideration_per_kind"),
            models.CheckConstraint(
                condition=Q(new_amount_ore__gte=models.F("previous_amount_ore")),
                name="reconsideration_never_lower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.appeal_id})"

    @property
    def difference_ore(self) -> int:
        return self.new_amount_ore - self.previous_amount_ore

    @property
    def previous_kr(self) -> str:
        return format_kr(from_ore(self.previous_amount_ore))

    @property
    def new_kr(self) -> str:
        return format_kr(from_ore(self.new_amount_ore))


class SupplementaryStatus(models.TextChoices):
    PENDING = "pending", "väntar på utbetalning"
    PAID = "paid", "utbetald"


class SupplementaryPayment(models.Model):
    """The difference a reconsideration grants, as one payment order: one per reconsideration,
    computed against what the decision and its earlier supplements already granted."""

    reconsideration = models.OneToOneField(
        Reconsideration, on_delete=models.PROTECT, related_name="payment"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    amount_ore = models.BigIntegerField()
    due_date = models.DateField("utbetalningsdag")
    status = models.CharField(
        max_length=10, choices=SupplementaryStatus.choices, default=SupplementaryStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField("utbetald", null=True, blank=True)
    paid_recorded_by = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = "tilläggsutbetalning"
        verbose_name_plural = "tilläggsutbetalningar"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_ore__gt=0), name="supplementary_payment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Tilläggsutbetalning {self.pk}"
