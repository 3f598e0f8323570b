"""What the e-service keeps besides the application itself.

- ``Draft``: an application being written, saved at every step (utkast);
- ``Signature``: who signed which application, bound to their own e-legitimation login;
- ``Cosignature``: the partner's pending signature, with its reminder and expiry;
- ``Attachment``: files the applicant adds, stored outside the web root;
- ``Message``: the secure thread between the applicant and the caseworker.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from bistand.cases.models import Application, ApplicationKind, Case, Person, Role


class Step(models.TextChoices):
    """The application's steps, in order (docs/eservice.md)."""

    HOUSEHOLD = "hushall", _("Hushåll")
    HOUSING = "boende", _("Boende")
    INCOMES = "inkomster", _("Inkomster")
    COSTS = "kostnader", _("Kostnader")
    ASSETS = "tillgangar", _("Tillgångar")
    OTHER_NEEDS = "ovriga-behov", _("Övriga behov")
    CHANGES = "forandringar", _("Förändringar")
    PLANNING = "planering", _("Planering")
    ATTACHMENTS = "bilagor", _("Bilagor")


class Draft(models.Model):
    """An application that is being written. ``data`` has the shape of ``Application.declared``.

    One open draft per person and month; signing turns it into the ``Application``, whose
    ``submission_key`` is the draft's key, so a second click or a retry finds the same one.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="drafts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True)
    month = models.CharField("månad", max_length=7)
    kind = models.CharField("typ", max_length=10, choices=ApplicationKind.choices)
    data = models.JSONField("uppgifter", default=dict)
    steps_done = models.JSONField("klara steg", default=list)
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="draft"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "utkast till ansökan"
        verbose_name_plural = "utkast till ansökningar"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month"],
                condition=Q(application__isnull=True),
                name="one_open_draft_per_person_and_month",
            )
        ]

    def __str__(self) -> str:
        return f"Utkast {self.month} ({self.person.masked})"

    @property
    def is_open(self) -> bool:
        return self.application_id is None


class Signature(models.Model):
    """A signature: this person, logged in with their own e-legitimation, signed exactly
    this content (``declared_sha256``). Never made from another person's session."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="signatures"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("roll", max_length=10, choices=Role.choices)
    signed_at = models.DateTimeField("undertecknad", default=timezone.now)
    declared_sha256 = models.CharField("kontrollsumma för uppgifterna", max_length=64)
    issuer = models.CharField("e-legitimationens utfärdare", max_length=200)
    authenticated_at = models.DateTimeField("inloggad")
    login_ref = models.CharField(
        "inloggningens referens",
        max_length=64,
        help_text="SHA-256 av ID-tokenets sub och tid: vilken inloggning som skrev under.",
    )

    class Meta:
        verbose_name = "underskrift"
        verbose_name_plural = "underskrifter"
        constraints = [
            models.UniqueConstraint(fields=["application", "person"], name="one_signature_each")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person.masked} {self.signed_at:%Y-%m-%d %H:%M}"


class Cosignature(models.Model):
    """The partner named in the application has yet to sign (väntar på medsökande)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="cosignature"
    )
    partner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField("upphör")
    reminded_at = models.DateTimeField("påmind", null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField("avböjd", null=True, blank=True)

    class Meta:
        verbose_name = "väntande underskrift"
        verbose_name_plural = "väntande underskrifter"

    def __str__(self) -> str:
        return f"Medsökandes underskrift för {self.application}"


class _AttachmentStorage(LazyObject):
    """Files under ATTACHMENT_ROOT (outside the web root); no URL: served by a view only."""

    def _setup(self):
        self._wrapped = FileSystemStorage(
            location=settings.ATTACHMENT_ROOT, base_url=None, file_permissions_mode=0o600
        )


attachment_storage = _AttachmentStorage()


def attachment_store():
    """The attachment storage, as a callable: a migration then names this function instead of
    the path the storage had where the migration was made (a fresh clone elsewhere saw a model
    change that was not there)."""
    return attachment_storage


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class AttachmentKind(models.TextChoices):
    RENT = "rent", _("Hyresavi eller hyreskontrakt")
    INCOME = "income", _("Lönebesked eller annat inkomstbesked")
    COST = "cost", _("Kvitto eller faktura")
    MEDICAL = "medical", _("Läkarintyg")
    SUBLET_CONSENT = "sublet", _("Samtycke till andrahandsuthyrning")
    OTHER = "other", _("Annat")


class Attachment(models.Model):
    """A file the applicant added to a draft (then its application) or to an answer."""

    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("typ", max_length=10, choices=AttachmentKind.choices)
    filename = models.CharField("filnamn", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("storlek (byte)")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(storage=attachment_store, upload_to=_attachment_path)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "bilaga"
        verbose_name_plural = "bilagor"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class Message(models.Model):
    """One message in the case's secure thread (meddelanden)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="messages")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    from_applicant = models.BooleanField("från sökande")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField("meddelande", max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField("läst", null=True, blank=True)

    class Meta:
        verbose_name = "meddelande"
        verbose_name_plural = "meddelanden"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_applicant=True, person__isnull=False, staff__isnull=True)
                | Q(from_applicant=False, staff__isnull=False, person__isnull=True),
                name="message_has_one_sender",
            )
        ]

    def __str__(self) -> str:
        return f"Meddelande {self.created_at:%Y-%m-%d %H:%M}"
