"""The administrators' reminder: from the 1st to the 15th, with the number of blocking records;
not for other roles, not after the 15th."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from bistand.staff.models import Role
from bistand.staff.testing import make_staff
from bistand.statistics.context import reminder_for

from .test_delivery import MAN_1980, household, municipality  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.mark.django_db
def test_reminder_from_the_first_to_the_fifteenth_with_the_blocking_count(municipality):  # noqa: F811
    household(municipality, [(MAN_1980, "applicant")], amount_ore=500_000)  # no hinder recorded

    on_first = reminder_for(municipality, date(2026, 11, 1))
    on_fifteenth = reminder_for(municipality, date(2026, 11, 15))

    assert on_first["text"] == (
        "Månadsstatistiken för oktober 2026 ska lämnas till Socialstyrelsen senast den 15 "
        "november 2026."
    )
    assert on_first["blocking"] == 1
    assert on_fifteenth is not None
    assert reminder_for(municipality, date(2026, 11, 16)) is None


@pytest.mark.django_db
def test_the_administrator_sees_it_on_the_staff_pages_a_caseworker_does_not(
    client,
    municipality,  # noqa: F811
    monkeypatch,
):
    import bistand.statistics.context as context

    administrator = make_staff("admin1", Role.ADMINISTRATOR, municipality=municipality)
    caseworker = make_staff("hl1", Role.CASEWORKER, municipality=municipality)
    monkeypatch.setattr(context.timezone, "localdate", lambda: date(2026, 11, 3))
    client.force_login(administrator)
    assert "oktober 2026 ska lämnas till Socialstyrelsen" in client.get("/").content.decode()
    client.force_login(caseworker)
    assert "ska lämnas till Socialstyrelsen" not in client.get("/").content.decode()
    monkeypatch.setattr(context.timezone, "localdate", lambda: date(2026, 11, 16))
    client.force_login(administrator)
    assert "ska lämnas till Socialstyrelsen" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_failing_check_never_breaks_the_page(client, municipality, monkeypatch):  # noqa: F811
    import bistand.statistics.context as context

    def broken(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(context.services, "build", broken)
    monkeypatch.setattr(context.timezone, "localdate", lambda: date(2026, 11, 3))
    client.force_login(make_staff("admin2", Role.ADMINISTRATOR, municipality=municipality))
    page = client.get("/")
    assert page.status_code == 200
    assert "Uppgifterna kunde inte kontrolleras just nu" in page.content.decode()
