"""The production adapter (a documented stub): it refuses to run without a transport, and a
recorded exchange (tests/fixtures/af_*.json, synthetic persons) replays through the same request
building and answer parsing that a real transport would use."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bistand.af_exchange.services import PURPOSE_INCOMING, PURPOSE_OUTGOING
from bistand.connectors.exchanges import af as af_exchange
from bistand.connectors.exchanges.af import (
    NotConfigured,
    PayloadError,
    ProductionAfExchange,
    SimulatorAfExchange,
    get_exchange,
    parse_page,
)
from bistand.connectors.registry import EXCHANGES

FIXTURES = Path(__file__).parent / "fixtures"
PURPOSES = (PURPOSE_OUTGOING, PURPOSE_INCOMING)
SEND = {
    "message_id": "bistand-0000-42",
    "personnummer": "19121212-1212",
    "kommunkod": "0000",
    "month": "2026-10",
    "reason": "Försörjningsstöd tre månader i följd (juli–september 2026)",
}


def fixture(name: str):
    return json.loads((FIXTURES / f"af_{name}.json").read_text(encoding="utf-8"))


def replaying(name: str, asked: list):
    def transport(request):
        asked.append(request)
        return fixture(f"{name}_response")

    return ProductionAfExchange(
        organisationsnummer="212000-0000", purposes=PURPOSES, transport=transport
    )


def test_both_adapters_are_in_the_connector_registry(settings):
    assert EXCHANGES["AF"] == {"simulator": SimulatorAfExchange, "production": ProductionAfExchange}
    settings.AF_EXCHANGE_GATEWAY = "production"
    assert isinstance(get_exchange(PURPOSES), ProductionAfExchange)


def test_without_a_transport_it_says_what_is_missing():
    adapter = ProductionAfExchange(purposes=PURPOSES)
    with pytest.raises(NotConfigured, match="inte anslutet") as refused:
        adapter.send_notice(**SEND)
    assert "AF_EXCHANGE_ENDPOINT" in str(refused.value)
    with pytest.raises(NotConfigured):
        adapter.fetch_notices(kommunkod="0000", cursor="")


def test_the_recorded_send_replays():
    asked: list = []
    receipt = replaying("send", asked).send_notice(**SEND)

    assert asked == [fixture("send_request")]
    body = asked[0]["body"]
    assert body["syfte"] == "aktivitetskrav: underrättelse till Arbetsförmedlingen"
    assert body["lagstod"] == af_exchange.LEGAL_BASIS
    assert receipt.reference == "AF-K-000001" and receipt.received_at is not None


def test_the_recorded_fetch_replays():
    asked: list = []
    page = replaying("fetch", asked).fetch_notices(kommunkod="0000", cursor="")

    assert asked == [fixture("fetch_request")]
    assert asked[0]["body"]["syfte"] == "aktivitetskrav: underrättelse från Arbetsförmedlingen"
    assert page.cursor == "2"
    occupation, programme = page.notices
    assert occupation.reference == "AF-U-2026-000123"
    assert occupation.personnummer == "191212121212"
    assert occupation.kind == "too_little_occupation" and not occupation.full_time
    assert (occupation.period_start, occupation.period_end) == (
        date(2026, 10, 5),
        date(2026, 11, 30),
    )
    assert programme.kind == "programme_participation" and programme.full_time
    assert programme.period_end is None and programme.programme == "Jobb- och utvecklingsgarantin"
    assert "personnummer" not in json.dumps(programme.minimised())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"typ": "NAGOT_ANNAT"}, "okänd typ"),
        ({"personnummer": "191212121213"}, "ogiltigt personnummer"),
        ({"periodTill": "2026-08-01"}, "slutar före"),
        ({"heltid": "ja"}, "heltid"),
        ({"referens": ""}, "saknar referens"),
    ],
)
def test_an_unreadable_notice_spoils_the_page_and_the_reason_names_no_person(change, message):
    raw = fixture("fetch_response")
    raw["underrattelser"][1].update(change)
    with pytest.raises(PayloadError, match=message) as refused:
        parse_page(raw)
    assert "19121212" not in str(refused.value)


def test_not_connected_in_production_is_a_visible_failure_not_a_crash(
    db, settings, django_capture_on_commit_callbacks
):
    from bistand.af_exchange import exchange
    from bistand.af_exchange.models import AfExchangeCursor
    from bistand.af_exchange.services import notify_may_be_covered
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.services import get_or_create_person

    from .conftest import KNOWN, run_tasks

    settings.AF_EXCHANGE_GATEWAY = "production"
    municipality = seeding.get_municipality()
    municipality.kommunkod = "0000"
    municipality.save()
    with django_capture_on_commit_callbacks(execute=True):
        outgoing = notify_may_be_covered(
            get_or_create_person(KNOWN), month="2026-10", actor=Actor.system("test")
        )
    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "failed" and outgoing.attempts == 1
    assert outgoing.last_error == exchange.NOT_CONNECTED

    assert exchange.poll().errors == [exchange.NOT_CONNECTED]
    assert AfExchangeCursor.objects.get().last_error == exchange.NOT_CONNECTED
