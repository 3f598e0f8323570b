"""Logging: our own and Django's log records through structlog, as JSON lines (production) or
plain console lines (``BISTAND_LOG_FORMAT=console``, the default with DEBUG).

Each line carries the request id while a request is served (``RequestIdMiddleware`` binds it
in structlog's context variables). Only the message and a few named fields are rendered. Extra
attributes on stdlib records (Django attaches the whole ``request`` to ``django.request``
records) are not rendered, so request bodies, form data and personal data in them never reach
the log.
"""

from __future__ import annotations

import re
from typing import Any

import structlog

#: Anything shaped like a personnummer or samordningsnummer (10 or 12 digits, with or without
#: its separator), as ``bistand.audit.payload`` recognises them, without the date check: in a
#: log line a look-alike is masked too.
_PERSONNUMMER = re.compile(r"(?<![0-9A-Za-z])(?:\d{6}|\d{8})[-+]?\d{4}(?![0-9A-Za-z])")
MASK = "[personnummer]"


def mask_personnummer(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """The last safety net: a personnummer in any text of a log line (a message naming a path,
    an exception's text) is replaced by ``[personnummer]``. Code never means to log one."""
    for key, value in event_dict.items():
        if isinstance(value, str) and _PERSONNUMMER.search(value):
            event_dict[key] = _PERSONNUMMER.sub(MASK, value)
    return event_dict


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso"),
]


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


LOG_FORMATS = ("json", "console")


def logging_dict(level: str = "INFO", fmt: str = "console") -> dict[str, Any]:
    if fmt not in LOG_FORMATS:
        raise ValueError(f"BISTAND_LOG_FORMAT must be one of {LOG_FORMATS}, not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "console": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": SHARED_PROCESSORS,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    mask_personnummer,
                    structlog.dev.ConsoleRenderer(colors=False),
                ],
            },
            # One JSON object per line: timestamp, level, logger, event, request_id and the
            # named fields; an exception as its formatted text.
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": SHARED_PROCESSORS,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    mask_personnummer,
                    structlog.processors.JSONRenderer(ensure_ascii=False),
                ],
            },
        },
        "handlers": {
            # The handler keeps its name "console" (it writes to the console either way).
            "console": {"class": "logging.StreamHandler", "formatter": fmt},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's default handlers, among them mail_admins, whose e-mails
            # carry the request's POST data.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            # SQL with its parameters would put personal data in the log: never below INFO.
            "django.db.backends": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # One line per HTTP request to the register service is noise; failures are logged
            # by the gateway itself.
            "httpx": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            "httpcore": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            # The task worker's own chatter (a line per poll and per task): the robot logs what
            # it did with each application instead.
            "django_tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            "django_tasks_db": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            # WeasyPrint's progress ("Step 2 - Fetching and parsing CSS") at INFO, several lines
            # per decision letter.
            "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }
