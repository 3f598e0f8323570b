"""The screenshots in docs/screenshots/, taken from the test data. Skipped unless asked for:

    BISTAND_SCREENSHOTS=docs/screenshots .venv/bin/pytest bistand/browser -k screenshots

Each page is checked first: no personnummer in clear, no serious accessibility violation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import log_in
from .test_workspace import CLEAR_PERSONNUMMER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.environ.get("BISTAND_SCREENSHOTS"),
        reason="screenshots only when BISTAND_SCREENSHOTS names the folder to write",
    ),
]


PADDING = 24  # px around a part of a page


def shoot(page, axe, folder: Path, name: str, *, part=None, down_to=None, full_page=False):
    """The page (the window, or all of it), ``part`` of it with a margin, or the page from its
    top ``down_to`` the end of an element."""
    assert not CLEAR_PERSONNUMMER.search(page.locator("body").inner_text())
    axe(page)
    options = {"path": str(folder / name), "animations": "disabled", "full_page": full_page}
    if part is not None:
        box = part.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }"
        )
        left, top = max(box["x"] - PADDING, 0), max(box["y"] - PADDING, 0)
        options.update(
            full_page=True,
            clip={
                "x": left,
                "y": top,
                "width": box["x"] - left + box["width"] + PADDING,
                "height": box["y"] - top + box["height"] + PADDING,
            },
        )
    if down_to is not None:
        bottom = down_to.evaluate("e => e.getBoundingClientRect().bottom + scrollY")
        width = page.viewport_size["width"]
        options.update(
            full_page=True, clip={"x": 0, "y": 0, "width": width, "height": bottom + PADDING}
        )
    page.screenshot(**options)


def test_screenshots_of_the_caseworker_pages(page, office, axe):
    folder = Path(os.environ["BISTAND_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    flagged = office.ready(flagged=True)[0]
    clean = office.ready(flagged=False)[0]

    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(office.caseworker.get_username())
    shoot(page, axe, folder, "login.png", down_to=page.locator("footer"))

    log_in(page, office.caseworker)
    shoot(page, axe, folder, "queue.png", full_page=True)

    page.goto(f"/handlaggning/ansokan/{flagged.pk}/")
    expect(page.get_by_role("heading", name="Flaggor att pröva (1)")).to_be_visible()
    shoot(page, axe, folder, "case-view-flags.png")

    calculation = page.get_by_role("region", name="Beräkningen rad för rad")
    shoot(page, axe, folder, "calculation.png", part=calculation)

    page.goto(f"/handlaggning/ansokan/{clean.pk}/")
    page.get_by_role("button", name="Godkänn förslaget och besluta").click()
    expect(page.get_by_text(re.compile("^Beslutet är fattat"))).to_be_visible()
    # From the top of the page to the letter's link.
    decision = page.get_by_role("region", name="Beslut", exact=True)
    shoot(page, axe, folder, "decision.png", down_to=decision)


def test_screenshots_of_the_applicant_pages(new_page, couple, axe):
    """The e-service: login, a step of the form (on a computer and on a phone), the review
    page, and Mina sidor with the decision after both have signed and the robot has run."""
    from bistand.cases.models import Application
    from bistand.decisions.review import approve
    from bistand.robot.pipeline import process
    from bistand.staff.models import Role

    from .conftest import PHONE, eid_log_in, make_staff
    from .test_eservice import (
        fill_household,
        fill_housing,
        save_and_continue,
        start_application,
    )

    folder = Path(os.environ["BISTAND_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    page = new_page()
    page.goto("/mina-sidor/logga-in/")
    shoot(page, axe, folder, "eservice-login.png", down_to=page.locator("footer"))

    eid_log_in(page, couple, couple.anna)
    start_application(page, axe, couple.month)
    fill_household(page, axe, couple)
    fill_housing(page, axe)
    row = page.get_by_role("group", name="Rad 1")
    row.get_by_label("Vems inkomst").select_option(label="Min partner")
    row.get_by_label("Typ av inkomst").select_option(label="Lön (netto)")
    row.get_by_label("Belopp efter skatt per månad (kronor)").fill("4 200,50")
    save_and_continue(page)
    page.get_by_label("Hushållsel (kronor per månad)").fill("350")
    page.get_by_label("Hemförsäkring (kronor per månad)").fill("150")
    shoot(page, axe, folder, "eservice-step.png", down_to=page.locator("footer"))
    save_and_continue(page)
    for _ in range(3):  # tillgångar, övriga behov, förändringar: nothing to add
        save_and_continue(page)
    page.get_by_role("group", name="Är du inskriven hos Arbetsförmedlingen?").get_by_label(
        "Ja"
    ).check()
    page.get_by_label("Vad gör du för att kunna försörja dig själv?").fill("Söker arbete")
    save_and_continue(page)
    save_and_continue(page)  # bilagor
    expect(page.get_by_role("heading", name="Granska och skriv under", level=1)).to_be_visible()
    shoot(page, axe, folder, "eservice-review.png", full_page=True)
    page.get_by_label(re.compile("^Jag intygar att uppgifterna är riktiga")).check()
    page.get_by_role("button", name="Skriv under och skicka in").click()
    expect(page.get_by_text(re.compile("^Du har skrivit under"))).to_be_visible()

    # Bo co-signs on his phone; the robot proposes, a caseworker decides.
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    eid_log_in(phone, couple, couple.bo)
    phone.get_by_role("link", name="Läs och skriv under").first.click()
    expect(phone.get_by_role("heading", name="Läs och skriv under ansökan")).to_be_visible()
    shoot(phone, axe, folder, "eservice-cosign-phone.png")
    phone.get_by_label(re.compile("^Jag intygar att uppgifterna är riktiga")).check()
    phone.get_by_role("button", name="Skriv under", exact=True).click()
    expect(phone.get_by_text("Du har skrivit under. Ansökan är inskickad.")).to_be_visible()
    application = Application.objects.get()
    process(application.pk)
    application.refresh_from_db()
    caseworker = make_staff(
        "hanna",
        Role.CASEWORKER,
        [application.case.unit] if application.case.unit else [],
        first_name="Hanna",
        last_name="Holm",
    )
    approve(application.proposal, user=caseworker)

    page.goto("/mina-sidor/")
    shoot(page, axe, folder, "eservice-mina-sidor.png", down_to=page.locator("footer"))
    page.goto(f"/mina-sidor/ansokan/{application.pk}/")
    expect(page.get_by_role("heading", name="Beslut", exact=True)).to_be_visible()
    pdf = page.get_by_role("link", name="Ladda ner beslutet som PDF")
    shoot(page, axe, folder, "eservice-decision.png", down_to=pdf)
