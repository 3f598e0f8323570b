"""The exchange with Arbetsförmedlingen under the aktivitetskrav (prop. 2025/26:207).

Two directions, one interface (``AfExchange``):

* ``send_notice``: the socialnämnd tells Arbetsförmedlingen that a jobseeker may come under the
  aktivitetskrav from a month. Idempotent on ``message_id``: sending the same message again
  (after a timeout, say) gets the first receipt back, never a second notice at AF.
* ``fetch_notices``: the notices Arbetsförmedlingen has for the municipality after a cursor:
  too little occupation (*för låg sysselsättning*) and participation in a labour-market
  programme (*programdeltagande*, full-time or not).

Adapters, registered in ``EXCHANGES`` under ``"AF"``:

* ``SimulatorAfExchange`` (``"simulator"``): JSON over HTTP to the register simulator, which
  plays AF's side (``bistand/connectors/simulator/af.py``), with retries: a timeout, a
  connection failure, HTTP 5xx, invalid JSON or an unreadable notice is tried again, up to
  ``REGISTER_ATTEMPTS`` times; HTTP 4xx is not. After the last attempt it raises
  ``AfExchangeError`` with a Swedish reason that names Arbetsförmedlingen and never holds a
  personnummer.
* ``ProductionAfExchange`` (``"production"``): A DOCUMENTED STUB. It builds the requests and
  reads the answers of the same JSON contract (tested against a recorded exchange), but its
  transport raises ``NotConfigured``. AF has not published an API for these notices; the
  contract here is ours (docs/af_exchange.md says what it takes to make it real).

An unreadable notice makes the whole page unreadable: the cursor does not move past a notice
we could not store, so nothing AF said is silently dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import httpx
from django.core.exceptions import ImproperlyConfigured

from ..base import PayloadError, normalise_personnummer, validate_month
from ..gateway import DEFAULT_BACKOFF_SECONDS, seconds_sv, tls_context
from ..registry import register_exchange

logger = logging.getLogger(__name__)

CODE = "AF"
LABEL_SV = "Arbetsförmedlingen"
SEND_PATH = "/af/v1/underrattelser"
FETCH_PATH = "/af/v1/underrattelser/hamta"
#: The legal basis sent with every exchange. Provisional: the SFS number and paragraphs of the
#: aktivitetskrav are not confirmed (docs/af_exchange.md).
LEGAL_BASIS = (
    "Aktivitetskrav för mottagare av försörjningsstöd (prop. 2025/26:207, bet. 2025/26:SoU29): "
    "underrättelser mellan socialnämnden och Arbetsförmedlingen; paragraf ej bekräftad"
)
LEGAL_BASIS_STATUS = "provisional"
#: AF's notice types → our kinds (bistand/af_exchange/models.py, NoticeKind).
NOTICE_TYPES = {
    "FOR_LAG_SYSSELSATTNING": "too_little_occupation",
    "PROGRAMDELTAGANDE": "programme_participation",
}
MAX_REFERENCE = 64


class AfExchangeError(Exception):
    """The exchange did not go through. ``str()`` is a Swedish reason naming Arbetsförmedlingen,
    without personal data; ``attempts`` is how many calls were made."""

    def __init__(self, message: str, *, attempts: int = 1, retry: bool = True) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.retry = retry


@dataclass(frozen=True)
class Receipt:
    """AF's receipt for a notice: its reference and when it was received."""

    reference: str
    received_at: datetime | None


@dataclass(frozen=True)
class IncomingAfNotice:
    reference: str
    personnummer: str  # 12 digits
    kind: str  # "too_little_occupation" | "programme_participation"
    full_time: bool
    period_start: date
    period_end: date | None
    issued_at: datetime | None
    programme: str | None

    def minimised(self) -> dict[str, Any]:
        """What we keep of AF's message: everything we use, without the personnummer."""
        return {
            "referens": self.reference,
            "typ": self.kind,
            "heltid": self.full_time,
            "periodFran": self.period_start.isoformat(),
            "periodTill": self.period_end.isoformat() if self.period_end else None,
            "program": self.programme,
        }


@dataclass(frozen=True)
class NoticePage:
    notices: list[IncomingAfNotice]
    cursor: str


class AfExchange(Protocol):
    def send_notice(
        self, *, message_id: str, personnummer: str, kommunkod: str, month: str, reason: str
    ) -> Receipt: ...

    def fetch_notices(self, *, kommunkod: str, cursor: str, limit: int = 100) -> NoticePage: ...


# --- the contract: requests and answers ------------------------------------------------------


def send_body(
    *, message_id: str, personnummer: str, kommunkod: str, month: str, reason: str, purpose: str
) -> dict[str, Any]:
    if not message_id or len(message_id) > 100:
        raise ValueError("message_id krävs (högst 100 tecken)")
    _check_kommunkod(kommunkod)
    return {
        "meddelandeId": message_id,
        "kommunkod": kommunkod,
        "personnummer": normalise_personnummer(personnummer),
        "manad": validate_month(month),
        "orsak": reason,
        "syfte": purpose,
        "lagstod": LEGAL_BASIS,
    }


def fetch_body(*, kommunkod: str, cursor: str, limit: int, purpose: str) -> dict[str, Any]:
    _check_kommunkod(kommunkod)
    return {"kommunkod": kommunkod, "efter": cursor or None, "max": limit, "syfte": purpose}


def _check_kommunkod(kommunkod: str) -> None:
    if not isinstance(kommunkod, str) or len(kommunkod) != 4 or not kommunkod.isdigit():
        raise ValueError("kommunkoden ska vara fyra siffror")


def _datetime(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise PayloadError(f"{field} är inte en tidpunkt") from None


def _date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PayloadError(f"{field} är inte ett datum") from None


def parse_receipt(raw: Any) -> Receipt:
    if not isinstance(raw, dict):
        raise PayloadError("kvittensen är inte ett objekt")
    reference = raw.get("kvittens")
    if not isinstance(reference, str) or not reference or len(reference) > MAX_REFERENCE:
        raise PayloadError("kvittensen saknar referens")
    return Receipt(reference, _datetime(raw.get("mottagen"), "mottagen"))


def parse_notice(raw: Any) -> IncomingAfNotice:
    """One notice from AF; ``PayloadError`` (Swedish, without the personnummer) if unreadable."""
    if not isinstance(raw, dict):
        raise PayloadError("en underrättelse är inte ett objekt")
    reference = raw.get("referens")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > MAX_REFERENCE:
        raise PayloadError("en underrättelse saknar referens")
    try:
        number = normalise_personnummer(raw.get("personnummer"))
    except ValueError:
        raise PayloadError(f"underrättelse {reference}: ogiltigt personnummer") from None
    kind = NOTICE_TYPES.get(raw.get("typ"))
    if kind is None:
        raise PayloadError(f"underrättelse {reference}: okänd typ")
    full_time = raw.get("heltid", False)
    if not isinstance(full_time, bool):
        raise PayloadError(f"underrättelse {reference}: heltid är inte sant/falskt")
    start = _date(raw.get("periodFran"), f"underrättelse {reference}: periodFran")
    end = raw.get("periodTill")
    end = None if end is None else _date(end, f"underrättelse {reference}: periodTill")
    if end is not None and end < start:
        raise PayloadError(f"underrättelse {reference}: perioden slutar före den börjar")
    programme = raw.get("program")
    if programme is not None and (not isinstance(programme, str) or len(programme) > 200):
        raise PayloadError(f"underrättelse {reference}: program är inte en text")
    return IncomingAfNotice(
        reference=reference,
        personnummer=number,
        kind=kind,
        full_time=full_time,
        period_start=start,
        period_end=end,
        issued_at=_datetime(raw.get("skapad"), f"underrättelse {reference}: skapad"),
        programme=programme or None,
    )


def parse_page(raw: Any) -> NoticePage:
    if not isinstance(raw, dict) or not isinstance(raw.get("underrattelser"), list):
        raise PayloadError("svaret saknar listan underrattelser")
    cursor = raw.get("markor")
    if not isinstance(cursor, str) or not cursor or len(cursor) > 200:
        raise PayloadError("svaret saknar markör")
    return NoticePage([parse_notice(item) for item in raw["underrattelser"]], cursor)


# --- the simulator adapter -------------------------------------------------------------------


@register_exchange(CODE, "simulator")
class SimulatorAfExchange:
    """AF's side played by the register simulator, over HTTP with retries."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 2.0,
        attempts: int = 3,
        backoff: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        purposes: tuple[str, str] = ("", ""),
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.timeout = float(timeout)
        self.attempts = int(attempts)
        self.backoff = tuple(backoff) or (0.0,)
        self._sleep = sleep
        self.purpose_send, self.purpose_fetch = purposes
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(self.timeout),
            headers={"Accept": "application/json"},
            follow_redirects=False,
            trust_env=False,
            verify=tls_context(),
        )

    @classmethod
    def from_settings(cls, purposes: tuple[str, str]) -> SimulatorAfExchange:
        from django.conf import settings

        return cls(
            getattr(settings, "AF_EXCHANGE_URL", None) or settings.REGISTER_SIMULATOR_URL,
            timeout=settings.REGISTER_TIMEOUT_SECONDS,
            attempts=settings.REGISTER_ATTEMPTS,
            backoff=getattr(settings, "REGISTER_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS),
            purposes=purposes,
        )

    def close(self) -> None:
        self._client.close()

    def send_notice(
        self, *, message_id: str, personnummer: str, kommunkod: str, month: str, reason: str
    ) -> Receipt:
        body = send_body(
            message_id=message_id,
            personnummer=personnummer,
            kommunkod=kommunkod,
            month=month,
            reason=reason,
            purpose=self.purpose_send,
        )
        return self._call("send", SEND_PATH, body, parse_receipt)

    def fetch_notices(self, *, kommunkod: str, cursor: str, limit: int = 100) -> NoticePage:
        body = fetch_body(
            kommunkod=kommunkod, cursor=cursor, limit=limit, purpose=self.purpose_fetch
        )
        return self._call("fetch", FETCH_PATH, body, parse_page)

    def _call(self, what: str, path: str, body: dict, parse: Callable[[Any], Any]) -> Any:
        started = time.monotonic()
        failure = ""
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._client.post(path, json=body)
            except httpx.TimeoutException:
                failure = f"svarade inte inom {seconds_sv(self.timeout)}"
            except httpx.TransportError:
                failure = "gick inte att ansluta till"
            else:
                if response.status_code >= 500:
                    failure = f"svarade med fel (HTTP {response.status_code})"
                elif response.status_code not in (200, 201):
                    logger.warning("af exchange %s refused: HTTP %s", what, response.status_code)
                    raise AfExchangeError(
                        f"{LABEL_SV} avvisade anropet (HTTP {response.status_code})",
                        attempts=attempt,
                        retry=False,
                    )
                else:
                    try:
                        result = parse(response.json())
                    except ValueError as error:  # invalid JSON, or PayloadError
                        detail = str(error) if isinstance(error, PayloadError) else "ogiltig JSON"
                        failure = f"lämnade ett svar som inte gick att tolka ({detail})"
                    else:
                        logger.info(
                            "af exchange %s ok attempts=%d duration_ms=%d",
                            what,
                            attempt,
                            round((time.monotonic() - started) * 1000),
                        )
                        return result
            logger.info("af exchange %s attempt %d failed: %s", what, attempt, failure)
            if attempt < self.attempts:
                self._sleep(self.backoff[min(attempt, len(self.backoff)) - 1])
        logger.warning("af exchange %s failed after %d attempts", what, self.attempts)
        raise AfExchangeError(
            f"{LABEL_SV} {failure} efter {self.attempts} försök", attempts=self.attempts
        )


# --- the production adapter: a documented stub -------------------------------------------------


class NotConfigured(ImproperlyConfigured):
    """The exchange with Arbetsförmedlingen is not connected (the message says what it needs)."""


NOT_CONFIGURED_MESSAGE = (
    "Utbytet med Arbetsförmedlingen är inte anslutet: produktionsadaptern är en dokumenterad "
    "stubbe som bygger anropen och läser svaren men saknar transport. Det som behövs: (1) en "
    "överenskommelse med Arbetsförmedlingen om underrättelser enligt aktivitetskravet och "
    "AF:s publicerade API-kontrakt; (2) ett funktionscertifikat för kommunen med nyckel och "
    "CA-kedja för ömsesidig TLS (AF_EXCHANGE_CLIENT_CERT, AF_EXCHANGE_CLIENT_KEY, "
    "AF_EXCHANGE_CA_BUNDLE); (3) tjänstens adress (AF_EXCHANGE_ENDPOINT); (4) en transport som "
    "skickar anropen och försöker igen som SimulatorAfExchange. Till dess: "
    "AF_EXCHANGE_GATEWAY='simulator'. Se docs/af_exchange.md."
)


def _not_configured(request: dict[str, Any]) -> Any:
    raise NotConfigured(NOT_CONFIGURED_MESSAGE)


@register_exchange(CODE, "production")
class ProductionAfExchange:
    """The production adapter: real requests and answer parsing, no transport (a stub).

    ``transport(request) -> answer JSON`` gets ``{"method", "path", "headers", "body"}``; the
    default raises ``NotConfigured``. Tests replay a recorded exchange through it.
    """

    def __init__(
        self,
        *,
        organisationsnummer: str = "",
        purposes: tuple[str, str] = ("", ""),
        transport: Callable[[dict[str, Any]], Any] = _not_configured,
    ) -> None:
        self.organisationsnummer = organisationsnummer
        self.purpose_send, self.purpose_fetch = purposes
        self.transport = transport

    @classmethod
    def from_settings(cls, purposes: tuple[str, str]) -> ProductionAfExchange:
        from django.conf import settings

        return cls(
            organisationsnummer=getattr(settings, "AF_EXCHANGE_ORGANISATIONSNUMMER", ""),
            purposes=purposes,
        )

    def close(self) -> None:
        pass

    def _request(self, path: str, body: dict[str, Any], correlation: str) -> dict[str, Any]:
        return {
            "method": "POST",
            "path": path,
            "headers": {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-Organisationsnummer": self.organisationsnummer,
                "X-Correlation-Id": correlation,
            },
            "body": body,
        }

    def build_send_request(self, **fields: str) -> dict[str, Any]:
        body = send_body(purpose=self.purpose_send, **fields)
        return self._request(SEND_PATH, body, body["meddelandeId"])

    def build_fetch_request(self, *, kommunkod: str, cursor: str, limit: int = 100) -> dict:
        body = fetch_body(
            kommunkod=kommunkod, cursor=cursor, limit=limit, purpose=self.purpose_fetch
        )
        return self._request(FETCH_PATH, body, f"hamta-{kommunkod}-{cursor or 'start'}")

    def send_notice(self, **fields: str) -> Receipt:
        return parse_receipt(self.transport(self.build_send_request(**fields)))

    def fetch_notices(self, *, kommunkod: str, cursor: str, limit: int = 100) -> NoticePage:
        request = self.build_fetch_request(kommunkod=kommunkod, cursor=cursor, limit=limit)
        return parse_page(self.transport(request))


def get_exchange(purposes: tuple[str, str]) -> AfExchange:
    """The adapter ``settings.AF_EXCHANGE_GATEWAY`` names ("simulator", the default, or
    "production"; from ``BISTAND_AF_EXCHANGE_GATEWAY``); ``purposes`` = (sending, fetching), sent
    with every call."""
    from django.conf import settings

    from ..registry import EXCHANGES

    kind = settings.AF_EXCHANGE_GATEWAY
    try:
        adapter = EXCHANGES.adapter(CODE, kind)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"AF_EXCHANGE_GATEWAY must be 'simulator' or 'production', not {kind!r}"
        ) from error
    return adapter.from_settings(purposes)
