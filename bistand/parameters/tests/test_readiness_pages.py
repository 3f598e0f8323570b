"""Administrators see on their pages that next year's riksnorm is missing; the status command
exits non-zero naming the tables; the worker logs the warning once a day."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bistand.parameters import services
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

DECEMBER = date(2026, 12, 6)
OCTOBER = date(2026, 10, 6)


@pytest.fixture
def on(monkeypatch):
    def set_day(day: date) -> None:
        monkeypatch.setattr(services, "today", lambda: day)

    return set_day


def test_status_for_2027_exits_non_zero_naming_the_missing_tables(capsys):
    with pytest.raises(CommandError) as failed:
        call_command("parameters", "status", "--month", "2027-01")
    assert failed.value.returncode == 1
    assert "riksnorm.children (2027-01)" in str(failed.value)
    out = capsys.readouterr().out
    assert "januari 2027" in out and "SAKNAS" in out and "riksnorm.adults" in out


def test_status_for_a_month_with_its_values_exits_zero(capsys):
    call_command("parameters", "status", "--month", "2025-09")
    out = capsys.readouterr().out
    assert "officiella värden" in out and "Alla tabeller som behövs har värden." in out


def test_status_without_month_checks_this_month_and_the_next(on, capsys):
    on(OCTOBER)
    call_command("parameters", "status")
    out = capsys.readouterr().out
    assert "oktober 2026" in out and "november 2026" in out
    on(DECEMBER)
    with pytest.raises(CommandError):
        call_command("parameters", "status")


def test_a_bad_month_is_a_usage_error():
    with pytest.raises(CommandError) as failed:
        call_command("parameters", "status", "--month", "2027-13")
    assert failed.value.returncode == 2


@pytest.mark.django_db
def test_the_administrator_sees_the_warning_on_the_admin_index_from_1_december(client, on):
    admin = make_staff("ali", Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin)
    on(OCTOBER)
    assert "Riksnormen för 2027" not in client.get("/admin/").content.decode()
    on(DECEMBER)
    page = client.get("/admin/").content.decode()
    assert "Riksnormen för 2027 är inte inlagd" in page
    assert 'href="/parametrar/hjalp/"' in page


@pytest.mark.django_db
def test_team_leads_see_it_in_the_workspace_and_caseworkers_do_not(client, on, settings):
    on(DECEMBER)
    lead = make_staff("gun", Role.TEAM_LEAD)
    client.force_login(lead)
    assert "Riksnormen för 2027 är inte inlagd" in client.get("/handlaggning/").content.decode()
    client.force_login(make_staff("anna", Role.CASEWORKER))
    assert "Riksnormen för 2027" not in client.get("/handlaggning/").content.decode()


@pytest.mark.django_db
def test_the_lead_time_is_a_setting(client, on, settings):
    settings.PARAMETER_LEAD_DAYS = 100
    on(OCTOBER)
    client.force_login(make_staff("ali", Role.ADMINISTRATOR, is_staff=True))
    assert "Riksnormen för 2027 är inte inlagd" in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_help_link_serves_the_parameter_sections_of_the_rules_doc_as_text(client):
    assert client.get("/parametrar/hjalp/").status_code == 302  # login first
    client.force_login(make_staff("ali", Role.ADMINISTRATOR, is_staff=True))
    response = client.get("/parametrar/hjalp/")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Entering next year's riksnorm" in text and "## 7." in text
    assert "## 4." not in text


def test_the_worker_logs_the_warning_once_a_day(caplog, monkeypatch):
    monkeypatch.setattr(services, "_logged_on", None)
    with caplog.at_level(logging.WARNING, logger="bistand.parameters.services"):
        assert services.log_warnings_daily(DECEMBER)
        assert services.log_warnings_daily(DECEMBER) == []
        services.log_warnings_daily(date(2026, 12, 7))
    logged = [r.getMessage() for r in caplog.records if "Riksnormen för 2027" in r.getMessage()]
    assert len(logged) == 2
