"""Built data kept on disk between starts: a line of JSON and arrays of numbers, checked.

Reading a model file means parsing a few megabytes of JSON into hundreds of thousands of
Python numbers, checking each, and packing them into arrays: a tenth of a second and a peak
of tens of MiB at every start. Once built, the same arrays are written here as their bytes,
and read back with no object per number. The screen's trie, the name lists and parsed data
files are kept the same way (``CONSULTBOT_CACHE_DIR``).

A file is: the SHA-256 of the rest (hex, one line); one line of JSON (the ``header``, with
the byte order, the item size of each type code, and each array's type code and length);
then each array's bytes in the header's order. ``read`` refuses (``BadPack``) a file whose
checksum, format or machine differs, or whose arrays are not the lengths it says. Plain data
only: nothing is unpickled or run.

``cached`` names a file for a hash of everything the built value depends on, reads it if it
is there and good, and otherwise builds the value and writes the file for the next start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

FORMAT = "consultbot-packed/1"
T = TypeVar("T")


class BadPack(ValueError):
    """The file is not one this code wrote, or not for this value."""


@dataclass(frozen=True, slots=True)
class Packed:
    """Plain data: a JSON-ready header and named arrays of numbers."""

    header: dict[str, Any]
    arrays: dict[str, array[Any]]


def write(path: Path, packed: Packed) -> None:
    """Whole or not at all: written aside, then renamed into place."""
    names = list(packed.arrays)
    sizes = {table.typecode: table.itemsize for table in packed.arrays.values()}
    layout = [[name, packed.arrays[name].typecode, len(packed.arrays[name])] for name in names]
    meta = {"format": FORMAT, "byteorder": sys.byteorder, "itemsizes": sizes, "arrays": layout}
    line = json.dumps({"packed": meta, "header": packed.header}, separators=(",", ":"))
    if "\n" in line:
        raise ValueError("the header must be one line")  # json.dumps escapes newlines
    payload = b"".join([line.encode(), b"\n", *(packed.arrays[n].tobytes() for n in names)])
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def read(path: Path) -> Packed:
    """What ``write`` wrote (``BadPack`` if not, ``OSError`` if it can't be read)."""
    checksum, _, payload = path.read_bytes().partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != checksum:
        raise BadPack("its checksum does not match")
    line, _, blob = payload.partition(b"\n")
    top = json.loads(line)
    if not isinstance(top, dict) or not isinstance(top.get("packed"), dict):
        raise BadPack("another format")
    meta, header = top["packed"], top.get("header")
    if meta.get("format") != FORMAT or not isinstance(header, dict):
        raise BadPack("another format")
    if meta.get("byteorder") != sys.byteorder:
        raise BadPack("written on a machine of another byte order")
    arrays: dict[str, array[Any]] = {}
    offset = 0
    for item in meta.get("arrays", ()):
        name, code, count = item
        table = array(code)
        if meta["itemsizes"].get(code) != table.itemsize or not isinstance(count, int):
            raise BadPack(f"the array {name} was written with another item size")
        end = offset + count * table.itemsize
        if count < 0 or end > len(blob):
            raise BadPack(f"the file ends inside {name}")
        table.frombytes(blob[offset:end])
        arrays[name] = table
        offset = end
    if offset != len(blob):
        raise BadPack("more bytes than the arrays")
    return Packed(header, arrays)


def key_of(inputs: Mapping[str, bytes]) -> str:
    """A name for ``inputs``: a change to any of them gives another."""
    digest = hashlib.sha256(FORMAT.encode())
    for name, value in sorted(inputs.items()):
        digest.update(b"\0" + name.encode() + b"\0" + str(len(value)).encode() + b"\0")
        digest.update(value)
    return digest.hexdigest()[:32]


def sources(folder: Path, *files: Path) -> dict[str, bytes]:
    """The code a built value depends on, by name: every module in ``folder``, and
    ``files``, named by their path below the ``bot`` package."""
    root = Path(__file__).resolve().parent  # the bot package
    out: dict[str, bytes] = {}
    for source in (*sorted(folder.glob("*.py")), *files):
        out[f"source:{source.resolve().relative_to(root).as_posix()}"] = source.read_bytes()
    return out


def file_bytes(path: Path | None) -> bytes:
    """A data file's bytes (nothing for no file)."""
    return path.read_bytes() if path is not None and path.is_file() else b""


def cached(
    cache_dir: Path | None,
    name: str,
    inputs: Mapping[str, bytes],
    *,
    build: Callable[[], T],
    pack: Callable[[T], Packed],
    unpack: Callable[[Packed], T],
) -> T:
    """The value built from ``inputs``: read from ``cache_dir`` when a good file for them
    is there, else built (and written there, if the folder can be written). A bad file is
    logged and built again; ``build``'s own errors (a bad data file) are raised. A value
    ``pack`` cannot make plain data of is simply not kept."""
    if cache_dir is None:
        return build()
    path = cache_dir / f"{name}-{key_of(inputs)}.pack"
    with contextlib.suppress(FileNotFoundError):
        try:
            return unpack(read(path))
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
            log.warning("the cache %s was not usable (%s); building it again", path, exc)
    value = build()
    try:
        write(path, pack(value))
    except OSError as exc:
        log.warning("the cache could not be written to %s: %s", cache_dir, exc)
    except (TypeError, ValueError) as exc:  # not plain data (a TOML date, say): not kept
        log.debug("%s is not kept in the cache: %s", name, exc)
    return value
