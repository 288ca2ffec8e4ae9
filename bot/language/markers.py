"""Where each key of a prompts file starts, and which glossary terms it uses on purpose.

The loaders read values and never see comments, so the ignore marker is a TOML comment,
for the times a text must use a term, such as an official name it explains::

    # language: ignore children in care
    description = "… supported by advocates or children in care councils …"

    help = "Your IRO (Independent Reviewing Officer) checks your plan."  # language: ignore IRO

A marker names one or more glossary terms (or their variants), separated by commas. On a
line of its own it applies to the next key; at the end of a one-line key, to that key. A
multi-line string cannot carry a comment on its own lines, so put the marker above its key.

Keys are named as the lint names fields: ``title``, ``questions[2].help`` (arrays of
tables count from 1). The scanner reads the common shapes of our TOML files (tables, arrays
of tables, one-line and multi-line strings, arrays over several lines); for anything else
a field simply has no line and no marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKER = re.compile(r"#\s*language:\s*ignore\b(.*)$", re.IGNORECASE)
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*(.*)$")
_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")


@dataclass(frozen=True, slots=True)
class Site:
    """Where a key starts (1-based line) and the terms its marker allows."""

    line: int
    ignore: frozenset[str] = field(default_factory=frozenset)


def scan(text: str) -> dict[str, Site]:
    """Every key of a TOML document, by field name, with its line and ignore marker."""
    sites: dict[str, Site] = {}
    counts: dict[str, int] = {}
    prefix = ""
    pending: set[str] = set()
    open_string = ""  # the delimiter of a multi-line string we are inside
    depth = 0  # open brackets of an array that spans lines
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string:
            if open_string in line:
                open_string = ""
            continue
        code, comment = _split_comment(line)
        if depth:
            depth += _bracket_balance(code)
            continue
        stripped = code.strip()
        if not stripped:
            pending |= _marker_terms(comment)
            continue
        if match := _ARRAY_TABLE.match(stripped):
            name = match.group(1)
            counts[name] = counts.get(name, 0) + 1
            prefix, pending = f"{name}[{counts[name]}].", set()
            continue
        if match := _TABLE.match(stripped):
            prefix, pending = f"{match.group(1)}.", set()
            continue
        if not (match := _KEY.match(code)):
            continue
        key, value = match.groups()
        sites[prefix + key] = Site(number, frozenset(pending | _marker_terms(comment)))
        pending = set()
        for delimiter in ('"""', "'''"):
            if value.startswith(delimiter) and value.count(delimiter) == 1:
                open_string = delimiter
        if value.startswith("["):
            depth = _bracket_balance(value)
    return sites


def _marker_terms(comment: str) -> set[str]:
    match = _MARKER.search(comment)
    if not match:
        return set()
    return {" ".join(t.split()) for t in match.group(1).split(",") if t.strip()}


def _split_comment(line: str) -> tuple[str, str]:
    """The code and the comment of one line, minding "#" inside strings."""
    quote = ""
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1  # skip the escaped character
            elif line.startswith(quote, i):
                i += len(quote) - 1
                quote = ""
        elif line.startswith(('"""', "'''"), i):
            quote = line[i : i + 3]
            i += 2
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:i], line[i:]
        i += 1
    return line, ""


def _bracket_balance(code: str) -> int:
    """Opening minus closing brackets outside strings."""
    balance = 0
    quote = ""
    for char in code:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            balance += 1
        elif char in "]}":
            balance -= 1
    return balance
