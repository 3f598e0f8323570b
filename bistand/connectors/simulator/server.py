"""The register simulator as an HTTP service on loopback, shaped like SSBTEK.

``POST /ssbtek/v1/query`` answers one person and month for the sources asked, each with its own
status. ``/admin/...`` seeds persons and faults (see docs/connectors.md). The personnummer only
ever travels in request bodies; log lines and the request log carry a short keyed hash of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import secrets
import socket
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..base import normalise_personnummer, validate_month
from ..registry import SOURCES
from . import af
from .state import ANY_SOURCE, FAULT_MODES, Fault, SimulatorState

logger = logging.getLogger(__name__)

MAX_BODY = 1_000_000
#: Whole-response faults, strongest first: only the first that applies takes effect.
WHOLE_RESPONSE_ORDER = ("timeout", "error_500", "malformed", "partial")
MALFORMED_BODY = b'{"sources": {"AF": {"status": "ok", "data": '  # cut off: not JSON


class BadRequest(Exception):
    pass


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SimulatorServer:
    """The simulator: state plus a ``ThreadingHTTPServer``. Use ``start()``/``stop()`` (or
    ``with``) to run it in a background thread, ``serve_forever()`` in the foreground."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int = 1,
        state_path=None,
        fault_rate: float = 0.0,
        slow_rate: float = 0.0,
        slow_seconds: float = 0.5,
        hang_seconds: float = 30.0,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(
                f"the register simulator only listens on loopback (127.0.0.1, ::1), not {host!r}:"
                " its admin API has no authentication"
            )
        for name, rate in (("fault_rate", fault_rate), ("slow_rate", slow_rate)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        self.state = SimulatorState(seed, state_path)
        self.fault_rate = fault_rate
        self.slow_rate = slow_rate
        self.slow_seconds = slow_seconds
        self.hang_seconds = hang_seconds
        self.stopping = threading.Event()
        self._hash_key = secrets.token_bytes(16)
        self.af = af.AfSide(state_path, self.person_hash)  # Arbetsförmedlingen's side (af.py)
        server_class = _HTTPServer6 if ":" in host else _HTTPServer
        self.httpd = server_class((host, port), _Handler)
        self.httpd.simulator = self
        self._thread: threading.Thread | None = None

    @property
    def seed(self) -> int:
        return self.state.seed

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    def start(self) -> SimulatorServer:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="register-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop accepting, release hanging responses, cut open keep-alive connections."""
        self.stopping.set()
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.httpd.server_close()
        self.httpd.close_connections()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- helpers for the handler ------------------------------------------------------------

    def person_hash(self, personnummer: str) -> str:
        """A short hash to tell persons apart in logs; keyed per process, so not reversible by
        hashing every possible personnummer."""
        return hmac.new(self._hash_key, personnummer.encode(), hashlib.sha256).hexdigest()[:10]

    def random_faults(self, number: int, personnummer: str, codes: list[str]) -> list[Fault]:
        """``--fault-rate`` and ``--slow-rate``: deterministic from the seed and request number."""
        faults = []
        if self.fault_rate:
            rng = random.Random(f"{self.seed}:fault:{number}")  # noqa: S311 - simulation
            if rng.random() < self.fault_rate:
                mode = rng.choice(("error_500", "timeout", "partial", "malformed"))
                source = rng.choice((ANY_SOURCE, *codes))
                faults.append(Fault(personnummer, source, mode, 1))
        if self.slow_rate:
            rng = random.Random(f"{self.seed}:slow:{number}")  # noqa: S311 - simulation
            if rng.random() < self.slow_rate:
                faults.append(Fault(personnummer, ANY_SOURCE, "slow", 1))
        return faults


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    simulator: SimulatorServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def track(self, connection: socket.socket, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("register simulator: connection error", exc_info=True)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # answers go out at once (keep-alive, small writes)
    server_version = "BistandRegisterSimulator/1"
    timeout = 30  # idle keep-alive connections close after this
    server: _HTTPServer

    # --- plumbing ---------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        # The request line holds only method and path; personnummer are never in paths.
        logger.debug("register simulator http: " + format, *args)

    @property
    def simulator(self) -> SimulatorServer:
        return self.server.simulator

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timed out) or the server is stopping
            self.close_connection = True

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode())

    def _read_json(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            self.close_connection = True
            raise BadRequest("Content-Length är fel") from None
        if length <= 0 or length > MAX_BODY:
            self.close_connection = length > MAX_BODY
            raise BadRequest("en JSON-kropp krävs (högst 1 MB)")
        data = self.rfile.read(length)
        self._body_read = True
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("kroppen är inte giltig JSON") from None

    def _dispatch(self, routes: dict[str, Any]) -> None:
        self._body_read = False
        path = self.path.split("?", 1)[0]
        handler = routes.get(path)
        try:
            if handler is None:
                self._json(HTTPStatus.NOT_FOUND, {"error": "okänd adress"})
            else:
                handler()
        except BadRequest as error:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
        finally:
            self._drain()

    def _drain(self) -> None:
        """Read an unread request body, so the next request on a kept-alive connection parses."""
        if self._body_read:
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
        elif length:
            self.rfile.read(length)

    def do_GET(self) -> None:
        self._dispatch(
            {"/health": self._health, "/admin/requests": self._requests, **af.get_routes(self)}
        )

    def do_POST(self) -> None:
        self._dispatch(
            {
                "/ssbtek/v1/query": self._query,
                "/admin/faults": self._add_fault,
                "/admin/reset": self._reset,
                **af.post_routes(self),
            }
        )

    def do_PUT(self) -> None:
        self._dispatch({"/admin/persons": self._put_person})

    def do_DELETE(self) -> None:
        self._dispatch({"/admin/faults": self._clear_faults, **af.delete_routes(self)})

    # --- common validation ------------------------------------------------------------------

    @staticmethod
    def _personnummer(body: dict) -> str:
        try:
            return normalise_personnummer(body.get("personnummer"))
        except ValueError:
            raise BadRequest("ogiltigt eller saknat personnummer") from None

    @staticmethod
    def _month(body: dict) -> str:
        try:
            return validate_month(body.get("month"))
        except ValueError:
            raise BadRequest("month ska skrivas ÅÅÅÅ-MM") from None

    @staticmethod
    def _object(body: Any) -> dict:
        if not isinstance(body, dict):
            raise BadRequest("kroppen ska vara ett JSON-objekt")
        return body

    # --- the query --------------------------------------------------------------------------

    def _query(self) -> None:
        started = time.monotonic()
        body = self._object(self._read_json())
        number = self._personnummer(body)
        month = self._month(body)
        codes = body.get("sources")
        if not isinstance(codes, list) or not codes or not all(c in SOURCES for c in codes):
            raise BadRequest(f"sources ska vara en lista med källkoder ({', '.join(SOURCES)})")
        codes = list(dict.fromkeys(codes))
        for field in ("purpose", "legal_basis"):
            if not isinstance(body.get(field), str) or not body[field].strip():
                raise BadRequest(f"{field} krävs (syfte och lagtext, som i SSBTEK)")

        simulator = self.simulator
        state = simulator.state
        request_number = state.next_request_number()
        person = simulator.person_hash(number)
        faults = state.take_faults(number, codes)
        faults += simulator.random_faults(request_number, number, codes)
        state.requests.append(
            {
                "n": request_number,
                "method": self.command,
                "path": self.path,
                "person": person,
                "month": month,
                "sources": codes,
                "faults": [f"{fault.source}:{fault.mode}" for fault in faults],
            }
        )

        delay = sum(
            fault.delay if fault.delay is not None else simulator.slow_seconds
            for fault in faults
            if fault.mode == "slow"
        )
        whole = {fault.mode for fault in faults if fault.source == ANY_SOURCE}
        by_source = {fault.source: fault.mode for fault in faults if fault.source != ANY_SOURCE}
        outcome = next((mode for mode in WHOLE_RESPONSE_ORDER if mode in whole), "answer")

        if delay:
            simulator.stopping.wait(delay)
        if outcome == "timeout":
            simulator.stopping.wait(simulator.hang_seconds)
            self._json(HTTPStatus.GATEWAY_TIMEOUT, {"error": "för sent (simulerat)"})
        elif outcome == "error_500":
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internt fel (simulerat)"})
        elif outcome == "malformed":
            self._send(HTTPStatus.OK, MALFORMED_BODY)
        elif outcome == "partial":
            self._json(HTTPStatus.OK, {"sources": {}})
        else:
            answers = {}
            for code in codes:
                entry = self._source_entry(code, by_source.get(code), number, month)
                if entry is not None:
                    answers[code] = entry
            self._json(HTTPStatus.OK, {"sources": answers})

        logger.info(
            "register simulator query n=%d person=%s month=%s sources=%s faults=%s "
            "outcome=%s duration_ms=%d",
            request_number,
            person,
            month,
            ",".join(codes),
            ",".join(f"{fault.source}:{fault.mode}" for fault in faults) or "-",
            outcome,
            round((time.monotonic() - started) * 1000),
        )

    def _source_entry(self, code: str, mode: str | None, number: str, month: str) -> dict | None:
        """One source's part of the answer; a named-source fault spoils only this part."""
        if mode == "partial":
            return None
        if mode == "error_500":
            return {
                "status": "error",
                "code": "error",
                "message": "Bastjänsten svarade med HTTP 500 (simulerat)",
            }
        if mode == "timeout":
            return {
                "status": "error",
                "code": "timeout",
                "message": "Bastjänsten svarade inte i tid (simulerat)",
            }
        if mode == "malformed":
            return {"status": "ok", "data": "<<trasigt svar (simulerat)>>"}
        return {"status": "ok", "data": self.simulator.state.raw_for(number, month, code)}

    # --- admin ------------------------------------------------------------------------------

    def _health(self) -> None:
        state = self.simulator.state
        self._json(
            HTTPStatus.OK,
            {
                "status": "ok",
                "seed": state.seed,
                "requests": state.request_count,
                "persons": state.person_count(),
                "persistent": state.state_path is not None,
            },
        )

    def _requests(self) -> None:
        self._json(HTTPStatus.OK, {"requests": list(self.simulator.state.requests)})

    def _put_person(self) -> None:
        body = self._object(self._read_json())
        number = self._personnummer(body)
        month = self._month(body)
        sources = body.get("sources")
        if not isinstance(sources, dict) or not all(code in SOURCES for code in sources):
            raise BadRequest(f"sources ska vara ett objekt med källkoder ({', '.join(SOURCES)})")
        self.simulator.state.put_person(number, month, sources)
        person = self.simulator.person_hash(number)
        logger.info(
            "register simulator seeded person=%s month=%s sources=%s",
            person,
            month,
            ",".join(sources) or "-",
        )
        self._json(HTTPStatus.OK, {"person": person, "month": month, "sources": list(sources)})

    def _add_fault(self) -> None:
        body = self._object(self._read_json())
        number = self._personnummer(body)
        source = body.get("source", ANY_SOURCE)
        if source != ANY_SOURCE and source not in SOURCES:
            raise BadRequest(f"source ska vara en källkod eller '*' ({', '.join(SOURCES)})")
        mode = body.get("mode")
        if mode not in FAULT_MODES:
            raise BadRequest(f"mode ska vara ett av {', '.join(FAULT_MODES)}")
        times = body.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise BadRequest("times ska vara ett heltal, minst 1")
        delay = body.get("delay")
        if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)):
            raise BadRequest("delay ska vara ett antal sekunder")
        fault = Fault(number, source, mode, times, None if delay is None else float(delay))
        self.simulator.state.add_fault(fault)
        logger.info(
            "register simulator fault person=%s source=%s mode=%s times=%d",
            self.simulator.person_hash(number),
            source,
            mode,
            times,
        )
        self._json(HTTPStatus.CREATED, fault.public())

    def _clear_faults(self) -> None:
        self.simulator.state.clear_faults()
        self._json(HTTPStatus.OK, {"faults": []})

    def _reset(self) -> None:
        self.simulator.state.reset()
        self.simulator.af.reset()
        logger.info("register simulator reset")
        self._json(HTTPStatus.OK, {"status": "reset"})
