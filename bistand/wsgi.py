"""WSGI entry point, e.g. ``gunicorn bistand.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bistand.settings")

application = get_wsgi_application()
