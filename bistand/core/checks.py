"""``bistand check --deploy``: the project's own production checks, beside Django's.

Run on the server with the service's environment (docs/operations.md):
``bistand check --deploy --fail-level WARNING`` exits 0 when nothing is left to fix. Each
message names the environment variable that fixes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register

MIN_SECRET_KEY_LENGTH = 50
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    problems = []
    if len(settings.SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(settings.SECRET_KEY)) < 5:
        problems.append(
            Error(
                f"BISTAND_SECRET_KEY is too short or too simple: at least "
                f"{MIN_SECRET_KEY_LENGTH} random characters, e.g. from "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="core.E001",
            )
        )
    if not os.environ.get("BISTAND_SECRET_KEY"):
        problems.append(
            Warning(
                "BISTAND_SECRET_KEY is not set: the key is the one made on this machine in "
                f"{Path(settings.VAR_DIR) / 'secret_key'} (as for development). Set it from the "
                "service's secret store, the same on every machine, so that it survives a new "
                "machine or a restore.",
                id="core.W001",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_https(app_configs=None, **kwargs):
    problems = []
    if not settings.HTTPS:
        problems.append(
            Error(
                "BISTAND_HTTPS is not 1: in production Bistånd runs behind a reverse proxy that "
                "terminates TLS and sets X-Forwarded-Proto (secure cookies, HSTS).",
                id="core.E002",
            )
        )
    if not set(settings.ALLOWED_HOSTS) - LOOPBACK_HOSTS:
        problems.append(
            Warning(
                "BISTAND_ALLOWED_HOSTS names no host: only 127.0.0.1 and localhost are "
                "answered. Set the site's host name (e.g. bistand.kommun.se).",
                id="core.W002",
            )
        )
    return problems


@register(Tags.database, deploy=True)
def check_database(app_configs=None, **kwargs):
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3") or not settings.HTTPS:
        return []
    name = Path(str(database["NAME"]))
    if name.is_relative_to(Path(settings.VAR_DIR)):
        return [
            Warning(
                f"The database is SQLite in {settings.VAR_DIR} (DATABASE_URL is not set): one "
                "robot worker, one writer at a time, backups by file. Production is "
                "PostgreSQL: DATABASE_URL=postgres://user@host:5432/bistand.",
                id="core.W003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_eid(app_configs=None, **kwargs):
    missing = [
        env
        for env, value in (
            ("BISTAND_EID_OIDC_ISSUER", settings.EID_OIDC_ISSUER),
            ("BISTAND_EID_OIDC_CLIENT_ID", settings.EID_OIDC_CLIENT_ID),
            ("BISTAND_EID_OIDC_CLIENT_SECRET", settings.EID_OIDC_CLIENT_SECRET),
        )
        if not value
    ]
    if missing:
        return [
            Error(
                f"{', '.join(missing)} not set: applicants cannot log in with e-legitimation. "
                "Set the municipality's e-ID broker (OpenID Connect), docs/operations.md.",
                id="core.E003",
            )
        ]
    if not settings.EID_OIDC_ISSUER.startswith("https://"):
        return [
            Error(
                f"BISTAND_EID_OIDC_ISSUER is {settings.EID_OIDC_ISSUER!r}: the e-ID broker must "
                "be reached over https (the local test provider is for development only).",
                id="core.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_register_gateway(app_configs=None, **kwargs):
    kind = settings.REGISTER_GATEWAY
    if kind == "simulator":
        if getattr(settings, "REGISTER_SIMULATOR_ALLOWED", False):
            return [
                Info(
                    "The register gateway is the simulator (BISTAND_REGISTER_SIMULATOR_ALLOWED=1): "
                    "register answers are synthetic. For a pilot or a test installation only.",
                    id="core.I001",
                )
            ]
        return [
            Error(
                "BISTAND_REGISTER_GATEWAY is 'simulator' (the default): register answers would be "
                "synthetic. Set BISTAND_REGISTER_GATEWAY=ssbtek, or "
                "BISTAND_REGISTER_SIMULATOR_ALLOWED=1 for a test installation.",
                id="core.E005",
            )
        ]
    if kind == "ssbtek":
        return [
            Warning(
                "BISTAND_REGISTER_GATEWAY is 'ssbtek', whose transport is a documented stub "
                "(bistand/connectors/ssbtek.py): every register source will be unknown and each "
                "application goes to a caseworker until the municipality's SSBTEK connection is "
                "built.",
                id="core.W004",
            )
        ]
    return [
        Error(
            f"BISTAND_REGISTER_GATEWAY must be 'simulator' or 'ssbtek', not {kind!r}.",
            id="core.E006",
        )
    ]
