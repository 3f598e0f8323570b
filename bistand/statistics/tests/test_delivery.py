"""Socialstyrelsen's monthly delivery: hand-built households of each type with the record lines
written out, what blocks a delivery, the files' mode and the command's exit codes.

The code tables' Socialstyrelsen codes are not confirmed (their files say so: null), so the
tests give a few codes a Socialstyrelsen code of the test's own (``mapped`` below) on top of
the real tables; what the real, unmapped tables do is tested too (they block)."""

from __future__ import annotations

import stat
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.cases.models import Application, ApplicationKind, State
from bistand.cases.services import Member, get_or_create_person, open_case
from bistand.cases.synthetic import make_personnummer
from bistand.decisions.models import CalculationSnapshot, Decision, Outcome
from bistand.outcomes import services as outcomes
from bistand.payments.models import PaymentOrder
from bistand.rules.period import Month
from bistand.statistics import services

TEST = Actor.system("test")
MONTH = "2026-10"
HEADER = (
    "År\tManad\tKommun\tDistrikt\tBarn15\tSbel\tPersonnr1\tPersonnr2\tHushtyp\t"
    "Fhinder1\tFhinder2\tInsats1\tInsats2"
)
# Socialstyrelsen codes of the test's own for a few of our codes (the real ones are unconfirmed).
TEST_CODES = {
    outcomes.HINDER: {"unemployed_none": "11", "sick_certified": "31"},
    outcomes.ACTIVITIES: {"municipal": "2"},
    outcomes.EXIT_REASONS: {"work": "1", "moved": "7"},
}

MAN_1980 = make_personnummer(date(1980, 1, 1), 981)  # serial 981: odd, a man
WOMAN_1982 = make_personnummer(date(1982, 5, 5), 982)  # even, a woman
MAN_1975 = make_personnummer(date(1975, 3, 3), 983)
WOMAN_1990 = make_personnummer(date(1990, 7, 7), 984)
MAN_1985 = make_personnummer(date(1985, 2, 2), 985)
WOMAN_1978 = make_personnummer(date(1978, 8, 8), 986)
MAN_1970 = make_personnummer(date(1970, 9, 9), 987)
WOMAN_1972 = make_personnummer(date(1972, 4, 4), 988)
BOY_2009 = make_personnummer(date(2009, 1, 15), 989)  # 17 on 1 October 2026: alone, type 1
CHILD_2015 = make_personnummer(date(2015, 6, 1), 990)
CHILD_2018 = make_personnummer(date(2018, 6, 1), 992)
YOUTH_2007 = make_personnummer(date(2007, 9, 30), 994)  # 19 in October 2026: not a child
CHILD_2020 = make_personnummer(date(2020, 6, 1), 996)
MAN_1960 = make_personnummer(date(1960, 1, 1), 991)


@pytest.fixture
def mapped(monkeypatch):
    real = outcomes.codes

    def codes(table_id, month):
        table = real(table_id, month)
        for code, theirs in TEST_CODES.get(table_id, {}).items():
            table[code] = {**table[code], "socialstyrelsen": theirs}
        return table

    monkeypatch.setattr(services.outcomes, "codes", codes)


@pytest.fixture
def municipality(db):
    from bistand.cases import seeding

    municipality = seeding.get_municipality()
    municipality.kommunkod = "0999"
    municipality.save()
    return municipality


def household(municipality, members, *, amount_ore, outcome=Outcome.GRANT, paid=True):
    """A case whose October application was decided: members are (personnummer, role)."""
    persons = [(get_or_create_person(number), role) for number, role in members]
    case = open_case(
        municipality,
        [Member(person, role) for person, role in persons],
        actor=TEST,
        since=date(2026, 1, 1),
    )
    application = Application.objects.create(
        case=case,
        month=MONTH,
        kind=ApplicationKind.REPEAT,
        state=State.PAID if paid else State.DECIDED,
        submitted_at=timezone.now(),
        declared={"members": [{"personnummer": n, "role": r} for n, r in members]},
    )
    calculation = CalculationSnapshot.objects.create(
        application=application,
        trace={},
        trace_sha256="",
        amount_ore=amount_ore,
        engine_version="test",
        created_by=TEST,
    )
    decision = Decision.objects.create(
        application=application,
        calculation=calculation,
        outcome=outcome,
        amount_ore=amount_ore if outcome != Outcome.REFUSAL else 0,
        automated_function="test",
        rules_version="test",
    )
    if outcome != Outcome.REFUSAL:
        PaymentOrder.objects.create(
            decision=decision,
            application=application,
            payee=persons[0][0],
            amount_ore=amount_ore,
            due_date=date(2026, 10, 1),
        )
    outcomes.ensure_period(application, actor=TEST)
    return application


def record(application, number, hinder, activity=""):
    person = get_or_create_person(number)
    outcomes.record_adult_month(
        application, person, hinder=hinder, activity=activity, source="caseworker", actor=TEST
    )


@pytest.fixture
def every_type(municipality):
    """One household of each type the data can give (1, 3–8), each adult's hinder recorded."""
    made = {}
    made["3"] = household(municipality, [(MAN_1980, "applicant")], amount_ore=712_350)
    record(made["3"], MAN_1980, "unemployed_none", "municipal")
    made["4"] = household(
        municipality, [(MAN_1975, "applicant"), (CHILD_2015, "child")], amount_ore=900_000
    )
    record(made["4"], MAN_1975, "sick_certified")
    made["5"] = household(municipality, [(WOMAN_1982, "applicant")], amount_ore=512_349)
    record(made["5"], WOMAN_1982, "unemployed_none")
    made["6"] = household(
        municipality,
        [(WOMAN_1990, "applicant"), (YOUTH_2007, "child"), (CHILD_2018, "child")],
        amount_ore=1_050_050,
    )
    record(made["6"], WOMAN_1990, "unemployed_none", "municipal")
    made["7"] = household(
        municipality, [(MAN_1985, "applicant"), (WOMAN_1978, "partner")], amount_ore=800_000
    )
    record(made["7"], MAN_1985, "unemployed_none")
    record(made["7"], WOMAN_1978, "sick_certified", "municipal")
    made["8"] = household(
        municipality,
        [(WOMAN_1972, "applicant"), (MAN_1970, "partner"), (CHILD_2020, "child")],
        amount_ore=1_200_000,
    )
    record(made["8"], WOMAN_1972, "sick_certified")
    record(made["8"], MAN_1970, "unemployed_none")
    made["1"] = household(municipality, [(BOY_2009, "applicant")], amount_ore=300_000)
    record(made["1"], BOY_2009, "unemployed_none")
    return made


@pytest.mark.django_db
def test_each_household_type_gives_the_record_line_written_out(mapped, every_type, tmp_path):
    delivery = services.build(every_type["3"].case.municipality, Month.parse(MONTH))
    assert delivery.problems == []
    written = services.write(delivery, tmp_path, actor=TEST)

    lines = written[0].path.read_bytes().decode("utf-8").split("\r\n")
    ref = {t: a.case.reference for t, a in every_type.items()}
    expected = {
        # År Manad Kommun Distrikt Barn15 Sbel Personnr1 Personnr2 Hushtyp Fh1 Fh2 Ins1 Ins2
        # 7 123,50 kr rounds half up to 7 124
        ref["3"]: f"2026\t10\t0999\t\t0\t7124\t{MAN_1980}\t\t3\t11\t\t2\t",
        ref["4"]: f"2026\t10\t0999\t\t1\t9000\t{MAN_1975}\t\t4\t31\t\t\t",
        # 5 123,49 kr rounds down
        ref["5"]: f"2026\t10\t0999\t\t0\t5123\t{WOMAN_1982}\t\t5\t11\t\t\t",
        # the 19-year-old at home is no child under 18; the 8-year-old is: one child, type 6
        ref["6"]: f"2026\t10\t0999\t\t1\t10501\t{WOMAN_1990}\t\t6\t11\t\t2\t",
        ref["7"]: f"2026\t10\t0999\t\t0\t8000\t{MAN_1985}\t{WOMAN_1978}\t7\t11\t31\t\t2",
        ref["8"]: f"2026\t10\t0999\t\t1\t12000\t{WOMAN_1972}\t{MAN_1970}\t8\t31\t11\t\t",
        # 17 years old and alone: "enbart barn under 18 år"
        ref["1"]: f"2026\t10\t0999\t\t0\t3000\t{BOY_2009}\t\t1\t11\t\t\t",
    }
    assert lines[0] == HEADER
    assert lines[-1] == ""  # every line ends with CRLF
    assert sorted(lines[1:-1]) == sorted(expected.values())

    summary = delivery.summary
    assert (summary.households, summary.adults, summary.children) == (7, 9, 3)
    # recipients: 9 adults + 4 members registered as children (the 19-year-old included)
    assert summary.recipients == 13
    assert summary.amount_kr == 7124 + 9000 + 5123 + 10501 + 8000 + 12000 + 3000
    assert dict(summary.by_type) == dict.fromkeys(("1", "3", "4", "5", "6", "7", "8"), 1)
    text = "\n".join(services.summary_lines(delivery))
    assert "hushåll: 7" in text and "6 ensamstående kvinna med barn: 1" in text
    assert MAN_1980 not in text


@pytest.mark.django_db
def test_only_granted_assistance_for_the_month_is_reported(mapped, municipality, tmp_path):
    granted = household(municipality, [(MAN_1980, "applicant")], amount_ore=500_000)
    record(granted, MAN_1980, "unemployed_none")
    refused = household(
        municipality, [(WOMAN_1982, "applicant")], amount_ore=0, outcome=Outcome.REFUSAL
    )
    record(refused, WOMAN_1982, "unemployed_none")
    partial = household(
        municipality, [(MAN_1975, "applicant")], amount_ore=123_400, outcome=Outcome.PARTIAL
    )
    record(partial, MAN_1975, "unemployed_none")
    november = Application.objects.create(
        case=granted.case, month="2026-11", kind=ApplicationKind.REPEAT, state=State.SUBMITTED
    )
    assert november.month != MONTH

    delivery = services.build(municipality, Month.parse(MONTH))

    assert [r["personnummer_1"] for r in delivery.households] == sorted(
        [MAN_1980, MAN_1975], key=lambda n: {MAN_1980: granted, MAN_1975: partial}[n].case.reference
    )
    assert delivery.summary.amount_kr == 5000 + 1234


@pytest.mark.django_db
def test_blocking_records_name_the_case_never_the_personnummer(mapped, municipality, tmp_path):
    missing = household(
        municipality, [(MAN_1985, "applicant"), (WOMAN_1978, "partner")], amount_ore=800_000
    )
    record(missing, MAN_1985, "unemployed_none")  # the partner's hinder is not recorded
    unmapped = household(municipality, [(WOMAN_1982, "applicant")], amount_ore=500_000)
    record(unmapped, WOMAN_1982, "work_insufficient")  # a real code with no Socialstyrelsen code
    fine = household(municipality, [(MAN_1980, "applicant")], amount_ore=500_000)
    record(fine, MAN_1980, "unemployed_none")

    delivery = services.build(municipality, Month.parse(MONTH))

    texts = [str(p) for p in delivery.problems]
    assert f"{missing.case.reference}: försörjningshinder saknas för medsökande (oktober 2026)" in (
        texts
    )
    assert any(
        t.startswith("Försörjningshinder 'work_insufficient'")
        and "ingen kod hos Socialstyrelsen" in t
        and unmapped.case.reference in t
        for t in texts
    )
    assert delivery.blocked_records == {
        ("households", missing.case.reference),
        ("households", unmapped.case.reference),
    }
    assert delivery.blocking_count == 2
    assert not delivery.may_write(allow_incomplete=False)
    assert delivery.may_write(allow_incomplete=True)
    for number in (MAN_1985, WOMAN_1978, WOMAN_1982, MAN_1980):
        assert all(number not in t for t in texts)


@pytest.mark.django_db
def test_without_kommunkod_nothing_is_written_even_if_incomplete_is_allowed(
    mapped, municipality, tmp_path
):
    municipality.kommunkod = ""
    municipality.save()
    application = household(municipality, [(MAN_1980, "applicant")], amount_ore=500_000)
    record(application, MAN_1980, "unemployed_none")

    delivery = services.build(municipality, Month.parse(MONTH))

    assert [p.record_level for p in delivery.problems] == [False]
    assert "Kommunkoden saknas" in delivery.problems[0].text
    assert not delivery.may_write(allow_incomplete=True)


@pytest.mark.django_db
def test_with_the_real_unconfirmed_code_tables_every_record_blocks(municipality):
    application = household(municipality, [(MAN_1980, "applicant")], amount_ore=500_000)
    record(application, MAN_1980, "unemployed_none")

    delivery = services.build(municipality, Month.parse(MONTH))

    assert delivery.blocked_records == {("households", application.case.reference)}
    assert "ingen kod hos Socialstyrelsen" in delivery.problems[0].text


@pytest.mark.django_db
def test_exit_reasons_of_periods_closed_in_the_month_per_adult(mapped, municipality, tmp_path):
    now = timezone.localtime()
    this_month = Month(now.year, now.month)
    couple = household(
        municipality, [(MAN_1985, "applicant"), (WOMAN_1978, "partner")], amount_ore=800_000
    )
    single = household(municipality, [(WOMAN_1982, "applicant")], amount_ore=500_000)
    people = {n: get_or_create_person(n) for n in (MAN_1985, WOMAN_1978, WOMAN_1982)}
    outcomes.close_period(
        couple.case,
        last_month=MONTH,
        reasons={people[MAN_1985].pk: "work", people[WOMAN_1978].pk: "moved"},
        actor=TEST,
    )
    outcomes.close_period(
        single.case, last_month=MONTH, reasons={people[WOMAN_1982].pk: "work"}, actor=TEST
    )

    delivery = services.build(municipality, this_month)
    written = services.write(delivery, tmp_path, actor=TEST)

    exits = written[1].path.read_bytes().decode("utf-8").split("\r\n")
    year, month = str(this_month.year), f"{this_month.month:02d}"
    assert exits[0] == "År\tManad\tKommun\tDistrikt\tPersonnr\tAvslutsorsak"
    assert sorted(exits[1:-1]) == sorted(
        [
            f"{year}\t{month}\t0999\t\t{MAN_1985}\t1",
            f"{year}\t{month}\t0999\t\t{WOMAN_1978}\t7",
            f"{year}\t{month}\t0999\t\t{WOMAN_1982}\t1",
        ]
    )
    assert delivery.summary.exits == 3
    # The month before: closed later, not reported then.
    before = Month(now.year - 1, 12) if now.month == 1 else Month(now.year, now.month - 1)
    assert services.build(municipality, before).exits == []


@pytest.mark.django_db
def test_files_are_readable_only_by_their_owner_and_the_delivery_is_audited(
    mapped, every_type, tmp_path
):
    out = tmp_path / "leverans"
    delivery = services.build(every_type["3"].case.municipality, Month.parse(MONTH))
    written = services.write(delivery, out, actor=TEST)

    assert [f.path.name for f in written] == [
        "ekonomiskt-bistand-0999-2026-10.txt",
        "avslutsorsaker-0999-2026-10.txt",
    ]
    for item in written:
        assert stat.S_IMODE(item.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert sorted(p.name for p in out.iterdir()) == sorted(f.path.name for f in written)
    event = AuditEvent.objects.get(action="statistics.delivery_written")
    assert event.data["households"] == 7
    for number in (MAN_1980, WOMAN_1982, BOY_2009):
        assert number not in str(event.data)


def run(*args):
    call_command("statistics", "socialstyrelsen", *args)


@pytest.mark.django_db
def test_command_exit_codes(mapped, every_type, municipality, tmp_path, capsys):
    out = tmp_path / "ut"
    with pytest.raises(CommandError) as bad:
        run("--month", "2026-13", "--out", str(out))
    assert bad.value.returncode == 2

    # One more household, its hinder not recorded: the delivery is blocked.
    blocked = household(municipality, [(MAN_1960, "applicant")], amount_ore=100_000, paid=False)
    with pytest.raises(CommandError) as stopped:
        run("--month", MONTH, "--out", str(out))
    assert stopped.value.returncode == 3
    assert not out.exists()
    printed = capsys.readouterr().out
    assert f"{blocked.case.reference}: försörjningshinder saknas för sökande" in printed
    assert MAN_1960 not in printed

    run("--month", MONTH, "--out", str(out), "--allow-incomplete")
    printed = capsys.readouterr().out
    assert "OFULLSTÄNDIG" in printed and "senast 2026-11-15" in printed
    assert len(list(out.iterdir())) == 2

    record(blocked, MAN_1960, "unemployed_none")
    run("--month", MONTH, "--out", str(out))
    assert "Leveransen är klar" in capsys.readouterr().out


@pytest.mark.django_db
def test_due_date_is_the_fifteenth_of_the_following_month():
    assert services.due_date(Month.parse("2026-10")) == date(2026, 11, 15)
    assert services.due_date(Month.parse("2026-12")) == date(2027, 1, 15)
