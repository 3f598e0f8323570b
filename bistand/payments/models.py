"""Payment orders (one per granted decision, never two), payout accounts and payment batches.

A granted decision creates one ``PaymentOrder`` (pending). A daily export takes the pending
orders that are due into one ``PaymentBatch`` and writes its pain.001 file (and a CSV); the
orders are then exported. When the bank confirms, an order is paid.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from bistand.cases.models import Application, Municipality, Person
from bistand.decisions.models import Decision

from . import accounts


class PayoutMethod(models.TextChoices):
    """How a person is paid; the municipality offers some of them (``PAYOUT_METHODS``)."""

    BANK_ACCOUNT = "bank_account", "bankkonto"
    # The account the person has registered in a bank's account register (Kontoregistret),
    # looked up when the payment file is made (bistand.payments.methods.AccountRegister).
    ACCOUNT_REGISTER = "account_register", "kontot i Kontoregistret"


class PayoutAccount(models.Model):
    """Where a person's assistance is paid: a Swedish bank account (clearing + account), or
    the account their bank's account register gives when the payment file is made.

    The history (django-simple-history) keeps every earlier account, so "which account did we
    pay into?" has an answer; each order also stores the account written in its file.
    """

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="payout_account", verbose_name="person"
    )
    method = models.CharField(
        "utbetalningssätt",
        max_length=20,
        choices=PayoutMethod.choices,
        default=PayoutMethod.BANK_ACCOUNT,
    )
    clearing_number = models.CharField(
        "clearingnummer",
        max_length=5,
        blank=True,
        help_text="Fyra siffror, eller fem för Swedbank när det börjar med 8 (t.ex. 8327-9).",
    )
    account_number = models.CharField(
        "kontonummer",
        max_length=10,
        blank=True,
        help_text="Kontonumret utan clearingnummer. För Nordeas personkonto: personnumret "
        "med tio siffror.",
    )
    registered_at = models.DateTimeField("registrerat", default=timezone.now)
    registered_by = models.CharField("registrerat av", max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "utbetalningskonto"
        verbose_name_plural = "utbetalningskonton"

    def __str__(self) -> str:
        return self.masked

    def clean_fields(self, exclude=None) -> None:
        # "8327-9" and "123 456 789-0" are how people write them; the fields hold the digits.
        self.clearing_number = accounts.strip_separators(self.clearing_number)
        self.account_number = accounts.strip_separators(self.account_number)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        if self.method == PayoutMethod.ACCOUNT_REGISTER:
            # Looked up when the file is made; nothing of an account is kept here.
            self.clearing_number = self.account_number = ""
            return
        errors: dict[str, list[ValidationError]] = {}
        try:
            self.clearing_number = accounts.normalise_clearing(self.clearing_number)
        except ValidationError as error:
            errors["clearing_number"] = [error]
        try:
            if "clearing_number" not in errors:
                self.account_number = accounts.normalise_account(
                    self.clearing_number, self.account_number
                )
            else:
                self.account_number = accounts.digits_only(self.account_number, "kontonummer")
        except ValidationError as error:
            errors["account_number"] = [error]
        if errors:
            raise ValidationError(errors)

    @property
    def uses_register(self) -> bool:
        return self.method == PayoutMethod.ACCOUNT_REGISTER

    @property
    def bban(self) -> str:
        return accounts.bban(self.clearing_number, self.account_number)

    @property
    def masked(self) -> str:
        """``8327-9 ••••6789``, or "kontot i Kontoregistret"; never the whole number."""
        if self.uses_register:
            return PayoutMethod.ACCOUNT_REGISTER.label
        return accounts.mask(self.clearing_number, self.account_number)

    @property
    def display(self) -> str:
        """The full account, for the CSV that goes to the municipality's ekonomi."""
        return accounts.display_full(self.clearing_number, self.account_number)


class BatchStatus(models.TextChoices):
    BUILT = "built", "skapad, filerna inte på plats"
    EXPORTED = "exported", "filerna skrivna"


class PaymentBatch(models.Model):
    """One export of a municipality's due payments, for one execution date: one pain.001 file.

    ``sequence`` numbers the batches of one (municipality, execution date): normally one a
    day, a second one only if orders became due after the first was exported.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="payment_batches"
    )
    execution_date = models.DateField("utbetalningsdag")
    sequence = models.PositiveSmallIntegerField("löpnummer", default=1)
    message_id = models.CharField("meddelande-id (MsgId)", max_length=35, unique=True)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.BUILT)
    created_at = models.DateTimeField("skapad", default=timezone.now)
    created_by = models.CharField(max_length=120)
    exported_at = models.DateTimeField("filerna skrivna", null=True, blank=True)
    order_count = models.PositiveIntegerField("antal betalningar", default=0)
    total_ore = models.BigIntegerField("summa (öre)", default=0)
    # Who pays, from which account, as written in the file (settings may change later).
    debtor_name = models.CharField("betalare", max_length=70)
    debtor_organisation_number = models.CharField("organisationsnummer", max_length=10)
    debtor_account = models.CharField("från konto (BBAN)", max_length=20)
    debtor_bic = models.CharField("betalarens bank (BIC)", max_length=11)
    xml_sha256 = models.CharField("SHA-256 för pain.001-filen", max_length=64, blank=True)
    csv_sha256 = models.CharField("SHA-256 för CSV-filen", max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "betalningsfil"
        verbose_name_plural = "betalningsfiler"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "execution_date", "sequence"],
                name="one_batch_per_number_and_day",
            ),
            models.CheckConstraint(condition=Q(total_ore__gte=0), name="batch_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Betalningsfil {self.pk} ({self.execution_date}, {self.municipality})"

    @property
    def file_stem(self) -> str:
        """``utbetalningar-<kommun>-<datum>-<id>``: ids only, never a personnummer."""
        return f"utbetalningar-{self.municipality.code}-{self.execution_date}-{self.pk}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "väntar på utbetalning"
    EXPORTED = "exported", "skickad till banken"
    PAID = "paid", "utbetald"


class PaymentOrder(models.Model):
    """A payment of a granted decision, or of the difference an omprövning or a court judgment
    grants (``supplementary``, bistand.appeals): the same daily file, the same rules. Exactly
    one of ``decision`` and ``supplementary`` is set (docs/payments.md)."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="payment", null=True, blank=True
    )
    supplementary = models.OneToOneField(
        "appeals.SupplementaryPayment",
        on_delete=models.PROTECT,
        related_name="order",
        null=True,
        blank=True,
        verbose_name="tilläggsutbetalning",
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    amount_ore = models.BigIntegerField()
    due_date = models.DateField("utbetalningsdag")
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default="pending")
    created_at = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name="betalningsfil",
    )
    # What the file said, kept so that the file can be rebuilt byte for byte and so that
    # "which account did we pay into?" has an answer after the payee changes account.
    creditor_name = models.CharField("mottagarens namn i filen", max_length=70, blank=True)
    creditor_clearing = models.CharField("clearingnummer i filen", max_length=5, blank=True)
    creditor_account = models.CharField("kontonummer i filen", max_length=10, blank=True)
    paid_at = models.DateTimeField("utbetald", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "utbetalning"
        verbose_name_plural = "utbetalningar"
        constraints = [
            models.CheckConstraint(condition=Q(amount_ore__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(batch__isnull=True),
                name="pending_payment_in_no_batch",
            ),
            models.CheckConstraint(
                condition=(Q(decision__isnull=False) & Q(supplementary__isnull=True))
                | (Q(decision__isnull=True) & Q(supplementary__isnull=False)),
                name="payment_of_a_decision_or_a_supplement",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"Utbetalning för {self.application}"
