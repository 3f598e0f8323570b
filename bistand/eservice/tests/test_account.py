"""Konto för utbetalning: a first-time applicant gives the account the money is paid into,
checked by the bank's rules, confirmed with a fresh e-ID login, audited masked, and paid."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.cases.models import Application, State
from bistand.cases.seeding import get_municipality
from bistand.eservice.demo import register_household
from bistand.eservice.models import Draft
from bistand.eservice.services import months_open
from bistand.payments import services as payments
from bistand.payments.models import PaymentOrder, PayoutAccount

ERIK = "198605211518"  # a first application, alone
MAJA = "197901302625"  # someone else
ADDRESS = "f0e1d2c3b4a59687"

# Valid by Bankgirot's rules (Swedbank 8xxx-x: modulus 10 on the clearing number and account).
CLEARING, ACCOUNT = "8327-9", "014 725 892-5"
MASKED = "8327-9 ••••8925"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alone(register_simulator, settings, tmp_path):
    """Erik, alone at his address according to Skatteverket; payment files in tmp_path."""
    settings.VAR_DIR = tmp_path
    month = months_open()[0]
    register_household(register_simulator, month, [ERIK], [], address_key=ADDRESS)
    get_municipality()
    return month


def fill_in_alone(client, month: str) -> Draft:
    assert client.post("/mina-sidor/ansok/", {"month": month}).status_code == 302
    draft = Draft.objects.get()
    steps = {
        "hushall": {},
        "boende": {"type": "rent", "rooms": "1", "rent": "4 500"},
        "inkomster": {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"},
        "kostnader": {"electricity": "300"},
        "tillgangar": {},
        "ovriga-behov": {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"},
        "forandringar": {"changes": ""},
        "planering": {"af_registered": "yes", "activity": "Söker arbete"},
        "bilagor": {"next": ""},
    }
    for step, data in steps.items():
        response = client.post(f"/mina-sidor/ansok/{draft.pk}/{step}/", data)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    return draft


def grant(application: Application):
    """The robot's proposal, approved by a caseworker of the case's unit."""
    from bistand.decisions.review import approve
    from bistand.robot.pipeline import process
    from bistand.staff.models import Role
    from bistand.staff.testing import make_staff

    assert process(application.pk) == "proposal"  # a nyansökan always goes to a caseworker
    application.refresh_from_db()
    caseworker = make_staff(
        "handlaggare-konto",
        Role.CASEWORKER,
        [application.case.unit] if application.case.unit else [],
        first_name="Anna",
        last_name="Andersson",
    )
    decision = approve(application.proposal, user=caseworker).decision
    application.refresh_from_db()
    assert application.state == State.DECIDED
    return decision


def make_login_old(client, minutes: int = 20) -> None:
    session = client.session
    data = session["eid"]
    data["at"] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session["eid"] = data
    session.save()


def day_file():
    """The day's payment file for the municipality (``ExportResult``)."""
    result = payments.export_batch(
        get_municipality(),
        payments.next_bank_day(timezone.localdate()),
        actor="system:test",
    )
    return result


def test_a_first_time_applicant_gives_an_account_is_granted_and_is_paid_into_it(
    client, eid_login, alone
):
    eid_login(client, ERIK, given_name="Erik", family_name="Lund")
    draft = fill_in_alone(client, alone)

    # The review page says there is no account, and where to give one.
    review = client.get(f"/mina-sidor/ansok/{draft.pk}/granska/").content.decode()
    assert "Vi har inget konto att betala ut till." in review
    change_url = f"/mina-sidor/konto/andra/?next=/mina-sidor/ansok/{draft.pk}/granska/"
    assert change_url in review

    # Just logged in: the form is shown; the account is saved; back to the review.
    form = client.get(change_url)
    assert form.status_code == 200
    assert "Clearingnummer" in form.content.decode()
    saved = client.post(change_url, {"clearing_number": CLEARING, "account_number": ACCOUNT})
    assert saved.status_code == 302
    assert saved["Location"] == f"/mina-sidor/ansok/{draft.pk}/granska/"
    account = PayoutAccount.objects.get()
    assert (account.clearing_number, account.account_number) == ("83279", "0147258925")
    review = client.get(saved["Location"]).content.decode()
    assert f"Vi betalar ut till konto {MASKED}." in review
    assert "0147258925" not in review and "014 725 892-5" not in review

    signed = client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    assert signed.status_code == 302
    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    decision = grant(application)

    result = day_file()
    assert result.batch is not None and result.skipped == []
    order = PaymentOrder.objects.get(decision=decision)
    assert order.batch == result.batch
    assert (order.creditor_clearing, order.creditor_account) == ("83279", "0147258925")
    xml = result.xml_path.read_text(encoding="utf-8")
    assert "<Id>83270147258925</Id>" in xml  # the BBAN: four-digit clearing + account
    csv = result.csv_path.read_text(encoding="utf-8-sig")
    assert "Erik Lund;8327-9, 0147258925;" in csv

    page = client.get(f"/mina-sidor/ansokan/{application.pk}/").content.decode()
    assert f"Till konto {MASKED}." in page
    assert "Vi har inget konto" not in page


def test_granted_without_an_account_says_so_and_is_paid_once_one_is_given(client, eid_login, alone):
    eid_login(client, ERIK, given_name="Erik", family_name="Lund")
    draft = fill_in_alone(client, alone)
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get()
    decision = grant(application)

    # The payment file leaves it out and says why; Mina sidor says the same, with a link.
    result = day_file()
    assert result.batch is None
    assert [s.reason for s in result.skipped] == [payments.MISSING_ACCOUNT]
    page = client.get(f"/mina-sidor/ansokan/{application.pk}/").content.decode()
    assert "kan inte betalas ut förrän du har angett ett konto" in page
    assert "betalas ut " + str(timezone.localdate().year) not in page  # no date promised
    assert 'href="/mina-sidor/konto/andra/"' in page
    home = client.get("/mina-sidor/").content.decode()
    assert "Pengarna kan inte betalas ut förrän du har angett ett konto." in home

    client.post(
        "/mina-sidor/konto/andra/", {"clearing_number": "5839", "account_number": "825 7466"}
    )
    result = day_file()
    order = PaymentOrder.objects.get(decision=decision)
    assert order.batch == result.batch
    assert (order.creditor_clearing, order.creditor_account) == ("5839", "8257466")
    page = client.get(f"/mina-sidor/ansokan/{application.pk}/").content.decode()
    assert "kan inte betalas ut förrän" not in page
    assert "Till konto 5839 ••••7466." in page


@pytest.mark.parametrize(
    ("clearing", "account", "field", "message"),
    [
        ("83", ACCOUNT, "clearing_number", "Clearingnumret ska vara fyra siffror"),
        ("8327-0", ACCOUNT, "clearing_number", "Clearingnumrets femte siffra stämmer inte."),
        ("5839", "825 7467", "account_number", "kontrollsiffran är fel"),
        ("5839", "825 746", "account_number", "Kontonumret ska ha 7 siffror"),
        ("6114", "5171 8235x", "account_number", "Kontonummer får bara innehålla siffror"),
        ("", "", "clearing_number", "Ange clearingnummer."),
    ],
)
def test_a_wrong_account_is_explained_next_to_the_field_and_nothing_is_saved(
    client, eid_login, alone, clearing, account, field, message
):
    eid_login(client, ERIK)
    response = client.post(
        "/mina-sidor/konto/andra/", {"clearing_number": clearing, "account_number": account}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fel:" in html
    assert f'id="id_{field}-error"' in html  # next to the field
    error = html.split(f'id="id_{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f'href="#id_{field}"' in html  # and in the summary at the top, as a link
    assert not PayoutAccount.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="payment.account").exists()


def test_a_change_without_a_fresh_login_goes_through_e_id_first(client, eid_login, alone, eid):
    eid_login(client, ERIK)
    client.post(
        "/mina-sidor/konto/andra/", {"clearing_number": "5839", "account_number": "8257466"}
    )
    first = PayoutAccount.objects.get()

    make_login_old(client)
    # The form is not shown on a login older than 15 minutes: first the e-ID again.
    page = client.get("/mina-sidor/konto/andra/")
    assert page.status_code == 200
    assert "Legitimera dig för att ange konto" in page.content.decode()
    # A form posted anyway saves nothing and goes to the broker with prompt=login.
    posted = client.post(
        "/mina-sidor/konto/andra/", {"clearing_number": CLEARING, "account_number": ACCOUNT}
    )
    assert posted.status_code == 302
    location = urlsplit(posted["Location"])
    assert location.path == "/mina-sidor/logga-in/start/"
    assert parse_qs(location.query) == {"next": ["/mina-sidor/konto/andra/"], "igen": ["1"]}
    broker = client.get(posted["Location"])
    assert broker.status_code == 302
    assert parse_qs(urlsplit(broker["Location"]).query)["prompt"] == ["login"]
    first.refresh_from_db()
    assert first.account_number == "8257466"

    # Logged in again: the change is made, and audited with the accounts masked only.
    eid_login(client, ERIK, next="/mina-sidor/konto/andra/", again=True)
    changed = client.post(
        "/mina-sidor/konto/andra/", {"clearing_number": CLEARING, "account_number": ACCOUNT}
    )
    assert changed.status_code == 302 and changed["Location"] == "/mina-sidor/konto/"
    first.refresh_from_db()
    assert first.account_number == "0147258925"
    events = AuditEvent.objects.filter(action="payment.account_changed").order_by("pk")
    assert [(e.data["previous"], e.data["new"]) for e in events] == [
        ("", "5839 ••••7466"),
        ("5839 ••••7466", MASKED),
    ]
    assert all(e.actor == f"applicant:{first.person_id}" for e in events)
    stored = json.dumps([e.data for e in events], ensure_ascii=False)
    for secret in ("8257466", "0147258925", ERIK, ERIK[2:]):
        assert secret not in stored
    # The history keeps the earlier account: which account was paid stays answerable.
    versions = payments.account_changes(first.person)
    assert [v.account for v in versions] == [MASKED, "5839 ••••7466"]
    assert all(v.by_applicant for v in versions)


def test_nobody_sees_or_changes_another_person_s_account(client, eid_login, alone):
    eid_login(client, ERIK)
    client.post(
        "/mina-sidor/konto/andra/", {"clearing_number": CLEARING, "account_number": ACCOUNT}
    )
    eriks = PayoutAccount.objects.get()

    other = client.__class__()
    eid_login(other, MAJA)
    page = other.get("/mina-sidor/konto/").content.decode()
    assert "Vi har inget konto att betala ut till." in page
    assert "8925" not in page
    # Nothing in a form or a URL names whose account: Maja's change is Maja's.
    other.post(
        "/mina-sidor/konto/andra/",
        {"clearing_number": "5839", "account_number": "8257466", "person": eriks.person_id},
    )
    eriks.refresh_from_db()
    assert eriks.account_number == "0147258925"
    majas = PayoutAccount.objects.exclude(pk=eriks.pk).get()
    assert majas.person.personnummer.endswith(MAJA[-4:])
    # Not logged in: the login page, never an account.
    anonymous = client.__class__()
    for url in ("/mina-sidor/konto/", "/mina-sidor/konto/andra/"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/mina-sidor/logga-in/")


def test_only_a_page_of_mina_sidor_is_a_place_to_return_to(client, eid_login, alone):
    eid_login(client, ERIK)
    for target in ("https://example.com/", "//example.com/", "/handlaggning/"):
        response = client.post(
            f"/mina-sidor/konto/andra/?next={target}",
            {"clearing_number": "5839", "account_number": "8257466"},
        )
        assert response["Location"] == "/mina-sidor/konto/"


def test_the_account_register_is_offered_when_the_municipality_uses_it(
    client, eid_login, alone, settings
):
    """The alternative: paid into the account the person has in Kontoregistret, looked up
    when the file is made (here the local stand-in)."""
    settings.PAYOUT_METHODS = ["bank_account", "account_register"]
    settings.PAYOUT_ACCOUNT_REGISTER_LOCAL = {ERIK: "5839, 8257466"}
    eid_login(client, ERIK, given_name="Erik", family_name="Lund")
    form = client.get("/mina-sidor/konto/andra/").content.decode()
    assert "Kontoregistret" in form
    client.post("/mina-sidor/konto/andra/", {"method": "account_register"})
    account = PayoutAccount.objects.get()
    assert account.uses_register and account.account_number == ""

    draft = fill_in_alone(client, alone)
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    decision = grant(Application.objects.get())
    day_file()
    order = PaymentOrder.objects.get(decision=decision)
    assert (order.creditor_clearing, order.creditor_account) == ("5839", "8257466")
