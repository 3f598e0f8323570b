"""Periods, avslutsorsaker, closing proposals and försörjningshinder: read-only, only what the
user may see (``bistand.staff.access``), every opening logged. They are changed on the case
view in the workspace (closing page, hinder form), never in the admin."""

from __future__ import annotations

from django.contrib import admin

from bistand.staff import access
from bistand.staff.adminsupport import CaseRecordAdmin, ReadOnlyInline

from .models import AdultMonth, AssistancePeriod, ClosureProposal, ExitReason


class ExitReasonInline(ReadOnlyInline):
    model = ExitReason
    fields = ("person", "code", "table_valid_from")
    readonly_fields = fields


@admin.register(AssistancePeriod)
class AssistancePeriodAdmin(CaseRecordAdmin):
    list_display = ("case", "number", "first_month", "last_month", "closed_at", "closed_via")
    list_filter = ("closed_via",)
    search_fields = ("=case__reference",)
    search_help_text = "Sök på hela diarienumret."
    ordering = ("-opened_at", "-pk")
    fields = (
        "case",
        "number",
        "first_month",
        "opened_at",
        "last_month",
        "closed_at",
        "closed_by",
        "closed_via",
    )
    readonly_fields = fields
    inlines = (ExitReasonInline,)

    def visible(self, queryset, user):
        return queryset.filter(case__in=access.cases_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.case_id]


@admin.register(ClosureProposal)
class ClosureProposalAdmin(CaseRecordAdmin):
    list_display = ("case", "proposed_at", "months_without_application", "status")
    list_filter = ("status",)
    search_fields = ("=case__reference",)
    search_help_text = "Sök på hela diarienumret."
    ordering = ("-proposed_at", "-pk")
    fields = (
        "case",
        "proposed_at",
        "months_without_application",
        "last_applied_month",
        "status",
        "decided_by",
        "decided_at",
        "dismiss_reason",
    )
    readonly_fields = fields

    def visible(self, queryset, user):
        return queryset.filter(case__in=access.cases_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.case_id]


@admin.register(AdultMonth)
class AdultMonthAdmin(CaseRecordAdmin):
    list_display = ("application", "month", "hinder", "activity", "source", "recorded_at")
    list_filter = ("source",)
    ordering = ("-month", "-pk")
    fields = ("application", "month", "hinder", "activity", "source", "recorded_by", "recorded_at")
    readonly_fields = fields

    def visible(self, queryset, user):
        return queryset.filter(application__case__in=access.cases_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.application.case_id]
