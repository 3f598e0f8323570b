"""Helpers for tests that need staff with roles (the staff, API, workspace and browser tests)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from bistand.cases.seeding import get_municipality

from .models import StaffProfile


def make_staff(
    username: str,
    role: str | None,
    units=(),
    *,
    protected: bool = False,
    municipality=None,
    is_staff: bool = False,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
):
    """An active user with a staff profile and (unless ``role`` is None) one role.

    Without ``password`` the user cannot log in with one (use ``client.force_login``): hashing
    a password takes a good part of a second, on purpose.
    """
    user = get_user_model().objects.create_user(
        username,
        password=password,
        email=email,
        is_staff=is_staff,
        first_name=first_name,
        last_name=last_name,
    )
    profile = StaffProfile.objects.create(
        user=user,
        municipality=municipality or get_municipality(),
        protected_identity_access=protected,
    )
    profile.units.set(units)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
