"""Editing the codebook re-tags stored answers the next time a digest is built (or on
``consultbot retag --codebook``), keeping every tag staff or a facilitator added or removed;
every digest states the codebook version it used."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.app import open_engine
from bot.cli import main
from bot.core.records import AuditEntry
from bot.digest.model import Digest
from bot.digest.retag import codebook_version
from bot.tagging.codebook import load_codebook

from .formats import csv_rows, json_data, readable
from .scripted import THEMES, A, D, L, Scripted, codebook_text, use_from_cli


def test_every_digest_states_the_codebook_version_it_used(session: Scripted) -> None:
    version = session.digest.codebook_version
    assert re.fullmatch(r"[0-9a-f]{12}", version)
    codebook = load_codebook(session.settings.prompts_dir / "themes.toml")
    assert version == codebook_version(codebook)
    for fmt in ("md", "html", "docx"):
        assert f"Themes from codebook version {version}." in readable(session.files)[fmt], fmt
    assert json_data(session.files["json"])["codebook_version"] == version
    assert {row["codebook"] for row in csv_rows(session.files["csv"])} == {version}


def test_the_version_follows_what_decides_a_tag_not_wording(tmp_path: Path) -> None:
    def version_of(text: str) -> str:
        path = tmp_path / "themes.toml"
        path.write_text(text, encoding="utf-8")
        return codebook_version(load_codebook(path))

    base = version_of(codebook_text())
    relabelled = {k: (label + "!", words) for k, (label, words) in THEMES.items()}
    assert version_of("# a comment\n" + codebook_text(relabelled)) == base
    more = {**THEMES, "moves": ("Moving homes", ["moving", "moved", "again"])}
    assert version_of(codebook_text(more)) != base


def _digest_and_audit(session: Scripted) -> tuple[Digest, list[AuditEntry]]:
    async def read() -> tuple[Digest, list[AuditEntry]]:
        async with open_engine(session.settings) as engine:
            return await engine.digest(session.session_id), await engine.desk.audit_entries()

    return asyncio.run(read())


def _themes(digest: Digest, text: str) -> tuple[str, ...]:
    return next(a.themes for q in digest.questions for a in q.answers if a.text == text)


def test_a_codebook_edit_retags_stored_answers_and_keeps_staff_choices(
    session: Scripted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = session.answer_ids
    first = session.digest.codebook_version

    async def staff_corrections() -> None:
        async with open_engine(session.settings) as engine:
            await engine.retag_answer(ids[L], add=[], remove=["moves"])
            await engine.retag_answer(ids[D], add=["siblings"], remove=[])

    asyncio.run(staff_corrections())
    before, audit_before = _digest_and_audit(session)
    assert (_themes(before, A), _themes(before, L)) == (("being-heard",), ("being-heard",))

    edited = {
        **THEMES,
        "being-heard": ("Being heard", ["listened", "asked", "heard", "elephants"]),
        "moves": ("Moving homes", ["moving", "moved", "again"]),
    }
    (session.settings.prompts_dir / "themes.toml").write_text(
        codebook_text(edited), encoding="utf-8"
    )
    after, audit = _digest_and_audit(session)
    assert after.codebook_version != first
    assert _themes(after, A) == ("being-heard", "moves")  # "again" is a keyword now
    assert _themes(after, L) == ("being-heard",)  # staff took "moves" off: it stays off
    assert _themes(after, D) == ("being-heard", "siblings")  # new keyword, and staff's theme
    (retagged,) = [e for e in audit[len(audit_before) :] if e.action == "answers-retagged"]
    assert (retagged.actor, retagged.subject) == ("codebook", session.session_id)
    assert retagged.detail == (  # the held answer too: it may yet be released
        f"10 answers tagged with codebook {after.codebook_version} (was {first}); staff tags kept"
    )

    again, audit_again = _digest_and_audit(session)
    assert again == after and len(audit_again) == len(audit)  # nothing left to re-tag

    use_from_cli(session.settings, monkeypatch)
    assert main(["retag", "--codebook"]) == 0
    assert f"Codebook {after.codebook_version}: re-tagged 0 answers" in capsys.readouterr().out
