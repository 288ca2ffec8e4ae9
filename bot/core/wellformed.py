"""Text as the platforms deliver it, made safe to screen, store and send: the one place.

JSON may carry a UTF-16 surrogate with no partner ("\\ud800"): Python then holds a string
that cannot be encoded as UTF-8, so the database, the screen's normaliser or a platform's
client would fail on it and the words would be lost. Every inbound event passes through
``well_formed_event`` at the engine's door: a surrogate pair written as two escapes becomes
the character it stands for, and an unpaired one becomes U+FFFD (the replacement
character, "�"), so nothing a young person wrote is refused or lost for it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import TypeVar

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
_E = TypeVar("_E")


def well_formed(text: str) -> str:
    """``text`` with surrogate pairs joined and lone surrogates replaced by U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def well_formed_event(event: _E) -> _E:
    """The event with every text field (and command option) well formed; the same object
    when nothing needed replacing, as nearly always."""
    if not dataclasses.is_dataclass(event) or isinstance(event, type):
        return event
    changes: dict[str, object] = {}
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if isinstance(value, str) and _SURROGATE.search(value):
            changes[field.name] = well_formed(value)
        elif isinstance(value, Mapping) and any(
            isinstance(v, str) and _SURROGATE.search(v) for v in value.values()
        ):
            changes[field.name] = {
                k: well_formed(v) if isinstance(v, str) else v for k, v in value.items()
            }
    return dataclasses.replace(event, **changes) if changes else event
