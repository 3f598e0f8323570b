"""The gateway against a real simulator over loopback HTTP: a register that fails is UNKNOWN,
with a Swedish reason, after exactly REGISTER_ATTEMPTS attempts; the other sources stay ok."""

import logging
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from bistand.connectors import SOURCES, SimulatorGateway, SourceAnswer, get_gateway
from bistand.connectors.gateway import seconds_sv
from bistand.connectors.ssbtek import SsbtekGateway
from bistand.connectors.testing import TEST_PERSONNUMMER

PNR = TEST_PERSONNUMMER[0]
MONTH = "2025-04"
PURPOSE = "Prövning av ekonomiskt bistånd, ansökan 2025-04"
ALL = list(SOURCES)
LABELS = {code: plugin.label_sv for code, plugin in SOURCES.items()}


@pytest.fixture
def fast(settings, register_simulator):
    """Short timeouts, three attempts: failures are quick to provoke."""
    settings.REGISTER_TIMEOUT_SECONDS = 0.2
    settings.REGISTER_ATTEMPTS = 3
    return register_simulator


def fetch(sources=ALL, personnummer=PNR):
    return get_gateway().fetch(personnummer, MONTH, sources, PURPOSE)


def queries(client):
    return [entry for entry in client.requests() if entry["path"] == "/ssbtek/v1/query"]


def test_every_source_answers_ok_from_the_simulator(fast):
    answers = fetch()
    assert list(answers) == ALL
    for code, answer in answers.items():
        assert isinstance(answer, SourceAnswer)
        assert (answer.source, answer.status, answer.reason, answer.attempts) == (code, "ok", "", 1)
    assert answers["AF"].records[0]["kind"] == "registration"
    assert answers["SKV"].records[0] == {"kind": "protected_identity", "protected": False}


def test_a_seeded_person_gets_exactly_the_seeded_data(fast):
    fast.put_person(
        PNR,
        MONTH,
        records={
            "FK": [
                {
                    "kind": "payment",
                    "income_type": "housing_allowance",
                    "amount": "1500.00",
                    "paid_on": "2025-04-25",
                }
            ],
            "TS": [
                {
                    "kind": "vehicle",
                    "registration": "ABC123",
                    "make": "Volvo",
                    "model_year": 2012,
                    "vehicle_type": "personbil",
                }
            ],
        },
    )
    answers = fetch()
    assert answers["FK"].records == [
        {
            "kind": "payment",
            "income_type": "housing_allowance",
            "amount": "1500.00",
            "paid_on": "2025-04-25",
        }
    ]
    assert answers["TS"].records[0]["registration"] == "ABC123"
    # What the seed does not mention, the register says nothing about.
    assert answers["CSN"].records == []
    assert answers["AF"].records[0]["registered"] is False
    population = answers["SKV"].records[1]
    assert population["kind"] == "population_register"
    assert population["persons"] == ["191212121212"]


# Named-source faults spoil only that source's part of the answer.
SOURCE_MODES = {
    "error_500": "svarade med ett fel efter 3 försök",
    "timeout": "svarade inte i tid till registertjänsten efter 3 försök",
    "partial": "fanns inte med i registertjänstens svar efter 3 försök",
    "malformed": "lämnade uppgifter som inte gick att tolka",
}


@pytest.mark.parametrize("mode", list(SOURCE_MODES))
@pytest.mark.parametrize("code", ALL)
def test_a_failing_source_is_unknown_after_every_attempt_while_the_others_stay_ok(fast, code, mode):
    fast.add_fault(PNR, mode, source=code, times=3)
    answers = fetch()

    failed = answers[code]
    assert failed.status == "unknown"
    assert failed.records == []
    assert failed.attempts == 3
    assert failed.reason.startswith(LABELS[code] + " ")
    assert SOURCE_MODES[mode] in failed.reason
    assert failed.reason.endswith("efter 3 försök")
    for other, answer in answers.items():
        if other != code:
            assert (answer.status, answer.attempts) == ("ok", 1), other
    # The first query asked everything; the two retries asked only the failing source.
    asked = [entry["sources"] for entry in queries(fast)]
    assert asked == [ALL, [code], [code]]


WHOLE_MODES = {
    "error_500": "kunde inte nås: registertjänsten svarade med fel (HTTP 500) efter 3 försök",
    "timeout": "svarade inte inom 0,2 s efter 3 försök",
    "malformed": ("kunde inte läsas: registertjänstens svar var inte giltig JSON efter 3 försök"),
    "partial": "fanns inte med i registertjänstens svar efter 3 försök",
}


@pytest.mark.parametrize("mode", list(WHOLE_MODES))
def test_a_failing_register_service_makes_every_source_unknown(fast, mode):
    fast.add_fault(PNR, mode, source="*", times=3)
    answers = fetch(["AF", "FK"])
    for code in ("AF", "FK"):
        assert answers[code].status == "unknown"
        assert answers[code].attempts == 3
        assert answers[code].reason == f"{LABELS[code]} {WHOLE_MODES[mode]}"
    assert len(queries(fast)) == 3


def test_timeouts_are_written_the_swedish_way():
    assert seconds_sv(2.0) == "2 s"  # "Försäkringskassan svarade inte inom 2 s efter 3 försök"
    assert seconds_sv(0.2) == "0,2 s"
    assert seconds_sv(0.25) == "0,25 s"


@pytest.mark.parametrize("times", [1, 2])
@pytest.mark.parametrize("mode", ["error_500", "timeout", "partial", "malformed"])
def test_a_fault_for_fewer_times_than_attempts_recovers(fast, mode, times):
    fast.add_fault(PNR, mode, source="*", times=times)
    answers = fetch(["AF", "FK"])
    for answer in answers.values():
        assert (answer.status, answer.attempts) == ("ok", times + 1)


def test_a_named_source_fault_for_fewer_times_than_attempts_recovers(fast):
    fast.add_fault(PNR, "error_500", source="FK", times=2)
    answers = fetch()
    assert answers["FK"].status == "ok"
    assert answers["FK"].attempts == 3
    assert answers["AF"].attempts == 1


def test_a_slow_answer_under_the_timeout_is_fine(fast):
    fast.add_fault(PNR, "slow", source="*", times=1, delay=0.05)
    answers = fetch(["AF"])
    assert (answers["AF"].status, answers["AF"].attempts) == ("ok", 1)


def test_attempts_follow_the_setting(fast, settings):
    settings.REGISTER_ATTEMPTS = 2
    fast.add_fault(PNR, "error_500", source="*", times=5)
    answers = fetch(["CSN"])
    assert answers["CSN"].attempts == 2
    assert answers["CSN"].reason.endswith("efter 2 försök")


def test_simulator_down_every_source_unknown(settings):
    with socket.socket() as probe:  # a free port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.REGISTER_GATEWAY = "simulator"
    settings.REGISTER_SIMULATOR_URL = f"http://127.0.0.1:{port}"
    settings.REGISTER_TIMEOUT_SECONDS = 0.2
    settings.REGISTER_ATTEMPTS = 3
    settings.REGISTER_BACKOFF_SECONDS = (0.01, 0.02)
    answers = fetch(["AF", "SKV"])
    assert answers["SKV"].status == "unknown"
    assert answers["SKV"].attempts == 3
    assert answers["SKV"].reason == (
        "Skatteverket kunde inte nås eftersom registertjänsten inte gick att ansluta till "
        "efter 3 försök"
    )


def test_a_refused_query_is_not_retried(fast):
    gateway = SimulatorGateway(fast.url + "/elsewhere", timeout=0.2, attempts=3)
    answers = gateway.fetch(PNR, MONTH, ["AF"], PURPOSE)
    gateway.close()
    assert answers["AF"].attempts == 1
    assert answers["AF"].reason == (
        "Arbetsförmedlingen kunde inte frågas: registertjänsten avvisade frågan (HTTP 404) "
        "efter 1 försök"
    )


def test_a_callers_mistake_raises(fast):
    gateway = get_gateway()
    with pytest.raises(ValueError, match="ogiltigt personnummer"):
        gateway.fetch("19121212-1213", MONTH, ["AF"], PURPOSE)
    with pytest.raises(ValueError, match="ÅÅÅÅ-MM"):
        gateway.fetch(PNR, "2025-4", ["AF"], PURPOSE)
    with pytest.raises(ValueError, match="unknown register source"):
        gateway.fetch(PNR, MONTH, ["XYZ"], PURPOSE)


def test_the_personnummer_is_never_logged_nor_in_a_url(fast, caplog):
    caplog.set_level(logging.DEBUG)
    fast.put_person(PNR, MONTH, records={"CSN": []})
    fast.add_fault(PNR, "error_500", source="*", times=1)
    fast.add_fault(PNR, "partial", source="FK", times=1)
    fast.add_fault(PNR, "malformed", source="SKV", times=3)
    answers = fetch()
    assert answers["SKV"].status == "unknown"
    assert caplog.records, "the gateway and the simulator do log"

    logged = "\n".join(record.getMessage() for record in caplog.records)
    reasons = "\n".join(answer.reason for answer in answers.values())
    paths = [entry["path"] for entry in fast.requests()]
    assert paths and all(path == "/ssbtek/v1/query" for path in paths)
    for form in ("19121212-1212", "191212121212", "121212-1212", "1212121212"):
        assert form not in logged
        assert form not in reasons
        assert not any(form in path for path in paths)


def test_get_gateway_follows_the_setting(settings):
    settings.REGISTER_GATEWAY = "simulator"
    assert isinstance(get_gateway(), SimulatorGateway)
    assert get_gateway() is get_gateway()
    settings.REGISTER_GATEWAY = "ssbtek"
    assert isinstance(get_gateway(), SsbtekGateway)
    settings.REGISTER_GATEWAY = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_gateway()


def test_answers_serialise_and_refuse_an_unknown_without_a_reason():
    answer = SourceAnswer("FK", "unknown", [], "Försäkringskassan svarade med ett fel", 3)
    assert SourceAnswer.from_json(answer.to_json()) == answer
    with pytest.raises(ValueError):
        SourceAnswer("FK", "unknown", [], "", 3)
    with pytest.raises(ValueError):
        SourceAnswer("FK", "none", [], "", 1)
