import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import DataFileError
from bot.safeguarding.command import run_screen, run_screen_eval, run_scrub_eval

DATA = Path(__file__).parents[2] / "tests" / "data"


def test_run_screen_adds_screening_and_scrubbing_to_each_record(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    records: list[dict[str, Any]] = [
        {"text": "my sw Priya never listens", "id": 1},
        {"text": "i want to die, ring me on 07911 123456"},
        {"text": "the report talks about abuse statistics"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    out = io.StringIO()
    run_screen(path, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0] == {
        "text": "my sw Priya never listens",
        "id": 1,
        "outcome": "share",
        "disclosure": False,
        "inform_lead": False,
        "categories": [],
        "why": [],
        "redacted": "my sw [name] never listens",
        "pii": [{"start": 6, "end": 11, "kind": "name"}],
    }
    assert rows[1]["disclosure"] is True
    assert rows[1]["inform_lead"] is False
    assert rows[1]["categories"] == ["self-harm"]
    assert rows[1]["why"] == ["lexicon phrase: 'want to die' (self-harm)"]
    assert rows[1]["redacted"] == "i want to die, ring me on [phone]"
    span = rows[1]["pii"][0]
    assert records[1]["text"][span["start"] : span["end"]] == "07911 123456"
    assert rows[2]["disclosure"] is False


def test_run_screen_marks_harm_past_and_over_for_the_lead_only(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(
        json.dumps({"text": "i used to self harm, not anymore, but CAMHS waits are too long"}),
        encoding="utf-8",
    )
    out = io.StringIO()
    run_screen(path, out)
    row = json.loads(out.getvalue())
    assert (row["outcome"], row["disclosure"], row["inform_lead"]) == ("inform_lead", False, True)
    assert row["categories"] == ["self-harm"]
    assert row["why"][0] == "past and over: 'used to', 'not anymore'"


def test_run_screen_writes_nothing_when_a_line_is_bad(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"text": "fine"}\n{"words": "no text"}\n', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(DataFileError) as info:
        run_screen(path, out)
    assert (info.value.path, info.value.field) == (str(path), "line 2")
    assert out.getvalue() == ""


def test_run_screen_uses_a_given_lexicon(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(
        'schema_version = 1\ncues = ["i"]\ndistancing = ["report"]\n'
        '[[categories]]\nid = "weather"\nlabel = "W"\ndescription = "d"\nphrases = ["rain"]\n',
        encoding="utf-8",
    )
    path = tmp_path / "answers.jsonl"
    path.write_text('{"text": "rain again"}\n', encoding="utf-8")
    out = io.StringIO()
    run_screen(path, out, lexicon)
    assert json.loads(out.getvalue())["categories"] == ["weather"]


def test_eval_commands_write_tables_for_all_and_each_split() -> None:
    out = io.StringIO()
    report = run_screen_eval(DATA / "screen-eval.jsonl", out)
    assert report.answers >= 220
    assert "\ndev: " in out.getvalue()
    assert "\nholdout: " in out.getvalue()
    assert "old policy (" in out.getvalue()
    out = io.StringIO()
    fresh = run_screen_eval(DATA / "screen-fresh-dev.jsonl", out)
    assert fresh.past == 34
    assert "past and over: 34 labelled" in out.getvalue()
    out = io.StringIO()
    scrub_report = run_scrub_eval(DATA / "scrub-eval.jsonl", out)
    assert scrub_report.answers >= 110
    assert "overall" in out.getvalue()
