"""The closing page, the proposals queue and the caseworker's försörjningshinder form, against
every kind of visitor (as bistand/workspace/tests/test_permissions.py does for the workspace)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from bistand.audit.models import AuditEvent
from bistand.cases.services import get_or_create_person
from bistand.outcomes import services, tasks
from bistand.outcomes.models import AdultMonth, ClosureProposal, ExitReason
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

from .conftest import adults_of, apply, household, personnummer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units):
    north, south = units
    case = household(north)
    apply(case, "2025-02")
    application = apply(case, "2025-03")
    users = {
        "own": make_staff("anna", Role.CASEWORKER, [north]),
        "other_unit": make_staff("bertil", Role.CASEWORKER, [south]),
        "auditor": make_staff("greta", Role.AUDITOR),
        "no_role": make_staff("nils", None, [north]),
    }
    return case, application, users


def close_url(application):
    return f"/handlaggning/ansokan/{application.pk}/avslut/"


def closing_data(case, *, codes=("work", "studies"), last_month="2025-03", confirm=True):
    data = {f"reason_{p.pk}": c for p, c in zip(adults_of(case), codes, strict=False)}
    data["last_month"] = last_month
    if confirm:
        data["confirm"] = "on"
    return data


def test_a_caseworker_closes_the_case_with_a_reason_per_adult(client, world):
    case, application, users = world
    client.force_login(users["own"])
    page = client.get(close_url(application))
    assert page.status_code == 200
    text = page.content.decode()
    for person in adults_of(case):
        assert f'for="id_reason_{person.pk}"' in text
    assert "Studier med studiemedel" in text  # labels from the code table, in Swedish
    assert 'name="csrfmiddlewaretoken"' in text
    assert AuditEvent.objects.filter(action="case.opened", case_id=case.pk).exists()

    done = client.post(close_url(application), closing_data(case))
    assert done.status_code == 302
    period = services.current_period(case)
    assert (period.is_open, period.last_month) == (False, "2025-03")
    assert sorted(ExitReason.objects.values_list("code", flat=True)) == ["studies", "work"]
    event = AuditEvent.objects.get(action="case.closed", case_id=case.pk)
    assert event.actor.startswith(f"user:{users['own'].pk}")

    view = client.get(f"/handlaggning/ansokan/{application.pk}/").content.decode()
    assert "Avslutsorsaker i period 1" in view
    assert "Arbete" in view and "Studier med studiemedel" in view


def test_missing_reasons_and_confirmation_are_clear_errors(client, world):
    case, application, users = world
    client.force_login(users["own"])
    data = closing_data(case, codes=("work",), confirm=False)
    page = client.post(close_url(application), data)
    assert page.status_code == 400
    text = page.content.decode()
    assert "Det finns fel att rätta" in text
    partner = adults_of(case)[1]
    assert f'href="#id_reason_{partner.pk}"' in text
    assert "Välj en avslutsorsak för" in text
    assert "Bekräfta att ärendet ska avslutas." in text
    assert services.current_period(case).is_open


def test_a_reason_outside_the_table_is_refused(client, world):
    case, application, users = world
    client.force_login(users["own"])
    page = client.post(close_url(application), closing_data(case, codes=("work", "lottery")))
    assert page.status_code == 400
    assert "Välj en avslutsorsak i listan." in page.content.decode()
    assert services.current_period(case).is_open


def test_closing_is_refused_while_an_application_is_processed(client, world):
    case, _application, users = world
    in_process = apply(case, "2025-04", decided=False)
    client.force_login(users["own"])
    page = client.get(close_url(in_process))
    assert "Ärendet kan inte avslutas nu." in page.content.decode()
    refused = client.post(close_url(in_process), closing_data(case))
    assert refused.status_code == 400
    assert "medan en ansökan handläggs" in refused.content.decode()
    assert services.current_period(case).is_open


def test_a_caseworker_of_another_unit_cannot_close(client, world):
    case, application, users = world
    client.force_login(users["other_unit"])
    assert client.get(close_url(application)).status_code == 404
    assert client.post(close_url(application), closing_data(case)).status_code == 404
    assert services.current_period(case).is_open


def test_the_auditor_reads_the_case_but_may_not_close(client, world):
    case, application, users = world
    client.force_login(users["auditor"])
    assert client.get(f"/handlaggning/ansokan/{application.pk}/").status_code == 200
    assert client.post(close_url(application), closing_data(case)).status_code == 403
    assert services.current_period(case).is_open


def test_no_role_is_403_and_anonymous_goes_to_login(client, world):
    _case, application, users = world
    response = client.get(close_url(application))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    client.force_login(users["no_role"])
    assert client.get(close_url(application)).status_code == 403
    assert client.get("/handlaggning/avslutsforslag/").status_code == 403


def test_a_protected_case_is_hidden_without_the_grant(client, units):
    north, _ = units
    case = household(north, adults=1, children=0)
    applicant = adults_of(case)[0]
    applicant.protected_identity = True
    applicant.save()
    case.restricted = True
    case.save()
    application = apply(case, "2025-03")
    client.force_login(make_staff("olle", Role.CASEWORKER, [north]))
    assert client.get(close_url(application)).status_code == 404
    client.force_login(make_staff("petra", Role.CASEWORKER, [north], protected=True))
    assert client.get(close_url(application)).status_code == 200


def test_the_robots_proposal_is_listed_accepted_with_a_suggestion_or_dismissed(client, world):
    case, application, users = world
    (proposal,) = tasks.propose_closures(date(2025, 6, 10))
    client.force_login(users["own"])
    listing = client.get("/handlaggning/avslutsforslag/").content.decode()
    assert case.reference in listing
    assert "Förslag om avslut" in client.get("/handlaggning/").content.decode()
    view = client.get(f"/handlaggning/ansokan/{application.pk}/").content.decode()
    assert "Roboten föreslår avslut" in view

    prefilled = client.get(close_url(application) + "?forslag=1").content.decode()
    assert prefilled.count('<option value="unknown" selected>') == 2  # suggested, not chosen

    client.force_login(users["other_unit"])
    assert case.reference not in client.get("/handlaggning/avslutsforslag/").content.decode()
    dismiss = f"/handlaggning/avslutsforslag/{proposal.pk}/avfarda/"
    assert client.post(dismiss, {"reason": "Inlagd på sjukhus."}).status_code == 404

    client.force_login(users["own"])
    client.post(dismiss, {"reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == "open"
    client.post(dismiss, {"reason": "Inlagd på sjukhus.", "application": application.pk})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.dismiss_reason) == ("dismissed", "Inlagd på sjukhus.")
    assert AuditEvent.objects.filter(
        action="case.closure_proposal_dismissed", case_id=case.pk
    ).exists()


def test_accepting_the_proposal_closes_via_the_robots_proposal(client, world):
    case, application, users = world
    tasks.propose_closures(date(2025, 6, 10))
    client.force_login(users["own"])
    client.post(close_url(application) + "?forslag=1", closing_data(case, codes=("unknown",) * 2))
    period = services.current_period(case)
    assert period.closed_via == "robot_proposal"
    assert ClosureProposal.objects.get(case=case).status == "accepted"


def test_the_caseworker_records_and_corrects_forsorjningshinder(client, world):
    case, application, users = world
    applicant = adults_of(case)[0]
    url = f"/handlaggning/ansokan/{application.pk}/forsorjningshinder/"
    client.force_login(users["other_unit"])
    assert client.post(url, {"person": applicant.pk, "hinder": "sick_certified"}).status_code == 404
    client.force_login(users["auditor"])
    assert client.post(url, {"person": applicant.pk, "hinder": "sick_certified"}).status_code == 403

    client.force_login(users["own"])
    client.post(url, {"person": applicant.pk, "hinder": "unemployed_none", "activity": "sfi"})
    client.post(url, {"person": applicant.pk, "hinder": "sick_certified", "activity": ""})
    row = AdultMonth.objects.get(application=application, person=applicant)
    assert (row.hinder, row.activity, row.source) == ("sick_certified", "", "caseworker")
    events = AuditEvent.objects.filter(action="adult_month.recorded", case_id=case.pk)
    assert [e.data["hinder"] for e in events.order_by("pk")] == [
        "unemployed_none",
        "sick_certified",
    ]
    view = client.get(f"/handlaggning/ansokan/{application.pk}/").content.decode()
    assert "Sjukskriven med läkarintyg" in view

    stranger = get_or_create_person(personnummer())
    client.post(url, {"person": stranger.pk, "hinder": "sick_certified"})
    assert not AdultMonth.objects.filter(person=stranger).exists()
    client.post(url, {"person": applicant.pk, "hinder": "no_such_code"})
    assert AdultMonth.objects.get(person=applicant).hinder == "sick_certified"


def test_the_suggested_last_month_is_the_last_month_with_granted_assistance(client, world):
    """February granted, March refused: the closing page suggests February, not March."""
    from bistand.followup.tests.history import decide

    case, application, users = world
    february, march = case.applications.order_by("month")
    decide(february, "2025-02-01 18:00", automated=True, outcome="grant")
    decide(march, "2025-03-01 18:00", automated=True, outcome="refusal")
    client.force_login(users["own"])
    page = client.get(close_url(application))
    assert page.status_code == 200
    assert page.context["form"]["last_month"].value() == "2025-02"


def test_closing_is_refused_while_an_application_awaits_the_partners_signature(client, world):
    from bistand.cases.models import Application, State

    case, _application, users = world
    waiting = apply(case, "2025-04", decided=False)
    Application.objects.filter(pk=waiting.pk).update(state=State.AWAITING_COSIGNATURE)
    client.force_login(users["own"])
    refused = client.post(close_url(waiting), closing_data(case))
    assert refused.status_code == 400
    assert "väntar på medsökandes underskrift" in refused.content.decode()
    assert services.current_period(case).is_open


def test_a_last_month_before_the_code_table_is_a_field_error_not_a_500(client, world):
    case, application, users = world
    client.force_login(users["own"])
    page = client.post(close_url(application), closing_data(case, last_month="2015-12"))
    assert page.status_code == 400
    text = page.content.decode()
    assert 'href="#id_last_month"' in text
    assert "Det finns ingen tabell med avslutsorsaker för december 2015" in text
    assert services.current_period(case).is_open
