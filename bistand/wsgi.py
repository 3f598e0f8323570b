"""WSGI entry point, e.g. ``gunicorn bistand.wsgi``.

The umask is 077 before Django starts: what the server creates (the SQLite database and its
-wal/-shm, uploads, var/) is readable by its own user only (bistand/core/private.py)."""

import os

from django.core.wsgi import get_wsgi_application

from bistand.core.private import restrict_umask

restrict_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bistand.settings")

application = get_wsgi_application()
