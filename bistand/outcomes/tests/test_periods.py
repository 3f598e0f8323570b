"""Periods of assistance: opened by the first application, closed with an avslutsorsak per
adult, reopened by a later application as a return (återaktualisering)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from bistand.audit.models import AuditEvent
from bistand.outcomes import services
from bistand.outcomes.models import AssistancePeriod, ExitReason
from bistand.rules.parameters import default_store

from .conftest import TEST, adults_of, apply, household

pytestmark = pytest.mark.django_db


def close(case, last_month="2025-03", codes=("work", "studies")):
    reasons = {p.pk: code for p, code in zip(adults_of(case), codes, strict=False)}
    return services.close_period(case, last_month=last_month, reasons=reasons, actor=TEST)


def test_the_first_application_opens_period_1_from_its_month(units):
    case = household(units[0])
    apply(case, "2025-02")
    assert apply(case, "2025-03").kind == "repeat"
    period = services.current_period(case)
    assert (period.number, period.first_month, period.is_open) == (1, "2025-02", True)
    assert AssistancePeriod.objects.filter(case=case).count() == 1
    opened = AuditEvent.objects.filter(action="case.period_opened", case_id=case.pk)
    assert [e.data["period"] for e in opened] == [1]


def test_a_closed_case_gets_a_new_period_on_the_next_application_a_return(units):
    case = household(units[0])
    apply(case, "2025-02")
    apply(case, "2025-03")
    close(case)
    closed = services.current_period(case)
    assert closed.last_month == "2025-03" and not closed.is_open
    assert closed.closed_via == "caseworker"
    assert {r.code for r in closed.exit_reasons.all()} == {"work", "studies"}

    returned = apply(case, "2025-07", decided=False)
    assert returned.kind == "first"  # a nyansökan, examined afresh, not an återansökan
    periods = list(AssistancePeriod.objects.filter(case=case).order_by("number"))
    assert [(p.number, p.first_month, p.is_open) for p in periods] == [
        (1, "2025-02", False),
        (2, "2025-07", True),
    ]
    assert periods[1].is_return
    event = AuditEvent.objects.filter(action="case.period_opened", case_id=case.pk).last()
    assert event.data == {
        "period": 2,
        "first_month": "2025-07",
        "return": True,
        "previous_last_month": "2025-03",
    }


def test_closing_is_audited_with_the_reasons_per_adult(units):
    case = household(units[0])
    apply(case, "2025-03")
    applicant, partner = adults_of(case)
    services.close_period(
        case,
        last_month="2025-03",
        reasons={applicant.pk: "work", partner.pk: "moved"},
        actor=TEST,
    )
    event = AuditEvent.objects.get(action="case.closed", case_id=case.pk)
    assert event.data["reasons"] == {str(applicant.pk): "work", str(partner.pk): "moved"}
    assert event.data["last_month"] == "2025-03"


def test_every_adult_needs_a_reason_from_the_table(units):
    case = household(units[0])
    apply(case, "2025-03")
    applicant, partner = adults_of(case)
    with pytest.raises(ValidationError) as missing:
        services.close_period(
            case, last_month="2025-03", reasons={applicant.pk: "work"}, actor=TEST
        )
    assert f"reason_{partner.pk}" in missing.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        services.close_period(
            case,
            last_month="2025-03",
            reasons={applicant.pk: "work", partner.pk: "lottery"},
            actor=TEST,
        )
    assert f"reason_{partner.pk}" in unknown.value.message_dict
    assert services.current_period(case).is_open
    assert not ExitReason.objects.exists()


def test_a_child_gets_no_reason_and_a_stranger_cannot_be_given_one(units):
    case = household(units[0])
    other = household(units[0])
    apply(case, "2025-03")
    reasons = {p.pk: "work" for p in adults_of(case)}
    reasons[adults_of(other)[0].pk] = "work"
    with pytest.raises(ValidationError) as error:
        services.close_period(case, last_month="2025-03", reasons=reasons, actor=TEST)
    assert "reasons" in error.value.message_dict


def test_reasons_are_validated_against_the_table_in_force_for_the_last_month(units, monkeypatch):
    """A code that only a later version of the table has is refused for an earlier month, and
    the reason remembers which version it came from."""
    candidate = """
id: statistics.avslutsorsaker
title: Avslutsorsaker
versions:
  - valid_from: 2025-06-01
    status: provisional
    reference: test
    source: a later version with one more code
    values:
      codes:
        work: {label: Arbete, category: work, socialstyrelsen: null}
        apprenticeship: {label: Lärlingsanställning, category: work, socialstyrelsen: null}
"""
    store = default_store().overlay_texts([("avslutsorsaker.yaml", candidate)])
    monkeypatch.setattr(services, "default_store", lambda: store)
    case = household(units[0], adults=1)
    apply(case, "2025-04")
    apply(case, "2025-06")
    (applicant,) = adults_of(case)
    with pytest.raises(ValidationError) as error:
        services.close_period(
            case, last_month="2025-05", reasons={applicant.pk: "apprenticeship"}, actor=TEST
        )
    assert "2016-01-01" in error.value.message_dict[f"reason_{applicant.pk}"][0]
    period = services.close_period(
        case, last_month="2025-06", reasons={applicant.pk: "apprenticeship"}, actor=TEST
    )
    reason = period.exit_reasons.get()
    assert (reason.code, str(reason.table_valid_from)) == ("apprenticeship", "2025-06-01")


def test_closing_is_refused_while_an_application_is_being_processed(units):
    case = household(units[0])
    apply(case, "2025-03")
    apply(case, "2025-04", decided=False)  # submitted: the robot has not finished
    with pytest.raises(ValidationError) as error:
        close(case, last_month="2025-03")
    assert "handläggs" in error.value.messages[0]
    assert services.current_period(case).is_open


def test_the_last_month_must_lie_within_the_period(units):
    case = household(units[0])
    apply(case, "2025-03")
    apply(case, "2025-04")
    with pytest.raises(ValidationError) as before:
        close(case, last_month="2025-02")
    assert "last_month" in before.value.message_dict
    with pytest.raises(ValidationError) as after:
        close(case, last_month="2025-06")
    assert "last_month" in after.value.message_dict
    with pytest.raises(ValidationError) as malformed:
        close(case, last_month="mars")
    assert "last_month" in malformed.value.message_dict


def test_a_closed_period_cannot_be_closed_again(units):
    case = household(units[0])
    apply(case, "2025-03")
    close(case)
    with pytest.raises(ValidationError):
        close(case)


def test_the_data_migration_gives_cases_with_submitted_applications_their_period_1(units):
    with_history = household(units[0])
    apply(with_history, "2025-05")
    apply(with_history, "2025-02")
    never_submitted = household(units[1])
    AssistancePeriod.objects.all().delete()
    migration = importlib.import_module("bistand.outcomes.migrations.0002_first_periods")
    migration.first_periods(django_apps, None)
    migration.first_periods(django_apps, None)  # run twice: nothing more
    periods = list(AssistancePeriod.objects.all())
    assert [(p.case_id, p.number, p.first_month, p.is_open) for p in periods] == [
        (with_history.pk, 1, "2025-02", True)
    ]
    assert not AssistancePeriod.objects.filter(case=never_submitted).exists()
