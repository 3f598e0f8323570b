"""The SSBTEK stub against a recorded (synthetic) exchange: the request it builds, the answers it
reads, and the clear refusal to pretend it is connected."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bistand.connectors import SOURCES
from bistand.connectors.ssbtek import NotConfigured, SsbtekConfig, SsbtekGateway

FIXTURES = Path(__file__).parent / "fixtures"
REQUEST = (FIXTURES / "ssbtek_request.xml").read_bytes()
RESPONSE = (FIXTURES / "ssbtek_response.xml").read_bytes()
CONFIG = SsbtekConfig(
    organisationsnummer="162120000000",
    kommun="Exempelstads kommun",
    handlaggare="bistand-robot",
    fk_aktorsid="exempel-aktor-001",
)
ALL = list(SOURCES)


def canonical(xml: bytes) -> str:
    """Compare XML without caring about indentation, comments or attribute order."""
    return ET.canonicalize(xml.decode("utf-8"), strip_text=True)


def build(gateway: SsbtekGateway) -> bytes:
    return gateway.build_request(
        "19121212-1212",
        "2025-04",
        ["AF", "FK", "CSN", "SKV", "AKASSA", "TS", "PM"],
        "Prövning av ekonomiskt bistånd, ansökan 2025-04",
        arendeidentitet="EB-2025-000123",
        korrelationsid="3f0c1e9a-5b7d-4c1e-9f2a-0d6b8e4a7c21",
        fragetidpunkt=datetime(2025, 5, 2, 8, 15, tzinfo=timezone(timedelta(hours=2))),
    )


def test_the_built_request_matches_the_recorded_one():
    assert canonical(build(SsbtekGateway(CONFIG))) == canonical(REQUEST)


def test_the_request_includes_only_the_base_services_asked_for():
    xml = SsbtekGateway(CONFIG).build_request(
        "191212121212", "2025-02", ["AF"], "Prövning", arendeidentitet="EB-1"
    )
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    flags = {
        element.tag.rsplit("}", 1)[1]: element.get("inkludera")
        for element in root.find(".//{*}specifikaFrageparametrar")
    }
    assert flags == {
        "AF": "true",
        "CSN": "false",
        "FK": "false",
        "SKV": "false",
        "SO": "false",
        "TNS": "false",
        "MIV": "false",
    }
    assert root.find(".//{*}tomDatum").text == "2025-02-28"
    assert root.find(".//{*}lagtext").text == (
        "15 kap. 10–12 §§ socialtjänstlagen (2025:400); 5 § förordningen (2008:975) om "
        "uppgiftsskyldighet i vissa fall enligt socialtjänstlagen"
    )


def test_the_recorded_response_gives_these_answers():
    answers = SsbtekGateway(CONFIG).parse_response(RESPONSE, ALL)
    assert {code: answer.status for code, answer in answers.items()} == {
        "AF": "ok",
        "FK": "ok",
        "CSN": "ok",
        "SKV": "unknown",
        "AKASSA": "ok",
        "TS": "ok",
        "PM": "ok",
        "MIV": "unknown",  # not in the recorded answer, and not mapped yet: never "no permit"
    }
    assert answers["MIV"].reason == "Migrationsverket fanns inte med i SSBTEK:s svar"
    assert answers["AF"].records == [
        {
            "kind": "registration",
            "registered": True,
            "registered_since": "2024-11-18",
            "programme": None,
            "planning_active": True,
        }
    ]
    assert answers["FK"].records == [
        {
            "kind": "payment",
            "income_type": "housing_allowance",
            "amount": "1500.00",
            "paid_on": "2025-04-25",
        },
        {
            "kind": "payment",
            "income_type": "child_allowance",
            "amount": "1250.00",
            "paid_on": "2025-04-20",
        },
    ]
    assert answers["CSN"].records == []
    assert answers["AKASSA"].records == [
        {
            "kind": "payment",
            "income_type": "unemployment_benefit",
            "amount": "4625.50",
            "paid_on": "2025-04-08",
        },
        {
            "kind": "payment",
            "income_type": "unemployment_benefit",
            "amount": "4625.50",
            "paid_on": "2025-04-22",
        },
    ]
    assert answers["TS"].records == [
        {
            "kind": "vehicle",
            "registration": "ABC123",
            "make": "Volvo",
            "model_year": 2012,
            "vehicle_type": "personbil",
        }
    ]
    assert answers["PM"].records == [
        {"kind": "payment", "income_type": "pension", "amount": "9800.50", "paid_on": "2025-04-17"}
    ]
    # SSBTEK v10's Skatteverket service has no household or salary data: unknown, not "none".
    assert answers["SKV"].reason.startswith("Skatteverket lämnar inte folkbokförings")


def replace_service(service: bytes, replacement: bytes) -> bytes:
    start = RESPONSE.index(b"<ssbt:" + service + b">")
    end = RESPONSE.index(b"</ssbt:" + service + b">") + len(service) + 8
    return RESPONSE[:start] + replacement + RESPONSE[end:]


def test_an_error_element_makes_that_source_unknown_and_only_that():
    spoiled = replace_service(
        b"TNS",
        b"<ssbt:TNS><ssbt:error><ssbt:kalla>SSBT</ssbt:kalla><ssbt:felkod>TIMEOUT</ssbt:felkod>"
        b"<ssbt:felmeddelande>Timeout</ssbt:felmeddelande></ssbt:error></ssbt:TNS>",
    )
    answers = SsbtekGateway(CONFIG).parse_response(spoiled, ALL)
    assert answers["TS"].status == "unknown"
    assert answers["TS"].reason == (
        "Transportstyrelsen svarade med ett fel i SSBTEK (källa SSBT, felkod TIMEOUT)"
    )
    assert answers["AF"].status == answers["FK"].status == "ok"


def test_a_migrationsverket_answer_is_unknown_until_it_is_mapped():
    answer = b"<ssbt:MIV><ssbt:data><ssbt:resultat>OK</ssbt:resultat></ssbt:data></ssbt:MIV>"
    xml = RESPONSE.replace(b"</ssbt:TNS>", b"</ssbt:TNS>" + answer)
    answers = SsbtekGateway(CONFIG).parse_response(xml, ["MIV", "TS"])
    assert answers["MIV"].status == "unknown"
    assert answers["MIV"].reason == (
        "Migrationsverket gav ett svar som Bistånd inte tolkar än (Migrationsverkets tillstånd)"
    )
    assert answers["TS"].status == "ok"


def test_a_missing_base_service_is_unknown():
    answers = SsbtekGateway(CONFIG).parse_response(replace_service(b"AF", b""), ["AF", "TS"])
    assert answers["AF"].reason == "Arbetsförmedlingen fanns inte med i SSBTEK:s svar"
    assert answers["TS"].status == "ok"


def test_a_lefi_provider_that_is_not_ok_makes_its_source_unknown():
    import base64
    import json

    lefi = {
        "utlamnare": [
            {"utlamnare": {"kod": "FK"}, "tillstand": {"kod": "OK"}},
            {"utlamnare": {"kod": "PM"}, "tillstand": {"kod": "OTILLGANGLIG"}},
        ],
        "formansinformation": {"utbetalningsuppgift": []},
    }
    encoded = base64.b64encode(json.dumps(lefi).encode())
    start = RESPONSE.index(b"<ssbt:lefiJsonSvar>") + len(b"<ssbt:lefiJsonSvar>")
    end = RESPONSE.index(b"</ssbt:lefiJsonSvar>")
    answers = SsbtekGateway(CONFIG).parse_response(
        RESPONSE[:start] + encoded + RESPONSE[end:], ["FK", "PM"]
    )
    assert (answers["FK"].status, answers["FK"].records) == ("ok", [])
    assert answers["PM"].status == "unknown"
    assert "OTILLGANGLIG" in answers["PM"].reason


@pytest.mark.parametrize(
    "xml",
    [
        b"<not xml",
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b"<soap:Fault><faultcode>soap:Server</faultcode></soap:Fault></soap:Body></soap:Envelope>",
    ],
)
def test_an_unreadable_answer_or_a_soap_fault_makes_every_source_unknown(xml):
    answers = SsbtekGateway(CONFIG).parse_response(xml, ALL)
    assert all(answer.status == "unknown" and answer.reason for answer in answers.values())


def test_fetch_refuses_clearly_until_ssbtek_is_connected():
    with pytest.raises(NotConfigured, match="documented stub") as refusal:
        SsbtekGateway(CONFIG).fetch("19121212-1212", "2025-04", ["AF"], "Prövning")
    assert "certificate" in str(refusal.value)
    assert "Försäkringskassan" in str(refusal.value)


def test_fetch_with_a_transport_reads_the_answer():
    sent = []

    def recorded(request: bytes) -> bytes:
        sent.append(request)
        return RESPONSE

    answers = SsbtekGateway(CONFIG, transport=recorded).fetch(
        "19121212-1212", "2025-04", ["FK", "TS"], "Prövning"
    )
    assert list(answers) == ["FK", "TS"]
    assert answers["TS"].records[0]["registration"] == "ABC123"
    assert b"<ssbt:personidentitet>191212121212</ssbt:personidentitet>" in sent[0]
