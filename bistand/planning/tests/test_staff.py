"""The staff side: publishing slots (and who may not), the queue against the 24-hour clock,
the invitation from the case view, and the meeting's outcome with its plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.planning import services
from bistand.planning.models import Booking, Slot

from .conftest import make_slot, nyansokan


def tomorrow_at(hour: int):
    day = timezone.localdate() + timedelta(days=1)
    return day.isoformat(), f"{hour:02d}:00"


def test_labour_market_secretary_publishes_a_slot(client, world):
    client.force_login(world.users["ams"])
    day, time = tomorrow_at(10)
    response = client.post(
        "/handlaggning/planering/tider/",
        {
            "unit": world.north.pk,
            "day": day,
            "time": time,
            "minutes": "45",
            "mode": "video",
            "place": "https://video.example/rum-7",
        },
    )
    assert response.status_code == 302
    slot = Slot.objects.get()
    assert slot.mode == "video" and slot.unit == world.north and slot.minutes == 45
    assert timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day} {time}"
    assert AuditEvent.objects.filter(action="planning.slot_published").exists()
    assert "rum-7" in client.get("/handlaggning/planering/tider/").content.decode()


def test_bad_slot_input_is_a_swedish_error_and_nothing_is_lost(client, world):
    client.force_login(world.users["ams"])
    day, time = tomorrow_at(10)
    response = client.post(
        "/handlaggning/planering/tider/",
        {
            "unit": world.north.pk,
            "day": day,
            "time": time,
            "minutes": "45",
            "mode": "place",
            "place": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv var mötet hålls" in html and f'value="{day}"' in html
    response = client.post(
        "/handlaggning/planering/tider/",
        {"unit": world.north.pk, "day": "i morgon", "time": "", "minutes": "45", "place": "x"},
    )
    assert response.status_code == 400 and "Skriv dag" in response.content.decode()
    assert not Slot.objects.exists()


def test_attack_read_only_staff_cannot_publish(client, world):
    client.force_login(world.users["granskare"])
    day, time = tomorrow_at(10)
    data = {
        "unit": world.north.pk,
        "day": day,
        "time": time,
        "minutes": "45",
        "mode": "place",
        "place": "Rum 1",
    }
    assert client.post("/handlaggning/planering/tider/", data).status_code == 403
    assert "läsbehörighet" in client.get("/handlaggning/planering/tider/").content.decode()
    assert not Slot.objects.exists()


def test_attack_another_units_slot(client, world):
    client.force_login(world.users["syd"])
    day, time = tomorrow_at(10)
    data = {
        "unit": world.north.pk,
        "day": day,
        "time": time,
        "minutes": "45",
        "mode": "place",
        "place": "Rum 1",
    }
    assert client.post("/handlaggning/planering/tider/", data).status_code == 400
    assert not Slot.objects.exists()
    slot = make_slot(world)
    assert client.post(f"/handlaggning/planering/tider/{slot.pk}/ta-bort/").status_code == 403


def test_queue_counts_the_24_hour_clock_from_arrival(client, world):
    now = timezone.now()
    arrived = now - timedelta(hours=20)
    world.application.submitted_at = arrived
    world.application.save()
    with time_machine.travel(now, tick=False):
        rows = services.waiting(world.users["ams"])
        assert [r.case for r in rows] == [world.case, world.other_case]  # most urgent first
        assert rows[0].deadline == arrived + timedelta(hours=24)
        assert rows[0].remaining == timedelta(hours=4) and not rows[0].overdue
    with time_machine.travel(now + timedelta(hours=5), tick=False):
        row = services.waiting(world.users["ams"])[0]
        assert row.overdue and row.remaining_text.endswith("över tiden")
    client.force_login(world.users["ams"])
    html = client.get("/handlaggning/planering/").content.decode()
    assert world.case.reference in html and "kvar" in html
    assert "/handlaggning/planering/" in client.get("/handlaggning/").content.decode()
    # another unit's caseworker does not see them
    assert services.waiting(world.users["syd"]) == []


def test_a_booked_or_held_meeting_leaves_the_queue(world):
    slot = make_slot(world)
    booking = services.book(world.anna, world.case, slot.pk)
    assert world.case not in [r.case for r in services.waiting(world.users["ams"])]
    assert booking in services.upcoming(world.users["ams"])
    with time_machine.travel(slot.starts_at + timedelta(minutes=50)):
        services.record_outcome(world.users["ams"], booking, "held", "Mål: arbete inom ett år.")
    assert world.case not in [r.case for r in services.waiting(world.users["ams"])]
    assert booking not in services.upcoming(world.users["ams"])


def test_outcome_held_with_plan_on_the_page(client, world, django_capture_on_commit_callbacks):
    slot = make_slot(world, hours=1)
    booking = services.book(world.anna, world.case, slot.pk)
    client.force_login(world.users["ams"])
    url = f"/handlaggning/planering/mote/{booking.pk}/"
    assert (
        client.post(url, {"outcome": "held", "plan": ""}).status_code == 400
    )  # too early / no plan
    with time_machine.travel(slot.starts_at + timedelta(minutes=45)):
        response = client.post(url, {"outcome": "held", "plan": ""})
        assert response.status_code == 400
        assert "Skriv planeringen" in response.content.decode()
        response = client.post(
            url, {"outcome": "held", "plan": "Mål: egen försörjning.\nSteg 1: SFI."}
        )
        assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.outcome == "held" and booking.plan.startswith("Mål")
    event = AuditEvent.objects.get(action="planning.outcome_recorded")
    assert event.data == {"outcome": "held", "plan_chars": len(booking.plan)}
    assert "Steg 1: SFI." in client.get(url).content.decode()


def test_not_attended_and_rebooked_by_staff(world, django_capture_on_commit_callbacks):
    from bistand.notifications import services as notifications
    from bistand.notifications.models import Notice

    notifications.save_preference(world.anna, email="anna@example.org", mobile="")
    first, second = make_slot(world, hours=1), make_slot(world, hours=6)
    booking = services.book(world.anna, world.case, first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_outcome(world.users["ams"], booking, "rebooked", new_slot_id=second.pk)
    assert services.current_booking(world.case).slot == second
    assert Notice.objects.filter(kind="meeting_changed").exists()
    booking = services.current_booking(world.case)
    services.record_outcome(world.users["handlaggare"], booking, "not_attended")
    assert world.case in [r.case for r in services.waiting(world.users["ams"])]


def test_attack_read_only_and_invisible_meetings(client, world):
    slot = make_slot(world)
    booking = services.book(world.anna, world.case, slot.pk)
    url = f"/handlaggning/planering/mote/{booking.pk}/"
    client.force_login(world.users["granskare"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": "not_attended"}).status_code == 403
    client.force_login(world.users["syd"])
    assert client.get(url).status_code == 404
    assert Booking.objects.get().outcome == ""


def test_invitation_from_the_case_view(client, world):
    world.application.state = "decided"
    world.application.save()
    assert world.case not in [r.case for r in services.waiting(world.users["handlaggare"])]
    client.force_login(world.users["handlaggare"])
    page = client.get(f"/handlaggning/ansokan/{world.application.pk}/").content.decode()
    assert "Erbjud planeringsmöte" in page
    response = client.post(f"/handlaggning/ansokan/{world.application.pk}/planering/bjud-in/")
    assert response.status_code == 302
    rows = services.waiting(world.users["handlaggare"])
    assert any(r.case == world.case and r.invited for r in rows)
    client.force_login(world.users["granskare"])
    assert (
        client.post(f"/handlaggning/ansokan/{world.application.pk}/planering/bjud-in/").status_code
        == 403
    )
    client.force_login(world.users["syd"])
    assert (
        client.post(f"/handlaggning/ansokan/{world.application.pk}/planering/bjud-in/").status_code
        == 404
    )


@pytest.mark.parametrize("hours_ago,expected", [(1, "kvar"), (30, "över tiden")])
def test_queue_page_shows_the_clock(client, world, hours_ago, expected):
    world.application.submitted_at = timezone.now() - timedelta(hours=hours_ago)
    world.application.save()
    client.force_login(world.users["handlaggare"])
    assert expected in client.get("/handlaggning/planering/").content.decode()


def test_a_nyansokan_world_helper(world):
    from bistand.cases import seeding

    _, case, _ = nyansokan(seeding.get_municipality(), world.south, "19780202-2389")
    assert services.waiting(world.users["syd"])[0].case == case
