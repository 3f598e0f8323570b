"""``bistand calculate FILE``: one household month through the rules engine."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from bistand.rules import (
    InputError,
    MissingParameterError,
    RulesError,
    calculate_json,
    explain,
)

#: Exit statuses: bad input (the household document) and a missing parameter (the month's
#: riksnorm or another table is not entered: an administrator's task, not the input's fault).
EXIT_BAD_INPUT = 2
EXIT_MISSING_PARAMETER = 3


class Command(BaseCommand):
    help = (
        "Beräkna försörjningsstöd för ett hushåll och en månad. Läser JSON från FILE "
        "(eller - för standard in) och skriver resultatet som JSON, eller med --explain "
        "som en förklaring på svenska. Format: docs/rules.md."
    )
    requires_system_checks = ()

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON-fil med hushållets månad, eller - för standard in")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="skriv en förklaring på svenska i stället för JSON",
        )

    def fail(self, message: str, status: int = EXIT_BAD_INPUT) -> None:
        self.stderr.write(f"bistand calculate: {message}")
        sys.exit(status)

    def handle(self, *args, **options):
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.fail(f"kan inte läsa {name}: {exc.strerror if isinstance(exc, OSError) else exc}")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self.fail(
                f"indata är inte giltig JSON (rad {exc.lineno}, kolumn {exc.colno}: {exc.msg})"
            )
        try:
            result = calculate_json(data)
        except InputError as exc:
            self.fail(f"fel i indata: {exc.field or 'dokumentet'}: {exc.message}")
        except MissingParameterError as exc:
            self.fail(f"parameter saknas: {exc}", EXIT_MISSING_PARAMETER)
        except RulesError as exc:
            self.fail(str(exc))
        if options["explain"]:
            self.stdout.write(explain(result.trace()), ending="")
        else:
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
