"""``consultbot prompts lint``: exit codes and output lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_PROMPTS_DIR

CHECK_IN = """\
schema_version = 1
id = "check-in"
title = "Quick check-in"
intro = "A short check-in."

[[questions]]
text = "How was family time this week?"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_error_term_exits_1_with_one_line_per_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "check-in.toml",
        CHECK_IN.replace("How was family time", "Did your LAC review and contact go well"),
    )
    assert main(["prompts", "lint", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(
        f'{path}:7: error: questions[1].text: "LAC": you could say "young people" or '
        '"care experienced young people" or "their name". '
    )
    assert "Source: Language guide <https://www.northlanarkshire.gov.uk/" in lines[0]
    assert lines[1].startswith(
        f'{path}:7: warn: questions[1].text: "contact": you could say "family time". '
    )
    assert lines[2] == "Checked 1 file (3 fields): 1 error, 1 warning, 0 notes."


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "check-in.toml", CHECK_IN.replace("family time", "respite"))
    assert main(["prompts", "lint", str(path)]) == 0
    assert ' warn: questions[1].text: "respite": ' in capsys.readouterr().out


def test_reading_prints_the_reading_age_of_every_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "check-in.toml", CHECK_IN)
    assert main(["prompts", "lint", "--reading", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        # 0.39 × 2/1 + 11.8 × 3/2 − 15.59 + 5 ("check-in" is one word of two syllables)
        f"{path}:3: title: reading age 7.9 (2 words, 1 sentence, 3 syllables)",
        f"{path}:4: intro: reading age 6.3 (3 words, 1 sentence, 4 syllables)",
        f"{path}:7: questions[1].text: reading age 7.5 (6 words, 1 sentence, 8 syllables)",
    ]


def test_a_malformed_glossary_exits_2_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = (DEFAULT_PROMPTS_DIR / "language.toml").read_text(encoding="utf-8")
    glossary = write(tmp_path, "language.toml", shipped.replace('level = "warn"', 'level = "x"', 1))
    code = main(["prompts", "lint", "--glossary", str(glossary)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith(f"consultbot: {glossary}: terms[7].level: is 'x'; it must be")


def test_a_file_that_is_not_a_prompts_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "answers.toml", "schema_version = 1\n")
    assert main(["prompts", "lint", str(path)]) == 2
    assert "is not a question set, notices file or codebook" in capsys.readouterr().err
