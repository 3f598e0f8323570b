"""The decision policy (a municipality setting) and proposals and decisions (read-only).

Decisions are made in the caseworker's workspace or by the automated decision function,
never in the admin.
"""

from __future__ import annotations

from django.contrib import admin

from bistand.staff import access
from bistand.staff.adminsupport import CaseRecordAdmin, ReadOnlyInline, SettingsAdmin

from .models import Decision, DecisionItem, DecisionPolicy, Proposal
from .services import amount_kr


@admin.register(DecisionPolicy)
class DecisionPolicyAdmin(SettingsAdmin):
    """Who decides what (delegation), the stickprov share and the four-eyes limit."""

    superuser_adds = True
    superuser_deletes = True
    list_display = (
        "municipality",
        "automate_clean_repeat_grants",
        "automate_refusals",
        "stickprov_percent",
        "four_eyes_limit",
    )
    fields = (
        "municipality",
        "automate_clean_repeat_grants",
        "automate_refusals",
        "delegation_reference",
        "stickprov_percent",
        "four_eyes_limit_ore",
    )

    @admin.display(description="gräns för fyraögonsprincipen")
    def four_eyes_limit(self, obj) -> str:
        if obj.four_eyes_limit_ore is None:
            return "ingen"
        return amount_kr(obj.four_eyes_limit_ore)

    def get_readonly_fields(self, request, obj=None):
        return ("municipality",) if obj is not None else ()


class _OnVisibleApplications(CaseRecordAdmin):
    def visible(self, queryset, user):
        return queryset.filter(application__in=access.applications_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.application.case_id]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application__case")

    @admin.display(description="belopp")
    def amount(self, obj) -> str:
        return amount_kr(obj.amount_ore)


@admin.register(Proposal)
class ProposalAdmin(_OnVisibleApplications):
    list_display = ("application", "outcome", "amount", "route", "flag_list", "created_at")
    list_filter = ("route", "outcome")
    search_fields = ("=application__case__reference",)
    ordering = ("-created_at", "-pk")
    fields = (
        "application",
        "outcome",
        "amount",
        "route",
        "route_reasons",
        "flags",
        "calculation",
        "created_at",
        "created_by",
    )
    readonly_fields = fields

    @admin.display(description="flaggor")
    def flag_list(self, obj) -> str:
        return ", ".join(obj.flag_codes)


class DecisionItemInline(ReadOnlyInline):
    model = DecisionItem
    fields = ("label", "outcome", "item_amount", "reasons", "legal_basis")
    readonly_fields = fields

    @admin.display(description="belopp")
    def item_amount(self, obj) -> str:
        return amount_kr(obj.amount_ore)


@admin.register(Decision)
class DecisionAdmin(_OnVisibleApplications):
    list_display = ("application", "outcome", "amount", "decided_at", "decided_by_text")
    list_filter = ("outcome",)
    search_fields = ("=application__case__reference",)
    ordering = ("-decided_at", "-pk")
    date_hierarchy = "decided_at"
    fields = (
        "application",
        "outcome",
        "amount",
        "decided_at",
        "decided_by_text",
        "automated_function",
        "automated_function_version",
        "rules_version",
        "parameter_versions",
        "delegation_reference",
        "calculation",
        "proposal",
    )
    readonly_fields = fields
    inlines = (DecisionItemInline,)

    @admin.display(description="beslutat av")
    def decided_by_text(self, obj) -> str:
        if obj.automated:
            return (
                f"automatiserat beslut ({obj.automated_function} {obj.automated_function_version})"
            )
        user = obj.decided_by
        who = user.get_full_name() or user.get_username() if user else ""
        other = obj.four_eyes_approver
        if other is not None:
            first = other.get_full_name() or other.get_username()
            who = f"{first} och {who} (fyraögonsprincipen)"
        return who

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by", "four_eyes_approver")
