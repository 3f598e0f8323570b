"""SSBTEK production adapter — A DOCUMENTED STUB. It cannot reach SSBTEK.

What is real:

- ``SsbtekGateway.build_request`` builds the SOAP request of SSBTEK's v10 contract
  (``hamtaBastjanstInformation``: ingivare with organisationsnummer, kommun and handläggare;
  the 12-digit personidentitet; ärendeidentitet; tidsperiod from/tom; syfte; lagtext; one
  ``inkludera`` flag per base service, and the base64 Lefi question inside the FK element).
- ``SsbtekGateway.parse_response`` reads a ``hamtaBastjanstInformationResponse`` into
  ``SourceAnswer``s through the same source plugins as the simulator. Every source without a
  readable answer is UNKNOWN with a reason: a base service's ``error`` element, a missing
  element, a Lefi provider that is not ``OK`` or reports an avvikelse, data we do not map.
- Both are tested against a recorded, synthetic exchange in ``tests/fixtures/``.

What is NOT real:

- The transport. SSBTEK is SOAP over mutual TLS with a certificate issued to the municipality;
  the default transport raises ``NotConfigured`` saying what is needed. There is no retry
  loop either: a real transport should retry like ``SimulatorGateway`` does.
- Parts of the mapping are assumptions until checked against real answers: the shape of
  Lefi's payment items (``formansinformation.utbetalningsuppgift`` for FK,
  ``utbetalningar`` for PM), whether Lefi amounts are net of tax, and AF's "planning active"
  (taken as: registered and not avaktualiserad). CSN is mapped only for the answer "no study
  support of any kind"; any CSN support makes CSN UNKNOWN. Skatteverket's v10 base service
  gives yearly taxation data, not the population register or employers' salary reports, so
  SKV is always UNKNOWN here.

The XML is shaped after the published v10 XSD/WSDL (Sundsvalls kommun's
api-service-financial-aid). No code is copied from there.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .base import (
    OK,
    UNKNOWN,
    PayloadError,
    SourceAnswer,
    legal_basis_for,
    month_bounds,
    normalise_personnummer,
    validate_month,
)
from .registry import SOURCES
from .sources import fk, pm

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SSBT_NS = "http://schema.forsakringskassan.se/integration/ssbt/10"
#: The base services of the v10 contract, in the order the XSD requires.
SSBTEK_SERVICES = ("AF", "CSN", "FK", "SKV", "SO", "TNS", "MIV")
LEFI_VERSION = "v9"

ET.register_namespace("soap", SOAP_NS)
ET.register_namespace("ssbt", SSBT_NS)


class NotConfigured(ImproperlyConfigured):
    """SSBTEK is not connected: the message says what a municipality needs to connect it."""


NOT_CONFIGURED_MESSAGE = (
    "The SSBTEK adapter is a documented stub: it builds the SOAP request and reads SSBTEK "
    "answers, but it has no transport. To connect a municipality you need: (1) an agreement "
    "on SSBTEK with Försäkringskassan, which runs the service (SKR manages it); (2) a "
    "certificate issued to the municipality for mutual TLS, with its key, and the CA chain "
    "(SSBTEK_CLIENT_CERT, SSBTEK_CLIENT_KEY, SSBTEK_CA_BUNDLE); (3) the service's endpoint "
    "(SSBTEK_ENDPOINT); (4) the municipality's organisationsnummer and name and Lefi aktörs-id "
    "(SSBTEK_ORGANISATIONSNUMMER, SSBTEK_KOMMUN, SSBTEK_FK_AKTORSID); and (5) a transport that "
    "posts the request over mTLS and retries like SimulatorGateway. Until then use "
    "REGISTER_GATEWAY='simulator'. See docs/connectors.md."
)


def not_configured_transport(request: bytes) -> bytes:
    raise NotConfigured(NOT_CONFIGURED_MESSAGE)


@dataclass(frozen=True)
class SsbtekConfig:
    organisationsnummer: str  # 12 digits, "16" + the municipality's organisationsnummer
    kommun: str  # ingivarens namn, e.g. "Exempelstads kommun"
    handlaggare: str  # the caseworker's (or the robot's) user identity
    fk_aktorsid: str  # the municipality's actor id at Lefi (Försäkringskassan)
    endpoint: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    ca_bundle: str | None = None


class SsbtekGateway:
    """The register gateway against SSBTEK. Same interface as ``SimulatorGateway``."""

    def __init__(
        self, config: SsbtekConfig, transport: Callable[[bytes], bytes] | None = None
    ) -> None:
        self.config = config
        self.transport = transport or not_configured_transport

    @classmethod
    def from_settings(cls) -> SsbtekGateway:
        from django.conf import settings

        return cls(
            SsbtekConfig(
                organisationsnummer=getattr(settings, "SSBTEK_ORGANISATIONSNUMMER", ""),
                kommun=getattr(settings, "SSBTEK_KOMMUN", ""),
                handlaggare=getattr(settings, "SSBTEK_HANDLAGGARE", "bistand-robot"),
                fk_aktorsid=getattr(settings, "SSBTEK_FK_AKTORSID", ""),
                endpoint=getattr(settings, "SSBTEK_ENDPOINT", None),
                client_cert=getattr(settings, "SSBTEK_CLIENT_CERT", None),
                client_key=getattr(settings, "SSBTEK_CLIENT_KEY", None),
                ca_bundle=getattr(settings, "SSBTEK_CA_BUNDLE", None),
            )
        )

    def fetch(
        self, personnummer: str, month: str, sources: Sequence[str], purpose: str
    ) -> dict[str, SourceAnswer]:
        """Raises ``NotConfigured`` (from the transport) until SSBTEK is connected."""
        codes = SOURCES.check(sources)
        request = self.build_request(
            personnummer,
            month,
            codes,
            purpose,
            arendeidentitet=str(uuid.uuid4()),
            korrelationsid=str(uuid.uuid4()),
            fragetidpunkt=datetime.now().astimezone(),
        )
        return self.parse_response(self.transport(request), codes)

    # --- the request ------------------------------------------------------------------------

    def build_request(
        self,
        personnummer: str,
        month: str,
        sources: Sequence[str],
        purpose: str,
        *,
        arendeidentitet: str,
        korrelationsid: str | None = None,
        fragetidpunkt: datetime | None = None,
    ) -> bytes:
        number = normalise_personnummer(personnummer)
        codes = SOURCES.check(sources)
        first, last = month_bounds(validate_month(month))
        services = {SOURCES[code].ssbtek_service for code in codes}

        envelope = ET.Element(_soap("Envelope"))
        body = ET.SubElement(envelope, _soap("Body"))
        question = ET.SubElement(body, _ssbt("hamtaBastjanstInformation"))

        general = ET.SubElement(question, _ssbt("generellaFrageparametrar"))
        if fragetidpunkt is not None:
            _text(general, "frageTidpunkt", fragetidpunkt.isoformat(timespec="seconds"))
        if korrelationsid is not None:
            _text(general, "korrelationsid", korrelationsid)
        _text(general, "fraganSkallInkluderasISvaret", "false")
        submitter = ET.SubElement(general, _ssbt("ingivare"))
        _text(submitter, "organisationsnummer", self.config.organisationsnummer)
        _text(submitter, "namn", self.config.kommun)
        _text(submitter, "handlaggare", self.config.handlaggare)
        _text(general, "personidentitet", number)
        _text(general, "arendeidentitet", arendeidentitet)
        period = ET.SubElement(general, _ssbt("tidsperiod"))
        _text(period, "fromDatum", first.isoformat())
        _text(period, "tomDatum", last.isoformat())
        _text(general, "syfte", purpose)
        _text(general, "lagtext", legal_basis_for(codes, SOURCES))

        specific = ET.SubElement(question, _ssbt("specifikaFrageparametrar"))
        for service in SSBTEK_SERVICES:
            included = service in services
            element = ET.SubElement(
                specific, _ssbt(service), {"inkludera": "true" if included else "false"}
            )
            if service == "FK" and included:
                lefi = ET.SubElement(element, _ssbt("fraga"))
                _text(lefi, "version", LEFI_VERSION)
                _text(lefi, "aktorsid", self.config.fk_aktorsid)
                question_json = self.lefi_question(number, first, last, codes)
                _text(lefi, "lefiJsonFraga", base64.b64encode(question_json).decode("ascii"))
        return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)

    @staticmethod
    def lefi_question(number: str, first, last, codes: Sequence[str]) -> bytes:
        """Lefi's JSON question: payments of the benefit groups FK and PM map, for the month."""
        groups = []
        if "FK" in codes:
            groups += list(fk.INCOME_TYPES)
        if "PM" in codes:
            groups += list(pm.INCOME_TYPES)
        question = {
            "personnummer": number,
            "period": {"from": first.isoformat(), "tom": last.isoformat()},
            "utbetalningar": groups,
        }
        return json.dumps(question, ensure_ascii=False, separators=(",", ":")).encode()

    # --- the response -----------------------------------------------------------------------

    def parse_response(self, xml: bytes, sources: Sequence[str]) -> dict[str, SourceAnswer]:
        codes = SOURCES.check(sources)
        try:
            root = _parse_xml(xml)
        except ET.ParseError:
            return _all_unknown(codes, "kunde inte läsas: SSBTEK:s svar var inte giltig XML")
        fault = _first(root, "Fault")
        if fault is not None:
            code = _child_text(fault, "felkod") or _child_text(fault, "faultcode") or "okänd"
            return _all_unknown(codes, f"kunde inte nås: SSBTEK svarade med ett fel ({code})")
        answer = _first(root, "svarsdata")
        if answer is None:
            return _all_unknown(codes, "kunde inte läsas: SSBTEK:s svar saknade svarsdata")

        answers = {}
        for code in codes:
            plugin = SOURCES[code]
            detail = None
            records: list[dict] = []
            element = _child(answer, plugin.ssbtek_service)
            error = _child(element, "error") if element is not None else None
            data = _child(element, "data") if element is not None else None
            if element is None:
                detail = "fanns inte med i SSBTEK:s svar"
            elif error is not None:
                where = _child_text(error, "kalla") or "?"
                felkod = _child_text(error, "felkod") or "?"
                detail = f"svarade med ett fel i SSBTEK (källa {where}, felkod {felkod})"
            elif data is None:
                detail = "gav ett svar utan uppgifter i SSBTEK"
            else:
                try:
                    records = plugin.parse(RAW_EXTRACTORS[code](data))
                except Unmapped as unmapped:
                    detail = str(unmapped)
                except (
                    PayloadError,
                    ValueError,
                    KeyError,
                    TypeError,
                    AttributeError,
                    ET.ParseError,
                ) as problem:
                    shown = str(problem) if isinstance(problem, PayloadError) else "fel form"
                    detail = f"lämnade uppgifter som inte gick att tolka ({shown})"
            if detail is None:
                answers[code] = SourceAnswer(code, OK, records, "", 1)
            else:
                reason = f"{plugin.label_sv} {detail}"
                answers[code] = SourceAnswer(code, UNKNOWN, [], reason, 1)
        return answers


# --- XML helpers -----------------------------------------------------------------------------


def _soap(name: str) -> str:
    return f"{{{SOAP_NS}}}{name}"


def _ssbt(name: str) -> str:
    return f"{{{SSBT_NS}}}{name}"


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, _ssbt(name))
    element.text = value
    return element


def _parse_xml(xml: bytes) -> ET.Element:
    # The answer comes from the configured SSBTEK endpoint over mutual TLS. ElementTree does not
    # fetch external entities, and the expat bundled with Python 3.11+ refuses the
    # entity-expansion attacks (billion laughs). defusedxml would add a belt to the braces.
    return ET.fromstring(xml)  # noqa: S314


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def _first(element: ET.Element, name: str) -> ET.Element | None:
    return next((node for node in element.iter() if _local(node.tag) == name), None)


def _child_text(element: ET.Element | None, name: str) -> str | None:
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _all_unknown(codes: list[str], detail: str) -> dict[str, SourceAnswer]:
    return {
        code: SourceAnswer(code, UNKNOWN, [], f"{SOURCES[code].label_sv} {detail}", 1)
        for code in codes
    }


class Unmapped(Exception):
    """An answer the adapter does not map yet; the message is the whole reason after the name."""


# --- per base service: the XML ``data`` element → the raw payload the plugin parses ----------


def _af_raw(data: ET.Element) -> dict:
    answer = _child(data, "Svar")
    if answer is None:
        raise PayloadError("Arbetsförmedlingens Svar saknas")
    status = _child_text(answer, "StatusSokandeinformationKod")
    if status != "0":
        raise Unmapped(f"gav ett svar med statuskod {status or 'saknas'}, som inte tolkas")
    info = _child(answer, "ArbetssokandeInfo")
    registered_text = _child_text(info, "Arbetssokande")
    if registered_text not in ("true", "false", "1", "0"):
        raise PayloadError("uppgift om inskrivning saknas")
    registered = registered_text in ("true", "1")
    deregistered = _child_text(info, "ArbetssokandeAvaktualiserad")
    return {
        "arbetssokande": registered,
        "registrerad": _child_text(info, "ArbetssokandeRegistrerad") if registered else None,
        "program": None,  # not in AF's v2 answer
        "planeringAktiv": registered and deregistered is None,
    }


def _csn_raw(data: ET.Element) -> list:
    encoded = _child_text(data, "svar")
    if not encoded:
        raise PayloadError("CSN:s svar saknas")
    inner = _parse_xml(_b64(encoded))
    result = _first(inner, "ResultatKod")
    if result is None or (result.text or "").strip() != "0":
        raise Unmapped("gav ett svar med en resultatkod som inte tolkas")
    kinds = _first(inner, "Studiestodstypforteckning")
    if kinds is None:
        raise PayloadError("CSN:s förteckning över stödformer saknas")
    flags = {_local(child.tag): (child.text or "").strip() for child in kinds}
    if any(flag != "0" for flag in flags.values()):
        raise Unmapped(
            "har studiestöd, men CSN:s utbetalningsplan tolkas inte ännu i SSBTEK-adaptern"
        )
    return []


def _lefi(data: ET.Element, provider: str) -> dict:
    encoded = _child_text(data, "lefiJsonSvar")
    if not encoded:
        raise PayloadError("Lefis svar saknas")
    answer = json.loads(_b64(encoded))
    states = {
        item["utlamnare"]["kod"]: item.get("tillstand", {}).get("kod")
        for item in answer.get("utlamnare", [])
    }
    if states.get(provider) != "OK":
        raise Unmapped(f"kunde inte lämna uppgifter genom Lefi (tillstånd {states.get(provider)})")
    for deviation in answer.get("avvikelser", {}).get("utbetalningar", []):
        if deviation.get("formansgrupp", {}).get("kod", "").startswith(f"{provider}:"):
            raise Unmapped("lämnade bara en del av uppgifterna (avvikelse i Lefi)")
    return answer


def _sek(amount: dict) -> Any:
    if amount.get("valuta", "SEK") != "SEK":
        raise PayloadError("beloppet är inte i kronor")
    return amount["summa"]


def _fk_raw(data: ET.Element) -> list:
    answer = _lefi(data, "FK")
    items = answer.get("formansinformation", {}).get("utbetalningsuppgift", [])
    return [
        {
            "forman": f"FK:{item['forman']['id']}",
            "belopp": _sek(item["belopp"]),
            "utbetalningsdatum": item["utbetalningsdatum"],
        }
        for item in items
    ]


def _pm_raw(data: ET.Element) -> list:
    answer = _lefi(data, "PM")
    return [
        {
            "forman": item["formansgrupp"]["kod"],
            "belopp": _sek(item["belopp"]),
            "utbetalningsdatum": item["utbetalningsdatum"],
        }
        for item in answer.get("utbetalningar", [])
    ]


def _skv_raw(data: ET.Element) -> Any:
    raise Unmapped(
        "lämnar inte folkbokförings- och löneuppgifter genom SSBTEK v10 (bara "
        "beskattningsuppgifter), så hushåll och lön är okända"
    )


def _so_raw(data: ET.Element) -> list:
    raw = []
    benefits = _child(data, "ArbetsloshetsersattningLista")
    for benefit in _children(benefits, "Arbetsloshetsersattning"):
        for payout in _children(benefit, "Utbetalningar"):
            days = _child_text(payout, "Ersattningsdagar")
            raw.append(
                {
                    "utbetalningsdatum": _child_text(payout, "Utbetalningsdatum"),
                    "nettoEfterSkatt": _child_text(payout, "NettoEfterSkatt"),
                    "ersattningsdagar": int(days) if days and days.isdigit() else None,
                }
            )
    return raw


def _tns_raw(data: ET.Element) -> list:
    result = _child_text(data, "resultat")
    if result != "OK":
        raise Unmapped(f"gav resultatet {result or 'saknas'}, som inte tolkas")
    holdings = _child(data, "fordonsinnehav")
    return [
        {
            "regnr": _child_text(vehicle, "regnr"),
            "fabrikat": _child_text(vehicle, "fabrikat"),
            "fordonsar": _child_text(vehicle, "fordonsar"),
            "fordonsslag": _child_text(vehicle, "fordonsslag"),
        }
        for vehicle in _children(holdings, "fordon")
    ]


def _miv_raw(data: ET.Element) -> Any:
    # The v10 MIV element (permit cases and decisions) is not mapped yet: its decision codes and
    # how a citizen's "no case" is told apart from "no permit" must be checked against real
    # answers first. Until then Migrationsverket is unknown through SSBTEK, never "no permit".
    raise Unmapped("gav ett svar som Bistånd inte tolkar än (Migrationsverkets tillstånd)")


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadError("base64-innehållet går inte att avkoda") from None


RAW_EXTRACTORS: dict[str, Callable[[ET.Element], Any]] = {
    "AF": _af_raw,
    "CSN": _csn_raw,
    "FK": _fk_raw,
    "PM": _pm_raw,
    "SKV": _skv_raw,
    "AKASSA": _so_raw,
    "TS": _tns_raw,
    "MIV": _miv_raw,
}
