"""Health of the service and its dependencies, for a load balancer and an operator.

Each check answers with a ``Component``: ``ok``, ``degraded`` (the service still serves, but
something it leans on is missing) or ``down``. Only the database can take the service down:
without it nothing works, and an unmigrated database would fail on the first page. A stale
robot heartbeat, an unreachable register gateway or e-ID issuer are reported as degraded:
the web pages still serve, and the robot hands over what it cannot finish.

The reasons are short technical texts: never a personnummer, a name or an address with
credentials in it. External checks are cached for ``HEALTH_CACHE_SECONDS`` per process, so a
load balancer polling every few seconds does not turn into load on the registers.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .models import WorkerHeartbeat

OK = "ok"
DEGRADED = "degraded"
DOWN = "down"


@dataclass(frozen=True)
class Component:
    status: str
    reason: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True)
class Readiness:
    components: dict[str, Component]

    @property
    def serving(self) -> bool:
        """Whether a load balancer should send traffic here: the database is up and migrated."""
        return self.components["database"].status == OK

    @property
    def status(self) -> str:
        if not self.serving:
            return DOWN
        if all(c.status == OK for c in self.components.values()):
            return OK
        return DEGRADED

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "components": {name: c.as_dict() for name, c in self.components.items()},
        }


def readiness() -> Readiness:
    database = check_database()
    components = {"database": database}
    if database.status == OK:
        components["robot_worker"] = check_worker_heartbeat()
    else:
        components["robot_worker"] = Component(DEGRADED, "okänt: databasen svarar inte")
    components["register_gateway"] = _cached("register_gateway", check_register_gateway)
    components["eid_issuer"] = _cached("eid_issuer", check_eid_issuer)
    return Readiness(components)


# --- the database ------------------------------------------------------------------------------

_migrated_at: float | None = None
_migrated_lock = threading.Lock()
#: A database found fully migrated is believed so for this long (loading the migration graph
#: reads every migration file); new migrations arrive with a new deployment and a restart.
MIGRATED_TTL_SECONDS = 60.0


def check_database() -> Component:
    global _migrated_at
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Component(DOWN, f"databasen svarar inte ({type(exc).__name__})")
    with _migrated_lock:
        fresh = _migrated_at is not None and time.monotonic() - _migrated_at < MIGRATED_TTL_SECONDS
    if fresh:
        return Component(OK)
    try:
        pending = unapplied_migrations()
    except DatabaseError as exc:
        return Component(DOWN, f"migreringarna kunde inte läsas ({type(exc).__name__})")
    if pending:
        return Component(DOWN, f"{len(pending)} migreringar saknas (kör bistand migrate)")
    with _migrated_lock:
        _migrated_at = time.monotonic()
    return Component(OK)


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def forget_migration_check() -> None:
    """Check the migrations again on the next call (tests; after ``migrate`` in one process)."""
    global _migrated_at
    with _migrated_lock:
        _migrated_at = None


# --- the robot ---------------------------------------------------------------------------------


def check_worker_heartbeat() -> Component:
    limit = float(settings.ROBOT_HEARTBEAT_LIMIT_SECONDS)
    latest = WorkerHeartbeat.objects.order_by("-last_beat").values_list("last_beat", flat=True)
    newest = latest.first()
    if newest is None:
        return Component(DEGRADED, "ingen robotarbetare har startat")
    age = (timezone.now() - newest).total_seconds()
    if age > limit:
        return Component(
            DEGRADED,
            f"ingen robotarbetare har gett livstecken på {age:.0f} s (gräns {limit:.0f} s)",
        )
    alive = WorkerHeartbeat.objects.filter(
        last_beat__gte=timezone.now() - timedelta(seconds=limit)
    ).count()
    return Component(OK, f"{alive} arbetare")


# --- external services -------------------------------------------------------------------------


def check_register_gateway() -> Component:
    kind = settings.REGISTER_GATEWAY
    if kind == "simulator":
        url = settings.REGISTER_SIMULATOR_URL.rstrip("/")
        return _http_reachable(f"{url}/health", "simulatorn")
    if kind == "ssbtek":
        endpoint = getattr(settings, "SSBTEK_ENDPOINT", None)
        if not endpoint:
            return Component(DEGRADED, "SSBTEK är inte ansluten (SSBTEK_ENDPOINT saknas)")
        return _tcp_reachable(endpoint, "SSBTEK")
    return Component(DEGRADED, "okänd registerväg (REGISTER_GATEWAY)")


def check_eid_issuer() -> Component:
    issuer = settings.EID_OIDC_ISSUER
    if not (issuer and settings.EID_OIDC_CLIENT_ID):
        return Component(DEGRADED, "e-legitimation är inte inställd")
    return _http_reachable(f"{issuer}/.well-known/openid-configuration", "e-ID-utfärdaren")


def _http_reachable(url: str, name: str) -> Component:
    try:
        response = httpx.get(
            url, timeout=float(settings.HEALTH_TIMEOUT_SECONDS), follow_redirects=False
        )
    except httpx.TimeoutException:
        return Component(DEGRADED, f"{name} svarar inte i tid")
    except httpx.HTTPError as exc:
        return Component(DEGRADED, f"{name} går inte att nå ({type(exc).__name__})")
    if response.status_code >= 400:
        return Component(DEGRADED, f"{name} svarar {response.status_code}")
    return Component(OK)


def _tcp_reachable(url: str, name: str) -> Component:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection(
            (parts.hostname or "", port), timeout=float(settings.HEALTH_TIMEOUT_SECONDS)
        ):
            return Component(OK)
    except OSError as exc:
        return Component(DEGRADED, f"{name} går inte att nå ({type(exc).__name__})")


_cache: dict[str, tuple[float, tuple, Component]] = {}
_cache_lock = threading.Lock()


def _cached(name: str, check) -> Component:
    """The check's answer, reused for ``HEALTH_CACHE_SECONDS`` while its settings stay."""
    key = (
        settings.REGISTER_GATEWAY,
        settings.REGISTER_SIMULATOR_URL,
        getattr(settings, "SSBTEK_ENDPOINT", None),
        settings.EID_OIDC_ISSUER,
        settings.EID_OIDC_CLIENT_ID,
    )
    ttl = float(settings.HEALTH_CACHE_SECONDS)
    with _cache_lock:
        hit = _cache.get(name)
        if hit and hit[1] == key and time.monotonic() - hit[0] < ttl:
            return hit[2]
    found = check()
    with _cache_lock:
        _cache[name] = (time.monotonic(), key, found)
    return found


def forget_cached_checks() -> None:
    with _cache_lock:
        _cache.clear()
