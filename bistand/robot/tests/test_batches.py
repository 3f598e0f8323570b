"""The robot's batches (``pipeline.process_many``, ``tasks.run_batch``): the same run as one
application at a time, with the database work shared.

The strongest check is the first: a seeded month (clean repeat applications, planted
anomalies, a register that is down) is processed one application at a time, everything it
wrote is fingerprinted and rolled back, and then the same applications are processed as one
batch; every application must end exactly as before: state, proposal, flags, decision,
letter text, payment, state log, register answers and its audit events.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from bistand.audit.models import AuditEvent
from bistand.audit.services import verify_chain
from bistand.cases import seeding
from bistand.cases.models import Application, State
from bistand.decisions.models import Decision, Proposal
from bistand.payments.models import PaymentOrder
from bistand.robot import pipeline, tasks
from bistand.robot.models import RegisterFetch, RobotFailure
from bistand.rules.period import Month

MONTH = Month(2025, 4)


@pytest.fixture
def month(db, register_simulator, settings):
    """A seeded month: 24 households with the seeder's planted anomalies."""
    settings.ROBOT_LEASE_SECONDS = 60
    seeding.seed(
        24,
        MONTH,
        municipality=seeding.get_municipality(automated=True),
        simulator=register_simulator,
    )
    return list(
        Application.objects.filter(month=str(MONTH), state=State.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def fingerprint(ids: list[int]) -> dict[int, dict]:
    """Everything the robot wrote for each application, without times and database keys."""
    found = {}
    for application in Application.objects.filter(pk__in=ids):
        proposal = Proposal.objects.filter(application=application).first()
        decision = Decision.objects.filter(application=application).first()
        payment = PaymentOrder.objects.filter(application=application).first()
        found[application.pk] = {
            "state": application.state,
            "flagged": application.flagged,
            "proposal": proposal
            and (
                proposal.outcome,
                proposal.amount_ore,
                proposal.route,
                proposal.flags,
                proposal.route_reasons,
                proposal.calculation.trace_sha256 if proposal.calculation else None,
            ),
            "decision": decision
            and (
                decision.outcome,
                decision.amount_ore,
                decision.automated_function_version,
                decision.parameter_versions,
                decision.delegation_reference,
                [(i.code, i.amount_ore, i.reasons, i.legal_basis) for i in decision.items.all()],
                decision.history.count(),
            ),
            "payment": payment and (payment.amount_ore, payment.payee_id, payment.due_date),
            "proposal_history": proposal.history.count() if proposal else 0,
            "transitions": [
                (t.from_state, t.to_state, t.actor, t.reason.split(" av ")[0])
                for t in application.transitions.order_by("at", "pk")
            ],
            "registers": sorted(
                RegisterFetch.objects.filter(application=application).values_list(
                    "person_id", "source", "status", "attempts"
                )
            ),
            "audit": Counter(
                (e.action, e.actor, _without_keys(e.data))
                for e in AuditEvent.objects.filter(subject=f"application:{application.pk}")
            ),
        }
    return found


def _without_keys(data: dict) -> str:
    keys = ("proposal", "decision", "payment", "reason")
    return repr(sorted((k, v) for k, v in data.items() if k not in keys))


def test_a_batch_ends_every_application_exactly_as_one_at_a_time(month):
    with transaction.atomic():
        outcomes_alone = {pk: pipeline.process(pk) for pk in month}
        alone = fingerprint(month)
        assert verify_chain().ok
        transaction.set_rollback(True)
    assert Application.objects.filter(pk__in=month, state=State.SUBMITTED).count() == len(month)

    outcomes = pipeline.process_many(month)

    assert outcomes == outcomes_alone
    # The month is varied: both routes and a register that did not answer are in it.
    assert {"decided", "proposal"} <= set(outcomes.values())
    assert RegisterFetch.objects.filter(application_id__in=month, status="unknown").exists()
    together = fingerprint(month)
    for pk in month:
        assert together[pk] == alone[pk], f"application {pk} ended differently in a batch"
    # Both ways share the writing (``pipeline.write``): what it must leave, checked directly.
    for pk, found in together.items():
        proposal = Proposal.objects.get(application_id=pk)
        assert found["proposal_history"] == 1  # the proposal's history starts with it
        assert found["flagged"] is bool(proposal.flags)  # the queues count flagged by this
        assert found["state"] == (
            State.DECIDED if outcomes[pk] == "decided" else State.PROPOSAL_READY
        )
        actions = Counter(action for action, _, _ in found["audit"].elements())
        assert actions["application.transition"] == len(found["transitions"])
        assert actions["proposal.created"] == actions["register.fetch"] == 1
        if found["decision"]:
            assert found["decision"][-1] == 1  # the decision's history
            assert actions["decision.made"] == 1
            assert actions["payment.created"] == (1 if found["decision"][1] > 0 else 0)
            assert (found["payment"] is not None) is (found["decision"][1] > 0)
    assert verify_chain().ok


def test_a_batch_takes_few_statements_per_application(month):
    with CaptureQueriesContext(connection) as queries:
        pipeline.process_many(month)
    # One at a time the run takes about 35 (test_statements.py). A batch shares the claim,
    # the register answers' upsert, the proposals, the state changes, the decisions and
    # payment orders and the audit log's appends; what stays per application is queueing its
    # decision letter. Bound: 4 per application.
    assert len(queries) <= 4 * len(month), "\n".join(q["sql"] for q in queries.captured_queries)


def test_one_application_failing_in_a_batch_does_not_stop_the_others(month, monkeypatch):
    broken = month[3]
    rules_input = pipeline.rules_input

    def fails_for_one(application, *args, **kwargs):
        if application.pk == broken:
            raise RuntimeError("regelmotorn föll")
        return rules_input(application, *args, **kwargs)

    monkeypatch.setattr(pipeline, "rules_input", fails_for_one)
    outcomes = pipeline.process_many(month)

    failed = [pk for pk, outcome in outcomes.items() if outcome == "retry"]
    assert failed == [broken]
    assert RobotFailure.objects.filter(application_id=broken, stage="calculation").count() == 1
    for pk in month:
        if pk != broken:
            assert outcomes[pk] in ("decided", "proposal")
            assert Proposal.objects.filter(application_id=pk).count() == 1
    assert not Proposal.objects.filter(application_id=broken).exists()
    assert verify_chain().ok


def test_an_application_another_run_finished_is_left_and_the_rest_written(month, monkeypatch):
    """Between the claim and the writing another run finishes one application (its lease ran
    out while this worker stalled): the batch cannot be written together, each is written
    alone, that one is "lost-race" and nothing of it is kept twice."""
    taken = month[5]
    write = pipeline.write

    def another_run_first(plans):
        if len(plans) > 1:
            Application.objects.filter(pk=taken).update(state=State.PROPOSAL_READY)
        return write(plans)

    monkeypatch.setattr(pipeline, "write", another_run_first)
    outcomes = pipeline.process_many(month)

    assert outcomes[taken] == "lost-race"
    assert not Proposal.objects.filter(application_id=taken).exists()
    for pk in month:
        if pk != taken:
            assert outcomes[pk] in ("decided", "proposal")
    assert Decision.objects.filter(application_id__in=month).count() == sum(
        outcome == "decided" for outcome in outcomes.values()
    )
    assert verify_chain().ok


def test_applications_not_simply_submitted_go_their_own_way(month):
    """A withdrawn application is skipped; one claimed by a worker that died (its lease ran
    out) is resumed by the batch as ``process`` would."""
    withdrawn, stalled = month[0], month[1]
    Application.objects.filter(pk=withdrawn).update(state=State.WITHDRAWN)
    Application.objects.filter(pk=stalled).update(
        state=State.ROBOT_PROCESSING, robot_lease_until=None, robot_worker="elsewhere:1"
    )
    outcomes = pipeline.process_many(month)
    assert outcomes[withdrawn] == "skipped"
    assert outcomes[stalled] in ("decided", "proposal")
    assert AuditEvent.objects.filter(
        action="robot.resumed", subject=f"application:{stalled}"
    ).exists()
    assert Application.objects.get(pk=withdrawn).state == State.WITHDRAWN


def test_the_worker_takes_queued_applications_in_batches(month, settings):
    settings.ROBOT_BATCH_SIZE = 10
    for pk in month:  # as the submission does once it commits (tasks.enqueue)
        tasks.process_application.enqueue(pk)
    taken = tasks.run_batch("test-worker")
    assert taken == 10
    rows = DBTaskResult.objects.filter(task_path="bistand.robot.tasks.process_application")
    done = rows.filter(status="SUCCESSFUL")
    assert done.count() == 10
    assert all(row.worker_ids == ["test-worker"] for row in done)
    assert set(done.values_list("return_value", flat=True)) <= {"decided", "proposal"}
    # The applications of the finished tasks are past the robot; the rest still wait.
    finished = [row.task_result.args[0] for row in done]
    assert not Application.objects.filter(pk__in=finished, state=State.SUBMITTED).exists()
    assert Application.objects.filter(pk__in=month, state=State.SUBMITTED).count() == 14
    while tasks.run_batch("test-worker"):
        pass
    assert rows.exclude(status="SUCCESSFUL").count() == 0
    assert not Application.objects.filter(pk__in=month, state=State.SUBMITTED).exists()
    assert verify_chain().ok


def test_two_months_of_one_case_are_not_written_in_the_same_batch(world):
    """A case's later month reads the earlier one's decision (its history), which a batch
    writes only at its end: the batch takes one application per case, the other runs alone
    afterwards and sees the earlier decision."""
    world.put_registers(month="2025-05")
    april = world.submit()
    may = world.submit(month="2025-05")
    outcomes = pipeline.process_many([april.pk, may.pk])
    assert set(outcomes) == {april.pk, may.pk}
    assert outcomes[april.pk] == "decided"
    assert outcomes[may.pk] in ("decided", "proposal")
    decided_april = Application.objects.get(pk=april.pk).transitions.get(to_state=State.DECIDED)
    claimed_may = Application.objects.get(pk=may.pk).transitions.get(
        to_state=State.ROBOT_PROCESSING
    )
    assert claimed_may.at >= decided_april.at
    assert verify_chain().ok
