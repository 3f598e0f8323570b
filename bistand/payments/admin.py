"""Payment orders in the admin: read-only. Payments are made by the payment export."""

from __future__ import annotations

from django.contrib import admin

from bistand.decisions.services import amount_kr
from bistand.staff import access
from bistand.staff.adminsupport import CaseRecordAdmin

from .models import PaymentOrder


@admin.register(PaymentOrder)
class PaymentOrderAdmin(CaseRecordAdmin):
    list_display = ("application", "amount", "due_date", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("=application__case__reference",)
    ordering = ("-due_date", "-pk")
    date_hierarchy = "due_date"
    fields = ("application", "decision", "payee", "amount", "due_date", "status", "created_at")
    readonly_fields = fields

    @admin.display(description="belopp")
    def amount(self, obj) -> str:
        return amount_kr(obj.amount_ore)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application__case", "payee")

    def visible(self, queryset, user):
        return queryset.filter(application__in=access.applications_visible_to(user))

    def case_ids(self, obj) -> list[int]:
        return [obj.application.case_id]
