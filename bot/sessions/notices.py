"""The words young people see, loaded from ``prompts/notices.toml`` so an organisation can
adapt them. Every key is required; unknown keys are rejected; placeholders are checked by
filling them in, so a stray brace stops the bot at start with the file and the notice."""

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
    posts_not_removed: str  # the app refused to delete some withdrawn answers from the chat
    consent: str  # {retention_days}
    consent_thanks: str
    held_for_lead: str
    passed_to_lead: str
    removed_details: str  # {details}
    skipped: str
    content_note: str
    check_in_question: str
    audience: str  # {audience}: who will hear it, told in the intro
    end_check_intro: str  # above the end-of-session check's four questions
    end_check_thanks: str  # to someone who tapped a face
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
    "audience": {"audience"},
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
        allowed = _PLACEHOLDERS.get(name, set())
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(value) if f}
        except ValueError:
            raise DataFileError(
                where, name, "has a { or } without its partner (write {{ or }} for a brace)"
            ) from None
        if not used <= allowed:
            raise DataFileError(where, name, f"uses unknown placeholders {sorted(used - allowed)}")
        if not used >= allowed:
            raise DataFileError(where, name, f"must use the placeholders {sorted(allowed)}")
        try:  # as the bot will, so a bad field (``{alias!x}``) stops the start, not a reply
            value.format(**dict.fromkeys(allowed, "1"))
        except (ValueError, KeyError, IndexError, AttributeError) as e:
            problem = f"has a placeholder that can't be filled: {e}"
            raise DataFileError(where, name, problem) from None
        values[name] = value.strip()
    return Notices(**values)
