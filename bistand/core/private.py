"""Files and folders with personal data are the server process's own: 0600 files, 0700 folders.

The application's state (the SQLite database and its -wal/-shm, payment files, attachments,
the secret key, upload temp files) lives under ``var/`` (``settings.VAR_DIR``). Nothing there is
for another user on the server to read, so:

* every entry point (``bistand``/``manage.py``, ``bistand.wsgi``) calls ``restrict_umask()``
  before Django starts: whatever the process creates is 0600/0700 unless it says otherwise;
* the folders are created with ``private_dir()`` (0700, also tightened when they exist), and
  files that must be private whatever the umask with ``private_file()`` (0600).

See docs/operations.md ("Files and permissions").
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def restrict_umask() -> int:
    """Make new files 0600 and new folders 0700 for this process; returns the old umask."""
    return os.umask(UMASK)


def private_dir(path: Path | str) -> Path:
    """``path`` as a folder readable by the owner only: created 0700 (with its missing parents),
    and tightened to 0700 when it exists with wider rights and belongs to us."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path | str) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist; tighten it if it does."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _tighten(path, FILE_MODE)
    else:
        os.close(fd)
    return path


def _tighten(path: Path, mode: int) -> None:
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~mode:
            path.chmod(mode)
    except OSError:
        pass  # not ours to change (e.g. a mounted folder): left as the operator set it


def remove_stale_files(directory: Path | str, *, older_than_seconds: float) -> list[Path]:
    """Delete the plain files directly in ``directory`` not modified for ``older_than_seconds``
    (an upload whose request died). Returns what was removed."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    limit = time.time() - older_than_seconds
    removed = []
    for entry in os.scandir(directory):
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except FileNotFoundError:
            continue  # removed meanwhile (the request finished, or another worker)
    return removed
