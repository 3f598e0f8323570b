"""Staff: their municipality, units and roles, and whether they may see protected identities.

Roles are Django groups (created by a migration), so the municipality's administrator
manages them in the admin like any other group membership.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from bistand.audit.payload import looks_like_personnummer
from bistand.cases.models import Municipality, Unit


class Role(models.TextChoices):
    CASEWORKER = "handlaggare", "Handläggare"
    TEAM_LEAD = "gruppledare", "Gruppledare"
    ADMINISTRATOR = "administrator", "Administratör"
    AUDITOR = "granskare", "Granskare"
    LABOUR_MARKET = "arbetsmarknadssekreterare", "Arbetsmarknadssekreterare"


ROLE_DESCRIPTIONS = {
    Role.CASEWORKER: "handlägger och beslutar ärenden i sina enheter",
    Role.TEAM_LEAD: "som handläggare, och fördelar arbete och gör stickprovskontroller",
    Role.ADMINISTRATOR: "kommunens inställningar, riktlinjer och användare",
    Role.AUDITOR: "läser allt, även gransknings- och åtkomstloggen, men ändrar inget",
    Role.LABOUR_MARKET: "ser sina enheters ärenden, håller planeringsmöten och registrerar "
    "planen; beslutar inte",
}


def validate_not_personnummer(value: str) -> None:
    if looks_like_personnummer(value):
        raise ValidationError(
            "Ett personnummer får inte användas som inloggnings-id.", code="personnummer"
        )


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
    login_id = models.CharField(
        "inloggnings-id",
        max_length=200,
        blank=True,
        validators=[validate_not_personnummer],
        help_text="Vad kommunens inloggningstjänst kallar personen (t.ex. anställningsnummer), "
        "när inloggningen matchas på det i stället för e-postadressen. Aldrig personnummer.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "personalprofil"
        verbose_name_plural = "personalprofiler"
        constraints = [
            models.UniqueConstraint(
                fields=["login_id"],
                condition=~models.Q(login_id=""),
                name="staff_login_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.municipality})"
