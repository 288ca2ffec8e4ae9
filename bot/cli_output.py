"""What the command line writes, and how it fails: never half-written, never readable by
others, and a bad input file is one line naming the file and the line.

- ``write_private`` writes a file 0600 (a new folder 0700), whatever the umask, through a
  temporary file in the same folder that is renamed into place only once complete: a full
  disk or a missing folder leaves nothing behind. A target that is a device or a pipe
  (``/dev/stdout``) is written to directly, never replaced.
- ``digest_format`` takes the digest's format from ``--out``'s suffix, or refuses a name and a
  ``--format`` that disagree.
- ``checked_text`` and ``input_error`` let ``tag`` and ``screen`` produce all their output
  before writing any of it, and turn what the readers don't catch (a lone surrogate escape
  such as ``\\ud800``, nesting too deep to read, a number over 4,300 digits, a CSV field over
  128 KiB) into one line with the line number.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import stat
from pathlib import Path

from bot.core.errors import ConsultbotError, DataFileError
from bot.digest.render import DigestFormat

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_SUFFIXES = {f".{f.value}": f for f in DigestFormat}


def digest_format(out: Path | None, given: str | None) -> DigestFormat:
    """The format to write: ``--format``, or the one ``--out``'s suffix names (Markdown for
    standard output)."""
    named = _SUFFIXES.get(out.suffix.lower()) if out is not None else None
    if given is not None:
        chosen = DigestFormat(given)
        if named is not None and named is not chosen:
            raise ConsultbotError(
                f"--out {out} names a {named.value} file but --format is {chosen.value}: "
                "give one or make them agree"
            )
        return chosen
    if out is None:
        return DigestFormat.MD
    if named is None:
        suffixes = ", ".join(_SUFFIXES)
        raise ConsultbotError(
            f"--out {out}: can't tell the format from the name (use {suffixes}) or give --format"
        )
    return named


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and missing parents as 0700; existing folders are left alone."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=PRIVATE_FOLDER)
        os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode is cut by the umask


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600), all or nothing; a one-line error if it can't."""
    try:
        _write_private(path, data)
    except OSError as e:
        raise ConsultbotError(f"{path}: cannot be written: {e.strerror or e}") from e


def _write_private(path: Path, data: bytes) -> None:
    target = Path(os.path.realpath(path))  # write where a symlink points, keep the link
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise ConsultbotError(f"{path} is a folder: give a file name for the digest")
    if mode is not None and not stat.S_ISREG(mode):
        with target.open("wb") as device:  # /dev/stdout, a pipe: nothing to rename
            device.write(data)
        return
    make_private_folder(target.parent)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def checked_text(text: str, source: Path) -> str:
    """``text`` if it can be written as UTF-8; else the error naming the input line."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise input_error(source, e) from e
    return text


def input_error(source: Path, error: BaseException) -> DataFileError:
    """One line for an input file the readers let through: which line, and what is wrong."""
    if source.suffix.lower() == ".csv":
        return DataFileError(str(source), _csv_line(source), _problem(error))
    return DataFileError(str(source), _jsonl_line(source), _problem(error))


def _problem(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "is nested too deeply to read"
    if isinstance(error, UnicodeError):
        return "holds an escape like \\ud800 that is only half a character"
    if isinstance(error, csv.Error):
        return f"has a field longer than the {csv.field_size_limit() // 1024} KiB limit"
    if "digits" in str(error):
        return "has a number too long to read (over 4,300 digits)"
    return f"cannot be read: {error}"


def _jsonl_line(source: Path) -> str:
    """The first line of a JSON Lines file that can't be read or written back."""
    try:
        lines = source.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError):
        return "(file)"
    for n, line in enumerate(lines, start=1):
        try:
            value = json.loads(line) if line.strip() else None
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except (RecursionError, ValueError, UnicodeError):
            return f"line {n}"
    return "(file)"


def _csv_line(source: Path) -> str:
    try:
        with source.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            try:
                for _ in reader:
                    pass
            except csv.Error:
                return f"line {reader.line_num}"
    except (OSError, UnicodeError):
        pass
    return "(file)"


INPUT_ERRORS: tuple[type[BaseException], ...] = (
    RecursionError,
    ValueError,
    UnicodeError,
    csv.Error,
)
