"""Serving an applicant's attachment: always as a download, never rendered by the browser.
Callers check access first (Mina sidor: the household's own; the workspace: the case's staff)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .models import Attachment


def download(stored: Attachment) -> FileResponse:
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Filen finns inte.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
