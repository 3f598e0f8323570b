"""Uploads go to a private folder beside the attachment store, never the system's /tmp.

Django keeps an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` in a temporary file while the
request runs and removes it when the request ends, also when the upload is interrupted. A
server process killed mid-request leaves it behind, though: so the temporary files are written
to ``FILE_UPLOAD_TEMP_DIR`` (``<ATTACHMENT_ROOT>/.uploads``, 0700; each file 0600), on the same
file system as the attachments, and ``remove_stale_uploads`` (the robot worker's housekeeping,
at its start and every few minutes) deletes those older than an hour: no request lives that
long.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from .private import private_dir, remove_stale_files

#: An upload's temporary file older than this belongs to a request that died.
STALE_AFTER_SECONDS = 3600


def upload_temp_dir() -> Path:
    return private_dir(settings.FILE_UPLOAD_TEMP_DIR)


class PrivateTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler, writing into the private upload folder (made 0700 when missing)."""

    def new_file(self, *args, **kwargs):
        upload_temp_dir()
        super().new_file(*args, **kwargs)


def remove_stale_uploads(older_than_seconds: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete upload temp files left by requests that died (older than an hour)."""
    directory = Path(settings.FILE_UPLOAD_TEMP_DIR)
    return remove_stale_files(directory, older_than_seconds=older_than_seconds)
