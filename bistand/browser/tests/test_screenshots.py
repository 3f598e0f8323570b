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
