"""A CSV that round-trips: session, label, question number, quotable and themes (ids and
labels) columns; ``consultbot tag`` reads it (comment-body as the text); ``consultbot retag
--from`` applies a staff member's edited themes column, audited, with a dry run, and refuses a
file with any bad row, one line per problem, applying nothing."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from bot.app import open_engine
from bot.cli import main
from bot.core.records import AuditEntry
from bot.digest.model import Digest

from .formats import csv_rows
from .scripted import A, C, D, G, L, Scripted, use_from_cli


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))  # as Excel saves "CSV UTF-8"
    return path


def edited(session: Scripted, changes: dict[str, str]) -> list[dict[str, str]]:
    rows = csv_rows(session.files["csv"])
    by_text = {session.answer_ids[text]: theme for text, theme in changes.items()}
    for row in rows:
        if row["comment-id"] in by_text:
            row["themes"] = by_text[row["comment-id"]]
    return rows


def current(session: Scripted) -> tuple[Digest, list[AuditEntry]]:
    async def read() -> tuple[Digest, list[AuditEntry]]:
        async with open_engine(session.settings) as engine:
            return await engine.digest(session.session_id), await engine.desk.audit_entries()

    return asyncio.run(read())


def themes_of(digest: Digest, answer_id: str) -> tuple[str, ...]:
    return next(a.themes for q in digest.questions for a in q.answers if a.answer_id == answer_id)


def test_the_csv_has_the_columns_to_round_trip(session: Scripted) -> None:
    rows = {row["comment-id"]: row for row in csv_rows(session.files["csv"])}
    row = rows[session.answer_ids[L]]
    assert (row["comment-body"], row["session"], row["session-label"]) == (
        L,
        session.session_id,
        "Policy group, 3 Jul",
    )
    assert (row["question-number"], row["quotable"]) == ("1", "yes")
    assert (row["themes"], row["theme-labels"]) == (
        "being-heard;moves",
        "Being heard; Moving homes",
    )
    assert row["codebook"] == session.digest.codebook_version != ""
    hidden = rows[session.answer_ids[C]]
    assert (hidden["comment-body"], hidden["quotable"]) == ("", "no")


def test_consultbot_tag_reads_the_digests_own_csv(
    session: Scripted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "digest.csv"
    path.write_bytes(session.files["csv"])
    codebook = session.settings.prompts_dir / "themes.toml"
    assert main(["tag", str(path), "--codebook", str(codebook)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 9
    by_id = {r["comment-id"]: r for r in records}
    assert by_id[session.answer_ids[A]]["themes"] == ["being-heard"]
    assert by_id[session.answer_ids[A]]["text"] == A
    hidden = by_id[session.answer_ids[C]]
    assert (hidden["text"], hidden["themes"], hidden["untagged"]) == ("", [], True)
    assert not [r for r in records if "Not shown" in r["text"]]  # no placeholder to tag


def test_retag_from_a_csv_lists_changes_in_a_dry_run_then_applies_them_audited(
    session: Scripted,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_from_cli(session.settings, monkeypatch)
    ids = session.answer_ids
    path = write_csv(
        tmp_path / "edited.csv",
        edited(session, {D: "moves", L: "being-heard", A: "being-heard; Brothers and sisters"}),
    )
    before, _ = current(session)
    assert main(["retag", "--from", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"Would change the themes of 3 of 9 answers in session {session.session_id}:" in out
    assert f"  {ids[D]} (question 1): +moves\n" in out
    assert f"  {ids[L]} (question 1): -moves\n" in out
    assert f"  {ids[A]} (question 1): +siblings\n" in out
    assert "Nothing was changed (dry run)." in out
    assert current(session)[0] == before

    assert main(["retag", "--from", str(path)]) == 0
    assert "Changed the themes of 3 of 9 answers" in capsys.readouterr().out
    after, audit = current(session)
    assert themes_of(after, ids[D]) == ("moves",)
    assert themes_of(after, ids[L]) == ("being-heard",)
    assert themes_of(after, ids[A]) == ("being-heard", "siblings")
    edits = [e for e in audit if e.action == "themes-edited"]
    assert {(e.actor, e.subject, e.detail) for e in edits} == {
        ("cli", ids[D], "+moves (from edited.csv)"),
        ("cli", ids[L], "-moves (from edited.csv)"),
        ("cli", ids[A], "+siblings (from edited.csv)"),
    }
    assert main(["retag", "--from", str(path)]) == 0  # applying it again changes nothing
    assert "Changed the themes of 0 of 9 answers" in capsys.readouterr().out


def test_a_csv_with_bad_rows_is_refused_line_by_line_and_nothing_is_applied(
    session: Scripted,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_from_cli(session.settings, monkeypatch)
    rows = edited(session, {D: "siblings", G: "transport"})  # G's theme is not in the codebook
    stray = dict(rows[1], **{"comment-id": "deadbeef00"})  # an answer that isn't there
    other = dict(rows[2], session="zzzzzz", **{"comment-id": "0123456789"})  # another session's
    path = write_csv(tmp_path / "bad.csv", [*rows, stray, other])
    before, _ = current(session)

    assert main(["retag", "--from", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"consultbot: {path}: line 10: 'transport' is not a theme in the codebook"
    assert err[1].startswith(f"consultbot: {path}: themes in the codebook: being-heard, moves")
    assert err[-1] == f"consultbot: {path}: nothing was changed"
    assert current(session)[0] == before  # D's valid edit was not applied either

    fixed = edited(session, {D: "siblings"})
    path = write_csv(tmp_path / "bad2.csv", [*fixed, stray, other])
    assert main(["retag", "--from", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"consultbot: {path}: line 11: there's no answer deadbeef00 (withdrawn, or mistyped)",
        f"consultbot: {path}: line 12: this row is from session zzzzzz, not {session.session_id}",
        f"consultbot: {path}: nothing was changed",
    ]
    assert current(session)[0] == before


def test_retag_refuses_a_mixed_up_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], session: Scripted
) -> None:
    use_from_cli(session.settings, monkeypatch)
    assert main(["retag", "a1", "--from", "x.csv"]) == 2
    assert "give ANSWER with --add/--remove, or --from FILE.csv, or --codebook" in (
        capsys.readouterr().err
    )
    assert main(["retag", "--dry-run", "--codebook"]) == 2
    assert "--dry-run and --session go with --from" in capsys.readouterr().err
