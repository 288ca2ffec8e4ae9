"""The database's files on disk are its owner's alone: the folder we create is 0700, the
database, its write-ahead log (``-wal``) and shared-memory index (``-shm``) 0600, whatever
the umask. The file is created here, before SQLite opens it, so it is never readable by
others even for a moment; SQLite gives ``-wal`` and ``-shm`` the database's mode, and we set
it again after opening in case they were left by an older version."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def is_memory(path: Path | str) -> bool:
    return str(path) == ":memory:" or str(path).startswith("file:")


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700; leave existing folders alone."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=PRIVATE_FOLDER)
        os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode is cut by the umask


def prepare_database_file(path: Path) -> None:
    """Create the database file 0600 if it doesn't exist; make an existing one private."""
    make_private_folder(path.parent)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        make_private(path)
        return
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def make_private(path: Path) -> None:
    """Set a file we own to 0600 if anyone else could read or write it."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode != PRIVATE_FILE and mode & 0o077:
        try:
            os.chmod(path, PRIVATE_FILE)
        except PermissionError:  # not ours: say so, and let SQLite decide if it can open it
            log.warning("%s is readable by others (mode %o) and not ours to change", path, mode)
            return
        log.warning("%s was readable by others (mode %o); it is now 0600", path.name, mode)


def make_sidecars_private(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        make_private(Path(f"{path}{suffix}"))
