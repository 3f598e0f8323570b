"""The ``bistand`` command: Django's management commands with the project's settings.

Files it creates (the database, payment files, attachments, var/) are the server user's own:
the umask is 077 before anything starts (bistand/core/private.py)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    from bistand.core.private import restrict_umask

    restrict_umask()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bistand.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv if argv is None else argv)


if __name__ == "__main__":
    main()
