"""JSON written exactly as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it, but
straight into a bytes buffer as it goes, and with lists that may be iterators.

The standard library's indented encoder is pure Python: it yields every bracket, key and value
as its own string and joins them all at the end, so a 50,000-answer digest was held at once as
nested dicts, about two million small strings and the finished text (over 500 MB). Here a
list given as an iterator is read one item at a time (each answer's dict is made, written and
dropped), and the text goes out in encoded pieces of about 64 KiB.

Values: dicts with ``str`` keys, lists, tuples and iterators, ``str`` (and ``StrEnum``), ``int``,
``bool``, ``None`` and ``float``, each written as ``json.dumps`` writes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from json.encoder import encode_basestring  # the C version where there is one
from typing import BinaryIO

_INDENT = "  "
_FLUSH_AT = 4096  # pieces held before they are joined, encoded and written


def write_json(value: object, out: BinaryIO) -> None:
    """Write ``value`` to ``out`` as UTF-8 JSON (no trailing newline)."""
    _Writer(out).value(value, 0)


class _Writer:
    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._parts: list[str] = []

    def value(self, value: object, level: int) -> None:
        parts = self._parts
        scalar = _scalar(value)
        if scalar is not None:
            parts.append(scalar)
        elif isinstance(value, Mapping):
            self._object(value, level)
        elif isinstance(value, list | tuple | Iterator):
            self._array(value, level)
        else:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        if level == 0:
            self._flush()

    def _object(self, value: Mapping[object, object], level: int) -> None:
        parts = self._parts
        if not value:
            parts.append("{}")
            return
        opening = "{\n" + _INDENT * (level + 1)
        between = ",\n" + _INDENT * (level + 1)
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            scalar = _scalar(item)
            if scalar is not None:
                parts.append(f"{opening}{encode_basestring(key)}: {scalar}")
            else:
                parts.append(f"{opening}{encode_basestring(key)}: ")
                self.value(item, level + 1)
            opening = between
        parts.append("\n" + _INDENT * level + "}")

    def _array(self, value: Iterable[object], level: int) -> None:
        parts = self._parts
        opening = "[\n" + _INDENT * (level + 1)
        between = ",\n" + _INDENT * (level + 1)
        empty = True
        for item in value:
            scalar = _scalar(item)
            if scalar is not None:
                parts.append(opening + scalar)
            else:
                parts.append(opening)
                self.value(item, level + 1)
            opening = between
            empty = False
            if len(parts) > _FLUSH_AT:
                self._flush()
        parts.append("[]" if empty else "\n" + _INDENT * level + "]")

    def _flush(self) -> None:
        self._out.write("".join(self._parts).encode("utf-8"))
        self._parts.clear()


def _scalar(value: object) -> str | None:
    """The JSON text of a string, number, true, false or null; ``None`` for anything else."""
    if isinstance(value, str):  # and StrEnum, as its value
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)  # rare here: ``json`` says how (NaN, Infinity)
    return None
