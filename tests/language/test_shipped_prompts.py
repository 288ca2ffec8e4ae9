"""The shipped question sets, notices and codebook pass the language lint."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_PROMPTS_DIR
from bot.language.glossary import GLOSSARY_FILE, Glossary, Level, load_glossary
from bot.language.lint import FACILITATOR_NOTICES, lint_file, lint_paths


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(DEFAULT_PROMPTS_DIR / GLOSSARY_FILE)


def test_the_shipped_prompts_have_no_errors_or_warnings(glossary: Glossary) -> None:
    reports = lint_paths([DEFAULT_PROMPTS_DIR], glossary)
    assert {Path(r.file).name for r in reports} == {
        "notices.toml",
        "themes.toml",
        "case-for-change.toml",
        "good-enough-care.toml",
        "check-in.toml",
    }
    problems = [f.describe() for r in reports for f in r.findings if f.level is not Level.INFO]
    assert problems == []


def test_every_young_peoples_notice_is_within_the_target_reading_age(glossary: Glossary) -> None:
    report = lint_file(DEFAULT_PROMPTS_DIR / "notices.toml", glossary)
    ages = {r.field: r.readability.reading_age for r in report.readings}
    assert len(ages) == 22  # with who will hear it, and the end-of-session check's two
    for field, age in ages.items():
        if field not in FACILITATOR_NOTICES:
            assert age <= 11, field


def test_the_shipped_prompts_pass_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompts", "lint"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("Checked 5 files (")
    assert out[-1].endswith(" 0 errors, 0 warnings, 3 notes.")
    assert all(": info: " in line for line in out[:-1])


def test_the_young_peoples_theme_labels_pass_the_lint_at_the_target_reading_age(
    glossary: Glossary, capsys: pytest.CaptureFixture[str]
) -> None:
    report = lint_file(DEFAULT_PROMPTS_DIR / "themes.toml", glossary)
    ages = {r.field: r.readability.reading_age for r in report.readings}
    young = {field: age for field, age in ages.items() if field.endswith(".young_label")}
    assert len(young) == 19
    assert all(age <= 11 for age in young.values()), young
    assert [f for f in report.findings if f.field.endswith(".young_label")] == []
    assert main(["prompts", "lint", str(DEFAULT_PROMPTS_DIR)]) == 0
    assert "young_label" not in capsys.readouterr().out
