"""The audit log in the admin: to read, never to add, change or delete, for anyone."""

from django.contrib import admin

from bistand.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("sequence", "created_at", "actor", "action", "case_id", "subject")
    list_filter = ("action",)
    search_fields = ("=case_id", "=sequence", "actor", "subject")
    ordering = ("-sequence",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "sequence",
        "created_at",
        "actor",
        "action",
        "case_id",
        "subject",
        "data",
        "prev_hash",
        "hash",
    )
    fields = readonly_fields
    actions = None
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
