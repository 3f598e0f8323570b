"""Register sources (SSBTEK): a plugin per source, a gateway that asks them, a simulator.

The robot's interface::

    from bistand.connectors import SOURCES, SourceAnswer, get_gateway

    answers = get_gateway().fetch("19121212-1212", "2025-04", ["AF", "FK"], purpose="...")
    answers["FK"].status   # "ok" or "unknown" -- a failed source is UNKNOWN, never "none"

See docs/connectors.md.
"""

from . import sources  # noqa: F401  (registers the source plugins)
from .base import (
    OK,
    UNKNOWN,
    PayloadError,
    Source,
    SourceAnswer,
    normalise_personnummer,
)
from .gateway import RegisterGateway, SimulatorGateway, get_gateway
from .registry import SOURCES, register

__all__ = [
    "OK",
    "SOURCES",
    "UNKNOWN",
    "PayloadError",
    "RegisterGateway",
    "SimulatorGateway",
    "Source",
    "SourceAnswer",
    "get_gateway",
    "normalise_personnummer",
    "register",
]
