"""Reading a model file and checking its parts, with one kind of error for every problem.

``read_json`` parses the file strictly (no NaN or Infinity, no key twice in one object);
``Checker`` checks one part at a time, and every failure is a
``DataFileError(file, field, problem)`` naming the field like ``examples[2].index[5]``.
The checks on long lists run at C speed (``set(map(type, ...))``, ``sum``, ``min``/``max``)
and look for the position of a bad value only once they know there is one, so a 5 MB model
is checked in a few tens of milliseconds.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from bot.core.errors import DataFileError

NUMBERS = frozenset({int, float})
WHOLE = frozenset({int})
_EXACT = 2**53  # whole numbers up to this are exact as floats


def read_json(path: Path) -> object:
    """The parsed file; ``DataFileError`` if it cannot be read or is not strict JSON."""
    name = str(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise DataFileError(name, "(file)", f"cannot be read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise DataFileError(name, "(file)", "is not valid UTF-8 text") from e
    try:
        return json.loads(raw, parse_constant=_no_constants, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as e:
        raise DataFileError(name, "(syntax)", f"is not valid JSON: {e}") from e
    except ValueError as e:
        raise DataFileError(name, "(syntax)", str(e)) from e


class Checker:
    """Checks the parts of one model dict, raising ``DataFileError`` for the file ``source``."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str) -> NoReturn:
        raise DataFileError(self.source, field, problem)

    def mapping(self, value: object, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(field or "(top level)", "must be a JSON object")
        return value

    def table(
        self, value: object, field: str, keys: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Any]:
        value = self.mapping(value, field)
        required = frozenset(keys)
        for key in sorted(set(value) - required - frozenset(optional)):
            self.fail(_join(field, key), "is not a known key")
        for key in sorted(required - set(value)):
            self.fail(_join(field, key), "is missing")
        return value

    def text(self, value: object, field: str) -> str:
        if type(value) is not str or not value:
            self.fail(field, "must be a non-empty string")
        return value

    def strings(self, value: object, field: str, *, allow_empty: bool = False) -> list[str]:
        if not isinstance(value, list) or not (value or allow_empty):
            self.fail(field, "must be a list of strings" + ("" if allow_empty else ", not empty"))
        for i in _misfits(value, {str}):
            self.fail(f"{field}[{i}]", "must be a string")
        for i in _repeats(value):
            self.fail(f"{field}[{i}]", f"repeats {value[i]!r}")
        return value

    def numbers(
        self,
        value: object,
        field: str,
        length: int | None = None,
        kinds: frozenset[type] = NUMBERS,
    ) -> list[float]:
        if not isinstance(value, list):
            self.fail(field, "must be a list of numbers")
        if length is not None and len(value) != length:
            self.fail(field, f"has {len(value)} numbers, expected {length}")
        for i in _misfits(value, kinds):
            self.fail(
                f"{field}[{i}]", "must be a whole number" if kinds == WHOLE else "must be a number"
            )
        if kinds == WHOLE:
            if value and not -_EXACT < min(value) <= max(value) < _EXACT:
                self.fail(field, "must hold whole numbers between -2**53 and 2**53")
        elif not math.isfinite(sum(value)):  # an infinite or NaN term makes the sum one too
            bad = next((i for i, v in enumerate(value) if not math.isfinite(v)), None)
            self.fail(field if bad is None else f"{field}[{bad}]", "must be finite numbers")
        return value

    def number(self, value: object, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, "must be a number")
        if not math.isfinite(value):
            self.fail(field, "must be a finite number")
        return value

    def sparse(
        self, value: dict[str, Any], field: str, size: int, kinds: frozenset[type], key: str
    ) -> tuple[list[int] | None, list[float]]:
        """The ``index`` list and the list under ``key``; no ``index`` (None): every column."""
        if "index" not in value:
            return None, self.numbers(value[key], f"{field}.{key}", size, kinds)
        index = value["index"]
        if not isinstance(index, list):
            self.fail(f"{field}.index", "must be a list of column numbers")
        for i in _misfits(index, {int}):
            self.fail(f"{field}.index[{i}]", "must be a whole number")
        if index and (index[0] < 0 or index[-1] >= size):
            self.fail(f"{field}.index", f"holds a column outside 0..{size - 1}")
        if not all(map(operator.lt, index, index[1:])):
            self.fail(f"{field}.index", "must be in increasing order, without repeats")
        return index, self.numbers(value[key], f"{field}.{key}", len(index), kinds)


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number JSON allows")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    for i in _repeats([key for key, _ in pairs]):
        raise ValueError(f"the key {pairs[i][0]!r} appears twice in one object")
    return data


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _misfits(values: list[Any], types: Collection[type]) -> Iterator[int]:
    """Positions of values whose type is not one of ``types`` (``bool`` is not ``int``)."""
    if not set(map(type, values)) <= set(types):
        yield from (i for i, v in enumerate(values) if type(v) not in types)


def _repeats(values: list[Any]) -> Iterator[int]:
    """Positions of values seen earlier in the list."""
    if len(set(values)) != len(values):
        seen = set()
        for i, v in enumerate(values):
            if v in seen:
                yield i
            seen.add(v)
