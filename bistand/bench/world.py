"""A large municipality for ``bistand bench workspace``, written straight into a fresh database.

100 000 cases through the robot would take hours, and Django's ``bulk_create`` spends about
half a millisecond a row building model instances, so this writes multi-row ``INSERT …
VALUES`` statements with primary keys of its own choosing (the database is new and nothing
else writes to it), then moves PostgreSQL's sequences past them. Values go through each
field's own conversion (``get_db_prep_save``), so SQLite and PostgreSQL get what the ORM would
have written. Import it only once Django is set up.

What is made (seeded: the same every run):

* 1 000 templates: synthetic households (``bistand.cases.synthetic``, the generator behind
  ``bistand seed``) with their real calculations by the rules engine, archived as
  ``CalculationSnapshot`` rows;
* per case a copy of a template with persons of its own (unique personnummer with the template
  members' birth dates), its household, the case in one of the units (in turn);
* last month's application, decided and paid, with its decision and item, except for the 5 %
  of cases that are new this month (nyansökan);
* this month's application in a spread of states (``STATES``) with its state log and, from the
  robot on, a proposal with the robot's route reasons and, for 35 %, one to three flags as the
  robot writes them; decisions (40 % by the automated function) for the decided and paid ones;
  for the open ones register answers (seven sources per adult), assignments (60 %), completion
  requests and journal notes (30 %);
* last month's stickprov: 10 % of its decisions drawn, nine in ten of them controlled;
* per unit eight caseworkers and a team lead.

On PostgreSQL it ends with ``ANALYZE``, as autovacuum would soon after such a load (SQLite's
planner is left as Django leaves it, without ``ANALYZE``).

Shortcuts, none of which changes what the measured pages read: a copy shares its template's two
archived calculations (read by primary key; a real archive holds ~10 kB per application), and
last month's applications have no state log, register answers or payment orders.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from bistand.cases import seeding, synthetic
from bistand.cases.models import (
    Application,
    Case,
    Household,
    HouseholdMember,
    Person,
    Transition,
    Unit,
)
from bistand.decisions.models import (
    CalculationSnapshot,
    Decision,
    DecisionItem,
    Proposal,
    StickprovControl,
    StickprovDraw,
)
from bistand.decisions.services import LEGAL_BASIS_INCOME_SUPPORT, motivering
from bistand.robot.models import RegisterFetch
from bistand.robot.pipeline import rules_input
from bistand.rules import calculate_json
from bistand.rules.explain import month_sv
from bistand.rules.money import to_ore
from bistand.rules.period import Month
from bistand.staff.models import Role, StaffProfile
from bistand.workspace.models import Assignment, CompletionRequest, JournalNote

#: This month's applications: state and share (the remaining 49.5 % are ``paid``).
STATES = (
    ("draft", 0.02),
    ("awaiting_cosignature", 0.01),
    ("submitted", 0.01),
    ("robot_processing", 0.005),
    ("proposal_ready", 0.12),
    ("completion_requested", 0.03),
    ("decided", 0.30),
    ("withdrawn", 0.01),
)
NEW_CASES = 0.05
FLAGGED = 0.35
AUTOMATED = 0.4
ASSIGNED = 0.6
WITH_NOTE = 0.3
STICKPROV_SHARE = 0.1
CONTROLLED = 0.9
TEMPLATES = 1000
CHUNK = 5000  # cases per transaction
BATCH = 2000  # stickprov controls per bulk_create
CASEWORKERS_PER_UNIT = 8
SOURCES = ("SKV", "FK", "AF", "AKASSA", "CSN", "PM", "TS")
TWELVE_DIGITS = re.compile(r"\b\d{12}\b")
ROBOT = "system:robot"

BEFORE_DECISION = ["draft", "submitted", "robot_processing", "proposal_ready"]
PATHS = {
    "draft": [],
    "awaiting_cosignature": ["draft", "awaiting_cosignature"],
    "submitted": ["draft", "submitted"],
    "robot_processing": ["draft", "submitted", "robot_processing"],
    "proposal_ready": BEFORE_DECISION,
    "completion_requested": [*BEFORE_DECISION, "completion_requested"],
    "decided": [*BEFORE_DECISION, "decided"],
    "paid": [*BEFORE_DECISION, "decided", "paid"],
    "withdrawn": ["draft", "submitted", "withdrawn"],
}

#: Flags as the robot writes them; "{who}" becomes the applicant, masked.
FLAGS = (
    (
        "INCOME_DIFFERS",
        "Lön för {who} skiljer sig mer än 12 % mellan ansökan (5 600 kr) och Skatteverket "
        "(7 840 kr).",
        {
            "person": "{who}",
            "income_type": "salary",
            "declared": "5600.00",
            "register": "7840.00",
            "source": "SKV",
        },
    ),
    (
        "INCOME_NOT_DECLARED",
        "Försäkringskassan visar sjukpenning 3 200 kr för {who} som inte finns med i ansökan.",
        {
            "income_type": "sickness_benefit",
            "source": "FK",
            "register": "3200.00",
            "person": "{who}",
        },
    ),
    (
        "NOT_REGISTERED_AF",
        "{who} är inte inskriven som arbetssökande hos Arbetsförmedlingen.",
        {"person": "{who}"},
    ),
    (
        "REGISTER_UNKNOWN",
        "Uppgifter från Försäkringskassan saknas för {who}: Försäkringskassan svarade med ett fel "
        "efter 3 försök. Okänt betyder inte att det inte finns något att rapportera.",
        {"source": "FK", "person": "{who}", "reason": "Försäkringskassan svarade med ett fel"},
    ),
    (
        "VEHICLE",
        "Enligt Transportstyrelsen äger {who} ett fordon (personbil, Volvo årsmodell 2019).",
        {"person": "{who}", "registration": "ABC123"},
    ),
    (
        "RENT_CHANGED",
        "Boendekostnaden har ändrats från 5 120 kr till 5 520 kr.",
        {"previous": "5120.00", "current": "5520.00"},
    ),
    (
        "HOUSEHOLD_CHANGE",
        "Hushållet har ändrats sedan förra månaden (1 tillkommit, 0 försvunnit eller fått "
        "annan roll).",
        {"added": 1, "removed": 0},
    ),
    (
        "CHANGES_REPORTED",
        "Den sökande har beskrivit ändringar: ”Ny hyresvärd från maj.”",
        {"description": "Ny hyresvärd från maj."},
    ),
)
ROUTE_FLAGS = {
    "code": "FLAGS",
    "message": "Roboten har flaggat uppgifter som en handläggare ska pröva.",
}
ROUTE_NOT_DELEGATED = {
    "code": "NOT_DELEGATED",
    "message": "Nämnden har inte delegerat beslutet till den automatiserade beslutsfunktionen.",
}
ROUTE_FIRST = {"code": "FIRST_APPLICATION", "message": "Nyansökan prövas alltid av handläggare."}

APPLICATION = (
    "id",
    "case",
    "month",
    "kind",
    "state",
    "declared",
    "submitted_at",
    "created_at",
    "state_changed_at",
    "flagged",
)
DECISION = (
    "id",
    "application",
    "proposal",
    "calculation",
    "outcome",
    "amount_ore",
    "decided_at",
    "decided_by",
    "automated_function",
    "rules_version",
)
ITEM = ("decision", "code", "label", "outcome", "amount_ore", "reasons", "legal_basis")


# --------------------------------------------------------------------------- writing rows


class Writer:
    """Multi-row inserts with primary keys chosen here; ``finish()`` fixes the sequences."""

    def __init__(self) -> None:
        self.next_pk: dict[type, int] = {}
        self.rows: dict[tuple, list[tuple]] = {}

    def pk(self, model) -> int:
        if model not in self.next_pk:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.next_pk[model] = (last or 0) + 1
        self.next_pk[model] += 1
        return self.next_pk[model] - 1

    def add(self, model, columns: tuple[str, ...], row: tuple) -> None:
        """A row of ``columns`` (field names), written by ``flush()``; the other fields get
        their defaults."""
        self.rows.setdefault((model, columns), []).append(row)

    def flush(self) -> None:
        for (model, columns), rows in self.rows.items():
            self._insert(model, columns, rows)
        self.rows.clear()

    def _insert(self, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
        meta = model._meta
        given = [meta.get_field(name) for name in columns]
        named = {f.name for f in given}
        rest = [f for f in meta.concrete_fields if f.name not in named and not f.primary_key]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        convert = [
            (i, f)
            for i, f in enumerate(given)
            if f.get_internal_type() in ("JSONField", "DateTimeField", "DateField")
        ]
        quote = connection.ops.quote_name
        width = len(given) + len(rest)
        per_statement = min(500, (connection.features.max_query_params or 65535) // width)
        head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - names from the models
            quote(meta.db_table), ", ".join(quote(f.column) for f in [*given, *rest])
        )
        one = "({})".format(", ".join(["%s"] * width))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                batch = rows[start : start + per_statement]
                values = []
                for row in batch:
                    row = list(row)
                    for i, f in convert:
                        row[i] = f.get_db_prep_save(row[i], connection)
                    values += [*row, *defaults]
                cursor.execute(head + ", ".join([one] * len(batch)), values)

    def finish(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_pk))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# --------------------------------------------------------------------------- the municipality


@dataclass
class World:
    municipality: Any
    units: list
    staff: dict[int, list]  # unit pk → caseworkers, then the team lead
    current: Month
    previous: Month
    now: datetime
    labels: tuple[str, str] = ("", "")  # decision items: this month, last month

    @property
    def guidelines(self) -> str:
        return self.municipality.guidelines


def make_world(units: int, month: str) -> World:
    current = Month.parse(month)
    municipality = seeding.get_municipality(automated=True)
    for n in range(len(seeding.DEMO_UNITS) + 1, units + 1):
        Unit.objects.get_or_create(municipality=municipality, name=f"Enhet {n}")
    unit_list = list(Unit.objects.filter(municipality=municipality).order_by("pk"))[:units]
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    staff = {}
    for unit in unit_list:
        staff[unit.pk] = []
        for n in range(CASEWORKERS_PER_UNIT + 1):
            role = Role.TEAM_LEAD if n == CASEWORKERS_PER_UNIT else Role.CASEWORKER
            user = get_user_model().objects.create_user(
                f"{role}-{unit.pk}-{n}", first_name=f"{role.label} {n}", last_name=unit.name
            )
            user.groups.add(groups[role])
            StaffProfile.objects.create(user=user, municipality=municipality).units.set([unit])
            staff[unit.pk].append(user)
    previous = seeding.previous_month(current)
    return World(
        municipality=municipality,
        units=unit_list,
        staff=staff,
        current=current,
        previous=previous,
        now=timezone.now(),
        labels=(
            f"Försörjningsstöd för {month_sv(str(current))}",
            f"Försörjningsstöd för {month_sv(str(previous))}",
        ),
    )


# --------------------------------------------------------------------------- templates


@dataclass
class Template:
    members: list[dict[str, Any]]
    declared: str  # JSON; its personnummer are replaced per copy
    previous: str
    register: str  # personnummer → source → records
    calculations: tuple[int, int] = (0, 0)  # CalculationSnapshot pks: this month, last month
    amounts: tuple[int, int] = (0, 0)  # öre
    reasons: tuple[str, str] = ("", "")  # the decisions' motivering


def make_templates(world: World, seed: int) -> list[Template]:
    # The archived calculations belong to applications of a case no unit sees.
    household = Household.objects.create(municipality=world.municipality)
    case = Case.objects.create(
        reference="EB-MALLAR", household=household, municipality=world.municipality
    )
    anchors = [
        Application.objects.create(case=case, month=str(month), kind="first")
        for month in (world.current, world.previous)
    ]
    templates = []
    for household in synthetic.households(TEMPLATES, world.current, seed):
        snapshots, amounts, reasons = [], [], []
        for anchor, declared in zip(anchors, (household.declared, household.previous), strict=True):
            # As a first application: the earlier months would only decide jobbstimulans.
            result = calculate_json(
                rules_input(Application(declared=declared, month=anchor.month), world.guidelines)
            )
            trace, amount = result.trace(), to_ore(result.amount)
            digest = hashlib.sha256(json.dumps(trace, sort_keys=True).encode()).hexdigest()
            snapshots.append(
                CalculationSnapshot(
                    application=anchor,
                    trace=trace,
                    trace_sha256=digest,
                    amount_ore=amount,
                    engine_version=result.engine_version,
                    created_by=ROBOT,
                )
            )
            amounts.append(amount)
            reasons.append(motivering(trace, "grant" if amount else "refusal"))
        now, before = CalculationSnapshot.objects.bulk_create(snapshots)
        templates.append(
            Template(
                members=household.members,
                declared=json.dumps(household.declared),
                previous=json.dumps(household.previous),
                register=json.dumps(household.register),
                calculations=(now.pk, before.pk),
                amounts=(amounts[0], amounts[1]),
                reasons=(reasons[0], reasons[1]),
            )
        )
    return templates


class Numbers:
    """Unique personnummer with a template member's birth date; when a date's 999 serial
    numbers are used up, samordningsnummer (the day plus 60) with the same date."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def like(self, personnummer: str) -> str:
        born = personnummer[:8]
        serial = self.used.get(born, 0)  # 001-999: 000 is not a serial number
        self.used[born] = serial + 1
        if serial >= 2 * 999:
            raise RuntimeError(f"more than {2 * 999} persons born on {born}: use fewer cases")
        day = int(born[6:8]) + 60 * (serial // 999)
        short = f"{born[2:6]}{day:02d}{serial % 999 + 1:03d}"
        return f"{born[:6]}{short[4:]}{synthetic.luhn_digit(short)}"


# --------------------------------------------------------------------------- one case


@dataclass
class CaseMaker:
    world: World
    templates: list[Template]
    writer: Writer
    rng: random.Random
    numbers: Numbers = field(default_factory=Numbers)
    decisions_before: list[int] = field(default_factory=list)

    def make(self, i: int) -> None:
        """Case number ``i``: household, persons, last month and this month."""
        world, w = self.world, self.writer
        template = self.templates[i % len(self.templates)]
        unit = world.units[i % len(world.units)]
        new = self.rng.random() < NEW_CASES
        numbers = {
            m["personnummer"]: self.numbers.like(m["personnummer"]) for m in template.members
        }
        household, case = w.pk(Household), w.pk(Case)
        w.add(
            Household,
            ("id", "municipality", "created_at"),
            (household, world.municipality.pk, world.now),
        )
        persons = {}
        since = (world.current if new else world.previous).first_day
        for member in template.members:
            number = numbers[member["personnummer"]]
            persons[number] = w.pk(Person)
            w.add(
                Person,
                ("id", "personnummer", "given_name", "family_name"),
                (persons[number], number, member["given_name"], member["family_name"]),
            )
            w.add(
                HouseholdMember,
                ("household", "person", "role", "valid_from", "days_per_month"),
                (household, persons[number], member["role"], since, member.get("days")),
            )
        opened = world.now - timedelta(days=2 if new else 40)
        reference = f"EB-{world.current.year}-{i + 1:06d}"
        w.add(
            Case,
            ("id", "reference", "household", "municipality", "unit", "opened_at"),
            (case, reference, household, world.municipality.pk, unit.pk, opened),
        )

        def copy(text: str) -> dict:
            return json.loads(TWELVE_DIGITS.sub(lambda m: numbers.get(m[0], m[0]), text))

        workers = world.staff[unit.pk][:CASEWORKERS_PER_UNIT]
        if not new:
            self._last_month(case, template, copy(template.previous), workers)
        self._this_month(case, template, copy, new, workers, persons)

    def _last_month(self, case: int, template: Template, declared: dict, workers) -> None:
        w, now = self.writer, self.world.now
        application, decision = w.pk(Application), w.pk(Decision)
        submitted = now - timedelta(days=30, hours=self.rng.uniform(0, 72))
        w.add(
            Application,
            APPLICATION,
            (
                application,
                case,
                str(self.world.previous),
                "repeat",
                "paid",
                declared,
                submitted,
                submitted,
                submitted + timedelta(days=2),
                False,
            ),
        )
        amount = template.amounts[1]
        outcome = "grant" if amount else "refusal"
        decided_by = self.rng.choice(workers).pk
        w.add(
            Decision,
            DECISION,
            (
                decision,
                application,
                None,
                template.calculations[1],
                outcome,
                amount,
                submitted + timedelta(hours=3),
                decided_by,
                "",
                "bench",
            ),
        )
        w.add(
            DecisionItem,
            ITEM,
            (
                decision,
                "income_support",
                self.world.labels[1],
                outcome,
                amount,
                template.reasons[1],
                LEGAL_BASIS_INCOME_SUPPORT,
            ),
        )
        self.decisions_before.append(decision)

    def _this_month(self, case: int, template: Template, copy, new: bool, workers, persons):
        w, rng, world = self.writer, self.rng, self.world
        state = _pick_state(rng)
        declared = copy(template.declared)
        application = w.pk(Application)
        submitted = world.now - timedelta(hours=rng.uniform(0.2, 72))
        shown = None if state in ("draft", "awaiting_cosignature") else submitted
        path = PATHS[state]
        proposed = "proposal_ready" in path
        flags = _flags(rng, declared["members"][0]["personnummer"]) if proposed else []
        w.add(
            Application,
            APPLICATION,
            (
                application,
                case,
                str(world.current),
                "first" if new else "repeat",
                state,
                declared,
                shown,
                submitted - timedelta(hours=1),
                submitted + timedelta(minutes=2),
                bool(flags),
            ),
        )
        for before, after in itertools.pairwise(path):
            actor = "system:eservice" if after == "submitted" else ROBOT
            w.add(
                Transition,
                ("application", "from_state", "to_state", "at", "actor"),
                (application, before, after, submitted, actor),
            )
        if not proposed:
            return
        route = [ROUTE_FLAGS] if flags else []
        route.append(ROUTE_FIRST if new else ROUTE_NOT_DELEGATED)
        amount = template.amounts[0]
        outcome = "grant" if amount else "refusal"
        proposal = w.pk(Proposal)
        w.add(
            Proposal,
            (
                "id",
                "application",
                "calculation",
                "outcome",
                "amount_ore",
                "route",
                "route_reasons",
                "flags",
                "created_by",
            ),
            (
                proposal,
                application,
                template.calculations[0],
                outcome,
                amount,
                "caseworker",
                route,
                flags,
                ROBOT,
            ),
        )
        if state in ("decided", "paid"):
            decision = w.pk(Decision)
            automated = rng.random() < AUTOMATED
            w.add(
                Decision,
                DECISION,
                (
                    decision,
                    application,
                    proposal,
                    template.calculations[0],
                    outcome,
                    amount,
                    submitted + timedelta(minutes=5),
                    None if automated else rng.choice(workers).pk,
                    "bistand.decisions.automated" if automated else "",
                    "bench",
                ),
            )
            w.add(
                DecisionItem,
                ITEM,
                (
                    decision,
                    "income_support",
                    world.labels[0],
                    outcome,
                    amount,
                    template.reasons[0],
                    LEGAL_BASIS_INCOME_SUPPORT,
                ),
            )
            return
        self._open_work(case, application, state, workers)
        register = copy(template.register)
        for member in declared["members"]:
            if member["role"] not in ("applicant", "partner"):
                continue
            number = member["personnummer"]
            for source in SOURCES:
                w.add(
                    RegisterFetch,
                    ("application", "person", "source", "status", "records", "attempts", "purpose"),
                    (
                        application,
                        persons[number],
                        source,
                        "ok",
                        register.get(number, {}).get(source, []),
                        1,
                        f"Prövning av ekonomiskt bistånd, {world.current}",
                    ),
                )

    def _open_work(self, case: int, application: int, state: str, workers) -> None:
        w, rng = self.writer, self.rng
        if rng.random() < ASSIGNED:
            worker = rng.choice(workers).pk
            w.add(Assignment, ("application", "user", "assigned_by"), (application, worker, worker))
        if state == "completion_requested":
            w.add(
                CompletionRequest,
                ("application", "message", "requested_by"),
                (application, "Skicka hyresavin för april.", rng.choice(workers).pk),
            )
        if rng.random() < WITH_NOTE:
            w.add(
                JournalNote,
                ("case", "application", "author", "text"),
                (
                    case,
                    application,
                    rng.choice(workers).pk,
                    "Ringt den sökande om hyresavin; den skickas i veckan.",
                ),
            )


def _pick_state(rng: random.Random) -> str:
    roll = rng.random()
    for state, share in STATES:
        if roll < share:
            return state
        roll -= share
    return "paid"


def _flags(rng: random.Random, applicant: str) -> list[dict]:
    if rng.random() >= FLAGGED:
        return []
    who = f"sökande ({applicant[:8]}-****)"
    chosen = rng.sample(FLAGS, rng.choice((1, 1, 1, 2, 3)))
    return [
        {
            "code": code,
            "message": message.replace("{who}", who),
            "evidence": {
                key: value.replace("{who}", who) if isinstance(value, str) else value
                for key, value in evidence.items()
            },
        }
        for code, message, evidence in chosen
    ]


def _stickprov(world: World, decisions: list[int], rng: random.Random) -> None:
    draw = StickprovDraw.objects.create(
        municipality=world.municipality,
        month=str(world.previous),
        seed="bench",
        percent=round(STICKPROV_SHARE * 100),
        population=len(decisions),
        drawn_by="system:bench",
    )
    chosen = rng.sample(decisions, round(len(decisions) * STICKPROV_SHARE))
    StickprovControl.objects.bulk_create(
        [
            StickprovControl(
                draw=draw,
                decision_id=pk,
                **(
                    {"outcome": "correct", "controlled_at": world.now, "controlled_by": "bench"}
                    if rng.random() < CONTROLLED
                    else {}
                ),
            )
            for pk in chosen
        ],
        batch_size=BATCH,
    )


# --------------------------------------------------------------------------- all of it


def generate(cases: int, *, units: int = 2, month: str = "2025-04", seed: int = 1, log=print):
    """Fill the (fresh, migrated) database. Returns the measured caseworker (the first of the
    first unit) and the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible
    world = make_world(units, month)
    log(f"templates: {TEMPLATES} synthetic households and their calculations")
    templates = make_templates(world, seed)
    log(f"  ready after {time.perf_counter() - started:.0f} s")
    maker = CaseMaker(world, templates, Writer(), rng)
    for first in range(0, cases, CHUNK):
        with transaction.atomic():
            for i in range(first, min(first + CHUNK, cases)):
                maker.make(i)
            maker.writer.flush()
        done = min(first + CHUNK, cases)
        if done % 20_000 == 0 or done == cases:
            log(f"  {done} cases after {time.perf_counter() - started:.0f} s")
    with transaction.atomic():
        maker.writer.finish()
        _stickprov(world, maker.decisions_before, rng)
    if connection.vendor == "postgresql":
        # Statistics for the planner, as autovacuum would gather them soon after a load like
        # this; without them it picks plans that take a minute for one count.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return world.staff[world.units[0].pk][0], time.perf_counter() - started
