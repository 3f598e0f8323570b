"""The Django secret key: from the environment, or made once and kept in a private file."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.core.management.utils import get_random_secret_key


def load_or_create_secret_key(path: Path) -> str:
    """Read the key from ``path``; on first use write a new random one there, readable by the
    owner only (0600).

    Safe when several processes start at once (test workers, server and worker): the key is
    written to a private temporary file and linked into place, so a reader never sees half a
    key and the first writer wins.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(get_random_secret_key())
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to have a new secret key made")
    return key
