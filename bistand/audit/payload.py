"""What may go into an audit event, checked before anything is written.

The audit log is kept far longer than the cases it describes and is read by people who have
no business seeing who the applicant is. So an event names things by id (``application:42``)
and never holds a personnummer, a name or an address. Names and addresses cannot be told from
other text, but a personnummer can: anything shaped like one is refused with ``ValueError``,
so a caller cannot leak one by mistake.
"""

from __future__ import annotations

import re
from typing import Any

from bistand.audit.chain import canonical_json

MAX_ACTOR_LENGTH = 200
MAX_ACTION_LENGTH = 100
MAX_SUBJECT_LENGTH = 200
MAX_DATA_BYTES = 16 * 1024

ACTION_PATTERN = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
ACTOR_PATTERN = re.compile(r"(?:system|user):\S.*|applicant:\d+")

# 6 or 8 date digits, an optional - or + (the separator of the 10-digit form), 4 more digits,
# not glued to other letters or digits (so a run of digits inside a hex hash is not a match).
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{6}|\d{8})[-+]?(\d{4})(?![0-9A-Za-z])")


def looks_like_personnummer(text: str) -> bool:
    """True if ``text`` holds a personnummer or samordningsnummer, in 10- or 12-digit form.

    Deliberately generous: the check digit is not tested (a mistyped personnummer is still
    personal data), only that the first digits form a plausible date, with the day plus 60 of
    a samordningsnummer allowed.
    """
    return any(_plausible_date(match.group(1)) for match in _CANDIDATE.finditer(text))


def _plausible_date(digits: str) -> bool:
    if len(digits) == 8:
        if digits[:2] not in ("18", "19", "20"):
            return False
        digits = digits[2:]
    month, day = int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def check_text(field: str, value: Any, *, max_length: int, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise ValueError(f"audit {field} must be a string, not {type(value).__name__}")
    if not value and not allow_empty:
        raise ValueError(f"audit {field} must not be empty")
    if len(value) > max_length:
        raise ValueError(f"audit {field} is longer than {max_length} characters")
    if "\x00" in value:
        raise ValueError(f"audit {field} must not contain NUL characters")
    if looks_like_personnummer(value):
        raise ValueError(f"audit {field} looks like it holds a personnummer: refused")
    return value


def check_action(action: Any) -> str:
    check_text("action", action, max_length=MAX_ACTION_LENGTH, allow_empty=False)
    if not ACTION_PATTERN.fullmatch(action):
        raise ValueError(
            f"audit action {action!r} must be lowercase words joined by dots, "
            "e.g. 'application.transition'"
        )
    return action


def check_actor(actor: Any) -> str:
    check_text("actor", actor, max_length=MAX_ACTOR_LENGTH, allow_empty=False)
    if not ACTOR_PATTERN.fullmatch(actor):
        raise ValueError(
            f"audit actor {actor!r} must come from Actor.system(...) or Actor.user(...)"
        )
    return actor


def check_case_id(case_id: Any) -> int | None:
    if case_id is None:
        return None
    if isinstance(case_id, bool) or not isinstance(case_id, int) or case_id < 1:
        raise ValueError("audit case_id must be a positive integer or None")
    return case_id


def check_data(data: Any) -> dict[str, Any]:
    """Return ``data`` if it may be logged as it is, else raise ``ValueError``.

    Allowed: dicts with string keys, lists, strings, integers, booleans and None. Floats are
    refused (money is integer öre; and a float can come back from a JSON column as a different
    number text, which would break its hash), and so are dates and Decimals (pass them as text).
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"audit data must be a dict, not {type(data).__name__}")
    _check_value(data, "data")
    if len(canonical_json(data).encode("utf-8")) > MAX_DATA_BYTES:
        raise ValueError(
            f"audit data is larger than {MAX_DATA_BYTES} bytes: log ids, not documents"
        )
    return data


def _check_value(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        _check_data_text(value, path)
    elif isinstance(value, int):
        _check_data_text(str(value), path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                kind = type(key).__name__
                raise ValueError(f"audit {path} has a {kind} key: keys must be strings")
            _check_data_text(key, f"{path} key")
            _check_value(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_value(item, f"{path}[{index}]")
    else:
        raise ValueError(
            f"audit {path} is a {type(value).__name__}: only str, int, bool, None, "
            "list and dict may be logged (write dates and amounts as text or integer öre)"
        )


def _check_data_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise ValueError(f"audit {path} must not contain NUL characters")
    if looks_like_personnummer(text):
        raise ValueError(f"audit {path} looks like a personnummer: refused")
