"""The demo's slots: tomorrow in the demo units, bookable by a nyansökan; run twice, made once."""

from __future__ import annotations

from django.utils import timezone

from bistand.planning import demo, services
from bistand.planning.models import Slot
from bistand.staff import access


def test_demo_slots_for_tomorrow_and_the_secretary(world):
    made = demo.seed()
    assert made == Slot.objects.count() > 0
    assert demo.seed() == 0
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert Slot.objects.filter(unit=world.north, starts_at__date=tomorrow).exists()
    offer = services.offered_slots(world.case)
    assert offer.slots and all(s.unit == world.north for s in offer.slots)
    secretary = access.profile(
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.get(username="arbetsmarknad")
    ).user
    assert services.can_plan(secretary) and not access.can_decide(secretary)
    assert world.case in [w.case for w in services.waiting(secretary)]
