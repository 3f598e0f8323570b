"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

* The browser is Debian's ``/usr/bin/chromium`` (``executable_path``), never one that
  ``playwright install`` downloads. Without it the tests skip, or fail when ``CI`` is set:
  ``scripts/system-deps.sh`` (as root) installs it.
* pytest-playwright's fixtures (``page``, ``context``, ``browser``) are used as they are, but
  ``playwright`` and what hangs on it live for this package only (not the whole session):
  Playwright's sync API keeps an asyncio loop running in the main thread while it is started,
  and Django refuses database calls from a thread with a running loop. Inside this package
  ``DJANGO_ALLOW_ASYNC_UNSAFE`` lets the tests and their fixtures use the ORM; the other
  packages' tests run as before.
* ``live_server`` makes every test transactional: the server's thread and the test see the
  same committed rows, and the database is emptied after each test.
* ``axe`` runs axe-core (bundled with axe-playwright-python, no network) on the page and fails
  on any violation of impact serious or critical, listing rule, element and fix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, as root, and quiet: no network beyond the live server (the machine's network is
#: closed; without these Chromium keeps trying Google's hosts).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    f"Debian's Chromium is not installed at {CHROMIUM}: run scripts/system-deps.sh as root "
    "(never `playwright install`)"
)
#: Waits are for elements to appear, never sleeps; generous, for a loaded CI machine.
TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1280, "height": 900}
PASSWORD = "browser-test"  # the test users' only
SERIOUS = ("serious", "critical")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives Debian's Chromium through Playwright (docs/testing.md)"
    )


# --------------------------------------------------------------------------- environment


@pytest.fixture(scope="package", autouse=True)
def _browser_environment():
    """Chromium is there (else skip, or fail in CI); the ORM may be used beside Playwright."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    headless = browser_type_launch_args.get("headless", True)
    args = CHROMIUM_ARGS if headless else [a for a in CHROMIUM_ARGS if a != "--headless"]
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": args}


# pytest-playwright's session-wide fixtures, for this package only (see the module docstring).


@pytest.fixture(scope="package")
def playwright(_browser_environment, _pw_api_request_contexts):
    from playwright.sync_api import sync_playwright

    started = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(started)
    yield started
    started.stop()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    launched = launch_browser()
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server):
    return {
        "base_url": live_server.url,
        "viewport": VIEWPORT,
        "locale": "sv-SE",
        "timezone_id": "Europe/Stockholm",
        "accept_downloads": True,
    }


@pytest.fixture
def page(context):
    from playwright.sync_api import expect

    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return context.new_page()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Logging in through the form checks a password; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --------------------------------------------------------------------------- axe-core


def describe_violations(violations: list[dict], url: str) -> str:
    lines = [f"axe-core: {len(violations)} serious or critical violation(s) on {url}"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}: {node.get('html', '').strip()[:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@dataclass
class AxeChecker:
    """``axe(page)``: no serious or critical violation on the page as it is now."""

    checked: list[str] = field(default_factory=list)

    def __call__(self, page) -> dict:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page).response
        self.checked.append(page.url)
        serious = [v for v in results["violations"] if v.get("impact") in SERIOUS]
        assert not serious, describe_violations(serious, page.url)
        return results


@pytest.fixture
def axe():
    return AxeChecker()


# --------------------------------------------------------------------------- people and data


def make_staff(username: str, role: str, units=(), *, first_name: str, last_name: str):
    """An active staff user of Exempelkommun who logs in with ``PASSWORD``."""
    from bistand.staff.testing import make_staff as staff_user

    return staff_user(
        username, role, units, password=PASSWORD, first_name=first_name, last_name=last_name
    )


@dataclass
class Office:
    """Exempelkommun, a month of robot proposals, and staff of Enhet Nord."""

    month: str
    caseworker: object
    team_lead: object
    applications: list = field(default_factory=list)

    def ready(self, *, flagged: bool, visible_to=None):
        """Applications of the caseworker's unit waiting for a decision, flagged or clean."""
        from bistand.cases.models import State
        from bistand.staff import access

        visible = access.applications_visible_to(visible_to or self.caseworker)
        out = [
            a
            for a in visible.filter(state=State.PROPOSAL_READY)
            .select_related("proposal", "case")
            .order_by("pk")
            if bool(a.proposal.flags) == flagged
        ]
        assert out, f"no {'flagged' if flagged else 'clean'} proposal in the test data"
        return out


#: Twelve synthetic households (seed 1): half in Enhet Nord, flagged and clean ones among them.
HOUSEHOLDS = 12
MONTH = "2025-04"


@pytest.fixture
def office(live_server, register_simulator) -> Office:
    """Twelve households whose April applications the robot has turned into proposals.

    The municipality has not delegated decisions, so every proposal, clean or flagged, waits
    for a caseworker. Anna Andersson is a caseworker of Enhet Nord, Gun Lind its team lead.
    """
    from bistand.cases import seeding
    from bistand.cases.models import Application, Unit
    from bistand.robot.pipeline import process
    from bistand.rules.period import Month
    from bistand.staff.models import Role

    municipality = seeding.get_municipality(automated=False)
    seeding.seed(HOUSEHOLDS, Month.parse(MONTH), simulator=register_simulator)
    applications = list(Application.objects.filter(month=MONTH).order_by("pk"))
    for application in applications:
        process(application.pk)
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    return Office(
        month=MONTH,
        caseworker=make_staff(
            "anna", Role.CASEWORKER, [north], first_name="Anna", last_name="Andersson"
        ),
        team_lead=make_staff("gun", Role.TEAM_LEAD, [north], first_name="Gun", last_name="Lind"),
        applications=applications,
    )


def log_in(page, user, *, then: str = "/handlaggning/") -> None:
    """Log in through the staff login form, asking for ``then``."""
    page.goto(then)
    page.get_by_label("Användarnamn").fill(user.get_username())
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"**{then}")


# --------------------------------------------------------------------------- the e-service

#: A couple and their child (valid test personnummer), and the phone the e-service must fit.
ANNA = "19850412-2386"  # sökande
BO = "19830715-1236"  # medsökande
CHILD = "20150303-2383"
PHONE = {"width": 375, "height": 667}


@dataclass
class Couple:
    """Anna and Bo at one address with their child, according to folkbokföringen, and the
    local OIDC provider where both have an e-legitimation."""

    month: str
    provider: str
    anna: str
    bo: str
    child: str
    subs: dict[str, str] = field(default_factory=dict)  # personnummer → the provider's sub


@pytest.fixture
def couple(live_server, register_simulator, eid) -> Couple:
    """The e-service pointed at the local OIDC provider (``eid``) and the register simulator;
    Exempelkommun exists; Anna and Bo are registered at the provider."""
    from bistand.cases import personnummer
    from bistand.cases.seeding import get_municipality
    from bistand.eservice.demo import register_household
    from bistand.eservice.services import months_open
    from bistand.eservice.testing import register_identity

    month = months_open()[0]
    anna, bo, child = (personnummer.normalise(n) for n in (ANNA, BO, CHILD))
    register_household(
        register_simulator, month, [anna, bo], [child], address_key="a1b2c3d4e5f60718"
    )
    get_municipality()
    subs = {
        anna: register_identity(eid, anna, given_name="Anna", family_name="Andersson"),
        bo: register_identity(eid, bo, given_name="Bo", family_name="Berg"),
    }
    return Couple(month=month, provider=eid, anna=anna, bo=bo, child=child, subs=subs)


def offline(context) -> None:
    """Requests to anything but this machine fail at once (the OIDC provider's page asks a
    CDN for its stylesheet; the network is closed and would only make it wait)."""
    from urllib.parse import urlsplit

    def route(route):
        host = urlsplit(route.request.url).hostname or ""
        if host in ("localhost", "127.0.0.1", "::1"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)


@pytest.fixture
def new_page(browser, browser_context_args):
    """``new_page(**context_options)``: a page in a fresh browser context of its own (no
    cookies: another person, another device), offline but for this machine."""
    from playwright.sync_api import expect

    contexts = []

    def make(**options):
        context = browser.new_context(**{**browser_context_args, **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        offline(context)
        contexts.append(context)
        return context.new_page()

    expect.set_options(timeout=TIMEOUT_MS)
    yield make
    for context in contexts:
        context.close()


def eid_log_in(page, couple: Couple, personnummer: str, *, axe=None, then="/mina-sidor/"):
    """Log in through the e-service's login page and the provider's authorisation page."""
    from playwright.sync_api import expect

    sub = couple.subs[personnummer]
    page.goto(f"/mina-sidor/logga-in/?next={then}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Logga in")
    if axe is not None:
        axe(page)
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    # The provider's own page (a stand-in for the e-ID broker's, not ours: not checked by axe).
    page.wait_for_url(f"{couple.provider}/**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"**{then}")
