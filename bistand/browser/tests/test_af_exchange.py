"""Browser test of the exchange with Arbetsförmedlingen (bistand/af_exchange): a caseworker sees
AF's notice and a failed send on the case, follows the queue page's link to the failed sends,
sends it again and is told so; axe-core finds no serious or critical violation."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from playwright.sync_api import expect

from .conftest import log_in, make_staff

pytestmark = pytest.mark.browser
APPLICANT = "198502019980"


def _case_with_exchange():
    from bistand.af_exchange.models import AfNotice, OutgoingAfNotice, OutgoingStatus
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Application, Unit
    from bistand.cases.services import Member, get_or_create_person, open_case
    from bistand.rules.period import Month
    from bistand.workspace.tests.conftest import declared

    municipality = seeding.get_municipality()
    municipality.kommunkod = "0000"
    municipality.save()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    person = get_or_create_person(APPLICANT, given_name="Nora", family_name="Nord")
    case = open_case(
        municipality,
        [Member(person, "applicant")],
        actor=Actor.system("test"),
        unit=north,
        since=date(2026, 7, 1),
    )
    seeding.import_history(
        case,
        Month(2026, 9),
        copy.deepcopy(declared(APPLICANT, None, None)),
        guidelines="exempelkommun",
    )
    OutgoingAfNotice.objects.create(
        person=person,
        month="2026-10",
        status=OutgoingStatus.FAILED,
        attempts=4,
        last_error="Arbetsförmedlingen svarade med fel (HTTP 500) efter 3 försök",
    )
    AfNotice.objects.create(
        person=person,
        reference="AF-U-000001",
        kind="too_little_occupation",
        period_start=date(2026, 10, 5),
    )
    return north, Application.objects.filter(case=case).latest("pk")


def test_a_caseworker_sees_the_exchange_and_sends_a_failed_notice_again(live_server, page, axe):
    from bistand.staff.models import Role

    north, application = _case_with_exchange()
    anna = make_staff("anna", Role.CASEWORKER, [north], first_name="Anna", last_name="Andersson")
    log_in(page, anna, then=f"/handlaggning/ansokan/{application.pk}/")

    panel = page.get_by_role("region", name="Arbetsförmedlingen (aktivitetskrav)")
    expect(panel).to_contain_text("För låg sysselsättning")
    expect(panel).to_contain_text("Misslyckades efter 4 försök")
    axe(page)

    page.goto("/handlaggning/")
    page.get_by_role("link", name="Arbetsförmedlingen (1 misslyckade)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utbytet med Arbetsförmedlingen")
    axe(page)
    page.get_by_role("button", name="Skicka igen underrättelsen för 2026-10").click()
    expect(page.get_by_role("status")).to_contain_text("skickas igen till Arbetsförmedlingen")
    expect(page.get_by_text("Inga misslyckade underrättelser.")).to_be_visible()
    axe(page)
