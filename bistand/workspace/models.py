"""The caseworker's workspace: who has the work, the journal, completion requests,
the caseworker's changes to a proposal, and the first approval under the four-eyes rule.

The actions that write these live in ``bistand.decisions.review``; views only call them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from bistand.cases.models import Application, Case
from bistand.decisions.models import CalculationSnapshot, Outcome, Proposal


class AppendOnlyError(Exception):
    """An attempt to change or remove a journal note."""


class Assignment(models.Model):
    """Who works on an application: taken by a caseworker or assigned by a team lead."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="assignment"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="workspace_assignments",
        verbose_name="handläggare",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tilldelad av",
    )
    at = models.DateTimeField("tilldelad", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tilldelning"
        verbose_name_plural = "tilldelningar"

    def __str__(self) -> str:
        return f"{self.application} → {self.user}"


class JournalNoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("En journalanteckning kan inte ändras.")

    def delete(self):
        raise AppendOnlyError("En journalanteckning kan inte tas bort.")


class JournalNote(models.Model):
    """A journal entry (journalanteckning) on a case: written once, never changed or removed.

    A correction is a new note that says what it corrects.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="journal")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="journal"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("anteckning")
    created_at = models.DateTimeField("skriven", default=timezone.now)

    objects = JournalNoteQuerySet.as_manager()

    class Meta:
        verbose_name = "journalanteckning"
        verbose_name_plural = "journalanteckningar"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Journalanteckning {self.pk} ({self.case})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("En journalanteckning kan inte ändras.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("En journalanteckning kan inte tas bort.")


class CompletionRequest(models.Model):
    """A request to the applicant for more information (begäran om komplettering).

    Mina sidor shows the message and records the answer (``answered_at``, ``answer``).
    """

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="completion_requests"
    )
    message = models.TextField("vad som behöver kompletteras")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("begärd", default=timezone.now)
    answered_at = models.DateTimeField("besvarad", null=True, blank=True)
    answer = models.TextField("svar", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "begäran om komplettering"
        verbose_name_plural = "begäranden om komplettering"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Komplettering för {self.application}"


class AdjustmentKind(models.TextChoices):
    COST = "cost", "ändrad kostnad"
    ADD_INCOME = "add_income", "tillagd inkomst"
    REMOVE_INCOME = "remove_income", "borttagen inkomst"
    INCOME_AMOUNT = "income_amount", "ändrad inkomst"


class Adjustment(models.Model):
    """A caseworker's change to the proposal's calculation, with the required motivering.

    ``change`` is what was changed in the rules engine's input, e.g.
    ``{"cost_type": "rent", "amount": "5000.00", "before": "6500.00"}``. The proposal's
    calculation is the robot's input with every adjustment applied in order; ``before`` and
    ``after`` are the calculations on either side of this one.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(max_length=20, choices=AdjustmentKind.choices)
    change = models.JSONField()
    description = models.CharField("ändringen", max_length=300)
    motivering = models.TextField("motivering")
    before = models.ForeignKey(CalculationSnapshot, on_delete=models.PROTECT, related_name="+")
    after = models.ForeignKey(CalculationSnapshot, on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "ändring av beslutsförslag"
        verbose_name_plural = "ändringar av beslutsförslag"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.description


class FourEyesApproval(models.Model):
    """The first of two approvals a decision above the four-eyes limit needs.

    It approves exactly one decision: this calculation, outcome, amount and motivering. A
    second, different caseworker who approves the same makes the decision; any change to the
    proposal in between needs a new first approval.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="four_eyes_approvals"
    )
    calculation = models.ForeignKey(CalculationSnapshot, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    amount_ore = models.BigIntegerField()
    motivering = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "första godkännande (fyraögonsprincipen)"
        verbose_name_plural = "första godkännanden (fyraögonsprincipen)"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Första godkännande av {self.proposal}"
