"""The notifications' API: the applicant's own contact details; staff see only consent."""

from __future__ import annotations

from django.test import Client

from bistand.notifications import services
from bistand.planning.tests.conftest import log_in_applicant, world  # noqa: F401

MINE = "/api/v1/mina-sidor/aviseringar/"


def test_applicant_sets_reads_and_removes_their_own(world):  # noqa: F811
    services.save_preference(world.other, email="other@example.org", mobile="")
    applicant = Client()
    log_in_applicant(applicant, world.anna)
    assert applicant.get(MINE).status_code == 404  # none yet; never someone else's
    response = applicant.put(
        MINE,
        {"email": "anna@example.org", "mobile": "070 123 45 67"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "consent" in response.json()
    response = applicant.put(
        MINE,
        {"email": "anna@example.org", "mobile": "070 123 45 67", "consent": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert applicant.get(MINE).json()["mobile"] == "+46701234567"
    assert applicant.delete(MINE).status_code == 204
    assert applicant.get(MINE).status_code == 404
    assert services.preference(world.other).email == "other@example.org"
    assert Client().get(MINE).status_code == 403


def test_staff_see_consent_not_addresses(client, world):  # noqa: F811
    services.save_preference(world.anna, email="anna@example.org", mobile="0701234567")
    client.force_login(world.users["handlaggare"])
    response = client.get(f"/api/v1/notifications/cases/{world.case.pk}/consent/")
    assert response.json() == [{"role": "applicant", "consent": True}]
    assert "anna@example.org" not in response.content.decode()
    assert client.get(MINE).status_code == 403  # staff are not the applicant
    client.force_login(world.users["syd"])
    assert client.get(f"/api/v1/notifications/cases/{world.case.pk}/consent/").status_code == 404
    assert client.get("/api/v1/notifications/failed/").json()["results"] == []
