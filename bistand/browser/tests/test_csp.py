"""The Content-Security-Policy breaks nothing: key pages of each kind load in Chromium with no
violation reported (inline script or style, a blocked image, font, worker or form target)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bistand.cases.models import Application

from .conftest import PASSWORD, log_in, make_staff

pytestmark = pytest.mark.browser

#: Records every violation the page reports, from before its first script runs.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
      + ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


#: ReDoc's footer asks its vendor's CDN for a logo: the policy blocks that on purpose (no
#: request leaves for another host), and the page works without it.
EXPECTED = "https://cdn.redoc.ly/"


@pytest.fixture
def watched(page):
    console = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def violations() -> list[str]:
        found = [*page.evaluate("window.__cspViolations || []"), *console]
        return [text for text in found if EXPECTED not in text]

    return page, violations


def visit(page, violations, url: str, ready=None) -> None:
    response = page.goto(url)
    assert response is not None
    assert "default-src 'self'" in (response.header_value("content-security-policy") or "")
    if ready is not None:
        expect(ready(page)).to_be_visible()
    page.wait_for_load_state("networkidle")
    found = violations()
    assert not found, f"{url}: {found}"


def test_staff_pages_and_the_api_documentation_load_without_violations(watched, office):
    page, violations = watched
    visit(page, violations, "/")
    visit(page, violations, "/konto/logga-in/")
    log_in(page, office.caseworker)
    application = office.ready(flagged=True)[0]
    visit(page, violations, "/handlaggning/")
    visit(page, violations, f"/handlaggning/ansokan/{application.pk}/")
    visit(
        page,
        violations,
        "/api/docs/",
        ready=lambda p: p.get_by_role("heading", name=re.compile("Bistånd API")),
    )
    visit(
        page,
        violations,
        "/api/redoc/",
        ready=lambda p: p.get_by_role("heading", name=re.compile("Bistånd API")).first,
    )


def test_the_admin_and_its_person_search_work_under_the_policy(watched, office):
    page, violations = watched
    auditor = make_staff("greta", "granskare", first_name="Greta", last_name="Persson")
    auditor.is_staff = True
    auditor.save()
    page.goto("/admin/login/")
    page.get_by_label("Användarnamn").fill("greta")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    visit(page, violations, "/admin/")
    visit(page, violations, "/admin/cases/person/")
    application = Application.objects.order_by("pk").first()
    visit(page, violations, f"/admin/cases/application/{application.pk}/change/")

    # The search is sent by POST: the personnummer never appears in an address.
    person = application.case.household.members.order_by("pk").first().person
    page.goto("/admin/cases/person/")
    page.locator("#searchbar").fill(person.personnummer)
    with page.expect_request(lambda request: request.method == "POST") as sent:
        page.get_by_role("button", name="Sök person").click()
    assert sent.value.url.endswith("/admin/cases/person/")
    expect(page).to_have_url(re.compile(rf"/admin/cases/person/{person.pk}/change/$"))
    assert person.personnummer not in page.url
    assert not violations()


def test_the_applicants_pages_and_the_logout_to_the_e_id_broker_pass_the_policy(watched, couple):
    from .conftest import eid_log_in

    page, violations = watched
    visit(page, violations, "/mina-sidor/logga-in/")
    eid_log_in(page, couple, couple.anna)
    visit(page, violations, "/mina-sidor/")
    visit(page, violations, "/mina-sidor/ansok/")
    page.get_by_role("button", name=re.compile("Börja|Fortsätt|Ansök")).first.click()
    page.wait_for_load_state("networkidle")
    assert "/mina-sidor/ansok/" in page.url
    assert not violations(), page.url

    # Logging out is a form whose answer redirects to the broker's end-session endpoint:
    # allowed by form-action (a blocked one would leave the browser on our page).
    page.goto("/mina-sidor/logga-ut/")
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url(re.compile(rf"^{re.escape(couple.provider)}/|/mina-sidor/utloggad/"))
    assert not violations(), page.url
