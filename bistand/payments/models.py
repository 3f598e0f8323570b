"""Payment orders: one per granted decision, never two."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from bistand.cases.models import Application, Person
from bistand.decisions.models import Decision


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "väntar på utbetalning"
    EXPORTED = "exported", "skickad till banken"
    PAID = "paid", "utbetald"


class PaymentOrder(models.Model):
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="payment")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    amount_ore = models.BigIntegerField()
    due_date = models.DateField("utbetalningsdag")
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default="pending")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "utbetalning"
        verbose_name_plural = "utbetalningar"
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_ore__gt=0), name="payment_positive")
        ]

    def __str__(self) -> str:
        return f"Utbetalning för {self.application}"
