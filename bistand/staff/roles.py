"""What each role may do in the admin, as Django permissions on the role's group.

The roles are defined here, in code: ``bistand migrate`` (its ``post_migrate`` signal) sets
each role group's permissions to exactly this table, so a permission given to a role group by
hand in the admin lasts until the next migrate. Which cases a role sees is decided by
``bistand.staff.access``; who may change the municipality's settings also needs the
administrator role (``bistand.staff.adminsupport``).
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models import Q

from .models import Role

# Apps whose records the auditor and the administrator may read in the admin.
DOMAIN_APPS = (
    "cases",
    "decisions",
    "payments",
    "letters",
    "robot",
    "staff",
    "workspace",
    "outcomes",
)

# (app label, model name or "*" for every model of the app, actions)
ROLE_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    Role.CASEWORKER: [],
    Role.TEAM_LEAD: [],
    Role.LABOUR_MARKET: [],
    Role.AUDITOR: [
        *[(app, "*", ("view",)) for app in DOMAIN_APPS],
        ("audit", "auditevent", ("view",)),
        ("auth", "user", ("view",)),
        ("auth", "group", ("view",)),
        ("axes", "*", ("view",)),
    ],
    Role.ADMINISTRATOR: [
        *[(app, "*", ("view",)) for app in DOMAIN_APPS],
        ("cases", "municipality", ("change",)),
        ("cases", "unit", ("add", "change", "delete")),
        ("decisions", "decisionpolicy", ("change",)),
        ("staff", "staffprofile", ("add", "change", "delete")),
        ("auth", "user", ("view", "add", "change")),
        ("auth", "group", ("view",)),
        ("axes", "accessattempt", ("view", "delete")),  # deleting an attempt lifts a lockout
        ("axes", "accesslog", ("view",)),
    ],
}


def permissions_for(role: str, *, using: str = "default"):
    from django.contrib.auth.models import Permission

    wanted = Q(pk__in=[])
    for app_label, model, actions in ROLE_PERMISSIONS[role]:
        for action in actions:
            if model == "*":
                wanted |= Q(content_type__app_label=app_label, codename__startswith=f"{action}_")
            else:
                wanted |= Q(content_type__app_label=app_label, codename=f"{action}_{model}")
    # django-simple-history's tables have permissions of their own; the admin shows none.
    return Permission.objects.using(using).filter(wanted).exclude(codename__contains="historical")


def sync_role_permissions(*, using: str = "default", apps=global_apps, **kwargs) -> None:
    """Create the role groups if missing and set their permissions to the table above."""
    from django.contrib.auth.models import Group

    try:  # a partial migrate, before the tables exist: nothing to do yet
        apps.get_model("auth", "Permission")
        apps.get_model("staff", "StaffProfile")
    except LookupError:
        return

    # Permissions of apps migrated after this one would not exist yet: make them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role in Role.values:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(permissions_for(role, using=using))
