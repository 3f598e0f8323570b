"""The REST API: the same permissions as the pages (read-only role 403 on writes, another unit
404), the same services (a late appeal refused forwarding, omprövning never lower)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from bistand.appeals import services
from bistand.appeals.models import Appeal, AppealStatus, Channel, Delivery


def _paper(client, decided, arrived_on: date):
    return client.post(
        reverse("api:appeals-list"),
        {
            "application": decided.application_id,
            "text": "Jag överklagar.",
            "arrived_on": arrived_on.isoformat(),
        },
        content_type="application/json",
    )


def test_register_examine_reconsider_forward(client, decided, world):
    client.force_login(world.users["anna"])
    Delivery.objects.create(
        decision=decided, channel=Channel.MINASIDOR, delivered_on=date.today(), recorded_by="t"
    )
    response = _paper(client, decided, date.today())
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(reverse("api:appeals-examine", args=[pk]))
    assert response.json()["timeliness"] == "timely"
    response = client.post(
        reverse("api:appeals-reconsider", args=[pk]),
        {"new_amount_ore": decided.amount_ore - 1, "reasons": "Lägre"},
        content_type="application/json",
    )
    assert response.status_code == 409 and "nackdel" in response.json()["detail"]
    response = client.post(
        reverse("api:appeals-reconsider", args=[pk]),
        {"new_amount_ore": decided.amount_ore + 100, "reasons": "Högre"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["reconsiderations"][0]["new_amount_ore"] == decided.amount_ore + 100
    response = client.post(reverse("api:appeals-forward", args=[pk]), {}, "application/json")
    assert response.json()["status"] == AppealStatus.FORWARDED
    delivery = client.get(reverse("api:appeals-delivery", args=[decided.application_id])).json()
    assert delivery["proven"] is True and delivery["delivered_on"] == date.today().isoformat()


def test_read_only_role_cannot_register_or_forward(client, decided, world):
    appeal = services.register_paper_appeal(
        decided.application, user=world.users["anna"], text="x", arrived_on=date.today()
    )
    services.examine(appeal, user=world.users["anna"])
    client.force_login(world.users["auditor"])
    assert client.get(reverse("api:appeals-detail", args=[appeal.pk])).status_code == 200
    assert _paper(client, decided, date.today()).status_code == 403
    assert client.post(reverse("api:appeals-forward", args=[appeal.pk])).status_code == 403
    response = client.post(
        reverse("api:appeals-delivery", args=[decided.application_id]),
        {"sent_on": "2025-12-02"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Appeal.objects.get().status == AppealStatus.EXAMINED


def test_another_unit_gets_404_and_an_empty_list(client, decided, world):
    appeal = services.register_paper_appeal(
        decided.application, user=world.users["anna"], text="x", arrived_on=date.today()
    )
    client.force_login(world.users["syd"])
    assert client.get(reverse("api:appeals-detail", args=[appeal.pk])).status_code == 404
    assert client.post(reverse("api:appeals-examine", args=[appeal.pk])).status_code == 404
    assert _paper(client, decided, date.today()).status_code == 404
    assert client.get(reverse("api:appeals-list")).json()["count"] == 0
    delivery = reverse("api:appeals-delivery", args=[decided.application_id])
    assert client.get(delivery).status_code == 404


def test_no_role_is_refused(client, decided, world):
    client.force_login(world.users["norole"])
    assert client.get(reverse("api:appeals-list")).status_code == 403


def test_the_list_carries_no_appeal_text_or_statement(client, decided, world):
    """Lists carry ids, references, states and dates (docs/api.md); the appeal's text, the
    statement, the dismissal's reasons and the files' names only in the detail, whose reading
    is access-logged (security review 2026-12-06)."""
    from bistand.audit.models import AuditEvent

    client.force_login(world.users["anna"])
    pk = _paper(client, decided, date.today()).json()["id"]
    opened = AuditEvent.objects.filter(action="case.opened").count()
    row = client.get(reverse("api:appeals-list")).json()["results"][0]
    assert row["id"] == pk and row["status"] and row["arrived_on"] == date.today().isoformat()
    assert not {"text", "statement", "dismissal_reasons", "attachments"} & set(row)
    assert AuditEvent.objects.filter(action="case.opened").count() == opened
    detail = client.get(reverse("api:appeals-detail", args=[pk])).json()
    assert detail["text"] == "Jag överklagar."
