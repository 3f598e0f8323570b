"""What every Bistånd admin page shares: who may change what, whose records, and the logs.

* ``SettingsAdmin``: the municipality's settings (municipality, units, decision policy, staff,
  users). Reading needs the Django permission (the role groups have them, see ``roles``);
  changing also needs to be a superuser or to have the administrator role. Every change is
  written to the audit log as ``settings.changed``, in the transaction that makes it.
* ``CaseRecordAdmin``: case data, read-only for everyone. Lists show only what the user may
  see (``bistand.staff.access``); opening one writes the access log (purpose
  "administration").

A superuser sees every municipality; anyone else only their own.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import QuerySet

from bistand.audit import payload
from bistand.audit.services import Actor, record, record_access

from . import access
from .models import Role

SETTINGS_CHANGED = "settings.changed"
ACCESS_PURPOSE = "administration"
HIDDEN = "(visas inte)"


def may_change_settings(user) -> bool:
    return bool(user.is_active and (user.is_superuser or access.has_role(user, Role.ADMINISTRATOR)))


def municipality_id(user) -> int | None:
    staff = access.profile(user)
    return staff.municipality_id if staff else None


# --- The audit event ------------------------------------------------------------------------


def _loggable(name: str, value: Any) -> Any:
    if "password" in name:
        return "(ändrat)"
    if isinstance(value, Group):
        return value.name
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        items = [_loggable(name, item) for item in value]
        return sorted(items, key=str)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    return str(value)


def _values(form, prefix: str = "") -> dict[str, Any]:
    values = {}
    for name in form.changed_data:
        value = _loggable(name, form.cleaned_data.get(name))
        try:
            payload.check_data({"value": value})
        except ValueError:
            value = HIDDEN  # e.g. text shaped like a personnummer: never into the log
        values[f"{prefix}{name}"] = value
    return values


def settings_change_data(obj, form, formsets=(), *, operation: str) -> dict[str, Any]:
    values = _values(form) if form is not None else {}
    for formset in formsets or ():
        for inline_form in formset.forms:
            prefix = f"{formset.model._meta.model_name}."
            if formset.can_delete and formset._should_delete_form(inline_form):
                values[f"{prefix}deleted"] = inline_form.instance.pk
            elif inline_form.has_changed():
                values.update(_values(inline_form, prefix))
    return {
        "model": obj._meta.label_lower,
        "object_id": obj.pk,
        "operation": operation,
        "fields": sorted(values),
        "values": values,
    }


def record_settings_change(request, data: dict[str, Any]) -> None:
    record(
        SETTINGS_CHANGED,
        actor=Actor.user(request.user),
        subject=f"{data['model']}:{data['object_id']}",
        data=data,
    )


class SettingsAdmin(admin.ModelAdmin):
    """A municipality setting: readable with the view permission, changed by administrators."""

    #: The path from the model to its municipality's id ("" for Municipality itself).
    municipality_path = "municipality"
    #: Only superusers may add or delete (e.g. a municipality or its decision policy).
    superuser_adds = False
    superuser_deletes = False

    def has_add_permission(self, request) -> bool:
        if self.superuser_adds and not request.user.is_superuser:
            return False
        return may_change_settings(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_change_settings(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if self.superuser_deletes and not request.user.is_superuser:
            return False
        return may_change_settings(request.user) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        own = municipality_id(request.user)
        if own is None:
            return queryset.none()
        field = f"{self.municipality_path}_id" if self.municipality_path else "pk"
        return queryset.filter(**{field: own})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                pk=municipality_id(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The change is logged after the object and its relations are saved, inside the admin's
    # transaction: the event commits or rolls back with the change.
    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        obj = getattr(form, "instance", None) or getattr(form, "user", None)
        data = settings_change_data(obj, form, formsets, operation="add" if add else "change")
        if add or data["fields"]:
            record_settings_change(request, data)
        return message

    def delete_model(self, request, obj):
        data = settings_change_data(obj, None, operation="delete")  # while it still has an id
        super().delete_model(request, obj)
        record_settings_change(request, data)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


# --- Case records ---------------------------------------------------------------------------


class CaseRecordAdmin(admin.ModelAdmin):
    """Case data: read-only, only what the user may see, and every opening logged."""

    actions = None
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.visible(queryset, request.user)

    def visible(self, queryset, user):
        """The records of the cases ``user`` may see (``bistand.staff.access``)."""
        raise NotImplementedError

    def case_ids(self, obj) -> list[int]:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            for case_id in self.case_ids(obj):
                record_access(
                    request.user,
                    case_id=case_id,
                    purpose=ACCESS_PURPOSE,
                    view=f"admin.{self.opts.model_name}",
                )
        return super().change_view(request, object_id, form_url, extra_context)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
