"""/metrics: who may read it, and what it says about requests, the queue, the robot and the
registers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, ApplicationKind, State, Transition
from bistand.cases.services import Member, get_or_create_person, open_case
from bistand.ops.models import WorkerHeartbeat
from bistand.robot.models import RegisterFetch, RobotFailure

pytestmark = pytest.mark.django_db

APPLICANT = "198502019980"  # a test personnummer (never a real one)
TOKEN = "s3cret-metrics-token-for-tests"


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert APPLICANT not in text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


# --- who may read it ---------------------------------------------------------------------------


def test_metrics_are_served_on_loopback(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_metrics_are_a_404_from_elsewhere_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    wrong = {"HTTP_AUTHORIZATION": "Bearer not-the-token"}
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", **wrong).status_code == 404


def test_a_request_through_a_proxy_on_loopback_is_not_loopback(client):
    """A reverse proxy on the same machine connects from 127.0.0.1: its header gives it away."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 404


def test_metrics_are_served_anywhere_with_the_bearer_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    response = client.get(
        "/metrics",
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert response.status_code == 200
    assert b"bistand_applications" in response.content


# --- what it says ------------------------------------------------------------------------------


def test_requests_are_counted_by_view_name_and_status_never_by_path(client):
    before = scrape(client)
    key = (
        "bistand_http_requests_total",
        (("method", "GET"), ("status", "200"), ("view", "health-live")),
    )
    for _ in range(3):
        client.get("/health/live")
    client.get("/handlaggning/ansokan/987654/")  # a path with an id: redirected to login
    client.get("/finns-inte/19850201-9980/")  # no such page, a personnummer in the path
    samples = scrape(client)
    assert samples[key] - before.get(key, 0) == 3
    assert any(
        name == "bistand_http_requests_total"
        and dict(labels).get("view") == "workspace:application"
        for name, labels in samples
    )
    assert any(
        name == "bistand_http_requests_total"
        and dict(labels) == {"view": "unresolved", "method": "GET", "status": "404"}
        for name, labels in samples
    )
    labels_seen = " ".join(str(labels) for _name, labels in samples)
    assert "987654" not in labels_seen and "19850201" not in labels_seen
    count = ("bistand_http_request_duration_seconds_count", (("view", "health-live"),))
    assert samples[count] - before.get(count, 0) == 3


@pytest.fixture
def case():
    municipality = seeding.get_municipality(automated=True)
    person = get_or_create_person(APPLICANT)
    return open_case(municipality, [Member(person, "applicant")], actor=Actor.system("test"))


def application(case, month, state, hours_ago):
    return Application.objects.create(
        case=case,
        month=month,
        kind=ApplicationKind.REPEAT,
        state=state,
        submitted_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_queue_depth_and_the_oldest_waiting_against_the_24_hour_goal(client, case):
    application(case, "2026-01", State.SUBMITTED, hours_ago=30)
    application(case, "2026-02", State.SUBMITTED, hours_ago=1)
    application(case, "2026-03", State.ROBOT_PROCESSING, hours_ago=2)
    application(case, "2026-04", State.PROPOSAL_READY, hours_ago=5)
    application(case, "2026-05", State.DECIDED, hours_ago=100)

    samples = scrape(client)
    assert value(samples, "bistand_applications", state="submitted") == 2
    assert value(samples, "bistand_applications", state="robot_processing") == 1
    assert value(samples, "bistand_applications", state="proposal_ready") == 1
    assert value(samples, "bistand_applications", state="decided") == 1
    assert value(samples, "bistand_applications", state="paid") == 0
    robot = value(samples, "bistand_oldest_waiting_seconds", waiting_for="robot")
    assert 30 * 3600 - 60 < robot < 30 * 3600 + 60
    caseworker = value(samples, "bistand_oldest_waiting_seconds", waiting_for="caseworker")
    assert 5 * 3600 - 60 < caseworker < 5 * 3600 + 60
    assert value(samples, "bistand_applications_over_goal", waiting_for="robot") == 1
    assert value(samples, "bistand_applications_over_goal", waiting_for="caseworker") == 0
    assert value(samples, "bistand_waiting_goal_seconds") == 24 * 3600


def test_robot_outcomes_failures_and_unknown_register_answers_per_minute(client, case, settings):
    settings.METRICS_WINDOW_MINUTES = 5
    done = application(case, "2026-01", State.PROPOSAL_READY, hours_ago=1)
    failed = application(case, "2026-02", State.PROPOSAL_READY, hours_ago=1)
    old = timezone.now() - timedelta(hours=2)
    for app, at in ((done, timezone.now()), (failed, timezone.now()), (done, old)):
        Transition.objects.create(
            application=app,
            from_state=State.ROBOT_PROCESSING,
            to_state=State.PROPOSAL_READY,
            at=at,
            actor="robot",
        )
    RobotFailure.objects.create(
        application=failed, stage="registers", kind="unexpected", detail="RuntimeError"
    )
    person = case.household.members.first().person
    for source, status in (("AF", "ok"), ("FK", "unknown"), ("SKV", "unknown")):
        RegisterFetch.objects.create(
            application=done, person=person, source=source, status=status, purpose="test"
        )
    RegisterFetch.objects.create(
        application=failed,
        person=person,
        source="FK",
        status="unknown",
        purpose="test",
        fetched_at=old,  # outside the window
    )

    samples = scrape(client)
    assert value(samples, "bistand_robot_outcomes_per_minute", outcome="proposal_ready") == 2 / 5
    assert value(samples, "bistand_robot_outcomes_per_minute", outcome="decided") == 0
    assert value(samples, "bistand_robot_failures_per_minute", kind="unexpected") == 1 / 5
    assert value(samples, "bistand_robot_failures_per_minute", kind="calculation") == 0
    assert value(samples, "bistand_register_unknown_per_minute", source="FK") == 1 / 5
    assert value(samples, "bistand_register_unknown_per_minute", source="AF") == 0
    assert value(samples, "bistand_register_answers_per_minute", source="AF") == 1 / 5
    assert value(samples, "bistand_register_unknown_per_minute", source="CSN") == 0


def test_worker_heartbeats_letters_and_payments_pending(client, settings):
    settings.ROBOT_HEARTBEAT_LIMIT_SECONDS = 120
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="app1:100", host="app1", pid=100, last_beat=now)
    WorkerHeartbeat.objects.create(
        worker="app1:101", host="app1", pid=101, last_beat=now - timedelta(minutes=10)
    )
    samples = scrape(client)
    assert value(samples, "bistand_worker_heartbeat_age_seconds", worker="app1:100") < 60
    assert value(samples, "bistand_worker_heartbeat_age_seconds", worker="app1:101") >= 600
    assert value(samples, "bistand_robot_workers_alive") == 1
    assert value(samples, "bistand_worker_heartbeat_limit_seconds") == 120
    assert value(samples, "bistand_letters_pending") == 0
    assert value(samples, "bistand_payments_pending") == 0
    assert value(samples, "bistand_database_up") == 1
