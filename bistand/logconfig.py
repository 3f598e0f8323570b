"""Logging: structlog-style plain console lines for our own and Django's log records.

Only the message and a few named fields are rendered. Extra attributes on stdlib records
(Django attaches the whole ``request`` to ``django.request`` records) are not rendered, so
request bodies, form data and personal data in them never reach the log.
"""

from __future__ import annotations

from typing import Any

import structlog

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


def logging_dict(level: str = "INFO") -> dict[str, Any]:
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
                    structlog.dev.ConsoleRenderer(colors=False),
                ],
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "console"},
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
        },
    }
