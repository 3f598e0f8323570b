"""The applicant's contact details on Mina sidor (their own only; consent required; removable)
and what staff see: whether consent exists, never the address; failed notices."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.notifications import services
from bistand.notifications.models import ContactPreference, Notice, Status
from bistand.planning.tests.conftest import log_in_applicant, world  # noqa: F401

URL = "/mina-sidor/aviseringar/"


def test_give_change_and_remove_contact_details(client, world):  # noqa: F811
    log_in_applicant(client, world.anna)
    assert "Lämna e-post eller mobilnummer" in client.get("/mina-sidor/").content.decode()
    response = client.post(URL, {"email": "anna@example.org", "mobile": "070-123 45 67"})
    assert response.status_code == 400
    assert "Kryssa i att du samtycker" in response.content.decode()
    assert 'value="anna@example.org"' in response.content.decode()  # nothing lost
    assert not ContactPreference.objects.exists()
    response = client.post(
        URL, {"email": "anna@example.org", "mobile": "070-123 45 67", "consent": "yes"}
    )
    assert response.status_code == 302
    pref = ContactPreference.objects.get(person=world.anna)
    assert pref.email == "anna@example.org" and pref.mobile == "+46701234567"
    client.post(URL, {"email": "", "mobile": "0701234567", "consent": "yes"})
    pref.refresh_from_db()
    assert pref.email == "" and pref.mobile == "+46701234567"
    client.post(URL, {"remove": "1"})
    assert not ContactPreference.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="notifications.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "notifications.contact_saved",
        "notifications.contact_saved",
        "notifications.contact_removed",
    ]
    for event in AuditEvent.objects.filter(action__startswith="notifications."):
        assert "anna" not in str(event.data) and "070" not in str(event.data)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"email": "inte-en-adress", "consent": "yes"}, "Skriv en e-postadress"),
        ({"mobile": "08-123 456", "consent": "yes"}, "Skriv ett mobilnummer"),
        ({"consent": "yes"}, "Skriv en e-postadress eller ett mobilnummer"),
    ],
)
def test_bad_input_is_a_swedish_error(client, world, data, message):  # noqa: F811
    log_in_applicant(client, world.anna)
    response = client.post(URL, data)
    assert response.status_code == 400 and message in response.content.decode()


def test_attack_reading_another_persons_contact_details(client, world):  # noqa: F811
    services.save_preference(world.other, email="other@example.org", mobile="0709876543")
    log_in_applicant(client, world.anna)
    page = client.get(URL).content.decode()
    assert "other@example.org" not in page and "9876543" not in page
    client.post(URL, {"email": "anna@example.org", "consent": "yes"})
    assert ContactPreference.objects.get(person=world.other).email == "other@example.org"


def test_staff_see_only_whether_consent_exists(client, world):  # noqa: F811
    services.save_preference(world.anna, email="anna@example.org", mobile="0701234567")
    client.force_login(world.users["handlaggare"])
    page = client.get(f"/handlaggning/ansokan/{world.application.pk}/").content.decode()
    assert "har samtyckt till aviseringar" in page
    assert "anna@example.org" not in page and "1234567" not in page


def test_failed_notices_are_visible_to_staff_of_the_case(client, world):  # noqa: F811
    Notice.objects.create(
        person=world.anna,
        case=world.case,
        kind="decision_made",
        channel="email",
        status=Status.FAILED,
        attempts=5,
        failed_at=timezone.now(),
        last_error="ConnectionRefusedError",
    )
    client.force_login(world.users["handlaggare"])
    page = client.get("/handlaggning/aviseringar/misslyckade/").content.decode()
    assert world.case.reference in page and "ConnectionRefusedError" in page
    case_page = client.get(f"/handlaggning/ansokan/{world.application.pk}/").content.decode()
    assert "inte gick att skicka" in case_page
    assert "Misslyckade aviseringar" in client.get("/handlaggning/").content.decode()
    client.force_login(world.users["syd"])  # another unit
    page = client.get("/handlaggning/aviseringar/misslyckade/").content.decode()
    assert world.case.reference not in page
