"""Periods, reasons, proposals and försörjningshinder in the admin: read-only, only the cases
the user sees (a protected case is absent without the grant), every opening logged."""

from __future__ import annotations

from datetime import date

import pytest

from bistand.audit.models import AuditEvent
from bistand.outcomes import services, tasks
from bistand.outcomes.models import AdultMonth, AssistancePeriod, ClosureProposal
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

from .conftest import TEST, adults_of, apply, household

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(units):
    north, south = units
    mine, theirs = household(north), household(south)
    application = apply(mine, "2025-03")
    apply(theirs, "2025-03")
    services.close_period(
        mine, last_month="2025-03", reasons={p.pk: "work" for p in adults_of(mine)}, actor=TEST
    )
    services.record_adult_month(
        application,
        adults_of(mine)[0],
        hinder="sick_certified",
        activity="",
        source="caseworker",
        actor=TEST,
    )
    tasks.propose_closures(date(2025, 6, 1))  # theirs: no application since March
    return mine, theirs


def staff_in(units, role, *, unit_index=0):
    user = make_staff(f"admin-{role}", role, [units[unit_index]])
    user.is_staff = True
    user.save()
    return user


def test_the_administrator_reads_only_what_the_role_sees_and_the_opening_is_logged(
    client, units, records
):
    mine, theirs = records
    # The administrator sees the whole municipality (bistand.staff.access).
    client.force_login(staff_in(units, Role.ADMINISTRATOR))
    listing = client.get("/admin/outcomes/assistanceperiod/")
    assert listing.status_code == 200
    assert mine.reference in listing.content.decode()
    period = AssistancePeriod.objects.get(case=mine)
    page = client.get(f"/admin/outcomes/assistanceperiod/{period.pk}/change/")
    assert page.status_code == 200
    assert "work" in page.content.decode()
    assert AuditEvent.objects.filter(action="case.opened", case_id=mine.pk).exists()
    proposal = ClosureProposal.objects.get(case=theirs)
    assert client.get(f"/admin/outcomes/closureproposal/{proposal.pk}/change/").status_code == 200
    row = AdultMonth.objects.get()
    assert client.get(f"/admin/outcomes/adultmonth/{row.pk}/change/").status_code == 200
    # read-only: nothing can be added or deleted
    assert client.get("/admin/outcomes/assistanceperiod/add/").status_code == 403
    assert (
        client.post(f"/admin/outcomes/assistanceperiod/{period.pk}/delete/", {"post": "yes"})
    ).status_code == 403


def test_a_caseworker_has_no_admin_access_to_the_records(client, units, records):
    client.force_login(staff_in(units, Role.CASEWORKER))
    assert client.get("/admin/outcomes/assistanceperiod/").status_code == 403


def test_a_protected_case_is_absent_without_the_grant(client, units, records):
    hidden = household(units[0], adults=1, children=0)
    hidden.restricted = True
    hidden.save()
    apply(hidden, "2025-03")
    period = AssistancePeriod.objects.get(case=hidden)
    client.force_login(staff_in(units, Role.ADMINISTRATOR))
    assert hidden.reference not in client.get("/admin/outcomes/assistanceperiod/").content.decode()
    assert client.get(f"/admin/outcomes/assistanceperiod/{period.pk}/change/").status_code == 302
