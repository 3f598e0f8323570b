import pytest
from django.db import transaction

from bistand.audit.chain import GENESIS_HASH
from bistand.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from bistand.audit.payload import looks_like_personnummer
from bistand.audit.services import Actor, AuditChainError, record, verify_chain
from bistand.audit.tests.conftest import tamper

ROBOT = Actor.system("robot")


@pytest.mark.django_db
def test_recorded_events_are_numbered_from_one_and_verify():
    first = record(
        "application.transition",
        actor=ROBOT,
        case_id=42,
        subject="application:42",
        data={"from": "submitted", "to": "in_review"},
    )
    second = record("payment.created", actor=ROBOT, case_id=42, subject="payment:9")

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.created_at.tzinfo is not None
    stored = AuditEvent.objects.get(sequence=1)
    assert stored.data == {"from": "submitted", "to": "in_review"}
    assert stored.computed_hash() == stored.hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (2, second.hash)

    result = verify_chain()
    assert result.ok
    assert result.checked == 2
    assert result.first_broken_id is None
    assert result.reason == ""


@pytest.mark.django_db
def test_an_empty_log_verifies():
    result = verify_chain()
    assert result.ok
    assert result.checked == 0


@pytest.mark.django_db
def test_events_without_a_case_are_allowed():
    event = record("settings.changed", actor=ROBOT, data={"setting": "stickprov_andel"})
    assert event.case_id is None
    assert verify_chain().ok


@pytest.mark.django_db
def test_tuples_are_stored_as_the_lists_they_were_hashed_as():
    event = record("register.fetch", actor=ROBOT, case_id=1, data={"sources": ("SKV", "FK")})
    assert AuditEvent.objects.get(pk=event.pk).data == {"sources": ["SKV", "FK"]}
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_event_recorded_in_a_rolled_back_transaction_leaves_no_trace():
    record("case.created", actor=ROBOT, case_id=1)

    with pytest.raises(RuntimeError), transaction.atomic():
        record("application.transition", actor=ROBOT, case_id=1, data={"to": "approved"})
        raise RuntimeError("the state change failed, so its event must go too")

    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [1]
    assert AuditChainHead.objects.get().sequence == 1
    after = record("application.transition", actor=ROBOT, case_id=1, data={"to": "rejected"})
    assert after.sequence == 2
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_events():
    event = record("case.created", actor=ROBOT, case_id=1)
    event.actor = Actor.system("someone-else")
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor="system:x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_head_reset_to_zero_under_a_log_with_events_stops_recording():
    record("case.created", actor=ROBOT, case_id=1)
    tamper("UPDATE audit_auditchainhead SET sequence = 0, hash = %s", (GENESIS_HASH,))

    with pytest.raises(AuditChainError, match="bistand audit verify"):
        record("case.created", actor=ROBOT, case_id=2)
    assert AuditEvent.objects.count() == 1


# ---- what may be logged -----------------------------------------------------------------

PERSONNUMMER_SHAPES = [
    "198112189876",  # 12 digits
    "19811218-9876",
    "8112189876",  # 10 digits
    "811218-9876",
    "811218+9876",  # 100 years or older
    "121272-1219",  # samordningsnummer (day + 60)
    "20121272-1219",
    "sökande 811218-9876 ringde",  # inside a sentence
    "pnr:198112189876",
]


@pytest.mark.parametrize("text", PERSONNUMMER_SHAPES)
def test_personnummer_shapes_are_recognised(text):
    assert looks_like_personnummer(text)


@pytest.mark.parametrize(
    "text",
    [
        "application:42",
        "2026-01-15",
        "2026-01-15T08:30:00+01:00",
        "SKV,FK,CSN",
        "8e73107207a6ba642354e0e70327e769f57f65713513b563ca3895231c992c98",
        "1736935200",  # a Unix time: month 36 is no month
        "12345678901234",  # 14 digits
        "811318-9876",  # month 13
    ],
)
def test_ids_dates_and_hashes_are_not_mistaken_for_personnummer(text):
    assert not looks_like_personnummer(text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"personnummer": "19811218-9876"},
        {"applicant": {"pnr": "8112189876"}},
        {"household": ["121272-1219"]},
        {"198112189876": "as a key"},
        {"as_a_number": 198112189876},
    ],
)
def test_a_payload_with_a_personnummer_is_refused_and_nothing_is_written(data):
    with pytest.raises(ValueError, match="personnummer"):
        record("register.fetch", actor=ROBOT, case_id=1, data=data)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_refusal_does_not_repeat_the_personnummer():
    with pytest.raises(ValueError) as error:
        record("register.fetch", actor=ROBOT, data={"pnr": "19811218-9876"})
    assert "9876" not in str(error.value)


@pytest.mark.django_db
def test_a_personnummer_in_the_subject_is_refused():
    with pytest.raises(ValueError, match="personnummer"):
        record("case.created", actor=ROBOT, subject="person:198112189876")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": {"amount": 12.5}}, "float"),
        ({"data": {1: "x"}}, "keys must be strings"),
        ({"data": ["not", "a", "dict"]}, "must be a dict"),
        ({"data": {"text": "a\x00b"}}, "NUL"),
        ({"data": {"blob": "x" * 20_000}}, "larger than"),
        ({"case_id": 0}, "case_id"),
        ({"case_id": "42"}, "case_id"),
        ({"subject": "x" * 201}, "longer than"),
        ({"actor": "robot"}, "Actor.system"),
        ({"actor": ""}, "empty"),
    ],
)
def test_malformed_events_are_refused(kwargs, message):
    arguments = {"actor": ROBOT, **kwargs}
    with pytest.raises(ValueError, match=message):
        record("case.created", **arguments)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "Case.Created", "case created", "case..created"])
def test_actions_are_lowercase_dotted_names(action):
    with pytest.raises(ValueError):
        record(action, actor=ROBOT)


def test_system_actors():
    assert Actor.system("robot") == "system:robot"
    assert Actor.system("automated-decision:1.0.0") == "system:automated-decision:1.0.0"
    with pytest.raises(ValueError):
        Actor.system("")
    with pytest.raises(ValueError):
        Actor.system("two words")


@pytest.mark.django_db
def test_user_actors_carry_id_and_username_but_never_a_personnummer(django_user_model):
    anna = django_user_model.objects.create_user(username="anna", password="x")
    e_id_user = django_user_model.objects.create_user(username="198112189876", password="x")

    assert Actor.user(anna) == f"user:{anna.pk}:anna"
    assert Actor.user(e_id_user) == f"user:{e_id_user.pk}"


def test_anonymous_users_are_no_actors():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValueError):
        Actor.user(AnonymousUser())
    with pytest.raises(ValueError):
        Actor.user(None)
