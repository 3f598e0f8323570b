"""Nobody reaches another person's case (issue 9): household membership only by the person's
own signature. The attacks an independent review made over HTTP, as tests, for an ordinary
person and for one with skyddade personuppgifter.

The attacker (a first-time applicant with an ordinary e-legitimation) types the victim's
personnummer as "partner" and signs. Before the fix that made the victim a member of the
attacker's household: the victim's next application went into the attacker's case, where the
attacker read it, its attachments and its messages, and wrote in its thread.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.cases.membership import confirmed_adults
from bistand.cases.models import (
    Application,
    ApplicationKind,
    HouseholdMember,
    MembershipBasis,
    Person,
    State,
)
from bistand.cases.seeding import get_municipality
from bistand.cases.services import get_or_create_person
from bistand.eservice import services
from bistand.eservice.demo import AF_REGISTERED, JOHAN, SARA, ensure_history
from bistand.eservice.models import Draft, Message
from bistand.eservice.services import SignerLogin, months_open
from bistand.rules.period import Month

from .test_apply import complete

ATTACKER = "198504122386"
SARA_PNR = SARA.personnummer
JOHAN_PNR = JOHAN.personnummer
PDF = b"%PDF-1.4\n% a certificate\n"


def login(ref: str) -> SignerLogin:
    return SignerLogin("http://e-id.test", ref, timezone.now())


def first_application_naming(writer: Person, partner: str, month: str) -> Draft:
    """A first application, every step answered, in which ``writer`` names ``partner``."""
    draft = Draft.objects.create(
        person=writer,
        month=month,
        kind=ApplicationKind.FIRST,
        data={
            "members": [
                {"personnummer": writer.personnummer, "role": "applicant"},
                {"personnummer": partner, "role": "partner"},
            ]
        },
    )
    return complete(draft)


@pytest.fixture
def month():
    return months_open()[0]


@pytest.fixture(params=["ordinary", "protected"])
def victim(request, db, register_simulator, month):
    """Sara Nilsson: her own case with Johan, last month decided (so this month is her
    återansökan); in the second run she has skyddade personuppgifter."""
    municipality = get_municipality()
    ensure_history(municipality, Month.parse(month))
    sara = Person.objects.get(personnummer=SARA_PNR)
    if request.param == "protected":
        services.mark_protected(sara)
        sara.refresh_from_db()
    for number in (ATTACKER, SARA_PNR, JOHAN_PNR):
        register_simulator.put_person(number, month, records={"AF": [AF_REGISTERED]})
    return sara


def attack(attacker: Client, month: str) -> Application:
    """Over HTTP: start a first application, type Sara's personnummer as partner, sign."""
    start = attacker.post("/mina-sidor/ansok/", {"month": month})
    assert start.status_code == 302
    draft = Draft.objects.get(person__personnummer=ATTACKER)
    added = attacker.post(
        f"/mina-sidor/ansok/{draft.pk}/hushall/",
        {"new_personnummer": SARA_PNR, "new_role": "partner"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    complete(Draft.objects.get(pk=draft.pk))
    signed = attacker.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    assert signed.status_code == 302
    return Application.objects.get(case__household__members__person__personnummer=ATTACKER)


def test_a_typed_personnummer_makes_nobody_a_member_and_reads_nothing(
    client, eid_login, victim, month
):
    attacker = Client()
    eid_login(attacker, ATTACKER)
    trap = attack(attacker, month)
    assert trap.state == State.AWAITING_COSIGNATURE

    # 1. Sara is not a member of the attacker's household: only the attacker, who signed.
    members = HouseholdMember.objects.filter(household=trap.case.household)
    assert [(m.person.personnummer, m.basis) for m in members] == [
        (ATTACKER, MembershipBasis.SIGNED)
    ]

    # Sara sees the invitation and nothing else of the attacker's case.
    eid_login(client, SARA_PNR)
    home = client.get("/mina-sidor/").content.decode()
    assert "väntar på din underskrift" in home
    assert client.get(f"/mina-sidor/ansokan/{trap.pk}/").status_code == 404
    assert client.get(f"/mina-sidor/underskrift/{trap.pk}/").status_code == 200

    # 2 and 5. Her own application is not blocked and goes to her own case, as återansökan.
    started = client.post("/mina-sidor/ansok/", {"month": month})
    assert started.status_code == 302
    own = Draft.objects.get(person=victim, application__isnull=True)
    assert own.kind == ApplicationKind.REPEAT
    sara_case = services.case_of(victim)
    assert own.case == sara_case != trap.case
    application = services.sign(services.nothing_changed(own), victim, login("sara-1"))
    services.cosign(application, get_or_create_person(JOHAN_PNR), login("johan-1"))
    application.refresh_from_db()
    assert application.case == sara_case
    services.store_attachment(
        victim,
        SimpleUploadedFile("intyg.pdf", PDF, content_type="application/pdf"),
        "medical",
        application=application,
    )
    attachment = application.attachments.get()
    services.send_message(sara_case, body="Jag har skickat läkarintyget.", person=victim)

    # 3 and 4. The attacker reads none of it and cannot write in its thread.
    for url in (
        f"/mina-sidor/ansokan/{application.pk}/",
        f"/mina-sidor/ansokan/{application.pk}/beslut/",
        f"/mina-sidor/ansokan/{application.pk}/bilagor/{attachment.pk}/",
    ):
        assert attacker.get(url).status_code == 404, url
    posted = attacker.post(
        f"/mina-sidor/ansokan/{application.pk}/",
        {"message": "1", "meddelande-body": "Hej från någon annan"},
    )
    assert posted.status_code == 404
    assert not Message.objects.filter(body="Hej från någon annan").exists()
    attacker_home = attacker.get("/mina-sidor/").content.decode()
    assert f"/mina-sidor/ansokan/{application.pk}/" not in attacker_home
    assert list(services.applications_of(get_or_create_person(ATTACKER))) == [trap]

    # The robot asks the registers of Sara and Johan for her application, never the attacker's.
    assert {a.person.personnummer for a in confirmed_adults(application)} == {SARA_PNR, JOHAN_PNR}
    from bistand.robot import pipeline
    from bistand.robot.models import RegisterFetch

    pipeline.process(application.pk)
    asked = set(
        RegisterFetch.objects.filter(application=application).values_list(
            "person__personnummer", flat=True
        )
    )
    assert asked == {SARA_PNR, JOHAN_PNR}


def test_the_named_person_may_decline_and_the_writer_is_told(client, eid_login, victim, month):
    attacker = Client()
    eid_login(attacker, ATTACKER)
    trap = attack(attacker, month)
    eid_login(client, SARA_PNR)
    declined = client.post(f"/mina-sidor/underskrift/{trap.pk}/avboj/")
    assert declined.status_code == 302
    trap.refresh_from_db()
    assert trap.state == State.WITHDRAWN
    assert not HouseholdMember.objects.filter(household=trap.case.household, person=victim)
    assert "väntar på din underskrift" not in client.get("/mina-sidor/").content.decode()
    assert "avböjde att skriva under" in attacker.get("/mina-sidor/").content.decode()
    assert AuditEvent.objects.filter(action="eservice.cosign_declined").count() == 1
    # Nobody else can decline in her place.
    assert attacker.post(f"/mina-sidor/underskrift/{trap.pk}/avboj/").status_code == 404


def test_the_partner_joins_by_signing_and_the_letter_is_to_both(register_simulator, db, month):
    get_municipality()
    anna = get_or_create_person(ATTACKER, given_name="Anna", family_name="Ek")
    bo = get_or_create_person("198307151236", given_name="Bo", family_name="Ek")
    draft = first_application_naming(anna, bo.personnummer, month)
    application = services.sign(draft, anna, login("anna"))
    assert [a.person for a in confirmed_adults(application)] == [anna]
    assert services.case_of(bo) is None
    services.cosign(application, bo, login("bo"))
    member = HouseholdMember.objects.get(person=bo)
    assert (member.role, member.basis) == ("partner", MembershipBasis.SIGNED)
    assert services.case_of(bo) == application.case
    assert [(a.person, a.role) for a in confirmed_adults(application)] == [
        (anna, "applicant"),
        (bo, "partner"),
    ]
    assert AuditEvent.objects.filter(action="case.member_joined").count() == 1


def test_an_ex_partner_keeps_the_past_and_does_not_read_what_comes_after(
    register_simulator, db, month
):
    """Sara applies next month without Johan (he moved out): from that month he is no member
    and does not read the household's new application; the months he signed stay his."""
    municipality = get_municipality()
    ensure_history(municipality, Month.parse(month))
    sara = Person.objects.get(personnummer=SARA_PNR)
    johan = Person.objects.get(personnummer=JOHAN_PNR)
    before = list(services.applications_of(johan))
    assert before  # last month's decided application, his as a registered member
    draft = services.start_draft(sara, months_open()[1])
    draft.data["members"] = [m for m in draft.data["members"] if m["personnummer"] != JOHAN_PNR]
    draft.data["incomes"] = [i for i in draft.data["incomes"] if i["personnummer"] != JOHAN_PNR]
    later = services.sign(services.nothing_changed(draft), sara, login("sara"))
    assert later.state == State.SUBMITTED  # nobody else had to sign
    assert later not in services.applications_of(johan)
    assert set(before) <= set(services.applications_of(johan))
    # He was a member until the end of this month; from the next his applications are his own.
    assert services.case_of(johan) == later.case
    assert services.case_of(johan, Month.parse(later.month).first_day) is None
    assert [a.person for a in confirmed_adults(later)] == [sara]


def test_a_person_in_two_households_is_asked_which_one(client, eid_login, db, register_simulator):
    municipality = get_municipality()
    month = months_open()[0]
    ensure_history(municipality, Month.parse(month))
    sara = Person.objects.get(personnummer=SARA_PNR)
    erik = get_or_create_person("198605211518")
    other = first_application_naming(erik, SARA_PNR, months_open()[1])
    joined = services.sign(other, erik, login("erik"))
    services.cosign(joined, sara, login("sara"))  # she signed: now in both households
    eid_login(client, SARA_PNR)
    page = client.post("/mina-sidor/ansok/", {"month": month})
    assert page.status_code == 200
    assert "Vilket hushåll gäller ansökan?" in page.content.decode()
    assert not Draft.objects.filter(person=sara, application__isnull=True).exists()
    chosen = client.post("/mina-sidor/ansok/", {"month": month, "hushall": str(joined.case_id)})
    assert chosen.status_code == 302
    assert Draft.objects.get(person=sara, application__isnull=True).case == joined.case
    # A case she is not a member of cannot be chosen.
    with pytest.raises(services.ChooseCase):
        services.case_of(sara, choice=999999)


def test_an_expired_invitation_made_nobody_a_member(register_simulator, db, month, settings):
    get_municipality()
    anna = get_or_create_person(ATTACKER)
    draft = first_application_naming(anna, SARA_PNR, month)
    application = services.sign(draft, anna, login("anna"))
    services.remind_and_expire(timezone.now() + timedelta(days=settings.COSIGN_EXPIRY_DAYS + 1))
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert not HouseholdMember.objects.filter(person__personnummer=SARA_PNR).exists()


# --------------------------------------------------------------------------- repairing the past


def test_the_check_finds_a_membership_made_without_a_signature_and_what_was_filed_through_it(
    db, month
):
    """What the old code left behind: the victim made a member of the attacker's household at
    the attacker's signature, and the victim's own next application filed in that case."""
    from django.core.management import call_command

    from bistand.cases.services import Member, open_case
    from bistand.eservice.models import Signature

    municipality = get_municipality()
    attacker = get_or_create_person(ATTACKER)
    victim = get_or_create_person(SARA_PNR)
    case = open_case(
        municipality,
        [
            Member(attacker, "applicant", basis=MembershipBasis.SIGNED),
            Member(victim, "partner", basis=MembershipBasis.SIGNED),  # as the old code did
        ],
        actor="system:test",
        since=timezone.localdate() - timedelta(days=40),
    )
    first = Application.objects.create(case=case, month="2026-10", kind="first", state="withdrawn")
    Signature.objects.create(
        application=first,
        person=attacker,
        role="applicant",
        declared_sha256="0" * 64,
        issuer="x",
        authenticated_at=timezone.now(),
        login_ref="a",
        signed_at=timezone.now() - timedelta(days=40),
    )
    misfiled = Application.objects.create(case=case, month=month, kind="first", state="submitted")
    Signature.objects.create(
        application=misfiled,
        person=victim,
        role="applicant",
        declared_sha256="1" * 64,
        issuer="x",
        authenticated_at=timezone.now(),
        login_ref="b",
    )
    out = io.StringIO()
    call_command("membership", "check", stdout=out)
    text = out.getvalue()
    assert f"Ärende {case.reference}: person {victim.pk}" in text
    assert f"ansökan {misfiled.pk} för {month}" in text
    assert SARA_PNR not in text  # masked only
    assert f"person {attacker.pk} " not in text  # the writer signed: no finding
    events = AuditEvent.objects.filter(action__startswith="membership.")
    assert sorted(events.values_list("action", flat=True)) == [
        "membership.misfiled_application",
        "membership.unconsented",
    ]
    call_command("membership", "check", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action__startswith="membership.").count() == 2  # once each


def test_the_check_is_quiet_when_everyone_signed(db, register_simulator, month):
    municipality = get_municipality()
    ensure_history(municipality, Month.parse(month))  # registered by the municipality
    from django.core.management import call_command

    out = io.StringIO()
    call_command("membership", "check", stdout=out)
    assert "Inga medlemskap utan egen underskrift" in out.getvalue()


def test_nobody_cosigns_a_second_application_for_a_month_they_already_applied_for(
    db, register_simulator, month
):
    """Found by the property test: with her own application for the month in, Sara could sign
    a second one in another household: one household's assistance a month, not two."""
    municipality = get_municipality()
    ensure_history(municipality, Month.parse(month))
    sara = Person.objects.get(personnummer=SARA_PNR)
    own = services.sign(
        services.nothing_changed(services.start_draft(sara, month)), sara, login("s")
    )
    erik = get_or_create_person("198605211518")
    draft = first_application_naming(erik, SARA_PNR, month)
    second = services.sign(draft, erik, login("e"))
    with pytest.raises(services.EserviceError, match="redan skrivit under en annan ansökan"):
        services.cosign(second, sara, login("s2"))
    assert services.case_of(sara) == own.case
