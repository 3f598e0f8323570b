"""Archived decision letters in the admin: to read, never to add, change or delete.

A letter is case data: the list shows only letters of cases the user may see
(``bistand.staff.access``), and opening one writes the access log (``CaseRecordAdmin``).
"""

from django.contrib import admin
from django.utils.html import format_html

from bistand.letters.models import DecisionLetter
from bistand.staff import access
from bistand.staff.adminsupport import CaseRecordAdmin


@admin.register(DecisionLetter)
class DecisionLetterAdmin(CaseRecordAdmin):
    list_display = ("decision", "created_at", "template_version", "sha256")
    search_fields = ("=sha256", "=decision__id", "decision__application__case__reference")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "immutable",
        "decision",
        "created_at",
        "template_version",
        "sha256",
        "pdf_size",
        "hash_check",
    )
    fields = readonly_fields  # the HTML and PDF themselves are served by the case views

    def visible(self, queryset, user):
        return queryset.filter(decision__application__in=access.applications_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.decision.application.case_id]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decision__application__case")

    @admin.display(description="Ändringar")
    def immutable(self, obj):
        return format_html(
            "<strong>{}</strong>",
            "Ett arkiverat beslutsbrev kan inte ändras eller tas bort. Dess SHA-256 finns i "
            "granskningsloggen (händelsen letter.archived).",
        )

    @admin.display(description="PDF-filens storlek")
    def pdf_size(self, obj):
        return f"{len(bytes(obj.pdf))} byte"

    @admin.display(description="Kontroll av hash", boolean=True)
    def hash_check(self, obj):
        return obj.pdf_matches_hash()
