"""Text of a PDF for the tests (pypdf), with whitespace made single spaces."""

from __future__ import annotations

import io


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
