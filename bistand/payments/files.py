"""Where a batch's files go, and writing them so that no half-written file looks finished.

Files live in ``settings.VAR_DIR / "payments"``, named by municipality code, execution date
and batch id (never a personnummer). While an export's transaction is open they are written
under a hidden staging name (``.<name>.partial``); only after the transaction has committed
are they renamed to their final names. A crash before the commit leaves at most staging
files, which the next export for that municipality removes.

The folder is the server user's only (0700) and so is each file (0600): they name the payees
and their accounts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

from bistand.core.private import FILE_MODE, private_dir

from .models import PaymentBatch

PARTIAL_SUFFIX = ".partial"


def payments_dir() -> Path:
    return private_dir(Path(settings.VAR_DIR) / "payments")


def final_paths(batch: PaymentBatch) -> tuple[Path, Path]:
    """(pain.001 XML, CSV) for ``batch``."""
    directory = payments_dir()
    return directory / f"{batch.file_stem}.xml", directory / f"{batch.file_stem}.csv"


def staging_path(final: Path) -> Path:
    return final.with_name(f".{final.name}{PARTIAL_SUFFIX}")


def write_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` (mode 0600, whatever the umask) and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # a file that was there already keeps its mode otherwise
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def publish(staged: Path, final: Path) -> None:
    """Give a staged file its final name (atomic within one directory)."""
    os.replace(staged, final)


def remove_stale_partials(municipality_code: str, live_batch_ids: set[int]) -> list[Path]:
    """Staging files a rolled-back or crashed export of this municipality left behind: those
    of batches that do not exist. Call with the municipality's export lock held, so that no
    export of it is writing one right now."""
    removed = []
    for path in payments_dir().glob(f".utbetalningar-{municipality_code}-*{PARTIAL_SUFFIX}"):
        match = _STAGED.fullmatch(path.name)
        if not match or match["code"] != municipality_code:
            continue  # another municipality whose code starts like this one's
        if int(match["batch"]) not in live_batch_ids:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


_STAGED = re.compile(
    r"\.utbetalningar-(?P<code>.+)-\d{4}-\d{2}-\d{2}-(?P<batch>\d+)\.(?:xml|csv)"
    + re.escape(PARTIAL_SUFFIX)
)
