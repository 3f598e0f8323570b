"""The source plugins: what each register's payload becomes, and what they refuse."""

from pathlib import Path

import pytest
import yaml

from bistand.connectors import SOURCES, PayloadError, Source
from bistand.connectors.base import legal_basis_for
from bistand.connectors.registry import Registry
from bistand.connectors.simulator.synthetic import synthetic_records

PNR = "191212121212"
INCOME_TYPES = Path(__file__).parents[2] / "rules/parameters/national/income_types.yaml"


def test_the_eight_sources_are_registered_in_display_order():
    assert list(SOURCES) == ["AF", "FK", "CSN", "SKV", "AKASSA", "TS", "PM", "MIV"]
    for code, plugin in SOURCES.items():
        assert plugin.code == code
        assert plugin.label_sv
        assert plugin.legal_basis
        assert plugin.legal_basis_status in ("official", "provisional")


def test_the_registry_refuses_a_second_plugin_for_the_same_code():
    registry = Registry()

    class One(Source):
        code, label_sv, legal_basis, ssbtek_service = "X", "X-verket", "1 §", "X"

    registry.register(One)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(One)


def test_unknown_or_missing_source_codes_are_a_callers_mistake():
    with pytest.raises(ValueError, match="unknown register source 'XYZ'"):
        SOURCES.check(["AF", "XYZ"])
    with pytest.raises(ValueError):
        SOURCES.check([])
    with pytest.raises(ValueError):
        SOURCES.check("AF")
    assert SOURCES.check(["FK", "AF", "FK"]) == ["FK", "AF"]


def test_the_legal_basis_of_a_query_gathers_the_paragraphs_of_the_regulation():
    text = legal_basis_for(["FK", "AF", "CSN"], SOURCES)
    assert text == (
        "15 kap. 10–12 §§ socialtjänstlagen (2025:400); 2, 3 och 5 §§ förordningen (2008:975) "
        "om uppgiftsskyldighet i vissa fall enligt socialtjänstlagen"
    )


def test_migrationsverket_is_asked_under_the_act_alone():
    assert legal_basis_for(["AF", "MIV"], SOURCES) == (
        "15 kap. 10–12 §§ socialtjänstlagen (2025:400); 5 § förordningen (2008:975) "
        "om uppgiftsskyldighet i vissa fall enligt socialtjänstlagen"
    )
    assert SOURCES["MIV"].legal_basis_status == "provisional"


def test_miv_permits_with_their_validity():
    raw = {
        "uppehallsstatus": "TILLSTAND",
        "tillstand": [
            {
                "typ": "UT",
                "beslutskod": "BV",
                "giltigFran": "2025-07-01",
                "giltigTill": "2027-06-30",
            },
            {
                "typ": "AT",
                "beslutskod": "BV",
                "giltigFran": "2025-07-01",
                "giltigTill": "2027-06-30",
            },
        ],
    }
    assert SOURCES["MIV"].parse(raw) == [
        {
            "kind": "residence",
            "basis": "permit",
            "permits": [
                {
                    "permit_type": "residence",
                    "decision_code": "BV",
                    "valid_from": "2025-07-01",
                    "valid_until": "2027-06-30",
                },
                {
                    "permit_type": "work",
                    "decision_code": "BV",
                    "valid_from": "2025-07-01",
                    "valid_until": "2027-06-30",
                },
            ],
        }
    ]
    assert SOURCES["MIV"].to_raw(SOURCES["MIV"].parse(raw)) == raw


@pytest.mark.parametrize(
    ("status", "basis"),
    [
        ("SVENSK_MEDBORGARE", "swedish_citizen"),
        ("EU_UPPEHALLSRATT", "eu_right_of_residence"),
        ("SAKNAS", "none"),
    ],
)
def test_miv_citizens_and_those_without_a_permit_have_no_permit_record(status, basis):
    records = SOURCES["MIV"].parse({"uppehallsstatus": status, "tillstand": []})
    assert records == [{"kind": "residence", "basis": basis, "permits": []}]


def test_miv_nothing_seeded_is_a_swedish_citizen():
    assert SOURCES["MIV"].parse(SOURCES["MIV"].to_raw([]))[0]["basis"] == "swedish_citizen"


def test_af_registered_job_seeker():
    raw = {
        "arbetssokande": True,
        "registrerad": "2024-11-18",
        "program": "Jobb- och utvecklingsgarantin",
        "planeringAktiv": True,
    }
    assert SOURCES["AF"].parse(raw) == [
        {
            "kind": "registration",
            "registered": True,
            "registered_since": "2024-11-18",
            "programme": "Jobb- och utvecklingsgarantin",
            "planning_active": True,
        }
    ]


def test_af_not_registered_is_an_answer_not_an_empty_list():
    records = SOURCES["AF"].parse({"arbetssokande": False})
    assert records == [
        {
            "kind": "registration",
            "registered": False,
            "registered_since": None,
            "programme": None,
            "planning_active": False,
        }
    ]


def test_fk_payments_get_the_rules_engines_income_types():
    raw = [
        {"forman": "FK:BOB", "belopp": "1500", "utbetalningsdatum": "2025-04-25"},
        {"forman": "FK:ABB", "belopp": 1250, "utbetalningsdatum": "2025-04-20"},
        {"forman": "FK:SJP", "belopp": 8123.5, "utbetalningsdatum": "2025-04-24"},
    ]
    assert SOURCES["FK"].parse(raw) == [
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
        {
            "kind": "payment",
            "income_type": "sickness_benefit",
            "amount": "8123.50",
            "paid_on": "2025-04-24",
        },
    ]


def test_csn_pm_and_akassa_payments():
    csn = SOURCES["CSN"].parse(
        [{"stodform": "studiemedel", "belopp": "12000.00", "utbetalningsdatum": "2025-04-25"}]
    )
    assert csn[0]["income_type"] == "study_grant"
    pm = SOURCES["PM"].parse(
        [
            {"forman": "PM:AP", "belopp": "9800.50", "utbetalningsdatum": "2025-04-17"},
            {"forman": "PM:BTI", "belopp": "2100", "utbetalningsdatum": "2025-04-17"},
        ]
    )
    assert [(r["income_type"], r["amount"]) for r in pm] == [
        ("pension", "9800.50"),
        ("housing_allowance", "2100.00"),
    ]
    akassa = SOURCES["AKASSA"].parse(
        [{"utbetalningsdatum": "2025-04-08", "nettoEfterSkatt": "4625.50", "ersattningsdagar": 10}]
    )
    assert akassa == [
        {
            "kind": "payment",
            "income_type": "unemployment_benefit",
            "amount": "4625.50",
            "paid_on": "2025-04-08",
        }
    ]


def test_skv_household_protection_and_salary_net_of_preliminary_tax():
    raw = {
        "skyddadIdentitet": False,
        "folkbokforing": {
            "adressnyckel": "a1b2c3d4e5f60718",
            "personer": ["19121212-1212", "191212121220", "19121212-1212"],
        },
        "arbetsgivardeklarationer": [
            {
                "arbetsgivare": "Exempelbolaget AB",
                "kontantBruttolon": "24000.00",
                "avdragenSkatt": "5200.00",
                "utbetalningsdatum": "2025-04-25",
            }
        ],
    }
    assert SOURCES["SKV"].parse(raw) == [
        {"kind": "protected_identity", "protected": False},
        {
            "kind": "population_register",
            "address_key": "a1b2c3d4e5f60718",
            "persons": ["191212121212", "191212121220"],
        },
        {
            "kind": "payment",
            "income_type": "salary",
            "amount": "18800.00",
            "gross": "24000.00",
            "tax": "5200.00",
            "employer": "Exempelbolaget AB",
            "paid_on": "2025-04-25",
        },
    ]


def test_skv_protected_identity_has_no_address():
    records = SOURCES["SKV"].parse({"skyddadIdentitet": True, "folkbokforing": None})
    assert records == [{"kind": "protected_identity", "protected": True}]


def test_ts_vehicles():
    raw = [
        {"regnr": "abc 123", "fabrikat": "Volvo", "fordonsar": "2012", "fordonsslag": "PERSONBIL"}
    ]
    assert SOURCES["TS"].parse(raw) == [
        {
            "kind": "vehicle",
            "registration": "ABC123",
            "make": "Volvo",
            "model_year": 2012,
            "vehicle_type": "personbil",
        }
    ]


@pytest.mark.parametrize(
    ("code", "raw"),
    [
        ("AF", None),
        ("AF", {"registrerad": "2024-11-18"}),
        ("AF", {"arbetssokande": "ja"}),
        ("AF", {"arbetssokande": True, "registrerad": None}),
        ("FK", {"forman": "FK:BOB"}),
        ("FK", [{"forman": "FK:XYZ", "belopp": "1", "utbetalningsdatum": "2025-04-25"}]),
        ("FK", [{"forman": "FK:BOB", "belopp": "-5", "utbetalningsdatum": "2025-04-25"}]),
        ("FK", [{"forman": "FK:BOB", "belopp": "12.345", "utbetalningsdatum": "2025-04-25"}]),
        ("FK", [{"forman": "FK:BOB", "belopp": "1500", "utbetalningsdatum": "25/4"}]),
        ("FK", [{"forman": "FK:BOB", "belopp": True, "utbetalningsdatum": "2025-04-25"}]),
        ("CSN", [{"stodform": "lan", "belopp": "1", "utbetalningsdatum": "2025-04-25"}]),
        ("SKV", {"skyddadIdentitet": False, "folkbokforing": None}),
        ("SKV", {"folkbokforing": {"adressnyckel": "a1b2c3d4e5", "personer": []}}),
        (
            "SKV",
            {
                "skyddadIdentitet": False,
                "folkbokforing": {"adressnyckel": "Storgatan 1, Exempelstad", "personer": []},
            },
        ),
        (
            "SKV",
            {
                "skyddadIdentitet": False,
                "folkbokforing": {"adressnyckel": "a1b2c3d4e5", "personer": ["191212121213"]},
            },
        ),
        (
            "SKV",
            {
                "skyddadIdentitet": False,
                "folkbokforing": {"adressnyckel": "a1b2c3d4e5", "personer": []},
                "arbetsgivardeklarationer": [
                    {
                        "arbetsgivare": "X AB",
                        "kontantBruttolon": "100",
                        "avdragenSkatt": "200",
                        "utbetalningsdatum": "2025-04-25",
                    }
                ],
            },
        ),
        ("AKASSA", [{"utbetalningsdatum": "2025-04-08"}]),
        ("TS", [{"regnr": "ABC123", "fabrikat": "Volvo", "fordonsar": "tolv", "fordonsslag": "X"}]),
        ("TS", "<<trasigt svar>>"),
        ("PM", [{"forman": "FK:BOB", "belopp": "1", "utbetalningsdatum": "2025-04-25"}]),
        ("MIV", []),
        ("MIV", {"tillstand": []}),
        ("MIV", {"uppehallsstatus": "KANSKE", "tillstand": []}),
        ("MIV", {"uppehallsstatus": "TILLSTAND", "tillstand": []}),
        (
            "MIV",
            {
                "uppehallsstatus": "SVENSK_MEDBORGARE",
                "tillstand": [
                    {"typ": "UT", "giltigFran": "2025-01-01", "giltigTill": "2026-01-01"}
                ],
            },
        ),
        (
            "MIV",
            {
                "uppehallsstatus": "TILLSTAND",
                "tillstand": [{"typ": "UT", "giltigFran": "2025-01-01", "giltigTill": None}],
            },
        ),
        (
            "MIV",
            {
                "uppehallsstatus": "TILLSTAND",
                "tillstand": [
                    {"typ": "XX", "giltigFran": "2025-01-01", "giltigTill": "2026-01-01"}
                ],
            },
        ),
        (
            "MIV",
            {
                "uppehallsstatus": "TILLSTAND",
                "tillstand": [
                    {"typ": "UT", "giltigFran": "2026-01-01", "giltigTill": "2025-01-01"}
                ],
            },
        ),
    ],
)
def test_payloads_a_plugin_does_not_understand_are_refused(code, raw):
    with pytest.raises(PayloadError):
        SOURCES[code].parse(raw)


def test_a_refusal_never_repeats_a_personnummer():
    raw = {
        "skyddadIdentitet": False,
        "folkbokforing": {"adressnyckel": "a1b2c3d4e5", "personer": ["191212121213"]},
    }
    with pytest.raises(PayloadError) as refusal:
        SOURCES["SKV"].parse(raw)
    assert "1212" not in str(refusal.value)


@pytest.mark.parametrize("code", list(SOURCES))
@pytest.mark.parametrize("number", ["191212121212", "191212101214", "201212121220"])
def test_synthetic_records_survive_the_round_trip_through_the_raw_payload(code, number):
    plugin = SOURCES[code]
    for month in ("2023-01", "2025-04"):
        records = synthetic_records(1, number, month, code)
        assert plugin.parse(plugin.to_raw(records)) == records


def test_every_income_type_the_connectors_emit_is_in_the_rules_engines_catalogue():
    catalogue = yaml.safe_load(INCOME_TYPES.read_text(encoding="utf-8"))
    known = set(catalogue["versions"][-1]["values"])
    from bistand.connectors.sources import csn, fk, pm

    emitted = {"salary", "unemployment_benefit"}
    for module in (fk, pm, csn):
        emitted |= set(module.INCOME_TYPES.values())
    assert emitted <= known
