"""What an operator does to the database file itself: an online backup (SQLite's backup API,
consistent while the bot writes), and reading its schema version and a quick integrity check
without migrating it."""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from pathlib import Path

from bot.core.errors import StorageError
from db.sqlite.connection import BUSY_TIMEOUT_MS, storage_error
from db.sqlite.files import PRIVATE_FILE, make_private_folder


def _connect(path: Path) -> sqlite3.Connection:
    """An existing database, never a new empty one (``mode=rw`` does not create)."""
    if not path.is_file():
        raise StorageError(f"there is no database at {path} (it is created on first start)")
    try:
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        db.execute("PRAGMA user_version").fetchone()  # not a database: fails here
    except sqlite3.Error as e:
        raise storage_error(e, path) from e
    return db


def schema_version(path: Path) -> int:
    db = _connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def quick_check(path: Path) -> str:
    """``"ok"``, or what SQLite's quick integrity check found."""
    db = _connect(path)
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as e:
        raise storage_error(e, path) from e
    finally:
        db.close()
    return "; ".join(str(r[0]) for r in rows)


def backup(source: Path, target: Path) -> int:
    """Copy the database to ``target`` (a new file, 0600) while it may be in use; return
    the copy's schema version. The copy is one self-contained file (no ``-wal``), checked
    before it is given its name; a failure leaves nothing."""
    if target.exists():
        raise FileExistsError(target)
    src = _connect(source)
    make_private_folder(target.parent)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    os.close(fd)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
            version = int(dst.execute("PRAGMA user_version").fetchone()[0])
        finally:
            dst.close()
        if check != "ok":
            raise StorageError(f"the copy of {source} failed its integrity check: {check}")
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        _place(tmp, target)
        return version
    except sqlite3.Error as e:
        raise storage_error(e, source) from e
    finally:
        src.close()
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _place(tmp: Path, target: Path) -> None:
    """Give the finished copy its name without ever replacing a file."""
    try:
        os.link(tmp, target)  # fails if ``target`` appeared meanwhile
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(tmp, target)
