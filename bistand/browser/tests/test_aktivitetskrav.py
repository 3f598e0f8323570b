"""Browser tests of the aktivitetskrav (bistand/aktivitetskrav): the caseworker records an
individual plan with an activity (an error first, shown at the top and at the field), and the
applicant reports an absence on Mina sidor without JavaScript; it shows on the case. axe-core
finds no serious or critical violation on any of the pages."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import log_in, make_staff

pytestmark = pytest.mark.browser

APPLICANT = "198502019980"
MONTH = "2026-12"


@pytest.fixture
def case_with_application(live_server):
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Application, Unit
    from bistand.cases.services import Member, get_or_create_person, open_case
    from bistand.rules.period import Month
    from bistand.staff.models import Role

    municipality = seeding.get_municipality()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    person = get_or_create_person(APPLICANT, given_name="Sara", family_name="Berg")
    case = open_case(
        municipality,
        [Member(person, "applicant")],
        actor=Actor.system("test"),
        unit=north,
        since=Month.parse("2026-11").first_day,
    )
    application = Application.objects.create(
        case=case, month=MONTH, kind="first", state="submitted", submitted_at=timezone.now()
    )
    anna = make_staff("anna", Role.CASEWORKER, [north], first_name="Anna", last_name="Andersson")
    return application, person, anna


def _applicant_session(context, live_server, person) -> None:
    """An e-service session for the person (as after an e-ID login), as a cookie."""
    from importlib import import_module

    from django.conf import settings

    from bistand.eservice.session import KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = timezone.now().isoformat()
    store[KEY] = {"person": person.pk, "issuer": "test", "ref": "t", "at": now, "seen": now}
    store.create()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": live_server.url}]
    )


def test_caseworker_records_a_plan(page, case_with_application, axe):
    application, _person, anna = case_with_application
    log_in(page, anna, then=f"/handlaggning/ansokan/{application.pk}/")
    expect(page.get_by_role("heading", name="Aktivitetskrav och läkarintyg")).to_be_visible()
    axe(page)
    page.get_by_role("link", name=re.compile("^Gör en plan")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Individuell plan")
    axe(page)
    page.get_by_role("button", name="Spara planen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv ett mål för planen.")
    expect(page).to_have_title(re.compile(r"^Fel: Individuell plan"))
    axe(page)
    page.get_by_label("Mål").fill("Arbete inom vården på deltid")
    page.get_by_role("button", name="Spara planen").click()
    expect(page.get_by_text("Planen är sparad.")).to_be_visible()
    page.get_by_label("Språk").check()
    page.get_by_label("Anordnare").fill("SFI Centrum")
    page.get_by_label("Timmar per vecka").fill("15")
    page.get_by_label("Startdatum").fill("2026-12-01")
    page.get_by_role("button", name="Lägg till aktiviteten").click()
    expect(page.get_by_role("cell", name="SFI Centrum")).to_be_visible()
    axe(page)


def test_applicant_reports_absence_and_it_shows_on_the_case(
    new_page, live_server, case_with_application, axe
):
    from bistand.aktivitetskrav import services
    from bistand.audit.services import Actor

    application, person, anna = case_with_application
    services.save_plan(
        application.case, person, goal="Arbete", capacity="", actor=Actor.system("test")
    )
    page = new_page(java_script_enabled=False)  # the form works without JavaScript
    _applicant_session(page.context, live_server, person)
    page.goto(f"/mina-sidor/ansokan/{application.pk}/")
    expect(page.get_by_role("heading", name="Aktiviteter och läkarintyg")).to_be_visible()
    page.get_by_role("link", name="Anmäl frånvaro").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmäl frånvaro")
    axe_page = new_page()  # axe-core needs JavaScript: the same page in a second context
    _applicant_session(axe_page.context, live_server, person)
    axe_page.goto(page.url)
    axe(axe_page)
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("alert")).to_contain_text("Välj varför du inte kunde delta.")
    page.get_by_label("Dag du inte kunde delta").fill("2026-12-03")
    page.get_by_label("Vård av sjukt barn").check()
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_text("Din frånvaro är anmäld")).to_be_visible()
    staff = new_page()
    log_in(staff, anna, then=f"/handlaggning/ansokan/{application.pk}/")
    expect(staff.get_by_role("cell", name="2026-12-03", exact=True)).to_be_visible()
    expect(staff.get_by_role("cell", name=re.compile("Vård av sjukt barn"))).to_be_visible()
    axe(staff)
