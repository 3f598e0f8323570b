"""Applicants in a real browser: e-legitimation through the local OIDC provider, a couple's
application step by step, both signatures each with their own login, the robot, Mina sidor.
axe-core checks every page of ours on the way (the provider's page stands in for the e-ID
broker's and is not ours to check). Also: the form without JavaScript on a phone, and its
validation messages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bistand.cases.models import Application, State
from bistand.eservice.models import Draft, Signature
from bistand.eservice.services import months_open

from .conftest import PHONE, eid_log_in, make_staff
from .test_workspace import CLEAR_PERSONNUMMER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTNER = "Min make, maka, sambo eller registrerade partner"
CHILD = "Mitt barn (eller min partners barn) som bor hos mig"


def text_of(page) -> str:
    return page.locator("main").inner_text().replace("\u00a0", " ")


def no_personnummer_in_clear(page) -> None:
    assert not CLEAR_PERSONNUMMER.search(page.locator("body").inner_text()), page.url


def at_step(page, name: str, number: int) -> None:
    expect(page.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible()
    expect(page).to_have_title(re.compile(rf"^{name} – steg {number} av 9"))


def save_and_continue(page) -> None:
    page.get_by_role("button", name="Spara och fortsätt", exact=True).click()


def born(number: str) -> str:
    """How the household step names a person: by birth date, after the name when the name is
    known (never the full number)."""
    return f"{number[:4]}-{number[4:6]}-{number[6:8]}"


def month_label(month: str) -> str:
    """A month as the apply page offers it: "december 2026 (den här månaden)"."""
    from bistand.eservice.views.minasidor import month_name

    return month_name(month)


def start_application(page, axe, month: str) -> int:
    """From Mina sidor to the first step; returns the draft's id."""
    page.get_by_role("link", name="Ansök om ekonomiskt bistånd").click()
    expect(page.get_by_role("heading", name="Ansök om ekonomiskt bistånd")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Vilken månad ansöker du för?").get_by_label(
        month_label(month)
    ).check()
    page.get_by_role("button", name="Börja").click()
    page.wait_for_url(re.compile(r"/mina-sidor/ansok/\d+/hushall/$"))
    return int(re.search(r"/ansok/(\d+)/", page.url)[1])


def fill_household(page, axe, couple) -> None:
    at_step(page, "Hushåll", 1)
    expect(page.get_by_text("Enligt folkbokföringen bor de här personerna")).to_be_visible()
    no_personnummer_in_clear(page)
    axe(page)
    page.get_by_role("group", name=re.compile(born(couple.bo))).get_by_label(PARTNER).check()
    page.get_by_role("group", name=re.compile(born(couple.child))).get_by_label(CHILD).check()
    save_and_continue(page)


def fill_housing(page, axe, *, rent: str = "8 500") -> None:
    at_step(page, "Boende", 2)
    axe(page)
    page.get_by_role("group", name="Hur bor du?").get_by_label("Hyresrätt i första hand").check()
    page.get_by_label("Antal rum (utom kök)").fill("3")
    page.get_by_label("Hyra eller avgift per månad (kronor)").fill(rent)
    save_and_continue(page)


def log_out(page, couple, axe) -> None:
    """From the header's "Logga ut": our page saying what happens, the provider's end-session
    page (English, not ours), and our page saying it is done."""
    page.get_by_role("banner").get_by_role("link", name="Logga ut").click()
    expect(page.get_by_role("heading", level=1, name="Logga ut")).to_be_visible()
    expect(page.locator("main")).to_contain_text("även från e-legitimationen")
    if page.viewport_size == PHONE:
        fits(page)
    axe(page)
    page.locator("main").get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{couple.provider}/**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url("**/mina-sidor/utloggad/")
    expect(page.get_by_role("heading", name="Du är utloggad")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Du är utloggad från Mina sidor och från e-legitimationen."
    )
    if page.viewport_size == PHONE:
        fits(page)
    axe(page)


# --------------------------------------------------------------------------- the whole way


def test_a_couple_applies_signs_each_with_their_own_login_and_sees_the_outcome(
    new_page, couple, axe
):
    page = new_page()

    # Mina sidor needs a login: to the login page, through the provider, back to Mina sidor.
    page.goto("/mina-sidor/")
    expect(page).to_have_url(re.compile(r"/mina-sidor/logga-in/\?next=%2Fmina-sidor%2F$"))
    eid_log_in(page, couple, couple.anna, axe=axe)
    expect(page.get_by_role("heading", name="Mina sidor", exact=True)).to_be_visible()
    expect(page.get_by_text("Inloggad som Anna Andersson")).to_be_visible()
    expect(page.get_by_text("Du har inga inskickade ansökningar.")).to_be_visible()
    axe(page)

    draft = start_application(page, axe, couple.month)
    fill_household(page, axe, couple)
    fill_housing(page, axe)

    at_step(page, "Inkomster", 3)
    axe(page)
    row = page.get_by_role("group", name="Rad 1")
    row.get_by_label("Vems inkomst").select_option(label="Min partner")
    row.get_by_label("Typ av inkomst").select_option(label="Lön (netto)")
    row.get_by_label("Belopp efter skatt per månad (kronor)").fill("4 200,50")
    save_and_continue(page)

    at_step(page, "Kostnader", 4)
    axe(page)
    page.get_by_label("Hushållsel (kronor per månad)").fill("350")
    page.get_by_label("Hemförsäkring (kronor per månad)").fill("150")
    save_and_continue(page)

    for name, number in (("Tillgångar", 5), ("Övriga behov", 6), ("Förändringar", 7)):
        at_step(page, name, number)
        axe(page)
        save_and_continue(page)

    at_step(page, "Planering", 8)
    axe(page)
    page.get_by_role("group", name="Är du inskriven hos Arbetsförmedlingen?").get_by_label(
        "Ja"
    ).check()
    page.get_by_label("Vad gör du för att kunna försörja dig själv?").fill("Söker arbete")
    save_and_continue(page)

    at_step(page, "Bilagor", 9)
    axe(page)
    save_and_continue(page)

    # The review page: everything once more, then the signature.
    page.wait_for_url(f"**/mina-sidor/ansok/{draft}/granska/")
    expect(page.get_by_role("heading", name="Granska och skriv under", level=1)).to_be_visible()
    no_personnummer_in_clear(page)
    text = text_of(page)
    assert "8 500" in text and "4 200,50" in text, text
    axe(page)
    page.get_by_role("button", name="Skriv under och skicka in").click()
    # Without the confirmation: the error summary, then the same check box.
    expect(page.get_by_role("alert").filter(has_text="Det finns fel i formuläret")).to_be_visible()
    axe(page)
    page.get_by_label(re.compile("^Jag intygar att uppgifterna är riktiga")).check()
    page.get_by_role("button", name="Skriv under och skicka in").click()

    application = Application.objects.get()
    page.wait_for_url(f"**/mina-sidor/ansokan/{application.pk}/")
    expect(page.get_by_text(re.compile("^Du har skrivit under"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Status: Väntar på underskrift")
    assert application.state == State.AWAITING_COSIGNATURE
    assert Draft.objects.get().application_id == application.pk
    no_personnummer_in_clear(page)
    axe(page)

    # Anna logs out: first a page of ours that says what will happen, then the provider ends
    # its session too, and Mina sidor asks for a login again.
    log_out(page, couple, axe)
    page.goto(f"/mina-sidor/ansokan/{application.pk}/")
    expect(page).to_have_url(re.compile(r"/mina-sidor/logga-in/\?next="))

    # Bo, in a browser of his own, logs in with his own e-legitimation and co-signs.
    bo = new_page()
    eid_log_in(bo, couple, couple.bo)
    expect(bo.get_by_text("Inloggad som Bo Berg")).to_be_visible()
    expect(bo.get_by_text(re.compile("väntar på din underskrift"))).to_be_visible()
    axe(bo)
    bo.get_by_role("link", name="Läs och skriv under").click()
    expect(bo.get_by_role("heading", name="Läs och skriv under ansökan")).to_be_visible()
    no_personnummer_in_clear(bo)
    axe(bo)
    bo.get_by_label(re.compile("^Jag intygar att uppgifterna är riktiga")).check()
    bo.get_by_role("button", name="Skriv under", exact=True).click()
    bo.wait_for_url(f"**/mina-sidor/ansokan/{application.pk}/")
    expect(bo.get_by_text("Du har skrivit under. Ansökan är inskickad.")).to_be_visible()
    axe(bo)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    signatures = Signature.objects.filter(application=application).order_by("signed_at")
    assert [(s.person.personnummer, s.role) for s in signatures] == [
        (couple.anna, "applicant"),
        (couple.bo, "partner"),
    ]
    assert signatures[0].login_ref != signatures[1].login_ref

    # The robot: a first application always goes to a caseworker, with the robot's proposal.
    from bistand.robot.pipeline import process

    assert process(application.pk) == "proposal"
    application.refresh_from_db()
    assert application.state == State.PROPOSAL_READY
    bo.reload()
    expect(bo.locator("main")).to_contain_text("Status: Under handläggning")
    axe(bo)

    # A caseworker of the case's unit approves the proposal; Bo sees the decision.
    from bistand.decisions.review import approve
    from bistand.staff.models import Role

    caseworker = make_staff(
        "anna-hw",
        Role.CASEWORKER,
        [application.case.unit] if application.case.unit else [],
        first_name="Anna",
        last_name="Handläggare",
    )
    # The rent is capped at the municipality's guideline: a decision partly against the couple,
    # so kommunicering first (FL 25 §) — here the caseworker records why it is not needed.
    from bistand.kommunicering.services import record_waiver

    record_waiver(
        application,
        user=caseworker,
        ground="nothing_new",
        text="Hyran är den de själva angett; inget nytt kan tillföras.",
    )
    approve(application.proposal, user=caseworker)
    application.refresh_from_db()
    assert application.state == State.DECIDED
    bo.goto("/mina-sidor/")
    expect(bo.get_by_role("heading", name="Mina sidor", exact=True)).to_be_visible()
    no_personnummer_in_clear(bo)
    axe(bo)
    bo.goto(f"/mina-sidor/ansokan/{application.pk}/")
    expect(bo.locator("main")).to_contain_text("Status: Beslut")
    expect(bo.get_by_role("heading", name="Beslut", exact=True)).to_be_visible()
    expect(bo.get_by_role("link", name="Ladda ner beslutet som PDF")).to_be_visible()
    no_personnummer_in_clear(bo)
    axe(bo)


# --------------------------------------------------------------------------- validation


def test_a_bad_amount_is_named_at_the_top_and_next_to_the_field(new_page, couple, axe):
    page = new_page()
    eid_log_in(page, couple, couple.anna)
    start_application(page, axe, couple.month)
    fill_household(page, axe, couple)
    fill_housing(page, axe, rent="åtta tusen")

    # The same step again, with the error summary first and the message at the field.
    expect(page.get_by_role("heading", level=1, name="Boende", exact=True)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Fel: Boende – steg 2 av 9"))
    summary = page.get_by_role("alert").filter(has_text="Det finns fel i formuläret")
    expect(summary).to_be_visible()
    message = "Skriv beloppet i kronor med siffror, till exempel 1 250 eller 1 250,50."
    link = summary.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", "#id_rent")
    field = page.get_by_label("Hyra eller avgift per månad (kronor)")
    expect(field).to_have_value("åtta tusen")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\bid_rent-error\b"))
    error = page.locator("#id_rent-error")
    expect(error).to_contain_text(message)
    # Next to the field: in the field's own group, between its label and the input.
    group = page.locator(".govuk-form-group--error", has=field)
    expect(group.locator("#id_rent-error")).to_have_count(1)
    axe(page)

    # The link in the summary takes the keyboard to the field.
    link.click()
    expect(field).to_be_focused()

    field.fill("8 500")
    save_and_continue(page)
    at_step(page, "Inkomster", 3)
    assert Draft.objects.get().data["costs"][0] == {"type": "rent", "amount": "8500.00"}


def test_another_households_application_is_not_found(new_page, couple, axe):
    page = new_page()
    eid_log_in(page, couple, couple.anna)
    response = page.goto("/mina-sidor/ansokan/999999/")
    assert response.status == 404
    no_personnummer_in_clear(page)
    axe(page)
    response = page.goto("/mina-sidor/ansok/999999/boende/")
    assert response.status == 404
    axe(page)


# ----------------------------------------------------------------- no script, small screen


def fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone. Measured once the page
    has loaded: before its stylesheet applies, a select is as wide as its longest option."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px screen"


def test_the_form_on_a_phone(new_page, couple, axe):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    eid_log_in(page, couple, couple.anna)
    fits(page)
    axe(page)
    start_application(page, axe, couple.month)
    fits(page)
    fill_household(page, axe, couple)
    at_step(page, "Boende", 2)
    fits(page)
    fill_housing(page, axe, rent="-5")
    expect(page.locator("#id_rent-error")).to_contain_text("Beloppet kan inte vara mindre än noll.")
    fits(page)
    axe(page)
    page.get_by_label("Hyra eller avgift per månad (kronor)").fill("8500")
    save_and_continue(page)
    at_step(page, "Inkomster", 3)
    fits(page)
    axe(page)
    # A second row, and an error in it (axe-core needs JavaScript, so the test without it
    # cannot check these pages; this one does).
    page.get_by_role("button", name="Lägg till en rad").click()
    second = page.get_by_role("group", name="Rad 2")
    second.get_by_label("Typ av inkomst").select_option(label="Föräldrapenning")
    second.get_by_label("Belopp efter skatt per månad (kronor)").fill("mycket")
    save_and_continue(page)
    expect(page.locator("#id_form-1-amount-error")).to_contain_text("Skriv beloppet i kronor")
    fits(page)
    axe(page)


def test_every_applicant_page_fits_a_phone(new_page, couple, axe):
    """Every page of the applicant's, from the login to the full decision and the logout, at
    375 px: no sideways scrolling, axe-clean, and a way back from each."""

    def check(page) -> None:
        fits(page)
        no_personnummer_in_clear(page)
        axe(page)

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/mina-sidor/logga-in/")
    check(page)
    eid_log_in(page, couple, couple.anna)
    check(page)
    start_application(page, axe, couple.month)
    check(page)
    page.get_by_role("group", name=re.compile(born(couple.bo))).get_by_label(PARTNER).check()
    page.get_by_role("group", name=re.compile(born(couple.child))).get_by_label(CHILD).check()
    save_and_continue(page)
    fill_housing(page, axe)
    steps = ["Inkomster", "Kostnader", "Tillgångar", "Övriga behov", "Förändringar"]
    for number, name in enumerate(steps, start=3):
        at_step(page, name, number)
        check(page)
        # The way back from a step: the breadcrumbs to Mina sidor.
        crumbs = page.get_by_role("navigation", name="Du är här")
        expect(crumbs.get_by_role("link", name="Mina sidor")).to_be_visible()
        save_and_continue(page)
    at_step(page, "Planering", 8)
    check(page)
    page.get_by_role("group", name="Är du inskriven hos Arbetsförmedlingen?").get_by_label(
        "Ja"
    ).check()
    save_and_continue(page)
    at_step(page, "Bilagor", 9)
    check(page)
    save_and_continue(page)
    expect(page.get_by_role("heading", name="Granska och skriv under", level=1)).to_be_visible()
    check(page)
    page.get_by_label(re.compile("^Jag intygar att uppgifterna är riktiga")).check()
    page.get_by_role("button", name="Skriv under och skicka in").click()
    application = Application.objects.get()
    page.wait_for_url(f"**/mina-sidor/ansokan/{application.pk}/")
    check(page)
    log_out(page, couple, axe)

    # Bo co-signs on his phone.
    bo = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    eid_log_in(bo, couple, couple.bo)
    check(bo)
    bo.get_by_role("link", name="Läs och skriv under").click()
    expect(bo.get_by_role("heading", name="Läs och skriv under ansökan")).to_be_visible()
    check(bo)
    bo.get_by_label(re.compile("^Jag intygar att uppgifterna är riktiga")).check()
    bo.get_by_role("button", name="Skriv under", exact=True).click()
    bo.wait_for_url(f"**/mina-sidor/ansokan/{application.pk}/")

    # Decided: the application page, the full decision, and back.
    from bistand.decisions.review import approve
    from bistand.robot.pipeline import process
    from bistand.staff.models import Role

    assert process(application.pk) == "proposal"
    application.refresh_from_db()
    caseworker = make_staff(
        "anna-hw",
        Role.CASEWORKER,
        [application.case.unit] if application.case.unit else [],
        first_name="Anna",
        last_name="Handläggare",
    )
    # The rent is capped at the municipality's guideline: a decision partly against the couple,
    # so kommunicering first (FL 25 §) — here the caseworker records why it is not needed.
    from bistand.kommunicering.services import record_waiver

    record_waiver(
        application,
        user=caseworker,
        ground="nothing_new",
        text="Hyran är den de själva angett; inget nytt kan tillföras.",
    )
    approve(application.proposal, user=caseworker)
    bo.goto("/mina-sidor/")
    check(bo)
    bo.goto(f"/mina-sidor/ansokan/{application.pk}/")
    expect(bo.get_by_role("heading", name="Beslut", exact=True)).to_be_visible()
    check(bo)
    bo.get_by_role("link", name="Läs hela beslutet").click()
    bo.wait_for_url(f"**/mina-sidor/ansokan/{application.pk}/beslut/")
    expect(bo.get_by_role("heading", level=1, name="Beslut om ekonomiskt bistånd")).to_be_visible()
    # Laid out for the phone, not 980 px wide and shrunk: the text is at least 16 px.
    assert bo.evaluate("window.innerWidth") == PHONE["width"]
    size = bo.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert size >= 16, size
    fits(bo)
    axe(bo)
    # The letter names the municipality's organisationsnummer, shaped like a personnummer.
    letter = re.sub(r"Organisationsnummer \S+", "", bo.locator("body").inner_text())
    assert not CLEAR_PERSONNUMMER.search(letter)
    back = bo.get_by_role("link", name=re.compile("^← Tillbaka till ansökan för")).first
    expect(back).to_be_visible()
    back.click()
    bo.wait_for_url(f"**/mina-sidor/ansokan/{application.pk}/")
    expect(bo.locator("main")).to_contain_text("Status: Beslut")

    # The payout account (its page, and the form after a fresh login) fits too.
    bo.goto("/mina-sidor/konto/")
    check(bo)
    bo.goto("/mina-sidor/konto/andra/")
    check(bo)

    # Next month starts from this one: the återansökan page.
    bo.goto("/mina-sidor/ansok/")
    check(bo)
    following = month_label(months_open()[1])
    bo.get_by_role("group", name="Vilken månad ansöker du för?").get_by_label(following).check()
    bo.get_by_role("button", name="Börja").click()
    expect(bo.get_by_role("heading", name="Har något ändrats sedan förra månaden?")).to_be_visible()
    check(bo)


def test_the_form_works_without_javascript(new_page, couple):
    page = new_page(java_script_enabled=False, viewport=PHONE)
    eid_log_in(page, couple, couple.anna)
    expect(page.get_by_role("heading", name="Mina sidor", exact=True)).to_be_visible()
    page.get_by_role("link", name="Ansök om ekonomiskt bistånd").click()
    page.get_by_role("button", name="Börja").click()
    fill_household(page, lambda _: None, couple)
    fill_housing(page, lambda _: None)

    # "Lägg till en rad" is a submit button: a second row without any script.
    at_step(page, "Inkomster", 3)
    page.get_by_role("button", name="Lägg till en rad").click()
    expect(page.get_by_role("group", name="Rad 2")).to_be_visible()
    first, second = page.get_by_role("group", name="Rad 1"), page.get_by_role("group", name="Rad 2")
    first.get_by_label("Vems inkomst").select_option(label="Jag")
    first.get_by_label("Typ av inkomst").select_option(label="Lön (netto)")
    first.get_by_label("Belopp efter skatt per månad (kronor)").fill("1 000")
    second.get_by_label("Vems inkomst").select_option(label="Min partner")
    second.get_by_label("Typ av inkomst").select_option(label="Föräldrapenning")
    second.get_by_label("Belopp efter skatt per månad (kronor)").fill("mycket")
    save_and_continue(page)
    expect(page.get_by_role("alert").filter(has_text="Det finns fel i formuläret")).to_be_visible()
    expect(page.locator("#id_form-1-amount-error")).to_contain_text("Skriv beloppet i kronor")
    second.get_by_label("Belopp efter skatt per månad (kronor)").fill("2 000")
    save_and_continue(page)

    for name, number in (
        ("Kostnader", 4),
        ("Tillgångar", 5),
        ("Övriga behov", 6),
        ("Förändringar", 7),
    ):
        at_step(page, name, number)
        save_and_continue(page)
    at_step(page, "Planering", 8)
    page.get_by_role("group", name="Är du inskriven hos Arbetsförmedlingen?").get_by_label(
        "Ja"
    ).check()
    save_and_continue(page)
    at_step(page, "Bilagor", 9)
    save_and_continue(page)
    expect(page.get_by_role("heading", name="Granska och skriv under", level=1)).to_be_visible()
    page.get_by_label(re.compile("^Jag intygar att uppgifterna är riktiga")).check()
    page.get_by_role("button", name="Skriv under och skicka in").click()
    expect(page.get_by_text(re.compile("^Du har skrivit under"))).to_be_visible()
    application = Application.objects.get()
    assert application.state == State.AWAITING_COSIGNATURE
    incomes = application.declared["incomes"]
    assert [(i["personnummer"], i["amount"]) for i in incomes] == [
        (couple.anna, "1000.00"),
        (couple.bo, "2000.00"),
    ]
