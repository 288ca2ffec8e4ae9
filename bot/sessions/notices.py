"""The words young people see, loaded from ``prompts/notices.toml`` so an organisation can
adapt them. Every key is required; unknown keys are rejected; placeholders are checked."""

from __future__ import annotations

import string
from dataclasses import dataclass, fields
from pathlib import Path

from bot.core.errors import DataFileError
from bot.datafile import read_toml

NOTICES_FILE = "notices.toml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Notices:
    privacy: str  # {retention_days}
    answer_received: str  # {alias}
    session_started_for_facilitator: str  # {session_id} {title}
    session_ended: str
    withdrawn: str  # {count}
    nothing_to_withdraw: str
    consent: str  # {retention_days}
    consent_thanks: str
    held_for_lead: str
    passed_to_lead: str
    removed_details: str  # {details}
    skipped: str
    content_note: str
    check_in_question: str
    check_in_received: str
    reported: str
    worried: str
    help: str


_PLACEHOLDERS = {
    "answer_received": {"alias"},
    "session_started_for_facilitator": {"session_id", "title"},
    "withdrawn": {"count"},
    "consent": {"retention_days"},
    "privacy": {"retention_days"},
    "removed_details": {"details"},
}


def load_notices(prompts_dir: Path) -> Notices:
    path = prompts_dir / NOTICES_FILE
    where = str(path)
    data = read_toml(path)
    if data.pop("schema_version", None) != 1:
        raise DataFileError(where, "schema_version", "must be 1")
    names = {f.name for f in fields(Notices)}
    for key in data:
        if key not in names:
            raise DataFileError(where, key, "is not a known notice")
    values: dict[str, str] = {}
    for name in sorted(names):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(where, name, "is missing or empty (it must be text)")
        used = {f for _, f, _, _ in string.Formatter().parse(value) if f}
        allowed = _PLACEHOLDERS.get(name, set())
        if not used <= allowed:
            raise DataFileError(where, name, f"uses unknown placeholders {sorted(used - allowed)}")
        if not used >= allowed:
            raise DataFileError(where, name, f"must use the placeholders {sorted(allowed)}")
        values[name] = value.strip()
    return Notices(**values)
