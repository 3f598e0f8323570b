"""Booking a planning meeting on Mina sidor, without JavaScript: the offer within 24 hours,
booking, rebooking, cancelling; and the attacks (another person's case, a taken slot)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.notifications import services as notifications
from bistand.notifications.models import Notice
from bistand.planning import services
from bistand.planning.models import Booking

from .conftest import log_in_applicant, make_slot

URL = "/mina-sidor/planeringsmote/"


def test_home_offers_a_meeting_and_books_one(client, world, django_capture_on_commit_callbacks):
    notifications.save_preference(world.anna, email="anna@example.org", mobile="")
    soon = make_slot(world, hours=3)
    make_slot(world, hours=30)  # beyond 24 hours: not offered while one within is free
    make_slot(world, hours=2, unit=world.south)  # another unit's
    log_in_applicant(client, world.anna)
    home = client.get("/mina-sidor/").content.decode()
    assert "Boka planeringsmöte" in home and URL in home
    page = client.get(URL).content.decode()
    assert f'value="{soon.pk}"' in page and page.count('name="slot"') == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"case": world.case.pk, "slot": soon.pk})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.slot == soon and booking.case == world.case and booking.person == world.anna
    assert booking.application == world.application
    assert Notice.objects.get().kind == "meeting_booked"
    assert AuditEvent.objects.filter(action="planning.booked", case_id=world.case.pk).exists()
    page = client.get(URL).content.decode()
    assert "Ditt bokade möte" in page and "Stadshuset, rum 2" in page
    assert "Du har ett planeringsmöte" in client.get("/mina-sidor/").content.decode()


def test_rebook_and_cancel(client, world, django_capture_on_commit_callbacks):
    notifications.save_preference(world.anna, email="anna@example.org", mobile="")
    first, second = make_slot(world, hours=3), make_slot(world, hours=5)
    log_in_applicant(client, world.anna)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"case": world.case.pk, "slot": first.pk})
        client.post(URL, {"case": world.case.pk, "slot": second.pk})
    live = services.current_booking(world.case)
    assert live.slot == second
    assert Booking.objects.get(slot=first).cancelled_at is not None
    # the first slot is free again for someone else
    assert first in services.offered_slots(world.other_case).slots
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"case": world.case.pk, "cancel": "1"})
    assert services.current_booking(world.case) is None
    assert list(Notice.objects.order_by("pk").values_list("kind", flat=True)) == [
        "meeting_booked",
        "meeting_changed",
        "meeting_changed",
    ]
    # back in the queue
    assert world.case in [w.case for w in services.waiting(world.users["ams"])]


def test_no_slot_chosen_is_a_swedish_error(client, world):
    make_slot(world)
    log_in_applicant(client, world.anna)
    response = client.post(URL, {"case": world.case.pk})
    assert response.status_code == 400
    assert "Välj en tid för mötet." in response.content.decode()
    assert 'href="#slot"' in response.content.decode()


def test_attack_booking_for_another_persons_case(client, world):
    slot = make_slot(world)
    log_in_applicant(client, world.anna)
    response = client.post(URL, {"case": world.other_case.pk, "slot": slot.pk})
    assert response.status_code == 403
    assert not Booking.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.book(world.anna, world.other_case, slot.pk)


def test_attack_a_taken_or_other_units_slot(client, world):
    slot = make_slot(world)
    south = make_slot(world, unit=world.south)
    services.book(world.other, world.other_case, slot.pk)
    log_in_applicant(client, world.anna)
    for chosen in (slot, south):
        response = client.post(URL, {"case": world.case.pk, "slot": chosen.pk})
        assert response.status_code == 400
        assert "inte längre ledig" in response.content.decode()
    assert Booking.objects.count() == 1


def test_offer_extends_beyond_24_hours_only_when_none_within(world):
    later = make_slot(world, hours=40)
    offer = services.offered_slots(world.case)
    assert offer.slots == [later] and not offer.within_clock
    make_slot(world, hours=100)  # beyond the horizon (72 h)
    assert services.offered_slots(world.case).slots == [later]


def test_not_offered_without_a_nyansokan_or_invitation(client, world):
    world.application.state = "decided"
    world.application.save()
    log_in_applicant(client, world.anna)
    assert "Boka planeringsmöte" not in client.get("/mina-sidor/").content.decode()
    assert "inget planeringsmöte att boka" in client.get(URL).content.decode()
    services.invite(world.users["handlaggare"], world.case)
    assert "Boka planeringsmöte" in client.get("/mina-sidor/").content.decode()


def test_not_logged_in_goes_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "logga-in" in response["Location"]


def test_past_slots_are_not_offered(world):
    make_slot(world, hours=-1)
    assert services.offered_slots(world.case, now=timezone.now() + timedelta(0)).slots == []
