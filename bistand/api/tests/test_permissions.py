"""Who sees what through the API: the same rules as the caseworker pages.

A caseworker sees their units' cases, the administrator and the auditor the whole
municipality, a case with protected identity only staff granted it; what one may not see is
404 ("not found"), never 403; without a role nothing at all.
"""

from __future__ import annotations

import pytest

from bistand.audit.models import AuditEvent

ENDPOINTS = {
    # name: (list URL, the world's objects of that kind)
    "cases": ("/api/v1/cases/", "cases"),
    "applications": ("/api/v1/applications/", "applications"),
    "decisions": ("/api/v1/decisions/", "decisions"),
    "payments": ("/api/v1/payments/", "payments"),
}

VISIBLE = {
    "caseworker_north": {"north"},
    "caseworker_south": {"south"},
    "team_lead": {"north", "south", "hidden"},  # both units, protected identity granted
    "administrator": {"north", "south"},  # whole municipality, no protected identity
    "auditor": {"north", "south", "hidden"},
    "other_municipality": set(),
}


def listed_cases(response, kind) -> set[int]:
    results = response.json()["results"]
    if kind == "cases":
        return {row["id"] for row in results}
    return {row["case"] for row in results}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", VISIBLE)
def test_lists_and_details_follow_the_access_rules(client, world, who, endpoint):
    url, kind = ENDPOINTS[endpoint]
    client.force_login(world.users[who])
    expected = {world.cases[name].pk for name in VISIBLE[who]}

    listing = client.get(url)
    assert listing.status_code == 200
    assert listed_cases(listing, kind) == expected

    for name, obj in getattr(world, kind).items():
        detail = client.get(f"{url}{obj.pk}/")
        case_id = world.cases[name].pk
        logged = AuditEvent.objects.filter(action="case.opened", case_id=case_id)
        if name in VISIBLE[who]:
            assert detail.status_code == 200, (who, name)
            event = logged.get()
            assert event.actor.startswith(f"user:{world.users[who].pk}")
            assert event.data == {"purpose": "API", "view": f"api.{endpoint[:-1]}-detail"}
        else:
            assert detail.status_code == 404, (who, name)
            assert not logged.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ["no_role", "no_profile"])
def test_staff_without_a_role_get_nothing(client, world, django_user_model, who, endpoint):
    user = (
        world.users["no_role"]
        if who == "no_role"
        else django_user_model.objects.create_user("utan-profil", password="x")
    )
    client.force_login(user)
    url, kind = ENDPOINTS[endpoint]
    assert client.get(url).status_code == 403
    some = next(iter(getattr(world, kind).values()))
    assert client.get(f"{url}{some.pk}/").status_code == 403
    assert not AuditEvent.objects.filter(action="case.opened").exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_refused(client, world, endpoint):
    url, kind = ENDPOINTS[endpoint]
    some = next(iter(getattr(world, kind).values()))
    for response in (client.get(url), client.get(f"{url}{some.pk}/")):
        assert response.status_code in (401, 403)
        assert "results" not in response.json()


def test_an_inactive_user_is_refused(client, world):
    user = world.users["auditor"]
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/cases/").status_code in (401, 403)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ["auditor", "administrator", "caseworker_north"])
def test_nothing_can_be_written(client, world, who, endpoint):
    """The API reads; decisions are made in the workspace. Not even the auditor's read-only
    role has to be enforced here: there is nothing to write to."""
    url, kind = ENDPOINTS[endpoint]
    client.force_login(world.users[who])
    obj = getattr(world, kind)["north"]
    assert client.post(url, {}, content_type="application/json").status_code == 405
    for method in (client.put, client.patch, client.delete):
        assert method(f"{url}{obj.pk}/", {}, content_type="application/json").status_code == 405


def test_writing_needs_a_csrf_token_like_any_browser_request(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["auditor"])
    response = client.post("/api/v1/cases/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_list_does_not_log_access_but_each_detail_read_does(client, world):
    client.force_login(world.users["auditor"])
    client.get("/api/v1/applications/")
    assert not AuditEvent.objects.filter(action="case.opened").exists()
    application = world.applications["north"]
    client.get(f"/api/v1/applications/{application.pk}/")
    client.get(f"/api/v1/applications/{application.pk}/")
    assert AuditEvent.objects.filter(action="case.opened", case_id=application.case_id).count() == 2
