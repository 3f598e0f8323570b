"""The register gateway: ask the register service about one person and month, get one answer per
source. ``get_gateway()`` picks the implementation named by ``settings.REGISTER_GATEWAY``.

``SimulatorGateway`` speaks the simulator's SSBTEK-shaped JSON API over HTTP (httpx, keep-alive,
one ``httpx.Client`` per gateway). It never raises for a register failure: after
``REGISTER_ATTEMPTS`` attempts every source still without a valid answer is UNKNOWN, with a
plain Swedish reason naming the agency. It logs source codes, attempts and durations, never the
personnummer.
"""

from __future__ import annotations

import functools
import logging
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from .base import (
    OK,
    UNKNOWN,
    PayloadError,
    SourceAnswer,
    legal_basis_for,
    normalise_personnummer,
    validate_month,
)
from .registry import SOURCES

logger = logging.getLogger(__name__)

QUERY_PATH = "/ssbtek/v1/query"
DEFAULT_BACKOFF_SECONDS = (0.05, 0.1)

#: Errors a plugin's parse may raise on a payload it does not understand. Anything else is a
#: bug and propagates.
_PARSE_ERRORS = (PayloadError, ValueError, TypeError, KeyError, AttributeError, IndexError)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client: building one per ``httpx.Client`` costs ~50 ms. The
    simulator speaks plain HTTP on loopback; this only matters for an https URL."""
    return ssl.create_default_context()


class RegisterGateway(Protocol):
    def fetch(
        self, personnummer: str, month: str, sources: Sequence[str], purpose: str
    ) -> dict[str, SourceAnswer]:
        """One answer per requested source, in the order asked. Never raises for a register
        failure; raises ``ValueError`` for a caller's mistake (bad personnummer, month, code)."""
        ...


def seconds_sv(seconds: float) -> str:
    """2.0 → "2 s", 0.25 → "0,25 s"."""
    text = f"{seconds:.2f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} s"


@dataclass(frozen=True)
class _Failure:
    """Why an attempt gave no answer for the sources it asked; ``retry`` if another may help."""

    detail: str
    retry: bool = True


class SimulatorGateway:
    """The register gateway against the simulator (or anything speaking its JSON API)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 2.0,
        attempts: int = 3,
        backoff: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
        sleep=time.sleep,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.attempts = int(attempts)
        self.backoff = tuple(backoff) or (0.0,)
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(self.timeout),
            headers={"Accept": "application/json"},
            follow_redirects=False,
            trust_env=False,  # loopback service: no proxy from the environment
            verify=tls_context(),
        )

    @classmethod
    def from_settings(cls) -> SimulatorGateway:
        from django.conf import settings

        return cls(
            settings.REGISTER_SIMULATOR_URL,
            timeout=settings.REGISTER_TIMEOUT_SECONDS,
            attempts=settings.REGISTER_ATTEMPTS,
            backoff=getattr(settings, "REGISTER_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SimulatorGateway:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the query --------------------------------------------------------------------------

    def fetch(
        self, personnummer: str, month: str, sources: Sequence[str], purpose: str
    ) -> dict[str, SourceAnswer]:
        number = normalise_personnummer(personnummer)
        validate_month(month)
        codes = SOURCES.check(sources)
        if not isinstance(purpose, str) or not purpose.strip():
            raise ValueError("a query needs a purpose (syfte)")

        started = time.monotonic()
        answers: dict[str, SourceAnswer] = {}
        failures: dict[str, str] = {}
        asked = dict.fromkeys(codes, 0)
        pending = list(codes)
        for attempt in range(1, self.attempts + 1):
            for code in pending:
                asked[code] += 1
            outcome = self._query(number, month, pending, purpose)
            if isinstance(outcome, _Failure):
                for code in pending:
                    failures[code] = outcome.detail
                logger.info(
                    "register attempt %d failed for %s: %s",
                    attempt,
                    ",".join(pending),
                    outcome.detail,
                )
                if not outcome.retry:
                    break
            else:
                still = []
                for code in pending:
                    result = self._read_source(code, outcome.get(code))
                    if isinstance(result, _Failure):
                        failures[code] = result.detail
                        still.append(code)
                    else:
                        answers[code] = SourceAnswer(code, OK, result, "", asked[code])
                if still:
                    logger.info(
                        "register attempt %d: no valid answer from %s", attempt, ",".join(still)
                    )
                pending = still
            if not pending:
                break
            if attempt < self.attempts:
                self._sleep(self.backoff[min(attempt, len(self.backoff)) - 1])

        for code in pending:
            label = SOURCES[code].label_sv
            tries = asked[code]
            reason = f"{label} {failures[code]} efter {tries} försök"
            answers[code] = SourceAnswer(code, UNKNOWN, [], reason, tries)

        logger.log(
            logging.WARNING if pending else logging.INFO,
            "register fetch sources=%s ok=%s unknown=%s attempts=%d duration_ms=%d",
            ",".join(codes),
            ",".join(c for c in codes if answers[c].status == OK) or "-",
            ",".join(c for c in codes if answers[c].status == UNKNOWN) or "-",
            max(asked.values()),
            round((time.monotonic() - started) * 1000),
        )
        return {code: answers[code] for code in codes}

    def _query(
        self, number: str, month: str, codes: list[str], purpose: str
    ) -> dict[str, Any] | _Failure:
        body = {
            "personnummer": number,
            "month": month,
            "sources": codes,
            "purpose": purpose,
            "legal_basis": legal_basis_for(codes, SOURCES),
        }
        try:
            response = self._client.post(QUERY_PATH, json=body)
        except httpx.TimeoutException:
            return _Failure(f"svarade inte inom {seconds_sv(self.timeout)}")
        except httpx.TransportError:
            return _Failure("kunde inte nås eftersom registertjänsten inte gick att ansluta till")
        if response.status_code >= 500:
            return _Failure(
                f"kunde inte nås: registertjänsten svarade med fel (HTTP {response.status_code})"
            )
        if response.status_code != 200:
            return _Failure(
                f"kunde inte frågas: registertjänsten avvisade frågan "
                f"(HTTP {response.status_code})",
                retry=False,
            )
        try:
            payload = response.json()
        except ValueError:
            return _Failure("kunde inte läsas: registertjänstens svar var inte giltig JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("sources"), dict):
            return _Failure("kunde inte läsas: registertjänstens svar hade fel form")
        return payload["sources"]

    def _read_source(self, code: str, entry: Any) -> list[dict] | _Failure:
        if entry is None:
            return _Failure("fanns inte med i registertjänstens svar")
        if not isinstance(entry, dict):
            return _Failure("gav ett svar med fel form")
        status = entry.get("status")
        if status == "error":
            if entry.get("code") == "timeout":
                return _Failure("svarade inte i tid till registertjänsten")
            return _Failure("svarade med ett fel")
        if status != "ok" or "data" not in entry:
            return _Failure("gav ett svar med fel form")
        try:
            return SOURCES[code].parse(entry["data"])
        except _PARSE_ERRORS as error:
            detail = str(error) if isinstance(error, PayloadError) else type(error).__name__
            return _Failure(f"lämnade uppgifter som inte gick att tolka ({detail})")


# --- choosing the gateway ------------------------------------------------------------------------

_local = threading.local()


def get_gateway() -> RegisterGateway:
    """The gateway ``settings.REGISTER_GATEWAY`` names: ``"simulator"`` or ``"ssbtek"``.

    One instance per thread and configuration, so a worker reuses its keep-alive connection;
    a changed setting (as in tests) gives a fresh gateway.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    kind = settings.REGISTER_GATEWAY
    if kind == "simulator":
        key = (
            kind,
            settings.REGISTER_SIMULATOR_URL,
            float(settings.REGISTER_TIMEOUT_SECONDS),
            int(settings.REGISTER_ATTEMPTS),
            tuple(getattr(settings, "REGISTER_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS)),
        )
        cached = getattr(_local, "gateway", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        if cached is not None:
            cached[1].close()
        gateway = SimulatorGateway.from_settings()
        _local.gateway = (key, gateway)
        return gateway
    if kind == "ssbtek":
        from .ssbtek import SsbtekGateway

        return SsbtekGateway.from_settings()
    raise ImproperlyConfigured(f"REGISTER_GATEWAY must be 'simulator' or 'ssbtek', not {kind!r}")
