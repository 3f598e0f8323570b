"""Pytest helpers for any app's tests: a real register simulator on a free loopback port.

The root ``conftest.py`` loads this module as a plugin, so every test can ask for the
``register_simulator`` fixture::

    def test_robot_sees_housing_allowance(register_simulator, settings):
        register_simulator.put_person(
            "19121212-1212", "2025-04",
            records={"FK": [{"kind": "payment", "income_type": "housing_allowance",
                             "amount": "1500.00", "paid_on": "2025-04-25"}]},
        )
        register_simulator.add_fault("19121212-1212", "error_500", source="AF", times=3)
        ...  # code under test calls bistand.connectors.get_gateway().fetch(...)

The fixture starts the simulator (seed 1) in a background thread, points
``settings.REGISTER_SIMULATOR_URL`` at it, sets ``REGISTER_GATEWAY = "simulator"`` and a short
backoff, and yields a ``SimulatorClient`` (with ``.server``, the running ``SimulatorServer``).
Timeout and attempts stay as configured; set ``settings.REGISTER_TIMEOUT_SECONDS`` low (e.g.
0.2) in tests that provoke timeouts.
"""

from __future__ import annotations

import pytest

from .simulator import SimulatorClient, SimulatorServer

#: Skatteverket-style test personnummer (valid check digit, born 1912 or 2012), never real ones.
TEST_PERSONNUMMER = (
    "19121212-1212",
    "19121212-1220",
    "19121212-1238",
    "19121212-1246",
    "19121211-1213",
    "19121210-1214",
    "20121212-1212",
    "20121212-1220",
)


@pytest.fixture
def register_simulator(settings):
    """A running register simulator; yields a ``SimulatorClient`` for seeding and faults."""
    server = SimulatorServer(seed=1, slow_seconds=0.05, hang_seconds=5.0).start()
    settings.REGISTER_GATEWAY = "simulator"
    settings.REGISTER_SIMULATOR_URL = server.url
    settings.REGISTER_BACKOFF_SECONDS = (0.01, 0.02)
    client = SimulatorClient(server.url, seed=server.seed)
    client.server = server
    try:
        yield client
    finally:
        client.close()
        server.stop()
