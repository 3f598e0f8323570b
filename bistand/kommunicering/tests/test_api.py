"""The REST API: the same permissions as the pages (staff with a role; another unit → 404;
read-only → 403 on writes), and the decision still blocked until answer/deadline/waiver."""

from __future__ import annotations

import pytest

from bistand.decisions import review
from bistand.kommunicering.models import Kommunicering, Waiver
from bistand.kommunicering.services import default_deadline

from .conftest import proposal_of

pytestmark = pytest.mark.django_db


def url(application, tail=""):
    return f"/api/v1/applications/{application.pk}/kommunicering/{tail}"


def test_send_list_read_and_waive(client, world, capped):
    anna = world.users["anna"]
    client.force_login(anna)
    created = client.post(
        url(capped),
        {"material": ["cap-rent"], "text": "Hyran över riktlinjen."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["deadline"] == default_deadline().isoformat()
    assert body["material"]["lines"][0].startswith("Boendekostnad")
    assert "Boendekostnad" in body["material_html"]
    listed = client.get(url(capped)).json()
    assert [k["id"] for k in listed] == [body["id"]]
    one = client.get(f"/api/v1/kommunicering/{body['id']}/")
    assert one.status_code == 200 and one.json()["status"].startswith("väntar på svar")

    # Still blocked: neither the page nor any API path may decide before the answer.
    with pytest.raises(review.KommuniceringNeeded):
        review.approve(proposal_of(capped), user=anna)
    waived = client.post(
        url(capped, "waiver/"),
        {"ground": "nothing_new", "text": "Bara den sökandes egna uppgifter."},
        content_type="application/json",
    )
    assert waived.status_code == 201, waived.content
    assert review.approve(proposal_of(capped), user=anna).decision is not None


def test_bad_input_is_a_400_with_a_swedish_message(client, world, capped):
    client.force_login(world.users["anna"])
    empty = client.post(url(capped), {"material": []}, content_type="application/json")
    assert empty.status_code == 400 and "Välj minst en" in empty.json()["detail"]
    bad = client.post(url(capped, "waiver/"), {"ground": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert not Kommunicering.objects.exists() and not Waiver.objects.exists()


@pytest.mark.parametrize(
    ("user", "read", "write"),
    [("auditor", 200, 403), ("syd", 404, 404), ("norole", 403, 403), (None, 403, 403)],
)
def test_permissions_as_on_the_pages(client, world, capped, user, read, write):
    if user:
        client.force_login(world.users[user])
    assert client.get(url(capped)).status_code == read
    sent = client.post(url(capped), {"text": "x"}, content_type="application/json")
    assert sent.status_code == write
    waived = client.post(
        url(capped, "waiver/"), {"ground": "urgent", "text": "x"}, content_type="application/json"
    )
    assert waived.status_code == write
    assert not Kommunicering.objects.exists() and not Waiver.objects.exists()


def test_another_unit_cannot_read_one(client, world, capped):
    client.force_login(world.users["anna"])
    created = client.post(url(capped), {"text": "Underlag."}, content_type="application/json")
    client.force_login(world.users["syd"])
    assert client.get(f"/api/v1/kommunicering/{created.json()['id']}/").status_code == 404
