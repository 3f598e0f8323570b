"""A person who once signed a household's application but is not a confirmed member of it
today must not see, book or cancel its planning meeting (the meeting's place may be a
protected address). Security review, 2026-12-06."""

from __future__ import annotations

from django.utils import timezone

from bistand.eservice.models import Signature
from bistand.planning import services
from bistand.planning.models import Booking

from .conftest import log_in_applicant, make_slot

URL = "/mina-sidor/planeringsmote/"


def test_attack_a_signer_who_is_not_a_member_neither_sees_nor_cancels_the_meeting(client, world):
    slot = make_slot(world, hours=3)
    slot.place = "Skyddad adress, rum 9"
    slot.save()
    services.book(world.anna, world.case, slot.pk)
    # Signed the household's application once (e.g. as a partner who has since left).
    Signature.objects.create(
        application=world.application,
        person=world.other,
        role="partner",
        declared_sha256="0" * 64,
        issuer="test",
        authenticated_at=timezone.now(),
        login_ref="review",
    )
    assert [c.pk for c in services.cases_of(world.other)] == [world.other_case.pk]

    log_in_applicant(client, world.other)
    assert "Skyddad adress" not in client.get(URL).content.decode()
    assert "Skyddad adress" not in client.get("/mina-sidor/").content.decode()
    client.post(URL, {"case": world.case.pk, "cancel": "1"})
    assert Booking.objects.get(slot=slot).cancelled_at is None
    listed = client.get("/api/v1/mina-sidor/planeringsmote/")
    assert "Skyddad adress" not in listed.content.decode()
