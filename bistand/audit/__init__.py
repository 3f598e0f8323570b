"""The audit log: an append-only, hash-chained event log and the case access log.

The public API lives in ``bistand.audit.services`` and is re-exported here lazily (the models
cannot be imported before Django's app registry is ready)::

    from bistand.audit.services import Actor, record, record_access, verify_chain
"""

from __future__ import annotations

from typing import Any

__all__ = ["Actor", "AuditChainError", "VerifyResult", "record", "record_access", "verify_chain"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from bistand.audit import services

        return getattr(services, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
