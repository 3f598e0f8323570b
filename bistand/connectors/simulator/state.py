"""The simulator's state: seeded persons (optionally persisted), queued faults, counters.

Seeded data is stored per person (12-digit personnummer) and month, raw per source, exactly as
given. Faults and the request log live in memory only. All methods are thread-safe.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..registry import SOURCES
from .synthetic import empty_raw, synthetic_raw

STATE_FORMAT = "bistand-register-simulator/1"
FAULT_MODES = ("error_500", "timeout", "partial", "slow", "malformed")
ANY_SOURCE = "*"


@dataclass
class Fault:
    """The next ``remaining`` queries for ``personnummer`` that ask ``source`` misbehave."""

    personnummer: str
    source: str
    mode: str
    remaining: int
    delay: float | None = None

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        del data["personnummer"]
        return data


class SimulatorState:
    def __init__(self, seed: int, state_path: str | os.PathLike | None = None) -> None:
        self.seed = int(seed)
        self.state_path = Path(state_path) if state_path else None
        self._lock = threading.RLock()
        self._persons: dict[str, dict[str, dict[str, Any]]] = {}
        self._faults: list[Fault] = []
        self._counter = 0
        self.requests: collections.deque[dict[str, Any]] = collections.deque(maxlen=1000)
        if self.state_path and self.state_path.exists():
            self._load()

    # --- persons ----------------------------------------------------------------------------

    def put_person(self, personnummer: str, month: str, sources: dict[str, Any]) -> None:
        with self._lock:
            self._persons.setdefault(personnummer, {})[month] = dict(sources)
            self._save()

    def person_count(self) -> int:
        with self._lock:
            return len(self._persons)

    def raw_for(self, personnummer: str, month: str, code: str) -> Any:
        """What the register says: seeded data, else "nothing" for a seeded person, else
        deterministic synthetic data."""
        with self._lock:
            months = self._persons.get(personnummer)
            if months is not None:
                seeded = months.get(month, {})
                if code in seeded:
                    return seeded[code]
                return empty_raw(self.seed, personnummer, code)
        return synthetic_raw(self.seed, personnummer, month, code)

    # --- faults -----------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_faults(self, personnummer: str, codes: list[str]) -> list[Fault]:
        """The faults this query triggers; each one taken counts down by one."""
        taken = []
        with self._lock:
            for fault in self._faults:
                if fault.personnummer != personnummer or fault.remaining <= 0:
                    continue
                if fault.source != ANY_SOURCE and fault.source not in codes:
                    continue
                fault.remaining -= 1
                taken.append(Fault(**asdict(fault)))
            self._faults = [fault for fault in self._faults if fault.remaining > 0]
        return taken

    def pending_faults(self) -> list[Fault]:
        with self._lock:
            return [Fault(**asdict(fault)) for fault in self._faults]

    # --- counters and reset -----------------------------------------------------------------

    def next_request_number(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    @property
    def request_count(self) -> int:
        with self._lock:
            return self._counter

    def reset(self) -> None:
        with self._lock:
            self._persons.clear()
            self._faults.clear()
            self._counter = 0
            self.requests.clear()
            self._save()

    # --- persistence ------------------------------------------------------------------------

    def _load(self) -> None:
        assert self.state_path is not None  # noqa: S101 - only called with a path
        data = json.loads(self.state_path.read_text(encoding="utf-8"))
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"{self.state_path} is not a register simulator state file")
        persons = data.get("persons", {})
        for months in persons.values():
            for sources in months.values():
                unknown = set(sources) - set(SOURCES)
                if unknown:
                    raise ValueError(f"{self.state_path}: unknown sources {sorted(unknown)}")
        self._persons = persons

    def _save(self) -> None:
        """Write the seeded persons atomically (temporary file, fsync, rename), mode 0600."""
        if self.state_path is None:
            return
        data = {"format": STATE_FORMAT, "seed": self.seed, "persons": self._persons}
        directory = self.state_path.parent
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".simulator-", suffix=".json", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=False, indent=1, sort_keys=True)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.state_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
