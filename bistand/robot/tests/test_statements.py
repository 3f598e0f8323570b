"""The robot's SQL statements per application: a bound, so that a regression is caught.

Counted around ``pipeline.process`` for one clean repeat application of a couple with a child
that the automated function decides (the most statements a run takes: claim, two adults'
register answers, checks, calculation, proposal, decision, payment order, audit events).
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bistand.audit.services import verify_chain
from bistand.robot import pipeline

#: docs/performance.md (robot): 52 statements before the batching of 2026-12 (audit head moved
#: once per transaction, no savepoints of their own in ``record`` and ``transition``, the
#: case's history in one query); 35 after on SQLite, 32 on PostgreSQL (where a state change
#: and its log row are one statement).
MAX_STATEMENTS = 36


def _count(world) -> tuple[int, list[str]]:
    application = world.submit()
    with CaptureQueriesContext(connection) as queries:
        assert pipeline.process(application.pk) == "decided"
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_statements_per_automated_application_stay_under_the_bound(world):
    count, statements = _count(world)
    assert count <= MAX_STATEMENTS, "\n".join(statements)
    assert verify_chain().ok
