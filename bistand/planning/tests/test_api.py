"""The planning meetings' API with the pages' permissions, and the applicant's own endpoints
(e-service session, CSRF, only their own case)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from bistand.planning.models import Booking, Slot

from .conftest import log_in_applicant, make_slot

API = "/api/v1/planning/"
MINE = "/api/v1/mina-sidor/planeringsmote/"


def slot_data(world, **changes):
    return {
        "unit": world.north.pk,
        "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
        "minutes": 45,
        "mode": "place",
        "place": "Rum 3",
        **changes,
    }


def test_publish_list_and_withdraw(client, world):
    client.force_login(world.users["ams"])
    response = client.post(f"{API}slots/", slot_data(world), content_type="application/json")
    assert response.status_code == 201, response.content
    slot_id = response.json()["id"]
    assert [s["id"] for s in client.get(f"{API}slots/").json()] == [slot_id]
    assert client.delete(f"{API}slots/{slot_id}/").status_code == 204
    assert Slot.objects.get().withdrawn_at is not None


def test_attack_read_only_and_other_unit_cannot_publish(client, world):
    client.force_login(world.users["granskare"])
    response = client.post(f"{API}slots/", slot_data(world), content_type="application/json")
    assert response.status_code == 403
    client.force_login(world.users["syd"])
    response = client.post(f"{API}slots/", slot_data(world), content_type="application/json")
    assert response.status_code == 403
    response = client.post(
        f"{API}slots/", slot_data(world, place=""), content_type="application/json"
    )
    assert response.status_code == 400
    assert not Slot.objects.exists()
    assert Client().get(f"{API}slots/").status_code == 403


def test_waiting_bookings_and_outcome(client, world):
    slot = make_slot(world, hours=1)
    client.force_login(world.users["ams"])
    waiting = client.get(f"{API}waiting/").json()
    assert {row["case"] for row in waiting} == {world.case.pk, world.other_case.pk}
    assert all(0 < row["remaining_seconds"] <= 24 * 3600 for row in waiting)
    log_in_applicant(applicant := Client(), world.anna)
    assert (
        applicant.post(
            MINE, {"case": world.case.pk, "slot": slot.pk}, content_type="application/json"
        ).status_code
        == 201
    )
    [booking] = client.get(f"{API}bookings/").json()["results"]
    assert booking["case"] == world.case.pk and booking["slot"]["id"] == slot.pk
    response = client.post(
        f"{API}bookings/{booking['id']}/outcome/",
        {"outcome": "not_attended"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["outcome"] == "not_attended"
    client.force_login(world.users["granskare"])
    assert client.get(f"{API}bookings/{booking['id']}/").status_code == 200
    assert (
        client.post(
            f"{API}bookings/{booking['id']}/outcome/",
            {"outcome": "held"},
            content_type="application/json",
        ).status_code
        == 403
    )
    client.force_login(world.users["syd"])
    assert client.get(f"{API}bookings/{booking['id']}/").status_code == 404
    assert client.post(f"{API}cases/{world.case.pk}/invite/").status_code == 404


def test_applicant_books_only_for_their_own_case(world):
    slot = make_slot(world)
    applicant = Client(enforce_csrf_checks=True)
    log_in_applicant(applicant, world.anna)
    offer = applicant.get(MINE).json()
    assert offer["case"] == world.case.pk and [s["id"] for s in offer["slots"]] == [slot.pk]
    # without the CSRF token: refused
    response = applicant.post(
        MINE, {"case": world.case.pk, "slot": slot.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    applicant.get("/mina-sidor/planeringsmote/")
    token = applicant.cookies["csrftoken"].value
    response = applicant.post(
        MINE,
        {"case": world.other_case.pk, "slot": slot.pk},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 403
    response = applicant.post(
        MINE,
        {"case": world.case.pk, "slot": slot.pk},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    assert applicant.get(MINE).json()["booking"]["slot"]["id"] == slot.pk
    assert applicant.delete(MINE, HTTP_X_CSRFTOKEN=token).status_code == 204
    assert Booking.objects.get().cancelled_at is not None
    assert Client().get(MINE).status_code == 403
