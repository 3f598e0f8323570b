"""Archived decision letters in the admin: to read, never to add, change or delete."""

from django.contrib import admin
from django.utils.html import format_html

from bistand.letters.models import DecisionLetter


@admin.register(DecisionLetter)
class DecisionLetterAdmin(admin.ModelAdmin):
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
    actions = None
    show_full_result_count = False

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
