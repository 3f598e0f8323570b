"""Mina sidor: the applications with their timeline, the expected decision time, the decision
in HTML and PDF, the payment, the attachments; only for the applicant's own household."""

from __future__ import annotations

import copy
import io
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from pypdf import PdfReader

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Person, State, Transition, Unit
from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
from bistand.cases.states import transition
from bistand.decisions.models import DecisionPolicy
from bistand.eservice import services
from bistand.eservice.models import Attachment
from bistand.eservice.views.minasidor import status_text, timeline
from bistand.robot import pipeline
from bistand.robot.tests.conftest import APPLICANT, CHILD, PARTNER, declared, register_records
from bistand.rules.period import Month

TEST = Actor.system("test")
MONTH = "2025-04"
STRANGER = "19121212-1212"  # someone with a case of their own
STRANGER_CHILD = "20121212-1212"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _case(municipality, adults_and_children, since: Month | None = None):
    unit = Unit.objects.filter(municipality=municipality).order_by("pk").first()
    return open_case(
        municipality,
        [Member(get_or_create_person(p), role) for p, role in adults_and_children],
        actor=TEST,
        unit=unit,
        since=(since or Month(2025, 3)).first_day,
    )


@pytest.fixture
def family(db, register_simulator, settings, tmp_path):
    """Anna (sökande), her partner and child in Exempelkommun, March decided and paid;
    the registers agree with what they declare for April."""
    settings.ATTACHMENT_ROOT = tmp_path / "bilagor"
    settings.ROBOT_LEASE_SECONDS = 60
    municipality = seeding.get_municipality(automated=True)
    case = _case(municipality, [(APPLICANT, "applicant"), (PARTNER, "partner"), (CHILD, "child")])
    seeding.import_history(case, Month(2025, 3), copy.deepcopy(declared()), guidelines=None)
    for number, records in register_records(MONTH).items():
        register_simulator.put_person(number, MONTH, records=records)
    return case


def apply_for_april(case) -> Application:
    return submit_application(case, MONTH, declared(), actor=TEST)


@pytest.fixture
def decided(family) -> Application:
    application = apply_for_april(family)
    assert pipeline.process(application.pk) == "decided"
    application.refresh_from_db()
    return application


@pytest.fixture
def stranger(family):
    """Another household in the same municipality, with an application of its own."""
    case = _case(family.municipality, [(STRANGER, "applicant"), (STRANGER_CHILD, "child")])
    application = submit_application(
        case,
        MONTH,
        {
            **declared(),
            "members": [
                {"personnummer": get_or_create_person(STRANGER).personnummer, "role": "applicant"},
                {
                    "personnummer": get_or_create_person(STRANGER_CHILD).personnummer,
                    "role": "child",
                },
            ],
            "incomes": [],
        },
        actor=TEST,
    )
    return application


def add_file(application: Application, name="hyresavi.pdf", body=b"%PDF-1.4 hyra\n") -> Attachment:
    attachment = Attachment(
        application=application,
        uploaded_by=Person.objects.get(personnummer=APPLICANT),
        kind="rent",
        filename=name,
        content_type="application/pdf",
        size=len(body),
        sha256="0" * 64,
    )
    attachment.file.save("x", ContentFile(body), save=False)
    attachment.save()
    return attachment


def flat(text: str) -> str:
    """Spaces as spaces (amounts use no-break spaces)."""
    return text.replace("&nbsp;", " ").replace("\u00a0", " ").replace("\u202f", " ")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response
    return response.content.decode()


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (State.AWAITING_COSIGNATURE, "Väntar på underskrift"),
        (State.SUBMITTED, "Inkommen"),
        (State.ROBOT_PROCESSING, "Under handläggning"),
        (State.PROPOSAL_READY, "Under handläggning"),
        (State.COMPLETION_REQUESTED, "Komplettering begärd"),
        (State.DECIDED, "Beslut"),
        (State.PAID, "Utbetald"),
        (State.WITHDRAWN, "Återkallad"),
    ],
)
def test_status_in_plain_swedish(state, text):
    assert status_text(state) == text


def steps(application) -> list[tuple[str, str, bool]]:
    return [(s.label, s.status, s.at is not None) for s in timeline(application)]


def test_timeline_from_submitted_to_paid(family):
    application = apply_for_april(family)
    assert steps(application) == [
        ("Inkommen", "current", True),
        ("Under handläggning", "todo", False),
        ("Beslut", "todo", False),
        ("Utbetald", "todo", False),
    ]
    transition(application, State.ROBOT_PROCESSING, actor=TEST)
    assert steps(application)[:2] == [
        ("Inkommen", "done", True),
        ("Under handläggning", "current", True),
    ]
    transition(application, State.PROPOSAL_READY, actor=TEST)
    assert steps(application)[1] == ("Under handläggning", "current", True)
    transition(application, State.COMPLETION_REQUESTED, actor=TEST)
    assert steps(application) == [
        ("Inkommen", "done", True),
        ("Under handläggning", "done", True),
        ("Komplettering begärd", "current", True),
        ("Beslut", "todo", False),
        ("Utbetald", "todo", False),
    ]
    transition(application, State.SUBMITTED, actor=TEST)
    handled_again = [
        ("Inkommen", "done", True),
        ("Under handläggning", "done", True),
        ("Komplettering begärd", "done", True),
        ("Komplettering inkommen", "current", True),
        ("Beslut", "todo", False),
        ("Utbetald", "todo", False),
    ]
    assert steps(application) == handled_again
    assert timeline(application)[3].note == "Ansökan handläggs igen."
    transition(application, State.ROBOT_PROCESSING, actor=TEST)
    transition(application, State.PROPOSAL_READY, actor=TEST)
    assert steps(application) == handled_again
    transition(application, State.DECIDED, actor=TEST)
    assert steps(application)[-2:] == [("Beslut", "current", True), ("Utbetald", "todo", False)]
    transition(application, State.PAID, actor=TEST)
    assert [s for s in steps(application) if s[0] in ("Beslut", "Utbetald")] == [
        ("Beslut", "done", True),
        ("Utbetald", "done", True),
    ]
    # The dates come from the transition log.
    paid_at = Transition.objects.filter(application=application, to_state=State.PAID).get().at
    assert timeline(application)[-1].at == paid_at


def test_timeline_waiting_for_the_partner_and_withdrawn(family):
    application = Application.objects.create(
        case=family, month=MONTH, kind="repeat", declared=declared()
    )
    transition(application, State.AWAITING_COSIGNATURE, actor=TEST)
    assert steps(application) == [
        ("Väntar på underskrift av medsökande", "current", True),
        ("Inkommen", "todo", False),
        ("Under handläggning", "todo", False),
        ("Beslut", "todo", False),
        ("Utbetald", "todo", False),
    ]
    transition(application, State.WITHDRAWN, actor=TEST, reason="medsökande skrev inte under")
    assert steps(application) == [
        ("Väntar på underskrift av medsökande", "done", True),
        ("Återkallad", "done", True),
    ]


def test_home_lists_the_applications_newest_first_with_status(client, eid_login, decided):
    eid_login(client, APPLICANT)
    html = page(client, "/mina-sidor/")
    assert "Ansökan för april 2025" in html and "Ansökan för mars 2025" in html
    assert html.index("april 2025") < html.index("mars 2025")
    assert "Beslut" in html and "Utbetald" in html  # April decided, March paid
    assert "Ansök om ekonomiskt bistånd" in html


def test_the_partner_sees_the_household_s_applications_too(client, eid_login, decided):
    eid_login(client, PARTNER)
    assert f"/mina-sidor/ansokan/{decided.pk}/" in page(client, "/mina-sidor/")
    assert "Ansökan för april 2025" in page(client, f"/mina-sidor/ansokan/{decided.pk}/")


# --------------------------------------------------------------------------- expected time


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (datetime(2025, 4, 8, 10, 15), datetime(2025, 4, 9, 10, 15)),  # Tuesday → Wednesday
        (datetime(2025, 4, 11, 15, 0), datetime(2025, 4, 14, 15, 0)),  # Friday → Monday
        (datetime(2025, 4, 12, 9, 0), datetime(2025, 4, 14, 23, 59)),  # Saturday → Monday
    ],
)
def test_decision_due_within_a_working_day(submitted, due):
    application = Application(submitted_at=submitted.replace(tzinfo=STOCKHOLM))
    assert services.decision_due(application).replace(tzinfo=None) == due


def test_expected_decision_date_is_shown_until_the_decision(client, eid_login, family):
    with time_machine.travel(datetime(2025, 4, 8, 10, 15, tzinfo=STOCKHOLM), tick=True):
        DecisionPolicy.objects.filter(municipality=family.municipality).update(
            automate_clean_repeat_grants=False
        )
        application = apply_for_april(family)
        eid_login(client, APPLICANT)
        html = page(client, f"/mina-sidor/ansokan/{application.pk}/")
        assert "Du får beslut senast onsdag 9 april 2025" in html
        assert "mål" in html
        assert "Inkommen" in html and 'aria-current="step"' in html
        assert pipeline.process(application.pk) == "proposal"
        html = page(client, f"/mina-sidor/ansokan/{application.pk}/")
        assert "Du får beslut senast onsdag 9 april 2025" in html
    with time_machine.travel(datetime(2025, 4, 9, 11, 0, tzinfo=STOCKHOLM), tick=True):
        eid_login(client, APPLICANT)
        html = page(client, f"/mina-sidor/ansokan/{application.pk}/")
        assert "Det tar längre tid än vanligt" in html


# --------------------------------------------------------------------------- the decision


def test_the_decision_in_html_and_as_pdf(client, eid_login, decided):
    person = Person.objects.get(personnummer=APPLICANT)
    eid_login(client, APPLICANT)
    html = page(client, f"/mina-sidor/ansokan/{decided.pk}/")
    assert "Du har fått försörjningsstöd med 9 220 kr för april 2025" in flat(html)
    assert "Ladda ner beslutet som PDF" in html
    assert "Du får beslut senast" not in html
    assert "Planerad utbetalning" not in html and "betalas ut" in html

    letter = client.get(f"/mina-sidor/ansokan/{decided.pk}/beslut/")
    assert letter.status_code == 200
    assert letter["Content-Security-Policy"].startswith("default-src 'none'")
    text = letter.content.decode()
    assert "<h1>Beslut om ekonomiskt bistånd</h1>" in text
    assert family_reference(decided) in text

    pdf = client.get(f"/mina-sidor/ansokan/{decided.pk}/beslut.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    body = b"".join(pdf) if pdf.streaming else pdf.content
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Beslut om ekonomiskt bistånd" in words
    assert family_reference(decided) in words

    views = AuditEvent.objects.filter(
        action="eservice.viewed", actor=Actor.applicant(person), case_id=decided.case_id
    ).values_list("data", flat=True)
    assert {v["view"] for v in views} >= {
        "eservice.application",
        "eservice.decision",
        "eservice.decision_pdf",
    }


def family_reference(application) -> str:
    return application.case.reference


def test_no_decision_yet_is_a_404(client, eid_login, family):
    application = apply_for_april(family)
    eid_login(client, APPLICANT)
    assert client.get(f"/mina-sidor/ansokan/{application.pk}/beslut/").status_code == 404
    assert client.get(f"/mina-sidor/ansokan/{application.pk}/beslut.pdf").status_code == 404


def test_protected_identity_shows_no_personnummer_in_the_decision(client, eid_login, decided):
    services.mark_protected(Person.objects.get(personnummer=APPLICANT))
    eid_login(client, APPLICANT)
    masked = [Person.objects.get(personnummer=p).masked for p in (APPLICANT, PARTNER)]
    html = page(client, f"/mina-sidor/ansokan/{decided.pk}/")
    section = html[html.index('id="beslut"') : html.index('id="meddelanden"')]
    letter = page(client, f"/mina-sidor/ansokan/{decided.pk}/beslut/")
    for number in masked:
        assert number not in section and number not in letter
    assert "Med skyddade personuppgifter anger ni inte er adress" in letter


# --------------------------------------------------------------------------- attachments


def test_the_owner_downloads_an_attachment(client, eid_login, decided):
    attachment = add_file(decided)
    eid_login(client, APPLICANT)
    html = page(client, f"/mina-sidor/ansokan/{decided.pk}/")
    url = f"/mina-sidor/ansokan/{decided.pk}/bilagor/{attachment.pk}/"
    assert url in html and "hyresavi.pdf" in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 hyra\n"
    assert response["Content-Disposition"] == 'attachment; filename="hyresavi.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        action="eservice.viewed", data__attachment=attachment.pk
    ).exists()


def test_a_lakarintyg_is_shown_only_to_the_one_who_sent_it(client, eid_login, decided):
    """Health data (a läkarintyg) is special-category: the other adult of the application sees
    neither its name in the list nor the file (security review 2026-12-06)."""
    medical = add_file(decided, name="lakarintyg-anna.pdf")
    medical.kind = "medical"
    medical.save()
    url = f"/mina-sidor/ansokan/{decided.pk}/bilagor/{medical.pk}/"
    eid_login(client, PARTNER)
    assert "lakarintyg-anna.pdf" not in page(client, f"/mina-sidor/ansokan/{decided.pk}/")
    assert client.get(url).status_code == 404
    client.logout()
    eid_login(client, APPLICANT)
    assert "lakarintyg-anna.pdf" in page(client, f"/mina-sidor/ansokan/{decided.pk}/")
    assert client.get(url).status_code == 200


# --------------------------------------------------------------------------- access


def test_another_household_gets_404_everywhere(client, eid_login, decided, stranger):
    mine = add_file(decided)
    theirs = add_file(stranger, name="deras.pdf")
    eid_login(client, STRANGER)
    for url in (
        f"/mina-sidor/ansokan/{decided.pk}/",
        f"/mina-sidor/ansokan/{decided.pk}/beslut/",
        f"/mina-sidor/ansokan/{decided.pk}/beslut.pdf",
        f"/mina-sidor/ansokan/{decided.pk}/bilagor/{mine.pk}/",
        # Their own application with someone else's file in the URL.
        f"/mina-sidor/ansokan/{stranger.pk}/bilagor/{mine.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/mina-sidor/ansokan/{decided.pk}/", {"message": "1", "meddelande-body": "Hej"}
        ).status_code
        == 404
    )
    home = page(client, "/mina-sidor/")
    assert f"/mina-sidor/ansokan/{decided.pk}/" not in home
    # Their own pages work.
    assert client.get(f"/mina-sidor/ansokan/{stranger.pk}/").status_code == 200
    assert client.get(f"/mina-sidor/ansokan/{stranger.pk}/bilagor/{theirs.pk}/").status_code == 200
    assert not AuditEvent.objects.filter(action="eservice.viewed", case_id=decided.case_id).exists()


def test_not_logged_in_goes_to_the_login(client, decided):
    for url in (
        "/mina-sidor/",
        f"/mina-sidor/ansokan/{decided.pk}/",
        f"/mina-sidor/ansokan/{decided.pk}/beslut.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/mina-sidor/logga-in/?next=")


def test_an_idle_session_expires(client, eid_login, decided, settings):
    settings.EID_SESSION_IDLE_MINUTES = 30
    with time_machine.travel(datetime.now(tz=STOCKHOLM), tick=False) as clock:
        eid_login(client, APPLICANT)
        url = f"/mina-sidor/ansokan/{decided.pk}/"
        assert client.get(url).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(url).status_code == 200  # still active: the minute counts anew
        clock.shift(timedelta(minutes=31))
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/mina-sidor/logga-in/?next=")
        assert client.get("/mina-sidor/").status_code == 302


def test_waiting_for_the_partner_s_signature(client, eid_login, family):
    from datetime import timedelta as days

    from django.utils import timezone

    from bistand.eservice.models import Cosignature

    application = Application.objects.create(
        case=family, month=MONTH, kind="repeat", declared=declared()
    )
    transition(application, State.AWAITING_COSIGNATURE, actor=TEST)
    Cosignature.objects.create(
        application=application,
        partner=Person.objects.get(personnummer=PARTNER),
        expires_at=timezone.now() + days(days=7),
    )
    eid_login(client, PARTNER)
    assert "väntar på din underskrift" in page(client, "/mina-sidor/")
    html = page(client, f"/mina-sidor/ansokan/{application.pk}/")
    assert "Ansökan väntar på din underskrift." in html
    assert f'href="/mina-sidor/underskrift/{application.pk}/"' in html
    assert "Du får beslut senast" not in html
    eid_login(client, APPLICANT)
    html = page(client, f"/mina-sidor/ansokan/{application.pk}/")
    assert "Ansökan skickas in när medsökande har loggat in" in html
    assert "Väntar på underskrift" in page(client, "/mina-sidor/")


def heading_levels(html: str) -> list[int]:
    import re

    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def test_headings_in_order_and_ids_unique(client, eid_login, decided):
    import re

    add_file(decided)
    eid_login(client, APPLICANT)
    for url in ("/mina-sidor/", f"/mina-sidor/ansokan/{decided.pk}/"):
        html = page(client, url)
        levels = heading_levels(html)
        assert levels[0] == 1 and levels.count(1) == 1, url
        assert all(b <= a + 1 for a, b in pairwise(levels)), (url, levels)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), url
