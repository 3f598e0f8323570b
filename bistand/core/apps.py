import contextlib

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bistand.core"
    label = "core"
    verbose_name = "Bistånd"

    def ready(self):
        # The private folder uploads are received in (bistand/core/uploads.py) exists before
        # Django's system checks look for it (files.E001 on a fresh machine otherwise). A
        # folder that cannot be made is left for that check to report.
        from django.conf import settings

        from . import checks  # noqa: F401 - registers `bistand check --deploy`'s own checks
        from .private import private_dir

        with contextlib.suppress(OSError):
            private_dir(settings.FILE_UPLOAD_TEMP_DIR)
