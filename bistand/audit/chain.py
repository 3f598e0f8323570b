"""The hash chain's arithmetic: canonical JSON and SHA-256. Pure Python, no Django.

Every event's hash covers its content and the previous event's hash::

    hash = sha256(prev_hash + canonical_json(content))

where ``content`` is ``{sequence, created_at, actor, action, case_id, subject, data}``, and
canonical JSON means sorted keys, separators ``,`` and ``:``, no ASCII escaping, UTF-8.
``created_at`` enters as UTC in ISO 8601 with microseconds (``2026-01-15T08:30:00.000000+00:00``)
so the text never depends on the time zone a database hands a value back in. The first event's
``prev_hash`` is 64 zeros. docs/audit.md describes the format for anyone checking it by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """The one text form of ``value`` that the hash is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def timestamp_text(moment: dt.datetime) -> str:
    """``moment`` as it enters the hash: UTC, ISO 8601, always with microseconds."""
    if moment.tzinfo is None:
        raise ValueError("the audit log only takes time-zone-aware datetimes")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_content(
    *,
    sequence: int,
    created_at: dt.datetime,
    actor: str,
    action: str,
    case_id: int | None,
    subject: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """The fields an event's hash covers, in the form they are hashed."""
    return {
        "sequence": sequence,
        "created_at": timestamp_text(created_at),
        "actor": actor,
        "action": action,
        "case_id": case_id,
        "subject": subject,
        "data": data,
    }


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """``sha256(prev_hash + canonical_json(content))`` as 64 lowercase hex digits."""
    return hashlib.sha256((prev_hash + canonical_json(content)).encode("utf-8")).hexdigest()
