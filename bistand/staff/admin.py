"""Staff, users and role groups in the admin; every change goes to the audit log.

An administrator (the role, not a superuser) manages the staff of their own municipality:
accounts, staff profiles, units and role groups. They cannot make anyone a superuser or
give permissions one by one; the roles' permissions are set in code (``roles.py``).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.urls import reverse

from .adminsupport import SettingsAdmin, may_change_settings, municipality_id
from .models import Role, StaffProfile
from .oidc import password_login_enabled

User = get_user_model()


@admin.register(StaffProfile)
class StaffProfileAdmin(SettingsAdmin):
    list_display = ("user", "title", "municipality", "unit_names", "protected_identity_access")
    list_filter = ("units", "protected_identity_access")
    search_fields = ("user__username", "user__first_name", "user__last_name", "=login_id")
    filter_horizontal = ("units",)
    autocomplete_fields = ()
    fields = ("user", "municipality", "units", "title", "protected_identity_access", "login_id")

    @admin.display(description="enheter")
    def unit_names(self, obj) -> str:
        return ", ".join(unit.name for unit in obj.units.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "municipality")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "units" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                municipality_id=municipality_id(request.user)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = _users_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    max_num = 1
    filter_horizontal = ("units",)
    fields = ("municipality", "units", "title", "protected_identity_access", "login_id")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                pk=municipality_id(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "units" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                municipality_id=municipality_id(request.user)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None) -> bool:
        return may_change_settings(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_change_settings(request.user)


def _users_managed_by(user):
    """A non-superuser administrator's users: their municipality's staff, and accounts not
    yet given a staff profile (so that a new account can be completed). Never a superuser."""
    return User.objects.filter(
        Q(staff__municipality_id=municipality_id(user)) | Q(staff__isnull=True),
        is_superuser=False,
    )


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(SettingsAdmin, DjangoUserAdmin):
    inlines = (StaffProfileInline,)
    list_display = ("username", "first_name", "last_name", "email", "role_names", "is_active")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser")

    @admin.display(description="roller")
    def role_names(self, obj) -> str:
        return ", ".join(
            Role(group.name).label for group in obj.groups.all() if group.name in Role.values
        )

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request).prefetch_related("groups")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=_users_managed_by(request.user))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SettingsAdmin, DjangoGroupAdmin):
    """Groups, the roles among them. Only a superuser changes them; the roles' permissions
    are set again from code at every ``bistand migrate``."""

    municipality_path = None
    superuser_adds = True
    superuser_deletes = True

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


# With an identity provider, passwords are refused (unless DEBUG): the admin's own login form
# sends people to the staff login page, which offers the provider.
_admin_login = admin.site.login


def _login(request, extra_context=None):
    if not password_login_enabled():
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index"), login_url=reverse("staff:login")
        )
    return _admin_login(request, extra_context)


admin.site.login = _login
