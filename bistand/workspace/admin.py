"""The workspace's records in the admin, to read: assignments, the journal, completion
requests, the caseworkers' changes to proposals and first approvals under the four-eyes rule.

They are written only by the caseworker's actions (``bistand.decisions.review``), never in the
admin. Like other case data (``CaseRecordAdmin``) they are read-only for everyone, lists show
only the records of cases the user may see, and opening one writes the access log.
"""

from __future__ import annotations

from django.contrib import admin

from bistand.decisions.services import amount_kr
from bistand.staff import access
from bistand.staff.adminsupport import CaseRecordAdmin

from .models import Adjustment, Assignment, CompletionRequest, FourEyesApproval, JournalNote


class _OnVisibleApplications(CaseRecordAdmin):
    """Records of an application; only those of applications the user sees."""

    application_path = "application"

    def visible(self, queryset, user):
        return queryset.filter(
            **{f"{self.application_path}__in": access.applications_visible_to(user)}
        )

    def case_ids(self, obj) -> list[int]:
        application = obj
        for part in self.application_path.split("__"):
            application = getattr(application, part)
        return [application.case_id]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(f"{self.application_path}__case")


@admin.register(Assignment)
class AssignmentAdmin(_OnVisibleApplications):
    list_display = ("application", "user", "assigned_by", "at")
    search_fields = ("=application__case__reference",)
    ordering = ("-at", "-pk")
    fields = ("application", "user", "assigned_by", "at")
    readonly_fields = fields


@admin.register(JournalNote)
class JournalNoteAdmin(CaseRecordAdmin):
    """The journal is append-only: a note is never changed or removed, here or anywhere."""

    list_display = ("__str__", "case", "application", "author", "created_at")
    search_fields = ("=case__reference",)
    ordering = ("-created_at", "-pk")
    date_hierarchy = "created_at"
    fields = ("case", "application", "author", "created_at", "text")
    readonly_fields = fields

    def visible(self, queryset, user):
        return queryset.filter(case__in=access.cases_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.case_id]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case", "application", "author")


@admin.register(CompletionRequest)
class CompletionRequestAdmin(_OnVisibleApplications):
    list_display = ("application", "requested_by", "at", "answered_at")
    list_filter = (("answered_at", admin.EmptyFieldListFilter),)
    search_fields = ("=application__case__reference",)
    ordering = ("-at", "-pk")
    fields = ("application", "requested_by", "at", "message", "answered_at", "answer")
    readonly_fields = fields


@admin.register(Adjustment)
class AdjustmentAdmin(_OnVisibleApplications):
    application_path = "proposal__application"
    list_display = ("description", "proposal", "made_by", "at")
    list_filter = ("kind",)
    search_fields = ("=proposal__application__case__reference",)
    ordering = ("-at", "-pk")
    fields = ("proposal", "kind", "description", "motivering", "before", "after", "made_by", "at")
    readonly_fields = fields


@admin.register(FourEyesApproval)
class FourEyesApprovalAdmin(_OnVisibleApplications):
    application_path = "proposal__application"
    list_display = ("proposal", "outcome", "amount", "approved_by", "at")
    search_fields = ("=proposal__application__case__reference",)
    ordering = ("-at", "-pk")
    fields = ("proposal", "calculation", "outcome", "amount", "motivering", "approved_by", "at")
    readonly_fields = fields

    @admin.display(description="belopp")
    def amount(self, obj) -> str:
        return amount_kr(obj.amount_ore)
