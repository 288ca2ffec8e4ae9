"""Reading the project's data files, with one kind of error for every problem.

TOML files (question sets, codebook, lexicon, notices) and JSON Lines files (answers to tag,
screen or evaluate) are read here, so every malformed file fails the same way: a
``DataFileError`` naming the file, the field or line, and what is wrong.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot import packed
from bot.core.errors import DataFileError

# The prompts/ folder shipped with the project: the default for commands and tests that are
# given no other. The running bot gets its folder from settings.
SHIPPED_PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def read_toml(path: Path, cache_dir: Path | None = None) -> dict[str, Any]:
    """The parsed file. With ``cache_dir``, what these very bytes parsed to is kept there
    (``bot.packed``, as JSON: the big lexicon takes 20 ms to parse, 1 ms to read back); a
    file holding what JSON cannot (a TOML date) is parsed every time."""
    if cache_dir is not None:
        try:
            content = path.read_bytes()
        except OSError:
            pass  # reported as the parse reports it
        else:
            return packed.cached(
                cache_dir,
                "toml",
                {"toml": content, "python": sys.version.encode()},  # tomllib's version
                build=lambda: _parse_toml(path),
                pack=lambda data: packed.Packed({"toml": data}, {}),
                unpack=_cached_toml,
            )
    return _parse_toml(path)


def _parse_toml(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise DataFileError(name, "(file)", f"cannot be read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise DataFileError(name, "(file)", "is not valid UTF-8 text") from e
    except tomllib.TOMLDecodeError as e:
        raise DataFileError(name, "(syntax)", str(e)) from e


def _cached_toml(read: packed.Packed) -> dict[str, Any]:
    data = read.header["toml"]
    if not isinstance(data, dict):
        raise ValueError("not a parsed TOML file")
    return data


def read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file; a byte-order mark (Excel, Notepad) is fine."""
    name = str(path)
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as e:
        raise DataFileError(name, "(file)", f"cannot be read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise DataFileError(name, "(file)", "is not valid UTF-8 text") from e


def read_text_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each non-blank line of a JSON Lines file as ("line N", object with a "text" string)."""
    name = str(path)
    for n, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        at = f"line {n}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            hint = " (expected one JSON object per line)" if line.lstrip()[:1] == "[" else ""
            raise DataFileError(name, at, f"is not valid JSON{hint}: {e.msg}") from e
        if not isinstance(record, dict):
            raise DataFileError(name, at, "must be a JSON object")
        if not isinstance(record.get("text"), str):
            raise DataFileError(name, at, 'needs a "text" field holding a string')
        yield at, record
