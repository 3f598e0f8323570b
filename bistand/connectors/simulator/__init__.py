"""The register simulator: an SSBTEK-shaped HTTP service on loopback, for development and tests.

Run it with ``bistand simulator``; seed it with ``SimulatorClient``; in tests use the
``register_simulator`` fixture from ``bistand.connectors.testing``. See docs/connectors.md.
"""

from .client import SimulatorClient
from .server import SimulatorServer
from .state import ANY_SOURCE, FAULT_MODES, SimulatorState
from .synthetic import synthetic_records

__all__ = [
    "ANY_SOURCE",
    "FAULT_MODES",
    "SimulatorClient",
    "SimulatorServer",
    "SimulatorState",
    "synthetic_records",
]
