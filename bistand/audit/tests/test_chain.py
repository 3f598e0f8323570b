"""The hash format, pinned: a known event gives a known hash, computed here by hand."""

import datetime as dt
import hashlib

import pytest
import time_machine

from bistand.audit.chain import GENESIS_HASH, canonical_json, chain_hash, timestamp_text
from bistand.audit.services import Actor, record

MOMENT = dt.datetime(2026, 1, 15, 8, 30, tzinfo=dt.UTC)

# The first event of a log, written out as the canonical JSON the hash covers: keys sorted,
# no spaces, Swedish letters as themselves, the time in UTC with microseconds.
FIRST_EVENT_TEXT = (
    '{"action":"decision.made","actor":"system:automated-decision:1.0.0","case_id":7,'
    '"created_at":"2026-01-15T08:30:00.000000+00:00",'
    '"data":{"belopp_öre":512300,"källor":["SKV","FK"],"utfall":"bifall"},'
    '"sequence":1,"subject":"decision:3"}'
)
# Pinned with: printf "%s%s" <64 zeros> <the text above> | sha256sum
FIRST_EVENT_HASH = "8e73107207a6ba642354e0e70327e769f57f65713513b563ca3895231c992c98"


def _by_hand(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def test_genesis_is_64_zeros():
    assert GENESIS_HASH == "0" * 64


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_swedish_letters():
    assert canonical_json({"ö": 1, "a": [1, {"c": None, "b": True}]}) == (
        '{"a":[1,{"b":true,"c":null}],"ö":1}'
    )


def test_canonical_json_does_not_depend_on_insertion_order():
    assert canonical_json({"b": 1, "a": 2}) == canonical_json({"a": 2, "b": 1})


def test_timestamps_enter_the_hash_in_utc_with_microseconds():
    stockholm = dt.timezone(dt.timedelta(hours=1))
    assert timestamp_text(dt.datetime(2026, 1, 15, 9, 30, tzinfo=stockholm)) == (
        "2026-01-15T08:30:00.000000+00:00"
    )
    with pytest.raises(ValueError):
        timestamp_text(dt.datetime(2026, 1, 15, 9, 30))  # naive: which time is that?


def test_the_pinned_hash_is_sha256_of_genesis_plus_the_event_text():
    assert _by_hand(GENESIS_HASH, FIRST_EVENT_TEXT) == FIRST_EVENT_HASH


@pytest.mark.django_db
def test_a_known_event_gets_the_known_hash():
    with time_machine.travel(MOMENT, tick=False):
        event = record(
            "decision.made",
            actor=Actor.system("automated-decision:1.0.0"),
            case_id=7,
            subject="decision:3",
            data={"utfall": "bifall", "källor": ["SKV", "FK"], "belopp_öre": 512300},
        )

    assert event.sequence == 1
    assert event.prev_hash == GENESIS_HASH
    assert event.hash == FIRST_EVENT_HASH


@pytest.mark.django_db
def test_the_second_event_chains_on_the_first():
    with time_machine.travel(MOMENT, tick=False):
        first = record("register.fetch", actor=Actor.system("robot"), case_id=7)
        second = record("register.fetch", actor=Actor.system("robot"), case_id=7)

    text = (
        '{"action":"register.fetch","actor":"system:robot","case_id":7,'
        '"created_at":"2026-01-15T08:30:00.000000+00:00","data":{},"sequence":2,"subject":""}'
    )
    assert second.prev_hash == first.hash
    assert second.hash == _by_hand(first.hash, text)
    assert second.hash == chain_hash(first.hash, second.content())
