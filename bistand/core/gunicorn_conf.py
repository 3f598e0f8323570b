"""gunicorn's configuration for ``bistand serve`` (docs/operations.md).

``bistand serve`` runs ``gunicorn --config python:bistand.core.gunicorn_conf`` and gives the
bind address and the number of workers on the command line (they override what is here).

- The access log is one JSON object per line on stdout (journald keeps it): time, method, the
  path *without its query string*, status, bytes, duration, remote address. A query string, a
  referer or a cookie can carry a personnummer; none of them is written, and anything shaped
  like a personnummer in the path is masked.
- ``preload_app``: the application is imported once in the master, then the workers are forked
  (less memory, and an import error stops the start instead of looping workers).
- Graceful stop: on SIGTERM the workers finish the requests they have (up to
  ``graceful_timeout`` seconds) and exit; systemd's ``TimeoutStopSec`` is longer than that.
- The workers' heartbeat files are in memory (``/dev/shm``), not on a disk that can stall.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime

from gunicorn.glogging import Logger

wsgi_app = "bistand.wsgi:application"
bind = [os.environ.get("BISTAND_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("BISTAND_WEB_WORKERS", "2"))
worker_class = "sync"
preload_app = True
timeout = 30
graceful_timeout = 25
keepalive = 5
# A worker is replaced after this many requests (with jitter, so not all at once): a slow leak
# cannot grow for ever.
max_requests = 5000
max_requests_jitter = 500
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's advice for the heartbeat files
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# gunicorn's control socket would be made in the user's home; the service has no use for it.
control_socket_disable = True
proc_name = "bistand-web"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("BISTAND_LOG_LEVEL", "info").lower()
logger_class = "bistand.core.gunicorn_conf.JsonAccessLogger"


def pre_fork(server, worker):
    """With ``preload_app`` the master imported Django: should anything have opened a database
    connection there, it is closed before forking, so no two processes share one socket."""
    from django.db import connections

    connections.close_all()


# Twelve or ten digits, optionally with a separator (ÅÅÅÅMMDD-NNNN, ÅÅMMDD+NNNN, …).
_PERSONNUMMER = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+]?\d{4}(?!\d)")


def masked_path(path: str) -> str:
    return _PERSONNUMMER.sub("[personnummer]", path)


class JsonAccessLogger(Logger):
    """gunicorn's logger with the access log as JSON lines, never with a query string."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "event": "http_request",
            "method": environ.get("REQUEST_METHOD"),
            "path": masked_path(environ.get("PATH_INFO", "")),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(record, ensure_ascii=False))
        except Exception:  # a log line must never break a response
            self.exception("access log")
