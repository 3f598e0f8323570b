"""The register simulator's Arbetsförmedlingen side of the aktivitetskrav exchange.

AF's side of the notices between the socialnämnd and Arbetsförmedlingen (prop. 2025/26:207):

* ``POST /af/v1/underrattelser``: the municipality's notice that a jobseeker may come under the
  aktivitetskrav. Idempotent on ``meddelandeId``: the same message again gets the same receipt.
* ``POST /af/v1/underrattelser/hamta``: the notices AF has for a municipality (``kommunkod``)
  after a cursor (``efter``), oldest first, at most ``max``; the answer's ``markor`` is the
  cursor for the next call.

Admin (tests and the demo): ``POST /admin/af/underrattelser`` adds a notice from AF (with
``"endast_ny": true`` not when one with the same ``referens`` is there: the demo, run again),
``GET /admin/af/mottagna`` lists what municipalities sent (a person hash, never the
personnummer), ``POST``/``DELETE /admin/af/faults`` queue or forget faults (``endpoint``
"send", "fetch" or "*"; ``mode`` "timeout", "error_500" or "malformed").

With a state file the notices (both ways) are kept in ``<state>-af.json`` beside it, written the
same way (temporary file, fsync, rename, mode 0600). Faults live in memory only.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from ..base import normalise_personnummer

STATE_FORMAT = "bistand-register-simulator-af/1"
SEND_PATH = "/af/v1/underrattelser"
FETCH_PATH = "/af/v1/underrattelser/hamta"
AF_FAULT_MODES = ("timeout", "error_500", "malformed")
AF_ENDPOINTS = ("send", "fetch", "*")
NOTICE_TYPES = ("FOR_LAG_SYSSELSATTNING", "PROGRAMDELTAGANDE")
MALFORMED_BODY = b'{"underrattelser": [{"referens": '  # cut off: not JSON
MAX_PAGE = 500


class AfBadRequest(Exception):
    pass


@dataclass
class AfFault:
    endpoint: str
    mode: str
    remaining: int


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _date(value: Any, field: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise AfBadRequest(f"{field} ska vara ett datum ÅÅÅÅ-MM-DD") from None


def _text(body: dict, field: str, *, max_length: int = 300) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise AfBadRequest(f"{field} krävs (text, högst {max_length} tecken)")
    return value


def _kommunkod(body: dict) -> str:
    value = body.get("kommunkod")
    if not isinstance(value, str) or not (len(value) == 4 and value.isdigit()):
        raise AfBadRequest("kommunkod ska vara fyra siffror")
    return value


class AfSide:
    """AF's notices (both ways) and faults; thread-safe."""

    def __init__(self, state_path: str | os.PathLike | None, person_hash) -> None:
        self.person_hash = person_hash
        self.path = None
        if state_path:
            base = Path(state_path)
            self.path = base.with_name(f"{base.stem}-af.json")
        self._lock = threading.RLock()
        self._incoming: list[dict] = []  # AF → municipality, in order; the cursor is the index
        self._received: dict[str, dict] = {}  # municipality → AF, by meddelandeId
        self._faults: list[AfFault] = []
        if self.path and self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != STATE_FORMAT:
                raise ValueError(f"{self.path} is not a simulator AF state file")
            self._incoming = list(data.get("incoming", []))
            self._received = dict(data.get("received", {}))

    # --- state ------------------------------------------------------------------------------

    def add_notice(self, body: dict) -> dict:
        try:
            number = normalise_personnummer(body.get("personnummer"))
        except ValueError:
            raise AfBadRequest("ogiltigt eller saknat personnummer") from None
        kind = body.get("typ")
        if kind not in NOTICE_TYPES:
            raise AfBadRequest(f"typ ska vara {' eller '.join(NOTICE_TYPES)}")
        full_time = body.get("heltid", False)
        if not isinstance(full_time, bool):
            raise AfBadRequest("heltid ska vara true eller false")
        start = _date(body.get("periodFran"), "periodFran")
        end = _date(body.get("periodTill"), "periodTill", optional=True)
        if end is not None and end < start:
            raise AfBadRequest("periodTill ligger före periodFran")
        programme = body.get("program")
        if programme is not None and not isinstance(programme, str):
            raise AfBadRequest("program ska vara text")
        with self._lock:
            reference = body.get("referens") or f"AF-U-{len(self._incoming) + 1:06d}"
            if not isinstance(reference, str) or len(reference) > 64:
                raise AfBadRequest("referens ska vara text, högst 64 tecken")
            if body.get("endast_ny") and self.has_notice(reference):
                return next(n for n in self._incoming if n["referens"] == reference)
            notice = {
                "referens": reference,
                "kommunkod": _kommunkod(body),
                "personnummer": number,
                "typ": kind,
                "heltid": full_time,
                "periodFran": start,
                "periodTill": end,
                "program": programme,
                "skapad": body.get("skapad") or _now(),
            }
            self._incoming.append(notice)
            self._save()
        return notice

    def has_notice(self, reference: str) -> bool:
        with self._lock:
            return any(n["referens"] == reference for n in self._incoming)

    def receive(self, body: dict) -> tuple[dict, bool]:
        """Store a municipality's notice; the same ``meddelandeId`` again returns the first
        receipt (``False``: not new)."""
        message_id = _text(body, "meddelandeId", max_length=100)
        try:
            number = normalise_personnummer(body.get("personnummer"))
        except ValueError:
            raise AfBadRequest("ogiltigt eller saknat personnummer") from None
        kommunkod = _kommunkod(body)
        month = body.get("manad")
        if not isinstance(month, str) or len(month) != 7 or month[4] != "-":
            raise AfBadRequest("manad ska skrivas ÅÅÅÅ-MM")
        _text(body, "syfte")
        _text(body, "lagstod")
        with self._lock:
            earlier = self._received.get(message_id)
            if earlier is not None:
                return earlier["kvittens"], False
            receipt = {"kvittens": f"AF-K-{len(self._received) + 1:06d}", "mottagen": _now()}
            self._received[message_id] = {
                "kvittens": receipt,
                "kommunkod": kommunkod,
                "person": self.person_hash(number),
                "personnummer": number,
                "manad": month,
                "orsak": body.get("orsak") or "",
                "syfte": body["syfte"],
            }
            self._save()
        return receipt, True

    def page(self, body: dict) -> dict:
        kommunkod = _kommunkod(body)
        _text(body, "syfte")
        after = body.get("efter")
        if after in (None, ""):
            start = 0
        elif isinstance(after, str) and after.isdigit():
            start = int(after)
        else:
            raise AfBadRequest("efter ska vara en markör från ett tidigare svar")
        limit = body.get("max", 100)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise AfBadRequest(f"max ska vara ett heltal 1–{MAX_PAGE}")
        with self._lock:
            notices, position = [], start
            while position < len(self._incoming) and len(notices) < limit:
                notice = self._incoming[position]
                position += 1
                if notice["kommunkod"] == kommunkod:
                    notices.append({k: v for k, v in notice.items() if k != "kommunkod"})
            cursor = str(max(position, start))
        return {"underrattelser": notices, "markor": cursor}

    def received(self) -> list[dict]:
        with self._lock:
            return [
                {k: v for k, v in item.items() if k != "personnummer"} | {"meddelandeId": key}
                for key, item in self._received.items()
            ]

    def add_fault(self, body: dict) -> AfFault:
        endpoint = body.get("endpoint", "*")
        if endpoint not in AF_ENDPOINTS:
            raise AfBadRequest(f"endpoint ska vara en av {', '.join(AF_ENDPOINTS)}")
        mode = body.get("mode")
        if mode not in AF_FAULT_MODES:
            raise AfBadRequest(f"mode ska vara en av {', '.join(AF_FAULT_MODES)}")
        times = body.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise AfBadRequest("times ska vara ett heltal, minst 1")
        fault = AfFault(endpoint, mode, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take_fault(self, endpoint: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.endpoint in (endpoint, "*"):
                    fault.remaining -= 1
                    self._faults = [f for f in self._faults if f.remaining > 0]
                    return fault.mode
        return None

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        with self._lock:
            self._incoming.clear()
            self._received.clear()
            self._faults.clear()
            self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        data = {"format": STATE_FORMAT, "incoming": self._incoming, "received": self._received}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".simulator-af-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=False, indent=1, sort_keys=True)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


# --- the handler's side ---------------------------------------------------------------------


def _guarded(handler, endpoint: str, respond) -> None:
    """Answer through ``respond`` unless a fault for ``endpoint`` spoils the answer."""
    simulator = handler.simulator
    mode = simulator.af.take_fault(endpoint)
    if mode == "timeout":
        handler._read_json()  # consume the body, then hold the answer back
        simulator.stopping.wait(simulator.hang_seconds)
        handler._json(HTTPStatus.GATEWAY_TIMEOUT, {"error": "för sent (simulerat)"})
    elif mode == "error_500":
        handler._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internt fel (simulerat)"})
    elif mode == "malformed":
        handler._send(HTTPStatus.OK, MALFORMED_BODY)
    else:
        try:
            respond()
        except AfBadRequest as error:
            handler._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})


def _object(handler) -> dict:
    body = handler._read_json()
    if not isinstance(body, dict):
        raise AfBadRequest("kroppen ska vara ett JSON-objekt")
    return body


def post_routes(handler) -> dict[str, Any]:
    af = handler.simulator.af

    def send() -> None:
        def respond() -> None:
            receipt, new = af.receive(_object(handler))
            handler._json(HTTPStatus.CREATED if new else HTTPStatus.OK, receipt)

        _guarded(handler, "send", respond)

    def fetch() -> None:
        _guarded(handler, "fetch", lambda: handler._json(HTTPStatus.OK, af.page(_object(handler))))

    def admin_notice() -> None:
        try:
            notice = af.add_notice(_object(handler))
        except AfBadRequest as error:
            handler._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
            return
        handler._json(HTTPStatus.CREATED, {"referens": notice["referens"]})

    def admin_fault() -> None:
        try:
            fault = af.add_fault(_object(handler))
        except AfBadRequest as error:
            handler._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
            return
        handler._json(HTTPStatus.CREATED, fault.__dict__)

    return {
        SEND_PATH: send,
        FETCH_PATH: fetch,
        "/admin/af/underrattelser": admin_notice,
        "/admin/af/faults": admin_fault,
    }


def get_routes(handler) -> dict[str, Any]:
    af = handler.simulator.af
    return {"/admin/af/mottagna": lambda: handler._json(HTTPStatus.OK, {"mottagna": af.received()})}


def delete_routes(handler) -> dict[str, Any]:
    def clear() -> None:
        handler.simulator.af.clear_faults()
        handler._json(HTTPStatus.OK, {"faults": []})

    return {"/admin/af/faults": clear}
