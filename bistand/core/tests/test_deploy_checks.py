"""`bistand check --deploy --fail-level WARNING` with a production environment: passes when it
is complete, and names the variable when one is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BISTAND = str(Path(sys.executable).parent / "bistand")


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BISTAND_")}
    env.update(
        {
            "DATABASE_URL": "postgres://bistand@db.kommun.example:5432/bistand",
            "BISTAND_VAR_DIR": str(tmp_path / "var"),
            "BISTAND_SECRET_KEY": "x9" * 10 + "a-production-secret-key-of-fifty-characters-or-more",
            "BISTAND_HTTPS": "1",
            "BISTAND_ALLOWED_HOSTS": "bistand.kommun.example",
            "BISTAND_CSRF_TRUSTED_ORIGINS": "https://bistand.kommun.example",
            "BISTAND_EID_OIDC_ISSUER": "https://eid.kommun.example",
            "BISTAND_EID_OIDC_CLIENT_ID": "bistand",
            "BISTAND_EID_OIDC_CLIENT_SECRET": "secret",
            "BISTAND_REGISTER_SIMULATOR_ALLOWED": "1",
        }
    )
    return env


def check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BISTAND, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_complete_production_environment_passes(tmp_path):
    result = check(production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "core.I001" in result.stderr  # the simulator, allowed: said, not failed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"BISTAND_HTTPS": ""}, "core.E002) BISTAND_HTTPS is not 1"),
        ({"BISTAND_EID_OIDC_ISSUER": ""}, "core.E003) BISTAND_EID_OIDC_ISSUER not set"),
        ({"BISTAND_EID_OIDC_ISSUER": "http://127.0.0.1:8002"}, "core.E004"),
        ({"BISTAND_REGISTER_SIMULATOR_ALLOWED": ""}, "core.E005) BISTAND_REGISTER_GATEWAY is"),
        ({"BISTAND_SECRET_KEY": "short"}, "core.E001) BISTAND_SECRET_KEY is too short"),
        ({"BISTAND_SECRET_KEY": ""}, "core.W001) BISTAND_SECRET_KEY is not set"),
        ({"BISTAND_ALLOWED_HOSTS": ""}, "core.W002) BISTAND_ALLOWED_HOSTS names no host"),
        ({"DATABASE_URL": ""}, "core.W003) The database is SQLite in"),
        ({"BISTAND_DEBUG": "1"}, "security.W018"),
    ],
)
def test_a_missing_or_unsafe_setting_fails_with_its_name(tmp_path, change, message):
    env = production_env(tmp_path)
    for name, value in change.items():
        if value:
            env[name] = value
        else:
            env.pop(name)
    result = check(env)
    assert result.returncode == 1
    assert message in result.stderr
