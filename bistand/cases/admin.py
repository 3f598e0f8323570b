"""Municipalities and units (settings), and persons, cases and applications (read-only).

Case data is changed in the caseworker's workspace and by the robot, never in the admin.
Lists show what the user may see; opening a person, case or application is logged.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from bistand.staff import access
from bistand.staff.adminsupport import CaseRecordAdmin, ReadOnlyInline, SettingsAdmin

from . import personnummer as pnr
from .models import Application, Case, Municipality, Person, Transition, Unit


@admin.register(Municipality)
class MunicipalityAdmin(SettingsAdmin):
    municipality_path = ""
    superuser_adds = True
    superuser_deletes = True
    list_display = ("name", "code", "committee", "guidelines")
    fields = ("code", "name", "kommunkod", "organisation_number", "committee", "guidelines")

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("code",)


@admin.register(Unit)
class UnitAdmin(SettingsAdmin):
    list_display = ("name", "municipality")
    list_filter = ("municipality",)
    fields = ("municipality", "name")


@admin.register(Person)
class PersonAdmin(CaseRecordAdmin):
    """Persons, personnummer masked, found by the whole personnummer only, sent by POST.

    The search never puts a personnummer in an address (addresses end up in access logs and
    the browser's history): the person list's search form is sent by ``POST`` and answered
    with a redirect to the person found, by id. ``?q=<personnummer>`` is refused before it
    gets here (``bistand.core.middleware.PersonnummerInQueryMiddleware``).
    """

    list_display = ("masked_personnummer", "given_name", "family_name", "protected_identity")
    list_filter = ("protected_identity",)
    change_list_template = "admin/cases/person/change_list.html"
    search_help_text = "Sök på hela personnumret eller samordningsnumret (ÅÅÅÅMMDD-NNNN)."
    ordering = ("family_name", "given_name", "pk")
    fields = ("masked_personnummer", "given_name", "family_name", "protected_identity", "cases")
    readonly_fields = fields

    #: The search form's field (in the POST body, never in the address).
    SEARCH_FIELD = "personnummer"

    @admin.display(description="personnummer")
    def masked_personnummer(self, obj) -> str:
        return obj.masked

    @admin.display(description="ärenden")
    def cases(self, obj):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:cases_case_change", args=[case.pk]), case.reference)
                for case in self._cases_of(obj)
            ),
        )

    def _cases_of(self, obj):
        return Case.objects.filter(household__members__person=obj).distinct().order_by("pk")

    def visible(self, queryset, user):
        return queryset.filter(
            memberships__household__case__in=access.cases_visible_to(user)
        ).distinct()

    def case_ids(self, obj) -> list[int]:
        return list(self._cases_of(obj).values_list("pk", flat=True))

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and self.SEARCH_FIELD in request.POST:
            return self._search(request)
        return super().changelist_view(
            request, {**(extra_context or {}), "search_field": self.SEARCH_FIELD}
        )

    def _search(self, request):
        """The person with the personnummer in the POST body, if the user may see them: a
        redirect to their page (by id); otherwise back to the list with a message."""
        listing = reverse("admin:cases_person_changelist")
        try:
            number = pnr.normalise(request.POST[self.SEARCH_FIELD])
        except ValidationError:
            messages.error(
                request,
                "Det är inte ett giltigt personnummer eller samordningsnummer. Skriv hela "
                "numret, ÅÅÅÅMMDD-NNNN.",
            )
            return redirect(listing)
        found = self.get_queryset(request).filter(personnummer=number).first()
        if found is None:
            messages.info(request, "Ingen person med det numret finns bland dem du får se.")
            return redirect(listing)
        return redirect("admin:cases_person_change", found.pk)

    def get_search_results(self, request, queryset, search_term):
        # Only the POST form searches; a ``q`` in the address finds nobody.
        return (queryset.none() if search_term.strip() else queryset), False


class ApplicationInline(ReadOnlyInline):
    model = Application
    fields = ("link", "kind", "state", "submitted_at")
    readonly_fields = fields
    ordering = ("-month",)

    @admin.display(description="månad")
    def link(self, obj):
        url = reverse("admin:cases_application_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.month)


@admin.register(Case)
class CaseAdmin(CaseRecordAdmin):
    list_display = ("reference", "municipality", "unit", "opened_at", "restricted")
    list_filter = ("unit", "restricted")
    search_fields = ("=reference",)
    search_help_text = "Sök på hela diarienumret, t.ex. EB-2026-000001."
    ordering = ("-opened_at", "-pk")
    date_hierarchy = "opened_at"
    fields = ("reference", "municipality", "unit", "opened_at", "restricted", "members")
    readonly_fields = fields
    inlines = (ApplicationInline,)

    @admin.display(description="hushållet")
    def members(self, obj):
        return format_html_join(
            ", ",
            "{} ({}, från {})",
            (
                (member.person.masked, member.get_role_display(), member.valid_from)
                for member in obj.household.members.select_related("person").order_by(
                    "valid_from", "pk"
                )
            ),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("municipality", "unit")

    def visible(self, queryset, user):
        return queryset.filter(pk__in=access.cases_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.pk]


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ("at", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields
    ordering = ("at", "pk")


@admin.register(Application)
class ApplicationAdmin(CaseRecordAdmin):
    list_display = ("case", "month", "kind", "state", "submitted_at")
    list_filter = ("state", "kind")
    search_fields = ("=case__reference", "=month")
    search_help_text = "Sök på diarienummer eller månad (ÅÅÅÅ-MM)."
    ordering = ("-month", "-pk")
    fields = (
        "case",
        "month",
        "kind",
        "state",
        "state_changed_at",
        "created_at",
        "submitted_at",
        "declared_data",
    )
    readonly_fields = fields
    inlines = (TransitionInline,)

    @admin.display(description="uppgifter i ansökan")
    def declared_data(self, obj):
        text = json.dumps(obj.declared, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case")

    def visible(self, queryset, user):
        return queryset.filter(case__in=access.cases_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.case_id]
