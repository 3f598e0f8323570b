"""The audit log: one append-only, hash-chained table of events, and the head of the chain.

Write events only through ``bistand.audit.services.record`` (and ``record_access``): it takes the
chain lock, numbers the event and computes its hash. The database itself refuses UPDATE, DELETE
and (on PostgreSQL) TRUNCATE on these tables; see migration 0002 and docs/audit.md.
"""

from __future__ import annotations

from django.db import models

from bistand.audit.chain import GENESIS_HASH, chain_hash, event_content

HEAD_ID = 1


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One thing that happened: a state change, a decision, a register fetch, a case opened.

    ``case_id`` is a plain number, not a foreign key, on purpose: the log must outlive the case
    (a case may be thinned out after its retention period, its audit trail may not), and the
    audit app depends on no other app.
    """

    id = models.BigAutoField(primary_key=True)
    sequence = models.BigIntegerField("löpnummer", unique=True, editable=False)
    created_at = models.DateTimeField("tidpunkt", editable=False)
    actor = models.CharField("utförare", max_length=200, editable=False)
    action = models.CharField("händelse", max_length=100, editable=False)
    case_id = models.BigIntegerField("ärende", null=True, blank=True, db_index=True, editable=False)
    subject = models.CharField("avser", max_length=200, blank=True, editable=False)
    data = models.JSONField("uppgifter", default=dict, blank=True, editable=False)
    prev_hash = models.CharField("föregående hash", max_length=64, editable=False)
    hash = models.CharField("hash", max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "granskningshändelse"
        verbose_name_plural = "granskningshändelser"
        indexes = (models.Index(fields=["action", "created_at"], name="audit_action_time_idx"),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="audit_sequence_gte_1"
            ),
        )

    def __str__(self) -> str:
        return f"{self.sequence} {self.action} ({self.actor})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed once written")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    def content(self) -> dict:
        """The fields the hash covers, as they are hashed."""
        return event_content(
            sequence=self.sequence,
            created_at=self.created_at,
            actor=self.actor,
            action=self.action,
            case_id=self.case_id,
            subject=self.subject,
            data=self.data,
        )

    def computed_hash(self) -> str:
        return chain_hash(self.prev_hash, self.content())


class AuditChainHead(models.Model):
    """The last event's sequence and hash, in one row (id 1).

    Appenders lock this row (``SELECT ... FOR UPDATE``) so they take turns and the chain cannot
    fork; ``verify_chain`` compares it with the last event, so removing the newest events is
    noticed too. The database lets the row only move forward by one event at a time.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_ID, editable=False)
    sequence = models.BigIntegerField(default=0, editable=False)
    hash = models.CharField(max_length=64, default=GENESIS_HASH, editable=False)

    class Meta:
        verbose_name = "granskningskedjans huvud"
        verbose_name_plural = "granskningskedjans huvud"
        constraints = (
            models.CheckConstraint(condition=models.Q(id=HEAD_ID), name="audit_head_single_row"),
        )

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash}"
