"""HTML → tagged PDF (PDF/UA-1) with WeasyPrint, offline: only the app's own files are read.

The letter's fonts (DejaVu Sans, shipped in ``static/letters/fonts/``) and its print style sheet
(``static/letters/pdf.css``) are read from disk through ``LocalFilesOnly``. Anything else a
template might reference (``https://…``, ``file:///etc/…``, ``data:``, a path that climbs out
of the app's static folder) is refused, and the refusal stops the rendering: an archived
letter must never depend on, or silently lack, something fetched from elsewhere.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

#: The only folder letters may read files from.
STATIC_DIR = (Path(__file__).resolve().parent / "static" / "letters").resolve()
PDF_STYLESHEET = STATIC_DIR / "pdf.css"
SCREEN_STYLESHEET = STATIC_DIR / "letter.css"
FONT_DIR = STATIC_DIR / "fonts"

PDF_VARIANT = "pdf/ua-1"

mimetypes.add_type("font/ttf", ".ttf")

# Without libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools, which logs every table
# it touches at INFO level, and WeasyPrint logs each step: dozens of lines per letter. Their
# warnings still come through.
for _noisy in ("fontTools", "weasyprint.progress"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


class ResourceRefused(Exception):
    """A letter referenced something other than the app's own files."""


class LocalFilesOnly(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under ``root`` and refuses everything else.

    No network, no other part of the file system. With ``fail_on_errors`` (the default here)
    WeasyPrint stops at the first refusal instead of leaving the resource out.
    """

    def __init__(self, root: Path = STATIC_DIR, **kwargs) -> None:
        kwargs.setdefault("fail_on_errors", True)
        super().__init__(**kwargs)
        self.root = Path(root).resolve()
        self.fetched: list[str] = []

    def path_for(self, url: str) -> Path:
        """The file under ``root`` that ``url`` names, or ``ResourceRefused``."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Beslutsbrev får bara använda appens egna filer, inte {url!r}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ResourceRefused(f"Beslutsbrev får bara använda appens egna filer, inte {url!r}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.path_for(url)
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


def write_pdf(html: str, *, fetcher: LocalFilesOnly | None = None) -> bytes:
    """The letter's HTML as a tagged PDF (PDF/UA-1): title from ``<title>``, language from
    ``<html lang>``, fonts embedded from the app's own files.

    Raises ``ResourceRefused`` if the HTML (or its style) references anything else.
    """
    fetcher = fetcher or LocalFilesOnly()
    try:
        # @font-face rules take effect only through a FontConfiguration shared by the style
        # sheet and the document; without it WeasyPrint would quietly use the system's fonts.
        fonts = FontConfiguration()
        stylesheet = CSS(filename=str(PDF_STYLESHEET), url_fetcher=fetcher, font_config=fonts)
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant=PDF_VARIANT
        )
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        if isinstance(cause, ResourceRefused):
            raise ResourceRefused(str(cause)) from None
        raise ResourceRefused(f"Beslutsbrevet kunde inte läsa en resurs: {exc}") from None
