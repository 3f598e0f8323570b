"""Every workspace page and action against every kind of visitor.

anonymous → the login page; no role → 403; a caseworker of another unit → 404; protected
identity → 404 unless granted; the auditor reads (GET 200) but may not act (POST 403).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from bistand.audit.models import AuditEvent
from bistand.decisions.models import Decision

from .conftest import HIDDEN, proposal_of

pytestmark = pytest.mark.django_db


def pages(application):
    pk = application.pk
    return [
        "/handlaggning/",
        "/handlaggning/ko/flaggade/",
        "/handlaggning/ko/stickprov/",
        f"/handlaggning/ansokan/{pk}/",
    ]


def actions(application):
    pk = application.pk
    calc = proposal_of(application).calculation_id
    return [
        (f"/handlaggning/ansokan/{pk}/godkann/", {"godkann-calculation": calc}),
        (
            f"/handlaggning/ansokan/{pk}/andra/cost/",
            {
                "kostnad-calculation": calc,
                "kostnad-cost_type": "rent",
                "kostnad-amount": "6000",
                "kostnad-motivering": "Hyresavi visar 6000.",
            },
        ),
        (
            f"/handlaggning/ansokan/{pk}/avsla/",
            {"avslag-calculation": calc, "avslag-kind": "helt", "avslag-motivering": "Skäl."},
        ),
        (f"/handlaggning/ansokan/{pk}/komplettering/", {"komplettering-message": "Hyresavi."}),
        (f"/handlaggning/ansokan/{pk}/journal/", {"journal-text": "Ringde sökande."}),
        (f"/handlaggning/ansokan/{pk}/ta/", {}),
        (f"/handlaggning/ansokan/{pk}/tilldela/", {"tilldela-user": "1"}),
        (f"/handlaggning/ansokan/{pk}/godkann/999999/", {}),
        (
            f"/handlaggning/ansokan/{pk}/andra/income/",
            {
                "inkomst-calculation": calc,
                "inkomst-index": "0",
                "inkomst-amount": "0",
                "inkomst-motivering": "Upphört.",
            },
        ),
    ]


def test_anonymous_is_sent_to_the_login_page(client, ready):
    for url in pages(ready):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), url
    for url, data in actions(ready):
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not Decision.objects.filter(application=ready).exists()


def test_a_user_without_a_role_is_forbidden(client, world, ready):
    client.force_login(world.users["norole"])
    for url in pages(ready):
        assert client.get(url).status_code == 403, url
    for url, data in actions(ready):
        assert client.post(url, data).status_code == 403, url
    assert not Decision.objects.filter(application=ready).exists()


def test_a_caseworker_of_another_unit_gets_not_found(client, world, ready):
    client.force_login(world.users["syd"])
    assert client.get(f"/handlaggning/ansokan/{ready.pk}/").status_code == 404
    for url, data in actions(ready):
        assert client.post(url, data).status_code == 404, url
    assert not Decision.objects.filter(application=ready).exists()
    assert not AuditEvent.objects.filter(action="case.opened").exists()
    queue = client.get("/handlaggning/").content.decode()
    assert ready.case.reference not in queue


def test_protected_identity_is_not_found_unless_granted(client, world):
    case = world.household(
        "hidden", world.north, applicant=HIDDEN, partner=None, child=None, protected=True
    )
    application = world.apply(case)
    client.force_login(world.users["anna"])
    assert client.get(f"/handlaggning/ansokan/{application.pk}/").status_code == 404
    assert case.reference not in client.get("/handlaggning/").content.decode()
    for url, data in actions(application):
        assert client.post(url, data).status_code == 404, url
    client.force_login(world.users["cleared"])
    assert client.get(f"/handlaggning/ansokan/{application.pk}/").status_code == 200
    assert case.reference in client.get("/handlaggning/").content.decode()


def test_the_auditor_reads_but_may_not_act(client, world, ready):
    client.force_login(world.users["auditor"])
    for url in pages(ready):
        assert client.get(url).status_code == 200, url
    html = client.get(f"/handlaggning/ansokan/{ready.pk}/").content.decode()
    assert "Godkänn förslaget och besluta" not in html
    assert "Ta ärendet" not in html
    for url, data in actions(ready):
        assert client.post(url, data).status_code == 403, url
    assert not Decision.objects.filter(application=ready).exists()
    ready.refresh_from_db()
    assert ready.state == "proposal_ready"


def test_the_administrator_reads_the_whole_municipality_but_does_not_decide(client, world, ready):
    client.force_login(world.users["admin"])
    assert client.get(f"/handlaggning/ansokan/{ready.pk}/").status_code == 200
    for url, data in actions(ready):
        assert client.post(url, data).status_code == 403, url


def test_opening_the_case_view_is_logged_with_its_purpose(client, world, ready):
    user = world.users["anna"]
    client.force_login(user)
    client.get(f"/handlaggning/ansokan/{ready.pk}/")
    event = AuditEvent.objects.get(action="case.opened", case_id=ready.case_id)
    assert event.actor.startswith(f"user:{user.pk}")
    assert event.data == {"purpose": "handläggning", "view": "workspace.case"}


def test_actions_need_post_and_csrf(world, ready):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["anna"])
    url, data = actions(ready)[0]
    assert client.get(url).status_code == 405
    assert client.post(url, data).status_code == 403  # no CSRF token
    assert not Decision.objects.filter(application=ready).exists()


def test_letter_and_payments_pages_check_roles(client, world, ready):
    from bistand.decisions import review

    review.approve(proposal_of(ready), user=world.users["anna"])
    decision = Decision.objects.get(application=ready)
    letter = f"/handlaggning/beslut/{decision.pk}/brev.pdf"
    assert client.get(letter).status_code == 302
    assert client.get("/handlaggning/utbetalningar/").status_code == 302
    client.force_login(world.users["norole"])
    assert client.get(letter).status_code == 403
    client.force_login(world.users["syd"])
    assert client.get(letter).status_code == 404
    client.force_login(world.users["auditor"])
    assert client.get("/handlaggning/utbetalningar/").status_code == 403
    assert client.post("/handlaggning/utbetalningar/").status_code == 403
    assert "Utbetalningar och betalfiler" not in client.get("/handlaggning/").content.decode()
    # A caseworker exports the day's file after deciding (the "Done when"), and finds
    # the page from the queues.
    client.force_login(world.users["anna"])
    assert client.get("/handlaggning/utbetalningar/").status_code == 200
    assert "Utbetalningar och betalfiler" in client.get("/handlaggning/").content.decode()
    client.force_login(world.users["lead"])
    assert client.get("/handlaggning/utbetalningar/").status_code == 200
    client.force_login(world.users["admin"])
    assert client.get("/handlaggning/utbetalningar/").status_code == 200
