"""``SimulatorClient``: seed the register simulator and queue faults, for tests and demos."""

from __future__ import annotations

from typing import Any

import httpx

from ..base import normalise_personnummer
from ..gateway import tls_context
from ..registry import SOURCES
from .synthetic import address_key


class SimulatorClient:
    """Talks to the simulator's admin API. Raises ``httpx.HTTPStatusError`` on a refused call."""

    def __init__(self, base_url: str, *, timeout: float = 5.0, seed: int = 1) -> None:
        self.url = base_url.rstrip("/")
        self.seed = seed
        #: The running ``SimulatorServer`` when the ``register_simulator`` fixture made this client.
        self.server = None
        self._client = httpx.Client(
            base_url=self.url, timeout=timeout, trust_env=False, verify=tls_context()
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SimulatorClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self._client.request(method, path, json=body)
        response.raise_for_status()
        return response.json()

    def health(self) -> dict:
        return self._call("GET", "/health")

    def put_person(
        self,
        personnummer: str,
        month: str,
        sources: dict[str, Any] | None = None,
        *,
        records: dict[str, list[dict]] | None = None,
    ) -> dict:
        """Tell the simulator exactly what the registers say about a person in a month.

        ``sources`` holds raw payloads per source code, sent as they are (malformed ones too).
        ``records`` holds *normalised* records per source, turned into raw payloads by the
        source plugins; for Skatteverket, a population-register record is added (the person
        alone at an address of their own) when none is given and the identity is not protected.
        Sources given in neither say nothing (AF: not registered; SKV: lives alone).
        """
        raw = dict(sources or {})
        for code, items in (records or {}).items():
            items = [dict(item) for item in items]
            if code == "SKV":
                items = self._complete_skv(personnummer, items)
            raw[code] = SOURCES[code].to_raw(items)
        body = {"personnummer": personnummer, "month": month, "sources": raw}
        return self._call("PUT", "/admin/persons", body)

    def _complete_skv(self, personnummer: str, items: list[dict]) -> list[dict]:
        kinds = {item.get("kind") for item in items}
        protected = any(
            item.get("kind") == "protected_identity" and item.get("protected") for item in items
        )
        if "population_register" not in kinds and not protected:
            number = normalise_personnummer(personnummer)
            items.append(
                {
                    "kind": "population_register",
                    "address_key": address_key(self.seed, number),
                    "persons": [number],
                }
            )
        return items

    def add_fault(
        self,
        personnummer: str,
        mode: str,
        *,
        source: str = "*",
        times: int = 1,
        delay: float | None = None,
    ) -> dict:
        """The next ``times`` queries for this person that ask ``source`` misbehave.

        ``source="*"`` spoils the whole response (HTTP 500, no answer until the client times
        out, invalid JSON, every source missing, or a delay); a named source spoils only that
        source's part (an error status, a base-service timeout, missing, unreadable data).
        """
        body: dict[str, Any] = {
            "personnummer": personnummer,
            "source": source,
            "mode": mode,
            "times": times,
        }
        if delay is not None:
            body["delay"] = delay
        return self._call("POST", "/admin/faults", body)

    def clear_faults(self) -> None:
        self._call("DELETE", "/admin/faults")

    def reset(self) -> None:
        self._call("POST", "/admin/reset")

    def requests(self) -> list[dict]:
        """The simulator's log of recent queries (paths, sources, a hash of the person)."""
        return self._call("GET", "/admin/requests")["requests"]

    # --- Arbetsförmedlingen's side of the aktivitetskrav exchange (simulator/af.py) ----------

    def add_af_notice(
        self,
        personnummer: str,
        kind: str = "FOR_LAG_SYSSELSATTNING",
        *,
        kommunkod: str,
        period_start: str,
        period_end: str | None = None,
        full_time: bool = False,
        programme: str | None = None,
        reference: str | None = None,
        only_new: bool = False,
    ) -> dict:
        """A notice from Arbetsförmedlingen to the municipality (``kind``
        "FOR_LAG_SYSSELSATTNING" or "PROGRAMDELTAGANDE"); returns ``{"referens": …}``.
        ``only_new``: nothing is added when a notice with ``reference`` is there already."""
        body: dict[str, Any] = {
            "personnummer": personnummer,
            "typ": kind,
            "kommunkod": kommunkod,
            "periodFran": period_start,
            "periodTill": period_end,
            "heltid": full_time,
            "program": programme,
        }
        if reference:
            body["referens"] = reference
        if only_new:
            body["endast_ny"] = True
        return self._call("POST", "/admin/af/underrattelser", body)

    def add_af_fault(self, mode: str, *, endpoint: str = "*", times: int = 1) -> dict:
        """The next ``times`` calls to AF's ``endpoint`` ("send", "fetch" or "*") misbehave:
        ``mode`` "timeout", "error_500" or "malformed"."""
        return self._call(
            "POST", "/admin/af/faults", {"endpoint": endpoint, "mode": mode, "times": times}
        )

    def clear_af_faults(self) -> None:
        self._call("DELETE", "/admin/af/faults")

    def af_received(self) -> list[dict]:
        """The notices municipalities sent to AF (a person hash, never the personnummer)."""
        return self._call("GET", "/admin/af/mottagna")["mottagna"]
