"""The register simulator as a service: deterministic data, seeding, persistence, admin API."""

import json
import os
import stat

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bistand.connectors import SOURCES, SimulatorGateway
from bistand.connectors.simulator import SimulatorClient, SimulatorServer
from bistand.connectors.testing import TEST_PERSONNUMMER

MONTH = "2025-04"
PURPOSE = "Prövning av ekonomiskt bistånd, ansökan 2025-04"


def answers_from(server: SimulatorServer, numbers=TEST_PERSONNUMMER, month=MONTH):
    with SimulatorGateway(server.url, timeout=1.0, attempts=1) as gateway:
        return {
            number: {
                code: answer.to_json()
                for code, answer in gateway.fetch(number, month, list(SOURCES), PURPOSE).items()
            }
            for number in numbers
        }


def raw_query(server: SimulatorServer, body) -> httpx.Response:
    return httpx.post(f"{server.url}/ssbtek/v1/query", json=body, timeout=2.0)


def test_the_same_seed_gives_the_same_synthetic_data():
    with SimulatorServer(seed=7) as first, SimulatorServer(seed=7) as second:
        assert answers_from(first) == answers_from(second)
        # Asking fewer sources, or in another order, does not change what each says.
        with SimulatorGateway(first.url, attempts=1) as gateway:
            some = gateway.fetch(TEST_PERSONNUMMER[0], MONTH, ["PM", "FK"], PURPOSE)
        assert some["FK"].to_json() == answers_from(second)[TEST_PERSONNUMMER[0]]["FK"]


def test_another_seed_gives_other_people():
    with SimulatorServer(seed=1) as first, SimulatorServer(seed=2) as second:
        assert answers_from(first) != answers_from(second)


def test_synthetic_answers_are_valid_and_dated_in_the_month_asked():
    with SimulatorServer(seed=3) as server:
        for month in ("2024-02", "2025-04"):
            for per_source in answers_from(server, month=month).values():
                for answer in per_source.values():
                    assert answer["status"] == "ok"
                    for record in answer["records"]:
                        if record["kind"] == "payment":
                            assert record["paid_on"].startswith(month)


def test_a_synthetic_person_lives_alone(register_simulator):
    with SimulatorGateway(register_simulator.url) as gateway:
        skv = gateway.fetch(TEST_PERSONNUMMER[2], MONTH, ["SKV"], PURPOSE)["SKV"]
    population = [r for r in skv.records if r["kind"] == "population_register"]
    assert all(record["persons"] == ["191212121238"] for record in population)


def test_seeded_data_is_answered_as_given_per_month(register_simulator):
    number = TEST_PERSONNUMMER[1]
    raw_fk = [{"forman": "FK:BOB", "belopp": "1500.00", "utbetalningsdatum": "2025-04-25"}]
    register_simulator.put_person(number, MONTH, {"FK": raw_fk})
    with SimulatorGateway(register_simulator.url) as gateway:
        april = gateway.fetch(number, MONTH, ["FK", "TS"], PURPOSE)
        may = gateway.fetch(number, "2025-05", ["FK"], PURPOSE)
    assert april["FK"].records[0]["amount"] == "1500.00"
    assert april["TS"].records == []
    assert may["FK"].records == []  # a seeded person's other months say nothing


def test_seeded_household_shares_an_address(register_simulator):
    adults = [TEST_PERSONNUMMER[0], TEST_PERSONNUMMER[1]]
    household = {
        "kind": "population_register",
        "address_key": "hushall-0001",
        "persons": ["191212121212", "191212121220"],
    }
    for number in adults:
        register_simulator.put_person(number, MONTH, records={"SKV": [household]})
    with SimulatorGateway(register_simulator.url) as gateway:
        for number in adults:
            records = gateway.fetch(number, MONTH, ["SKV"], PURPOSE)["SKV"].records
            assert records[1] == household
            assert records[0] == {"kind": "protected_identity", "protected": False}


def test_state_survives_a_restart_with_a_state_file(tmp_path):
    path = tmp_path / "simulator.json"
    raw_ts = [
        {"regnr": "XYZ789", "fabrikat": "Saab", "fordonsar": 1999, "fordonsslag": "PERSONBIL"}
    ]
    with SimulatorServer(seed=1, state_path=path) as server, SimulatorClient(server.url) as client:
        client.put_person(TEST_PERSONNUMMER[3], MONTH, {"TS": raw_ts})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".simulator-")]

    with SimulatorServer(seed=1, state_path=path) as again:
        answers = answers_from(again, [TEST_PERSONNUMMER[3]])
        assert answers[TEST_PERSONNUMMER[3]]["TS"]["records"][0]["registration"] == "XYZ789"
        with SimulatorClient(again.url) as client:
            assert client.health()["persons"] == 1
            client.reset()
    assert json.loads(path.read_text())["persons"] == {}


def test_without_a_state_file_a_restart_forgets(register_simulator):
    register_simulator.put_person(TEST_PERSONNUMMER[0], MONTH, {"CSN": []})
    assert register_simulator.health()["persons"] == 1
    assert register_simulator.health()["persistent"] is False
    with SimulatorServer(seed=1) as fresh, SimulatorClient(fresh.url) as client:
        assert client.health()["persons"] == 0


def test_reset_and_clearing_faults(register_simulator):
    number = TEST_PERSONNUMMER[0]
    register_simulator.put_person(number, MONTH, {"CSN": []})
    register_simulator.add_fault(number, "error_500", times=5)
    register_simulator.clear_faults()
    with SimulatorGateway(register_simulator.url, attempts=1) as gateway:
        assert gateway.fetch(number, MONTH, ["CSN"], PURPOSE)["CSN"].status == "ok"
    register_simulator.reset()
    assert register_simulator.health() | {"seed": None} == {
        "status": "ok",
        "seed": None,
        "requests": 0,
        "persons": 0,
        "persistent": False,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"personnummer": "19121212-1213", "month": MONTH, "sources": ["AF"]},
        {"personnummer": TEST_PERSONNUMMER[0], "month": "april", "sources": ["AF"]},
        {"personnummer": TEST_PERSONNUMMER[0], "month": MONTH, "sources": ["XYZ"]},
        {"personnummer": TEST_PERSONNUMMER[0], "month": MONTH, "sources": []},
        {"personnummer": TEST_PERSONNUMMER[0], "month": MONTH, "sources": ["AF"], "purpose": ""},
    ],
)
def test_the_query_refuses_bad_questions(register_simulator, body):
    body.setdefault("purpose", PURPOSE)
    body.setdefault("legal_basis", "5 § förordningen (2008:975)")
    response = raw_query(register_simulator.server, body)
    assert response.status_code == 400
    assert "1212" not in response.text


def test_the_query_answers_each_source_with_its_own_status(register_simulator):
    number = TEST_PERSONNUMMER[0]
    register_simulator.add_fault(number, "error_500", source="FK")
    body = {
        "personnummer": number,
        "month": MONTH,
        "sources": ["AF", "FK"],
        "purpose": PURPOSE,
        "legal_basis": "3 och 5 §§ förordningen (2008:975)",
    }
    answer = raw_query(register_simulator.server, body).json()
    assert answer["sources"]["AF"]["status"] == "ok"
    assert answer["sources"]["FK"]["status"] == "error"


def test_migrationsverket_is_served_over_http_and_kept_in_the_state_file(tmp_path):
    number = TEST_PERSONNUMMER[0]
    permit = {
        "kind": "residence",
        "basis": "permit",
        "permits": [
            {
                "permit_type": "residence",
                "decision_code": "BV",
                "valid_from": "2025-01-01",
                "valid_until": "2026-12-31",
            }
        ],
    }
    path = tmp_path / "simulator.json"
    with SimulatorServer(port=0, seed=1, state_path=path) as server:
        client = SimulatorClient(server.url)
        client.put_person(number, "2027-01", records={"MIV": [permit]})
        client.put_person(TEST_PERSONNUMMER[1], "2027-01", records={"AF": []})
        body = {
            "personnummer": number,
            "month": "2027-01",
            "sources": ["MIV"],
            "purpose": PURPOSE,
            "legal_basis": "15 kap. 10–12 §§ socialtjänstlagen (2025:400)",
        }
        raw = raw_query(server, body).json()["sources"]["MIV"]
        assert raw["status"] == "ok"
        assert raw["data"]["uppehallsstatus"] == "TILLSTAND"
    persons = json.loads(path.read_text())["persons"]
    assert any("MIV" in months.get("2027-01", {}) for months in persons.values())
    with SimulatorServer(port=0, seed=1, state_path=path) as server:
        answers = answers_from(server, numbers=TEST_PERSONNUMMER[:2], month="2027-01")
    assert answers[number]["MIV"]["records"] == [permit]
    # a seeded person the seed says nothing about at Migrationsverket is a Swedish citizen
    assert answers[TEST_PERSONNUMMER[1]]["MIV"]["records"][0]["basis"] == "swedish_citizen"


def test_migrationsverket_failing_is_unknown_never_no_permit(register_simulator, settings):
    number = TEST_PERSONNUMMER[0]
    register_simulator.add_fault(number, "error_500", source="MIV", times=5)
    with SimulatorGateway(register_simulator.server.url, timeout=1.0, attempts=2) as gateway:
        answers = gateway.fetch(number, "2027-01", ["SKV", "MIV"], PURPOSE)
    assert answers["SKV"].status == "ok"
    assert answers["MIV"].status == "unknown"
    assert answers["MIV"].records == []
    assert answers["MIV"].reason.startswith("Migrationsverket ")


@pytest.mark.parametrize(
    "fault",
    [
        {"mode": "explode"},
        {"mode": "timeout", "source": "XYZ"},
        {"mode": "timeout", "times": 0},
        {"mode": "slow", "delay": "long"},
    ],
)
def test_the_admin_api_refuses_bad_faults(register_simulator, fault):
    with pytest.raises(httpx.HTTPStatusError) as refused:
        register_simulator.add_fault(TEST_PERSONNUMMER[0], **fault)
    assert refused.value.response.status_code == 400


def test_unknown_paths_are_404(register_simulator):
    assert httpx.get(f"{register_simulator.url}/ssbtek/v1/query/191212121212").status_code == 404


def test_random_faults_are_deterministic_from_seed_and_request_number():
    def outcomes():
        with SimulatorServer(seed=5, fault_rate=0.5, hang_seconds=0.0) as server:
            with SimulatorGateway(server.url, timeout=1.0, attempts=1) as gateway:
                for number in TEST_PERSONNUMMER:
                    gateway.fetch(number, MONTH, ["AF", "FK", "SKV"], PURPOSE)
            with SimulatorClient(server.url) as client:
                return [entry["faults"] for entry in client.requests()]

    first = outcomes()
    assert first == outcomes()
    assert any(first) and not all(first)


def test_the_simulator_listens_on_loopback_only():
    with pytest.raises(ValueError, match="loopback"):
        SimulatorServer("0.0.0.0")  # noqa: S104 - the point of the test
    with pytest.raises(CommandError, match="loopback"):
        call_command("simulator", "--host", "192.0.2.1", "--port", "0")
