"""Payments: an order per granted decision, the daily export to the bank, and paid.

A decision is never paid twice:

* one ``PaymentOrder`` per decision (one-to-one in the database);
* an export takes orders with a compare-and-swap (``UPDATE … WHERE status = 'pending' AND
  batch IS NULL``), so an order lands in one batch only, however many exports run at once;
  exports of one municipality also take turns (a row lock on the municipality);
* the batch, the orders' new state, the files' checksums and the audit events commit in one
  transaction; the files are written under staging names inside it and renamed after it, so
  an export interrupted before the commit leaves every order pending and no file that looks
  finished; one interrupted after the commit is finished by the next export, from what the
  batch recorded, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from bistand.audit.services import deferred, record
from bistand.cases.models import Application, Municipality, Person, State
from bistand.cases.states import transition
from bistand.decisions.models import Decision

from . import accounts, files, methods, render
from .models import (
    BatchStatus,
    PaymentBatch,
    PaymentOrder,
    PaymentStatus,
    PayoutAccount,
    PayoutMethod,
)

# Demo values, used until the municipality's own are set (docs/payments.md):
# settings.PAYMENT_DEBTOR_ACCOUNT, the account the assistance is paid from as a BBAN (the
# four-digit clearing number, then the account number; spaces and hyphens are ignored), and
# settings.PAYMENT_DEBTOR_BIC, that bank's BIC. Clearing number 9999 belongs to no bank.
DEMO_DEBTOR_ACCOUNT = "9999-0000001"
DEMO_DEBTOR_BBAN = "99990000001"
DEMO_DEBTOR_BIC = "DEMOSESS"

MISSING_ACCOUNT = "saknar kontonummer"
MISSING_NAME = "saknar namn"
INVALID_ACCOUNT = "ogiltigt kontonummer"
NOT_IN_REGISTER = "inget konto i Kontoregistret"


class ExportError(Exception):
    """The export cannot run as asked; the message says why, in Swedish."""


class PaymentFileMismatch(Exception):
    """A batch rendered again does not give the bytes it recorded: its data has changed."""


def next_bank_day(day: date) -> date:
    """The next weekday after ``day`` (holidays are the bank file's concern, not ours)."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def create_payment_order(decision: Decision, *, actor: str, payee=None) -> PaymentOrder:
    """One payment order for a granted decision (the OneToOne on the decision forbids a second).

    ``payee``: the applicant, if the caller has them at hand.
    """
    application = decision.application
    if payee is None:  # the application's sökande, a confirmed member (cases.membership)
        from bistand.cases.membership import confirmed_adults

        payee = confirmed_adults(application)[0].person
    order = new_payment_order(decision, payee)
    order.save(force_insert=True)
    record(
        "payment.created",
        actor=actor,
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data=payment_event(order),
    )
    return order


def new_payment_order(decision: Decision, payee) -> PaymentOrder:
    """``create_payment_order``'s row, not yet saved (the robot saves many in one statement)."""
    return PaymentOrder(
        decision=decision,
        application=decision.application,
        payee=payee,
        amount_ore=decision.amount_ore,
        due_date=next_bank_day(timezone.localdate(decision.decided_at)),
    )


def create_supplementary_order(supplementary, *, actor: str) -> PaymentOrder:
    """The payment order of an appeals ``SupplementaryPayment`` (the difference an omprövning
    or a court judgment grants): paid by the same daily file as a decision's order, once (the
    one-to-one on the supplementary payment forbids a second). Called in the transaction that
    creates the supplementary payment."""
    application = supplementary.decision.application
    order = PaymentOrder(
        supplementary=supplementary,
        application=application,
        payee=supplementary.payee,
        amount_ore=supplementary.amount_ore,
        due_date=supplementary.due_date,
    )
    order.save(force_insert=True)
    record(
        "payment.created",
        actor=actor,
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data={**payment_event(order), "supplementary_payment": supplementary.pk},
    )
    return order


def payment_event(order: PaymentOrder) -> dict:
    """The audit event's data for a payment order created."""
    return {
        "payment": order.pk,
        "amount_ore": order.amount_ore,
        "due_date": order.due_date.isoformat(),
    }


# --- Payout accounts ----------------------------------------------------------------------


def set_payout_account(
    person: Person, *, clearing_number: str, account_number: str, actor: str
) -> PayoutAccount:
    """Register (or change) the account ``person`` is paid into, for seeding and imports.

    Raises ``ValidationError`` with Swedish messages per field if the format is wrong (check
    digits are not verified here: demo and imported data). What a person types goes through
    ``change_payout_account``, which also checks the check digit and the login. Orders
    already exported keep the account they were exported with.
    """
    account = PayoutAccount.objects.filter(person=person).first() or PayoutAccount(person=person)
    account.method = PayoutMethod.BANK_ACCOUNT
    account.clearing_number = clearing_number
    account.account_number = account_number
    account.registered_at = timezone.now()
    account.registered_by = actor
    account.full_clean()
    with transaction.atomic():
        account.save()
        # Never the account number: a Nordea personkonto's number is a personnummer.
        record(
            "payment.account_set",
            actor=actor,
            subject=f"person:{person.pk}",
            data={"person": person.pk, "account": account.pk},
        )
    return account


class StaleLogin(Exception):
    """The login is too old to change where the money goes: log in again (fresh e-ID)."""


def change_payout_account(
    person: Person,
    *,
    method: str = PayoutMethod.BANK_ACCOUNT,
    clearing_number: str = "",
    account_number: str = "",
    login,
    actor: str,
) -> PayoutAccount:
    """The person gives (or changes) where they are paid, confirmed by their own e-ID login.

    ``login`` is the session's e-ID login (``issuer``, ``ref``, ``at``; the e-service's
    ``session.signer_login``); it must be at most ``EID_SIGN_WITHIN_MINUTES`` old, as for
    signing (``StaleLogin`` otherwise). What a person types is checked for format and check
    digit (``accounts.validate``); ``ValidationError`` with a Swedish message per field, and
    nothing is saved. The event ``payment.account_changed`` names the accounts masked only,
    with the login's reference (a hash, never the personnummer); the history keeps the old
    account.
    """
    at = getattr(login, "at", None)
    within = timedelta(minutes=getattr(settings, "EID_SIGN_WITHIN_MINUTES", 15))
    if not getattr(login, "ref", "") or at is None or timezone.now() - at > within:
        raise StaleLogin("Logga in med e-legitimation igen för att ändra konto.")
    if method not in methods.offered():
        raise ValidationError({"method": ["Välj ett av sätten att få pengarna utbetalda."]})
    if method == PayoutMethod.BANK_ACCOUNT:
        clearing_number, account_number = accounts.validate(clearing_number, account_number)
    else:
        clearing_number = account_number = ""
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().filter(
            person=person
        ).first() or PayoutAccount(person=person)
        previous = account.masked if account.pk else ""
        account.method = method
        account.clearing_number = clearing_number
        account.account_number = account_number
        account.registered_at = timezone.now()
        account.registered_by = actor
        account.full_clean()
        account._change_reason = "ändrat av sökande med e-legitimation"
        account.save()
        record(
            "payment.account_changed",
            actor=actor,
            subject=f"person:{person.pk}",
            data={
                "person": person.pk,
                "account": account.pk,
                "method": method,
                "previous": previous,
                "new": account.masked,
                "login_issuer": getattr(login, "issuer", ""),
                "login_ref": login.ref,
            },
        )
    return account


def payout_account_of(person: Person) -> PayoutAccount | None:
    try:
        return person.payout_account
    except PayoutAccount.DoesNotExist:
        return None


# --- The export ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedOrder:
    """A due order left pending, and why (reported, never silently dropped)."""

    order_id: int
    case_reference: str
    due_date: date
    amount_ore: int
    reason: str


@dataclass
class ExportResult:
    batch: PaymentBatch | None  # None: nothing (new) to export
    skipped: list[SkippedOrder] = field(default_factory=list)
    xml_path: Path | None = None
    csv_path: Path | None = None
    # Batches an earlier, interrupted export committed but did not finish; finished now.
    completed: list[PaymentBatch] = field(default_factory=list)


@dataclass(frozen=True)
class Debtor:
    name: str
    organisation_number: str
    account: str  # BBAN
    bic: str


def uses_demo_account(batch: PaymentBatch) -> bool:
    """The batch was made with the demo debtor account or BIC: no bank will take it."""
    return batch.debtor_account == DEMO_DEBTOR_BBAN or batch.debtor_bic == DEMO_DEBTOR_BIC


def debtor_for(municipality: Municipality) -> Debtor:
    """Who pays: the municipality, its organisation number, and the account in settings."""
    organisation_number = "".join(c for c in municipality.organisation_number if c.isdigit())
    if len(organisation_number) != 10:
        raise ExportError(
            f"{municipality.name} saknar ett organisationsnummer med tio siffror; "
            "det behövs som avsändare i betalningsfilen."
        )
    raw = getattr(settings, "PAYMENT_DEBTOR_ACCOUNT", None) or DEMO_DEBTOR_ACCOUNT
    bic = (getattr(settings, "PAYMENT_DEBTOR_BIC", None) or DEMO_DEBTOR_BIC).strip().upper()
    try:
        digits = accounts.digits_only(raw, "kontonummer")
        clearing = accounts.normalise_clearing(digits[:4])
        account = accounts.normalise_account(clearing, digits[4:])
    except ValidationError as error:
        raise ExportError(
            f"PAYMENT_DEBTOR_ACCOUNT ({raw!r}) är inget giltigt konto: {'; '.join(error.messages)}"
        ) from None
    return Debtor(
        name=municipality.name,
        organisation_number=organisation_number,
        account=accounts.bban(clearing, account),
        bic=bic,
    )


def export_batch(municipality: Municipality, execution_date: date, *, actor: str) -> ExportResult:
    """Export the municipality's pending orders due on or before ``execution_date``.

    Returns the new batch and the paths of its files, or ``batch=None`` when there was nothing
    (new) to export; either way the orders left pending for want of an account or a name are
    in ``skipped``. Raises ``ExportError`` for a date in the past or missing configuration.
    """
    if execution_date < timezone.localdate():
        raise ExportError(
            f"Utbetalningsdagen {execution_date} har redan passerat; banken tar inte emot den."
        )
    debtor = debtor_for(municipality)
    completed = complete_unfinished_batches(municipality)
    staged: list[tuple[Path, Path]] = []
    try:
        batch, skipped = _assign_and_stage(municipality, execution_date, debtor, actor, staged)
    except BaseException:
        for staged_path, _final in staged:
            staged_path.unlink(missing_ok=True)
        raise
    if batch is None:
        return ExportResult(batch=None, skipped=skipped, completed=completed)
    _publish(batch, staged)
    xml_path, csv_path = files.final_paths(batch)
    return ExportResult(
        batch=batch, skipped=skipped, xml_path=xml_path, csv_path=csv_path, completed=completed
    )


def _payable(order: PaymentOrder) -> tuple[str, str] | str:
    """The payee's (clearing number, account number), or why the order cannot be paid yet."""
    account = payout_account_of(order.payee)
    if account is None:
        return MISSING_ACCOUNT
    clearing_number, account_number = account.clearing_number, account.account_number
    if account.uses_register:  # asked now: the account the register has today is paid
        found = methods.account_register().lookup(order.payee.personnummer)
        if found is None:
            return NOT_IN_REGISTER
        clearing_number, account_number = found.clearing_number, found.account_number
    try:  # saved some other way than set_payout_account, or the rules have changed since
        clearing = accounts.normalise_clearing(clearing_number)
        number = accounts.normalise_account(clearing, account_number)
    except ValidationError:
        return INVALID_ACCOUNT
    if not _name(order.payee):
        return MISSING_NAME
    return clearing, number


def _name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}".strip()


def _assign_and_stage(
    municipality: Municipality,
    execution_date: date,
    debtor: Debtor,
    actor: str,
    staged: list[tuple[Path, Path]],
) -> tuple[PaymentBatch | None, list[SkippedOrder]]:
    with transaction.atomic():
        # Exports of one municipality take turns (on SQLite the IMMEDIATE transaction already
        # lets one writer in at a time).
        _lock(municipality)
        due = list(
            PaymentOrder.objects.filter(
                application__case__municipality=municipality,
                status=PaymentStatus.PENDING,
                batch__isnull=True,
                due_date__lte=execution_date,
            )
            .select_related("payee__payout_account", "application__case")
            .order_by("pk")
        )
        ready, skipped = [], []
        for order in due:
            payable = _payable(order)
            if isinstance(payable, tuple):
                order.creditor_clearing, order.creditor_account = payable
                order.creditor_name = _name(order.payee)[:70]
                ready.append(order)
            else:
                skipped.append(
                    SkippedOrder(
                        order_id=order.pk,
                        case_reference=order.application.case.reference,
                        due_date=order.due_date,
                        amount_ore=order.amount_ore,
                        reason=payable,
                    )
                )
        if not ready:
            return None, skipped

        created_at = timezone.now()
        sequence = (
            PaymentBatch.objects.filter(
                municipality=municipality, execution_date=execution_date
            ).aggregate(last=Max("sequence"))["last"]
            or 0
        ) + 1
        batch = PaymentBatch.objects.create(
            municipality=municipality,
            execution_date=execution_date,
            sequence=sequence,
            message_id=(
                f"BISTAND-{timezone.localtime(created_at):%Y%m%d%H%M%S}-"
                f"{municipality.pk}-{sequence}"
            )[:35],
            created_at=created_at,
            created_by=actor,
            debtor_name=debtor.name[:70],
            debtor_organisation_number=debtor.organisation_number,
            debtor_account=debtor.account,
            debtor_bic=debtor.bic,
        )
        # The compare-and-swap: only orders still pending and in no batch are taken.
        PaymentOrder.objects.filter(
            pk__in=[o.pk for o in ready], status=PaymentStatus.PENDING, batch__isnull=True
        ).update(batch=batch, status=PaymentStatus.EXPORTED)
        taken_ids = set(batch.orders.values_list("pk", flat=True))
        if not taken_ids:  # another export took them all between our read and our update
            transaction.set_rollback(True)
            return None, skipped
        orders = [o for o in ready if o.pk in taken_ids]
        for order in orders:
            order.batch, order.status = batch, PaymentStatus.EXPORTED
        # What the file says, kept with each order (and in its history).
        bulk_update_with_history(
            orders,
            PaymentOrder,
            ["creditor_name", "creditor_clearing", "creditor_account"],
            batch_size=500,
        )

        rendered = render.render(batch, orders)
        batch.order_count = len(orders)
        batch.total_ore = sum(o.amount_ore for o in orders)
        batch.xml_sha256 = rendered.xml_sha256
        batch.csv_sha256 = rendered.csv_sha256
        batch.save()
        _stage(batch, rendered, staged)

        with deferred():  # the events of this transaction, appended under one lock
            _record_export(batch, orders, skipped, actor)
    return batch, skipped


def _record_export(
    batch: PaymentBatch, orders: list[PaymentOrder], skipped: list[SkippedOrder], actor: str
) -> None:
    for order in orders:
        record(
            "payment.exported",
            actor=actor,
            case_id=order.application.case_id,
            subject=f"application:{order.application_id}",
            data={"payment": order.pk, "batch": batch.pk, "amount_ore": order.amount_ore},
        )
    record(
        "payment.batch_exported",
        actor=actor,
        subject=f"payment_batch:{batch.pk}",
        data={
            "batch": batch.pk,
            "municipality": batch.municipality.code,
            "execution_date": batch.execution_date.isoformat(),
            "message_id": batch.message_id,
            "count": batch.order_count,
            "total_ore": batch.total_ore,
            "sha256": batch.xml_sha256,
            "csv_sha256": batch.csv_sha256,
            "skipped": len(skipped),
        },
    )


def _stage(
    batch: PaymentBatch, rendered: render.RenderedBatch, staged: list[tuple[Path, Path]]
) -> None:
    xml_final, csv_final = files.final_paths(batch)
    for final, content in ((xml_final, rendered.xml), (csv_final, rendered.csv)):
        path = files.staging_path(final)
        staged.append((path, final))
        files.write_file(path, content)


def _lock(municipality: Municipality) -> None:
    """Take the municipality's export lock until the transaction ends, and clear away staging
    files of exports that never committed.

    Exports, completions and publishing of one municipality take turns on it. On PostgreSQL it
    is a row lock on the municipality; on SQLite the IMMEDIATE transaction already lets one
    writer in at a time.
    """
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    live = set(PaymentBatch.objects.filter(municipality=municipality).values_list("pk", flat=True))
    files.remove_stale_partials(municipality.code, live)


def _publish(batch: PaymentBatch, staged: list[tuple[Path, Path]]) -> None:
    """After the commit: the staged files get their final names and the batch is exported
    (unless a completion run did both first)."""
    with transaction.atomic():
        _lock(batch.municipality)
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == BatchStatus.BUILT:
            for staged_path, final in staged:
                files.publish(staged_path, final)
            locked.status = BatchStatus.EXPORTED
            locked.exported_at = timezone.now()
            locked.save(update_fields=["status", "exported_at"])
    batch.refresh_from_db()


def verify_batch_files(batch: PaymentBatch) -> render.RenderedBatch:
    """Render ``batch`` again from the database; ``PaymentFileMismatch`` unless the bytes are
    the ones it recorded."""
    rendered = render.render(batch)
    if (rendered.xml_sha256, rendered.csv_sha256) != (batch.xml_sha256, batch.csv_sha256):
        raise PaymentFileMismatch(
            f"Betalningsfil {batch.pk}: en ny rendering ger inte de sparade kontrollsummorna; "
            "betalningarna i den har ändrats. Utred innan något skickas till banken."
        )
    return rendered


def complete_unfinished_batches(municipality: Municipality) -> list[PaymentBatch]:
    """Finish batches whose transaction committed but whose files never got their final names
    (the process died in between): write the same bytes again and mark them exported."""
    done = []
    with transaction.atomic():
        _lock(municipality)
        unfinished = PaymentBatch.objects.filter(
            municipality=municipality, status=BatchStatus.BUILT
        ).order_by("pk")
        for batch in unfinished:
            staged: list[tuple[Path, Path]] = []
            try:
                _stage(batch, verify_batch_files(batch), staged)
            except BaseException:
                for staged_path, _final in staged:
                    staged_path.unlink(missing_ok=True)
                raise
            _publish(batch, staged)
            done.append(batch)
    return done


# --- Paid -----------------------------------------------------------------------------------


def mark_paid(order: PaymentOrder, *, actor: str) -> PaymentOrder:
    """The bank has paid: the order and its application become paid (once). A supplementary
    payment's order marks its appeals ``SupplementaryPayment`` paid instead: the application
    was paid (or refused) by its own decision."""
    with transaction.atomic():
        now = timezone.now()
        updated = (
            PaymentOrder.objects.filter(pk=order.pk)
            .exclude(status=PaymentStatus.PAID)
            .update(status=PaymentStatus.PAID, paid_at=now)
        )
        if updated and order.supplementary_id:
            from bistand.appeals.models import SupplementaryPayment, SupplementaryStatus

            SupplementaryPayment.objects.filter(pk=order.supplementary_id).update(
                status=SupplementaryStatus.PAID, paid_at=now, paid_recorded_by=actor[:120]
            )
        elif updated:
            transition(
                order.application,
                State.PAID,
                actor=actor,
                from_state=State.DECIDED,
                reason="utbetald",
            )
            record(
                "payment.paid",
                actor=actor,
                case_id=order.application.case_id,
                subject=f"application:{order.application_id}",
                data={"payment": order.pk},
            )
    order.refresh_from_db()
    return order


def mark_batch_paid(batch: PaymentBatch, *, actor: str) -> int:
    """The bank has paid the whole batch: every order in it not yet paid becomes paid.
    Returns how many changed."""
    changed = 0
    with transaction.atomic():
        for order in batch.orders.exclude(status=PaymentStatus.PAID).select_related("application"):
            mark_paid(order, actor=actor)
            changed += 1
    return changed


# --- For Mina sidor -------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInfo:
    """What the applicant sees about the payment of a decision."""

    status: str  # PaymentStatus value
    label: str  # "Utbetald", "Skickad till banken, utbetalas", "Planerad utbetalning"
    day: date
    amount_ore: int
    account: str  # masked, or "" when none is registered
    account_missing: bool

    @property
    def text(self) -> str:
        return f"{self.label} {self.day.isoformat()}"


def payment_info(application: Application) -> PaymentInfo | None:
    """The payment date and state for ``application``, or None when nothing is to be paid."""
    # The decision's own order; a supplementary payment's only when the decision had none.
    order = (
        PaymentOrder.objects.filter(application=application)
        .select_related("batch", "payee__payout_account")
        .order_by(F("supplementary").asc(nulls_first=True), "pk")
        .first()
    )
    if order is None:
        return None
    if order.status == PaymentStatus.PAID:
        day = (
            timezone.localdate(order.paid_at)
            if order.paid_at
            else (order.batch.execution_date if order.batch else order.due_date)
        )
        label = "Utbetald"
    elif order.status == PaymentStatus.EXPORTED and order.batch:
        day, label = order.batch.execution_date, "Skickad till banken, utbetalas"
    else:
        # Left out of the files until now (no account yet): paid at the next export.
        day, today = order.due_date, timezone.localdate()
        if day < today:
            day = today if today.weekday() < 5 else next_bank_day(today)
        label = "Planerad utbetalning"
    missing = False
    if order.creditor_account:
        masked = accounts.mask(order.creditor_clearing, order.creditor_account)
    else:
        account = payout_account_of(order.payee)
        missing = account is None
        # Kontoregistret: the account is known when the file is made, not before.
        masked = "" if missing or account.uses_register else account.masked
    return PaymentInfo(
        status=order.status,
        label=label,
        day=day,
        amount_ore=order.amount_ore,
        account=masked,
        account_missing=missing,
    )


# --- For the case view and the queue ---------------------------------------------------------


@dataclass(frozen=True)
class AccountChange:
    """One version of a person's payout account, as staff see it: masked, when, by whom."""

    at: datetime
    account: str  # masked
    actor: str  # as in the audit log: "applicant:<id>", "system:demo", "user:<id>:<name>"
    by_applicant: bool


def account_changes(person: Person, *, limit: int = 10) -> list[AccountChange]:
    """The person's payout accounts, newest first, from the history (masked only)."""
    versions = PayoutAccount.history.filter(person_id=person.pk).order_by(
        "-history_date", "-history_id"
    )[:limit]
    return [
        AccountChange(
            at=version.registered_at,
            account=version.instance.masked,
            actor=version.registered_by,
            by_applicant=version.registered_by.startswith("applicant:"),
        )
        for version in versions
        if version.history_type != "-"
    ]


def awaiting_account() -> QuerySet[PaymentOrder]:
    """Orders not yet exported whose payee has no payout account: a caseworker's task (the
    queue "Beviljat utan konto"), never a silent omission from the payment file."""
    return PaymentOrder.objects.filter(
        status=PaymentStatus.PENDING, payee__payout_account__isnull=True
    )
