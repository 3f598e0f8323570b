"""The queues: what lands where, counts, filters, sorting, the 24-hour clock, and a number
of queries that does not grow with the rows shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bistand.audit.services import Actor
from bistand.cases.models import Application
from bistand.decisions import review, stickprov
from bistand.decisions.models import StickprovControl
from bistand.workspace import queues

from .conftest import HIDDEN, declared, proposal_of

pytestmark = pytest.mark.django_db

# Skatteverket-style test numbers (born 1912), one household each.
EXTRA = ["191212121212", "191212121220", "191212121238", "191212121246", "191212111213"]


def single(world, name, personnummer, unit, *, history=True, **apply):
    case = world.household(
        name, unit, applicant=personnummer, partner=None, child=None, history=history
    )
    return world.apply(case, data=declared(personnummer, None, None), **apply)


@pytest.fixture
def mixed(world, ready):
    """ready: flagged, Nord. clean: unflagged, Nord. first: a nyansökan, Nord.
    south: Syd. completion: completion requested, Nord."""
    apps = {
        "ready": ready,
        "clean": single(world, "clean", EXTRA[0], world.north),
        "first": single(world, "first", EXTRA[1], world.north, history=False),
        "south": single(world, "south", EXTRA[2], world.south),
        "completion": single(world, "completion", EXTRA[3], world.north),
    }
    review.request_completion(apps["completion"], user=world.users["anna"], message="Hyresavi.")
    return apps


def listed(html: str) -> list[str]:
    """The case references in the page, in order, each once."""
    return list(dict.fromkeys(re.findall(r"EB-\d{4}-\d{6}", html)))


def refs(*applications) -> set[str]:
    return {a.case.reference for a in applications}


def test_what_lands_in_which_queue(client, world, mixed):
    client.force_login(world.users["anna"])
    counts = queues.counts(world.users["anna"], queues.Filters())
    assert proposal_of(mixed["clean"]).flags == []
    assert counts == {
        "att-besluta": 3,  # ready, clean, first (south is not anna's; completion waits)
        "flaggade": 1 + bool(proposal_of(mixed["first"]).flags),
        "kunde-inte-beraknas": 0,
        "nya": 1,
        "komplettering": 1,
        "utan-konto": 0,
        "stickprov": 0,
    }
    html = client.get("/handlaggning/").content.decode()
    assert set(listed(html)) == refs(mixed["ready"], mixed["clean"], mixed["first"])
    assert 'Att besluta <span class="count">(3)</span>' in html
    flagged = set(listed(client.get("/handlaggning/ko/flaggade/").content.decode()))
    assert mixed["ready"].case.reference in flagged
    assert mixed["clean"].case.reference not in flagged
    assert set(listed(client.get("/handlaggning/ko/nya/").content.decode())) == refs(mixed["first"])
    assert set(listed(client.get("/handlaggning/ko/komplettering/").content.decode())) == refs(
        mixed["completion"]
    )
    assert client.get("/handlaggning/ko/finns-inte/").status_code == 404


def test_the_flagged_count_matches_the_proposals(world, mixed):
    user = world.users["anna"]
    expected = sum(
        1
        for a in queues.access.applications_visible_to(user).filter(state="proposal_ready")
        if a.proposal.flags
    )
    assert queues.counts(user, queues.Filters())["flaggade"] == expected


def test_filters(client, world, mixed):
    anna = world.users["anna"]
    client.force_login(anna)

    def shown(query):
        return set(listed(client.get(f"/handlaggning/?{query}").content.decode()))

    assert shown("manad=2025-03") == set()
    assert shown("manad=2025-04") == refs(mixed["ready"], mixed["clean"], mixed["first"])
    assert shown(f"enhet={world.south.pk}") == set()  # anna sees no case of Enhet Syd
    assert shown("flagga=INCOME_DIFFERS") == refs(mixed["ready"])
    assert shown("flagga=REGISTER_UNKNOWN") == refs(mixed["ready"])
    review.assign(mixed["clean"], user=anna)
    assert shown("tilldelad=mig") == refs(mixed["clean"])
    assert shown("tilldelad=ingen") == refs(mixed["ready"], mixed["first"])
    assert queues.counts(anna, queues.Filters(assigned="mig"))["att-besluta"] == 1
    # The auditor sees both units and can filter by one.
    client.force_login(world.users["auditor"])
    assert shown(f"enhet={world.south.pk}") == refs(mixed["south"])


def test_oldest_first_by_default(client, world, mixed):
    now = timezone.now()
    for hours, key in ((30, "clean"), (20, "ready"), (2, "first")):
        Application.objects.filter(pk=mixed[key].pk).update(
            submitted_at=now - timedelta(hours=hours)
        )
    client.force_login(world.users["anna"])
    order = listed(client.get("/handlaggning/").content.decode())
    assert order == [mixed[k].case.reference for k in ("clean", "ready", "first")]
    newest = listed(client.get("/handlaggning/?sortering=nyast").content.decode())
    assert newest == list(reversed(order))


def test_the_24_hour_goal_in_text_and_colour(client, world, mixed):
    now = timezone.now()
    assert queues.clock(now - timedelta(hours=3), now).level == "ok"
    assert queues.clock(now - timedelta(hours=16), now).level == "warning"
    assert queues.clock(now - timedelta(hours=23, minutes=59), now).level == "warning"
    assert queues.clock(now - timedelta(hours=24), now).level == "late"
    assert queues.clock(now - timedelta(hours=50), now).elapsed == "2 dygn 2 tim"
    Application.objects.filter(pk=mixed["clean"].pk).update(submitted_at=now - timedelta(hours=25))
    Application.objects.filter(pk=mixed["ready"].pk).update(submitted_at=now - timedelta(hours=17))
    client.force_login(world.users["anna"])
    html = client.get("/handlaggning/").content.decode()
    assert "clock clock--late" in html and "Över 24 timmar" in html
    assert "clock clock--warning" in html and "Snart 24 timmar" in html
    assert "clock clock--ok" in html and "Inom 24 timmar" in html
    assert "(25 tim)" in html and "(17 tim)" in html


def test_taking_work_from_the_queue(client, world, mixed):
    client.force_login(world.users["anna"])
    response = client.post(
        f"/handlaggning/ansokan/{mixed['clean'].pk}/ta/", {"next": "/handlaggning/?tilldelad=mig"}
    )
    assert response["Location"] == "/handlaggning/?tilldelad=mig"
    response = client.post(
        f"/handlaggning/ansokan/{mixed['clean'].pk}/ta/", {"next": "https://example.org/"}
    )
    assert response["Location"] == f"/handlaggning/ansokan/{mixed['clean'].pk}/"


def test_stickprov_queue_and_the_team_lead_records_the_outcome(client, world, mixed):
    municipality = mixed["ready"].case.municipality
    stickprov.draw(municipality, "2025-03", actor=Actor.system("test"), percent=100, seed="x")
    controls = StickprovControl.objects.filter(
        decision__application__case__unit=world.north
    ).order_by("pk")
    assert controls.count() == 3  # the imported March decisions of Enhet Nord
    client.force_login(world.users["anna"])
    html = client.get("/handlaggning/ko/stickprov/").content.decode()
    assert "Stickprov att kontrollera: 3 beslut" in html
    assert "Spara kontroll" not in html  # a caseworker does not record controls
    control = controls.first()
    assert (
        client.post(
            f"/handlaggning/stickprov/{control.pk}/", {f"kontroll-{control.pk}-outcome": "correct"}
        ).status_code
        == 403
    )
    client.force_login(world.users["lead"])
    assert "Spara kontroll" in client.get("/handlaggning/ko/stickprov/").content.decode()
    response = client.post(
        f"/handlaggning/stickprov/{control.pk}/",
        {f"kontroll-{control.pk}-outcome": "wrong_income", f"kontroll-{control.pk}-note": "Lön"},
        follow=True,
    )
    assert "är registrerad" in response.content.decode()
    control.refresh_from_db()
    assert (control.outcome, control.note) == ("wrong_income", "Lön")
    assert control.controlled_by == f"user:{world.users['lead'].pk}:lead"
    assert queues.counts(world.users["lead"], queues.Filters())["stickprov"] == 2
    client.force_login(world.users["syd"])
    assert client.post(f"/handlaggning/stickprov/{control.pk}/", {}).status_code == 404


def test_queue_queries_do_not_grow_with_the_rows(
    client, world, ready, django_assert_max_num_queries
):
    client.force_login(world.users["anna"])

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    draw = stickprov.draw  # one row in each queue first: ready, and its March decision
    draw(ready.case.municipality, "2025-03", actor=Actor.system("test"), percent=100, seed="y")
    few = {url: queries(url) for url in ("/handlaggning/", "/handlaggning/ko/stickprov/")}
    for i, personnummer in enumerate(EXTRA):
        application = single(world, f"more{i}", personnummer, world.north)
        if i < 3:
            review.approve(proposal_of(application), user=world.users["anna"])
    draw(ready.case.municipality, "2025-04", actor=Actor.system("test"), percent=100, seed="z")
    assert len(listed(client.get("/handlaggning/").content.decode())) == 3
    assert (
        "Stickprov att kontrollera: 4 beslut"
        in client.get("/handlaggning/ko/stickprov/").content.decode()
    )
    for url, count in few.items():
        assert queries(url) <= count, url
    with django_assert_max_num_queries(15):
        client.get("/handlaggning/")
    with django_assert_max_num_queries(15):
        client.get("/handlaggning/ko/stickprov/")


def test_the_month_filter_offers_months_with_something_in_a_queue(world, mixed):
    anna, auditor = world.users["anna"], world.users["auditor"]
    # March is decided (the households' history): nothing of it waits, so it is not offered.
    assert queues.months(anna) == ["2025-04"]
    # Once March's decisions are drawn for stickprov, March has pending controls.
    stickprov.draw(
        mixed["ready"].case.municipality, "2025-03", actor=Actor.system("test"), percent=100
    )
    assert queues.months(anna) == ["2025-04", "2025-03"]
    assert queues.months(auditor) == ["2025-04", "2025-03"]
    # Someone who sees no case is offered no month.
    assert queues.months(world.users["norole"]) == []
    # With a month chosen, the counts are that month's, and the other months are still offered.
    march = queues.overview(anna, queues.Filters(month="2025-03"))
    assert march.months == ["2025-04", "2025-03"]
    assert march.counts["att-besluta"] == 0
    assert march.counts["stickprov"] == queues.counts(anna, queues.Filters())["stickprov"] > 0
    april = queues.overview(anna, queues.Filters(month="2025-04"))
    assert (april.counts["att-besluta"], april.counts["stickprov"]) == (3, 0)


def test_the_queues_show_exactly_the_applications_access_allows(world, mixed):
    """The queues check visibility per row (speed); it must be the same set as the rule."""
    hidden = world.household(
        "hidden", world.north, applicant=HIDDEN, partner=None, child=None, protected=True
    )
    world.apply(hidden)
    for name in ("anna", "syd", "lead", "auditor", "cleared", "norole"):
        user = world.users[name]
        expected = set(queues.access.applications_visible_to(user).values_list("pk", flat=True))
        assert set(queues.visible_applications(user).values_list("pk", flat=True)) == expected
    cleared = set(queues.visible_applications(world.users["cleared"]).values_list("pk", flat=True))
    anna = set(queues.visible_applications(world.users["anna"]).values_list("pk", flat=True))
    assert cleared - anna == set(hidden.applications.values_list("pk", flat=True))


def test_pages_of_a_queue(client, world, mixed, monkeypatch):
    """The pager takes the queue's count from the counts query; the pages still add up."""
    monkeypatch.setattr("bistand.workspace.views.queue.PAGE_SIZE", 2)
    client.force_login(world.users["anna"])
    first = client.get("/handlaggning/").content.decode()
    second = client.get("/handlaggning/?sida=2").content.decode()
    assert "Att besluta: 3 ansökningar, sida 1 av 2" in first
    assert "Att besluta: 3 ansökningar, sida 2 av 2" in second
    assert len(listed(first)) == 2 and len(listed(second)) == 1
    assert set(listed(first)) | set(listed(second)) == refs(
        mixed["ready"], mixed["clean"], mixed["first"]
    )
    # Past the end: the last page.
    assert listed(client.get("/handlaggning/?sida=9").content.decode()) == listed(second)
    # Filtered, the count follows the filter.
    flagged = client.get("/handlaggning/?flagga=INCOME_DIFFERS").content.decode()
    assert "Att besluta: 1 ansökan</caption>" in flagged


def test_the_application_follows_its_proposals_flags(world, ready):
    """The Flaggade queue counts ``Application.flagged``, which the proposal keeps in step."""
    from bistand.cases.models import Application

    from .conftest import proposal_of

    proposal = proposal_of(ready)
    assert proposal.flags and Application.objects.get(pk=ready.pk).flagged
    proposal.flags = []
    proposal.save()
    assert not Application.objects.get(pk=ready.pk).flagged
    proposal.flags = [{"code": "VEHICLE", "text": "Ett fordon."}]
    proposal.save()
    assert Application.objects.get(pk=ready.pk).flagged
