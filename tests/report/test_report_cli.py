"""``consultbot report`` over the real engine: every format into a folder, notes joined."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.errors import DataFileError, InvalidRequest, NotFound
from bot.engine import Engine
from bot.report import cli as report_cli
from bot.report.notes import read_notes


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    report_cli.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["report", *argv])


def write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def folder(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


async def test_cli_writes_every_format_with_notes_tagged_by_the_codebook(
    engine: Engine, workshops: list[str], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text(
        '{"workshop": "Whitby", "people": 7, "text": "We never see the same social worker twice"}\n'
        '{"workshop": "Whitby", "text": "School moved us", "themes": ["education"]}\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    args = parse(*workshops[:2], "--notes", str(notes), "--out", str(tmp_path / "r"))
    tag = report_cli.codebook_tagger(DEFAULT_PROMPTS_DIR)
    code = await report_cli.run_report(
        args, engine, out, write_file=write, make_folder=folder, tag=tag
    )
    assert code == 0
    written = sorted(p.suffix for p in (tmp_path / "r").iterdir())
    assert written == [".csv", ".docx", ".html", ".json", ".md"]
    data = json.loads(next((tmp_path / "r").glob("*.json")).read_text())
    assert [w["label"] for w in data["workshops"]] == ["Leeds, 3 Dec", "Hull, 4 Dec", "Whitby"]
    tagged = {t["id"]: t for t in data["themes"]}
    assert tagged["social-workers"]["by_workshop"]["Whitby"] == {"people": 1, "share": 0.142857}
    assert tagged["education"]["by_workshop"]["Whitby"]["people"] == 1
    audit = await engine.desk.audit_entries()
    assert any(e.action == "report-downloaded" and e.actor == "cli" for e in audit)


async def test_cli_markdown_to_standard_output(engine: Engine, workshops: list[str]) -> None:
    out = io.StringIO()
    args = parse("--question-set", "case-for-change", "--since", "2000-01-01")
    await report_cli.run_report(args, engine, out, write_file=write, make_folder=folder)
    assert "5 workshops, 43 young people (5 chat sessions)" in out.getvalue()


@pytest.mark.parametrize(
    ("argv", "error", "words"),
    [
        (("nope", "Hull, 4 Dec"), NotFound, "No session called 'nope'. Sessions: "),
        (("--question-set", "nope"), NotFound, "Question sets with sessions: case-for-change"),
        (
            ("--question-set", "case-for-change", "--until", "1999-01-01"),
            InvalidRequest,
            "No report was made",
        ),
        (("--question-set", "case-for-change", "--since", "3 Dec"), InvalidRequest, "YYYY-MM-DD"),
    ],
)
async def test_bad_selections_are_one_clear_line(
    engine: Engine, workshops: list[str], argv: tuple[str, ...], error: type, words: str
) -> None:
    with pytest.raises(error) as raised:
        args = parse(*argv)
        await report_cli.run_report(
            args, engine, io.StringIO(), write_file=write, make_folder=folder
        )
    assert words in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("workshop,text\r\nA,hello\r\n", "give how many were in the room at 'A'"),
        ("workshop,text,people\r\nA,hi,5\r\nA,yo,6\r\n", "row 3: people: says 6"),
        ("workshop,text,people,themes\r\nA,hi,5,nonsense\r\n", "no theme 'nonsense'"),
        ("text,people\r\nhi,5\r\n", "needs a 'workshop' column"),
        ("workshop,text,people\r\n", "has no notes"),
    ],
)
def test_bad_notes_name_the_file_row_and_field(
    tmp_path: Path, content: str, words: str, engine: Engine
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        read_notes(path, engine.theme_labels)
    assert words in str(raised.value) and str(path) in str(raised.value)
