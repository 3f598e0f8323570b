"""Staff: their municipality, units and roles, and whether they may see protected identities.

Roles are Django groups (created by a migration), so the municipality's administrator
manages them in the admin like any other group membership.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from bistand.cases.models import Municipality, Unit


class Role(models.TextChoices):
    CASEWORKER = "handlaggare", "Handläggare"
    TEAM_LEAD = "gruppledare", "Gruppledare"
    ADMINISTRATOR = "administrator", "Administratör"
    AUDITOR = "granskare", "Granskare"


ROLE_DESCRIPTIONS = {
    Role.CASEWORKER: "handlägger och beslutar ärenden i sina enheter",
    Role.TEAM_LEAD: "som handläggare, och fördelar arbete och gör stickprovskontroller",
    Role.ADMINISTRATOR: "kommunens inställningar, riktlinjer och användare",
    Role.AUDITOR: "läser allt, även gransknings- och åtkomstloggen, men ändrar inget",
}


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="staff")
    units = models.ManyToManyField(Unit, blank=True, related_name="staff")
    title = models.CharField("titel", max_length=100, default="Handläggare")
    protected_identity_access = models.BooleanField(
        "får se ärenden med skyddade personuppgifter", default=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "personalprofil"
        verbose_name_plural = "personalprofiler"

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.municipality})"
