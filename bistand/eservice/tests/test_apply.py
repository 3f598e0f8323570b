"""The application's steps, validation, drafts, signing and permissions, one rule per test."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.cases.models import Application, ApplicationKind, Person, State
from bistand.cases.seeding import get_municipality
from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
from bistand.eservice import services
from bistand.eservice.demo import AF_REGISTERED
from bistand.eservice.models import Attachment, Cosignature, Draft, Step
from bistand.eservice.services import EserviceError, SignerLogin, months_open

SOLO = "197901302625"
ANNA = "198504122386"
BO = "198307151236"
OTHER = "199003152387"


@pytest.fixture
def municipality(db):
    return get_municipality()


@pytest.fixture
def month():
    return months_open()[0]


def register_alone(simulator, number: str, month: str, *, protected: bool = False) -> None:
    skv = [{"kind": "protected_identity", "protected": protected}]
    simulator.put_person(number, month, records={"SKV": skv, "AF": [AF_REGISTERED]})


def complete(draft: Draft, **data) -> Draft:
    """A draft with every step answered (a single person renting)."""
    draft.data.update(
        {
            "housing": {"type": "rent", "rooms": 1},
            "costs": [{"type": "rent", "amount": "6500.00"}],
            "planning": {"af_registered": True, "activity": ""},
            **data,
        }
    )
    draft.steps_done = list(Step.values)
    draft.save()
    return draft


def login_now() -> SignerLogin:
    return SignerLogin("http://e-id.test", "ref-1", timezone.now())


# --------------------------------------------------------------------------- login


def test_without_a_configured_e_id_the_login_page_says_so(client, settings, db):
    settings.EID_OIDC_ISSUER = ""
    page = client.get("/mina-sidor/logga-in/")
    assert page.status_code == 503
    assert "Inloggning med e-legitimation är inte igång" in page.content.decode()


def test_pages_need_a_login(client, db):
    response = client.get("/mina-sidor/ansok/")
    assert response.status_code == 302
    assert response["Location"].startswith("/mina-sidor/logga-in/?next=")


def test_a_callback_with_an_unknown_state_logs_nobody_in(client, eid, db):
    response = client.get("/mina-sidor/logga-in/klar/", {"code": "x", "state": "forged"})
    assert response.status_code == 302
    assert "eid" not in client.session
    assert "kunde inte godkännas" in client.get(response["Location"]).content.decode()


def test_an_id_token_without_a_personnummer_is_refused(client, eid_login, db):
    eid_login(client, SOLO, with_personnummer=False, given_name="Maja")
    assert "eid" not in client.session
    assert not Person.objects.exists()


def test_login_takes_the_personnummer_from_the_id_token_and_audits_without_it(
    client, eid_login, db
):
    eid_login(client, SOLO, given_name="Maja", family_name="Ek")
    person = get_or_create_person(SOLO)
    assert client.session["eid"]["person"] == person.pk
    assert (person.given_name, person.family_name) == ("Maja", "Ek")
    event = AuditEvent.objects.get(action="eservice.login")
    assert event.actor == f"applicant:{person.pk}"
    assert SOLO not in str(client.session.items())
    assert "Inloggad som" in client.get("/mina-sidor/").content.decode()


def test_logging_out_ends_the_session_and_the_providers(client, eid_login, eid, db):
    eid_login(client, SOLO)
    response = client.post("/mina-sidor/logga-ut/")
    assert response["Location"].startswith(f"{eid}/oauth2/end_session?id_token_hint=")
    assert "eid" not in client.session
    assert client.get("/mina-sidor/").status_code == 302


def test_the_session_ends_after_the_idle_time_and_the_maximum(client, eid_login, settings, db):
    settings.EID_SESSION_IDLE_MINUTES = 30
    settings.EID_SESSION_MAX_MINUTES = 240
    eid_login(client, SOLO)
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get("/mina-sidor/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=70)):
        assert client.get("/mina-sidor/").status_code == 302
    eid_login(client, SOLO)
    start = timezone.now()
    for minutes in range(20, 241, 20):  # active all the time, but not longer than the maximum
        with time_machine.travel(start + timedelta(minutes=minutes)):
            status = client.get("/mina-sidor/").status_code
    assert status == 302


# --------------------------------------------------------------------------- steps and drafts


@pytest.fixture
def solo(client, eid_login, register_simulator, municipality, month):
    register_alone(register_simulator, SOLO, month)
    eid_login(client, SOLO)
    client.post("/mina-sidor/ansok/", {"month": month})
    return Draft.objects.get()


def test_the_draft_is_saved_at_each_step_and_resumed(client, solo):
    response = client.post(
        f"/mina-sidor/ansok/{solo.pk}/boende/",
        {"type": "rent", "rooms": "2", "rent": "7 100", "later": ""},
    )
    assert response["Location"] == "/mina-sidor/"
    solo.refresh_from_db()
    assert solo.data["costs"] == [{"type": "rent", "amount": "7100.00"}]
    assert solo.steps_done == ["boende"]
    # Starting again gives the same draft, with its answers.
    again = client.post("/mina-sidor/ansok/", {"month": solo.month})
    assert again["Location"] == f"/mina-sidor/ansok/{solo.pk}/hushall/"
    page = client.get(f"/mina-sidor/ansok/{solo.pk}/boende/").content.decode()
    assert 'value="7100.00"' in page
    assert Draft.objects.count() == 1


@pytest.mark.parametrize(
    ("step", "data", "field", "message"),
    [
        ("boende", {"type": "rent", "rent": ""}, "rent", "Skriv vad du betalar för bostaden"),
        ("boende", {"type": "rent", "rent": "12,345"}, "rent", "Skriv beloppet i kronor"),
        ("boende", {"type": "rent", "rent": "-5"}, "rent", "kan inte vara mindre än noll"),
        ("kostnader", {"electricity": "tusen"}, "electricity", "Skriv beloppet i kronor"),
        ("planering", {"af_registered": "no"}, "not_registered_reason", "Berätta varför"),
        ("planering", {}, "af_registered", "Svara ja eller nej"),
        ("boende", {"rent": "5000"}, "type", "Välj hur du bor"),
        (
            "boende",
            {"type": "sublet", "rent": "5000"},
            "sublet_consent",
            "Svara om hyresvärden eller styrelsen har godkänt andrahandsuthyrningen",
        ),
        (
            "hushall",
            {"new_personnummer": "19850412-0000", "new_role": "child"},
            "new_personnummer",
            "Skriv personnumret med 12 siffror",
        ),
        ("hushall", {"new_role": "child"}, "new_personnummer", "Fyll i både personnummer"),
    ],
)
def test_a_wrong_answer_is_explained_next_to_the_field_and_at_the_top(
    client, solo, step, data, field, message
):
    response = client.post(f"/mina-sidor/ansok/{solo.pk}/{step}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Det finns fel i formuläret" in page
    assert f'id="id_{field}-error"' in page  # next to the field
    assert page.count(message) >= 2  # in the summary at the top, and next to the field
    assert f'href="#id_{field}' in page
    solo.refresh_from_db()
    assert step not in solo.steps_done


def test_amounts_are_read_as_people_write_them(client, solo):
    client.post(f"/mina-sidor/ansok/{solo.pk}/boende/", {"type": "rent", "rent": "6 250,50 kr"})
    solo.refresh_from_db()
    assert solo.data["costs"] == [{"type": "rent", "amount": "6250.50"}]


def test_a_person_the_register_did_not_know_can_be_added(client, solo):
    client.post(
        f"/mina-sidor/ansok/{solo.pk}/hushall/",
        {"new_personnummer": "20150303-2383", "new_role": "child"},
    )
    solo.refresh_from_db()
    assert solo.data["members"][-1] == {"personnummer": "201503032383", "role": "child"}


def test_incomes_get_one_more_row_without_javascript(client, solo):
    page = client.post(
        f"/mina-sidor/ansok/{solo.pk}/inkomster/",
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "add_row": ""},
    ).content.decode()
    assert 'name="form-1-amount"' in page
    solo.refresh_from_db()
    assert "inkomster" not in solo.steps_done


def test_one_can_apply_for_this_month_or_the_next_only(client, solo):
    response = client.post("/mina-sidor/ansok/", {"month": "2020-01"}, follow=True)
    assert "innevarande eller nästa månad" in response.content.decode()
    assert Draft.objects.count() == 1


def test_another_persons_draft_is_not_found(client, solo, eid_login):
    other = Client()
    eid_login(other, OTHER)
    assert other.get(f"/mina-sidor/ansok/{solo.pk}/boende/").status_code == 404
    assert other.get(f"/mina-sidor/ansok/{solo.pk}/granska/").status_code == 404
    assert other.post(f"/mina-sidor/ansok/{solo.pk}/ta-bort/").status_code == 404
    assert Draft.objects.filter(pk=solo.pk).exists()


# --------------------------------------------------------------------------- signing


def test_a_single_applicant_is_submitted_at_once(client, solo):
    complete(solo)
    client.post(f"/mina-sidor/ansok/{solo.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    assert application.kind == ApplicationKind.FIRST
    assert application.case.unit is not None  # a unit sees the new case
    assert not Cosignature.objects.exists()


def test_signing_needs_the_confirmation(client, solo):
    complete(solo)
    page = client.post(f"/mina-sidor/ansok/{solo.pk}/granska/", {}).content.decode()
    assert "Kryssa i att uppgifterna stämmer" in page
    assert not Application.objects.exists()


def test_an_old_login_must_prove_itself_again_before_signing(client, solo, settings):
    complete(solo)
    settings.EID_SIGN_WITHIN_MINUTES = 15
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        response = client.post(f"/mina-sidor/ansok/{solo.pk}/granska/", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/mina-sidor/logga-in/?next=")
    assert "igen=1" in response["Location"]
    assert not Application.objects.exists()


def test_a_draft_with_missing_steps_cannot_be_signed(client, solo):
    page = client.post(f"/mina-sidor/ansok/{solo.pk}/granska/", {"confirm": "on"})
    assert "De här stegen är inte ifyllda än" in page.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_signings_at_once_make_one_application(register_simulator, month):
    get_municipality()
    register_alone(register_simulator, SOLO, month)
    person = get_or_create_person(SOLO)
    draft = complete(services.start_draft(person, month))
    results, errors = [], []

    def sign():
        try:
            results.append(services.sign(Draft.objects.get(pk=draft.pk), person, login_now()).pk)
        except Exception as exc:  # the test reports what went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert Application.objects.count() == 1


def test_nobody_else_can_sign_the_draft(solo):
    complete(solo)
    with pytest.raises(EserviceError):
        services.sign(solo, get_or_create_person(OTHER), login_now())


# --------------------------------------------------------------------------- co-signing


@pytest.fixture
def awaiting(municipality, month):
    """Anna signed an application naming Bo as her partner."""
    anna = get_or_create_person(ANNA)
    draft = Draft.objects.create(
        person=anna,
        month=month,
        kind=ApplicationKind.FIRST,
        data={
            "members": [
                {"personnummer": ANNA, "role": "applicant"},
                {"personnummer": BO, "role": "partner"},
            ]
        },
    )
    return services.sign(complete(draft), anna, login_now())


def test_only_the_partner_named_in_the_application_can_sign(awaiting, client, eid_login):
    assert awaiting.state == State.AWAITING_COSIGNATURE
    eid_login(client, OTHER)
    assert client.get(f"/mina-sidor/underskrift/{awaiting.pk}/").status_code == 404
    with pytest.raises(EserviceError):
        services.cosign(awaiting, get_or_create_person(OTHER), login_now())
    # nor with the first signer's login
    with pytest.raises(EserviceError):
        services.cosign(awaiting, get_or_create_person(BO), login_now())
    awaiting.refresh_from_db()
    assert awaiting.state == State.AWAITING_COSIGNATURE


def test_the_partner_is_reminded_and_the_application_expires(awaiting, settings):
    settings.COSIGN_REMIND_DAYS = 3
    settings.COSIGN_EXPIRY_DAYS = 14
    now = timezone.now()
    assert services.remind_and_expire(now + timedelta(days=1)) == {"reminded": 0, "expired": 0}
    assert services.remind_and_expire(now + timedelta(days=4)) == {"reminded": 1, "expired": 0}
    assert services.remind_and_expire(now + timedelta(days=5)) == {"reminded": 0, "expired": 0}
    assert AuditEvent.objects.filter(action="eservice.cosign_reminder").count() == 1
    assert services.remind_and_expire(now + timedelta(days=15)) == {"reminded": 0, "expired": 1}
    awaiting.refresh_from_db()
    assert awaiting.state == State.WITHDRAWN
    with pytest.raises(EserviceError, match="gått ut"):
        services.cosign(
            awaiting, get_or_create_person(BO), SignerLogin("x", "ref-2", timezone.now())
        )


# --------------------------------------------------------------------------- återansökan


def test_a_repeat_application_starts_from_last_month_and_nothing_changed_is_one_step(
    client, eid_login, register_simulator, municipality, month
):
    person = get_or_create_person(SOLO)
    case = open_case(municipality, [Member(person, "applicant")], actor="system:test")
    last_month = f"{(timezone.localdate().replace(day=1) - timedelta(days=1)):%Y-%m}"
    declared = {
        "members": [{"personnummer": SOLO, "role": "applicant"}],
        "housing": {"type": "rent", "rooms": 1},
        "costs": [{"type": "rent", "amount": "6100.00"}],
        "incomes": [],
        "other_needs": [{"description": "Glasögon", "amount": "1500.00"}],
        "changes": "Ny hyra",
        "planning": {"af_registered": True},
    }
    previous = submit_application(case, last_month, declared, actor="system:test")
    Application.objects.filter(pk=previous.pk).update(state=State.PAID)
    eid_login(client, SOLO)
    start = client.post("/mina-sidor/ansok/", {"month": month})
    draft = Draft.objects.get()
    assert start["Location"] == f"/mina-sidor/ansok/{draft.pk}/ateransokan/"
    assert draft.kind == ApplicationKind.REPEAT
    assert draft.data["costs"] == declared["costs"]
    assert draft.data["other_needs"] == [] and draft.data["changes"] == ""  # asked anew
    page = client.get(start["Location"]).content.decode()
    assert "Inget har ändrats" in page and "6\xa0100\xa0kr" in page
    review = client.post(start["Location"], {"choice": "unchanged"})
    assert review["Location"] == f"/mina-sidor/ansok/{draft.pk}/granska/"
    client.post(review["Location"], {"confirm": "on"})
    application = Application.objects.get(month=month)
    assert application.kind == ApplicationKind.REPEAT
    assert application.state == State.SUBMITTED


# --------------------------------------------------------------------------- protected identity


def test_protected_identity_marks_the_person_and_restricts_the_case(
    client, eid_login, register_simulator, municipality, month
):
    register_alone(register_simulator, SOLO, month, protected=True)
    eid_login(client, SOLO)
    client.post("/mina-sidor/ansok/", {"month": month})
    draft = complete(Draft.objects.get())
    person = get_or_create_person(SOLO)
    assert person.protected_identity
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get()
    assert application.case.restricted


# --------------------------------------------------------------------------- attachments


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, draft, content: bytes, name: str = "hyresavi.pdf"):
    return client.post(
        f"/mina-sidor/ansok/{draft.pk}/bilagor/",
        {"upload": "", "kind": "rent", "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def attachment_root(settings, tmp_path):
    """Attachments in a folder of the test's own."""
    from django.utils.functional import empty

    from bistand.eservice.models import attachment_storage

    settings.ATTACHMENT_ROOT = tmp_path / "bilagor"
    attachment_storage._wrapped = empty
    yield settings.ATTACHMENT_ROOT
    attachment_storage._wrapped = empty


def test_an_attachment_is_stored_outside_the_web_root(client, solo, settings, attachment_root):
    response = upload(client, solo, PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.file.path.startswith(str(attachment_root))
    assert "hyresavi" not in attachment.file.name  # stored under a random name
    assert not str(attachment.file.path).startswith(str(settings.STATIC_ROOT))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a document", "måste vara en PDF, JPG eller PNG"),
        (b"%PDF-" + b"0" * 2048, "för stor"),
    ],
)
def test_a_wrong_or_too_large_file_is_refused_with_a_message(
    client, solo, settings, attachment_root, content, message
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    page = upload(client, solo, content).content.decode()
    assert message in page
    assert not Attachment.objects.exists()


# --------------------------------------------------------------------------- second-hand let


def test_a_second_hand_tenant_is_asked_about_the_landlords_consent(client, solo):
    page = client.get(f"/mina-sidor/ansok/{solo.pk}/boende/").content.decode()
    assert "Om du hyr i andra hand: har hyresvärden" in page
    assert "Samtycke till andrahandsuthyrning" in page  # the hint names the attachment kind
    response = client.post(
        f"/mina-sidor/ansok/{solo.pk}/boende/",
        {"type": "sublet", "sublet_consent": "dont_know", "rooms": "1", "rent": "7 400"},
    )
    assert response.status_code == 302
    solo.refresh_from_db()
    assert solo.data["housing"] == {"type": "sublet", "rooms": 1, "sublet_consent": "dont_know"}
    page = client.get(f"/mina-sidor/ansok/{solo.pk}/boende/").content.decode()
    assert 'value="dont_know" checked' in page  # the answer is kept when coming back


def test_the_consent_answer_is_not_kept_for_a_first_hand_lease(client, solo):
    client.post(
        f"/mina-sidor/ansok/{solo.pk}/boende/",
        {"type": "rent", "sublet_consent": "no", "rent": "7 400"},
    )
    solo.refresh_from_db()
    assert solo.data["housing"] == {"type": "rent"}


def test_the_consent_and_its_attachment_are_recorded_when_signing(client, solo, attachment_root):
    complete(solo, housing={"type": "sublet", "rooms": 1, "sublet_consent": "yes"})
    review = client.get(f"/mina-sidor/ansok/{solo.pk}/granska/").content.decode()
    assert "Hyresvärden eller styrelsen har godkänt andrahandsuthyrningen" in review
    assert "Hyr i andra hand" in review
    response = client.post(
        f"/mina-sidor/ansok/{solo.pk}/bilagor/",
        {"upload": "", "kind": "sublet", "file": SimpleUploadedFile("samtycke.pdf", PDF)},
    )
    assert response.status_code == 302
    assert Attachment.objects.get().get_kind_display() == "Samtycke till andrahandsuthyrning"
    application = services.sign(solo, get_or_create_person(SOLO), login_now())
    assert application.declared["housing"] == {
        "type": "sublet",
        "rooms": 1,
        "sublet_consent": "yes",
        "sublet_consent_attachment": True,
    }


def test_without_the_attachment_the_consent_is_recorded_as_not_attached(solo):
    complete(solo, housing={"type": "sublet", "sublet_consent": "yes"})
    application = services.sign(solo, get_or_create_person(SOLO), login_now())
    assert application.declared["housing"]["sublet_consent_attachment"] is False
    from bistand.eservice.views.summary import summary

    rows = dict(
        next(s for s in summary(application.declared, application.month) if s["step"] == "boende")[
            "rows"
        ]
    )
    assert rows["Samtycket finns som bilaga"] == "Nej"
    assert rows["Hyresvärden eller styrelsen har godkänt andrahandsuthyrningen"] == "Ja"
