"""The lint over prompts files: what it reads, what it reports, the ignore marker, the
reading-age target for notices, and the API the start-up check will use."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_PROMPTS_DIR
from bot.core.errors import DataFileError
from bot.language.glossary import GLOSSARY_FILE, Glossary, Level, load_glossary
from bot.language.lint import (
    FACILITATOR_NOTICES,
    Kind,
    has_errors,
    lint_file,
    lint_paths,
    lint_question_set,
)
from bot.language.markers import Site, scan
from bot.questions.loader import load_question_set


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(DEFAULT_PROMPTS_DIR / GLOSSARY_FILE)


QUESTION_SET = """\
schema_version = 1
id = "moves"
title = "Moving home"
intro = \"\"\"
Thanks for coming.
We will talk about moving.
\"\"\"

[[questions]]
text = "What was your last placement like?"
help = "Young people call it 'placement' less and less."

[[questions]]
# language: ignore IRO
text = "Did your IRO (Independent Reviewing Officer) listen?"
palette = [
  { emoji = "👍", label = "me too" },
  { emoji = "🤝", label = "my SW", kind = "support" },
]

[[questions]]
text = "Should a LAC review be called something else?"  # language: ignore LAC, nothing-like-it
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_each_finding_names_file_field_line_term_level_suggestion_and_source(
    tmp_path: Path, glossary: Glossary
) -> None:
    path = write(tmp_path, "moves.toml", QUESTION_SET)
    report = lint_file(path, glossary)
    assert report.kind is Kind.QUESTION_SET
    placement = report.findings[0]
    assert (placement.file, placement.field, placement.line) == (
        str(path),
        "questions[1].text",
        10,
    )
    assert (placement.level, placement.term, placement.found) == (
        Level.WARN,
        "placement",
        "placement",
    )
    assert placement.prefer == ("home", "house")
    assert "northlanarkshire.gov.uk" in placement.sources[0].url
    line = placement.describe()
    assert line.startswith(f'{path}:10: warn: questions[1].text: "placement": you could say')
    assert '"home" or "house"' in line and "Language guide <https://www." in line


def test_quotations_and_ignore_markers_are_skipped_and_unknown_markers_reported(
    tmp_path: Path, glossary: Glossary
) -> None:
    report = lint_file(write(tmp_path, "moves.toml", QUESTION_SET), glossary)
    by_field = {(f.field, f.term or f.rule) for f in report.findings}
    assert by_field == {
        ("questions[1].text", "placement"),  # the help's 'placement' is in quotation marks
        ("questions[2].palette[2].label", "SW"),  # IRO is marked; SW is not
        ("questions[3].text", "marker"),  # LAC is marked; the other name is not a term
    }
    (marker,) = [f for f in report.findings if f.rule == "marker"]
    assert marker.level is Level.WARN and "nothing-like-it" in marker.message
    assert not has_errors(report.findings)


def test_an_error_term_makes_the_findings_errors(tmp_path: Path, glossary: Glossary) -> None:
    text = QUESTION_SET.replace("  # language: ignore LAC, nothing-like-it", "")
    report = lint_file(write(tmp_path, "moves.toml", text), glossary)
    (lac,) = [f for f in report.findings if f.term == "LAC"]
    assert (lac.level, lac.field, lac.line) == (Level.ERROR, "questions[3].text", 22)
    assert has_errors(report.findings)


def test_a_loaded_question_set_gives_the_same_findings_as_its_file(
    tmp_path: Path, glossary: Glossary
) -> None:
    path = write(tmp_path, "question-sets/moves.toml", QUESTION_SET)
    loaded = load_question_set(path)
    from_file = lint_file(path, glossary).findings
    assert lint_question_set(loaded, glossary, path=path) == list(from_file)
    # Without its file the markers are unknown, so the marked LAC and IRO are errors again.
    bare = lint_question_set(loaded, glossary)
    assert {f.term for f in bare} == {"placement", "IRO", "SW", "LAC"}
    assert all(f.line is None and f.file == "question set" for f in bare)
    assert has_errors(bare)


NOTICES = """\
schema_version = 1
skipped = "No problem, you've skipped this one."
privacy = \"\"\"
Notwithstanding organisational safeguarding responsibilities, information is processed
confidentially.
\"\"\"
passed_to_lead = "Notwithstanding organisational responsibilities, information is processed."
"""


def test_notices_above_the_target_reading_age_are_warned_except_the_facilitators(
    tmp_path: Path, glossary: Glossary
) -> None:
    assert "passed_to_lead" in FACILITATOR_NOTICES
    report = lint_file(write(tmp_path, "notices.toml", NOTICES), glossary)
    assert report.kind is Kind.NOTICES
    (hard,) = report.findings
    assert (hard.field, hard.rule, hard.level, hard.line) == ("privacy", "reading-age", "warn", 3)
    assert hard.message.startswith("reading age ")
    assert "is above 11 (8 words, 2 sentences, " in hard.message
    ages = {r.field: r.readability.reading_age for r in report.readings}
    assert ages["skipped"] < 11 < ages["passed_to_lead"]


CODEBOOK = """\
schema_version = 1

[[themes]]
id = "moves"
label = "Placement moves"
description = \"\"\"Moving between homes; young people call it 'placement' \\
and dislike it.\"\"\"
keywords = ["move"]

[[themes]]
id = "voice"
label = "Being heard"
# language: ignore children in care
description = "Advocates and children in care councils."
keywords = ["voice"]
"""


def test_codebook_labels_and_descriptions_are_checked(tmp_path: Path, glossary: Glossary) -> None:
    report = lint_file(write(tmp_path, "themes.toml", CODEBOOK), glossary)
    assert report.kind is Kind.CODEBOOK
    assert [(f.field, f.found, f.line) for f in report.findings] == [
        ("themes[1].label", "Placement", 5)
    ]
    assert [r.field for r in report.readings] == [
        "themes[1].label",
        "themes[1].description",
        "themes[2].label",
        "themes[2].description",
    ]


def test_a_folder_is_walked_and_files_without_young_peoples_text_are_skipped(
    tmp_path: Path, glossary: Glossary
) -> None:
    write(tmp_path, "question-sets/moves.toml", QUESTION_SET)
    write(tmp_path, "notices.toml", NOTICES)
    write(tmp_path, "safeguarding.toml", 'schema_version = 1\ncues = ["placement"]\n')
    write(tmp_path, GLOSSARY_FILE, "not even toml [")
    reports = lint_paths([tmp_path], glossary)
    assert [Path(r.file).name for r in reports] == ["notices.toml", "moves.toml"]


def test_a_named_file_that_is_not_lintable_is_a_data_file_error(
    tmp_path: Path, glossary: Glossary
) -> None:
    path = write(tmp_path, "safeguarding.toml", 'schema_version = 1\ncues = ["x"]\n')
    with pytest.raises(DataFileError) as caught:
        lint_file(path, glossary)
    assert caught.value.path == str(path)
    assert "not a question set, notices file or codebook" in caught.value.problem


def test_the_scanner_finds_keys_in_tables_and_skips_strings_and_arrays() -> None:
    text = (
        'title = "a # not a comment"  # language: ignore PA\n'
        'intro = """\n'
        'fake = "inside a string"\n'
        '"""\n'
        "[[questions]]\n"
        "palette = [\n"
        '  { label = "x" },\n'
        "]\n"
        "# language: ignore LAC, care leaver\n"
        'text = "q"\n'
        "[[questions]]\n"
        "text = 'r'\n"
    )
    assert scan(text) == {
        "title": Site(1, frozenset({"PA"})),
        "intro": Site(2),
        "questions[1].palette": Site(6),
        "questions[1].text": Site(10, frozenset({"LAC", "care leaver"})),
        "questions[2].text": Site(12),
    }


def test_a_marker_on_a_palette_serves_all_its_labels_and_is_reported_once(
    tmp_path: Path, glossary: Glossary
) -> None:
    text = QUESTION_SET.replace("palette = [", "# language: ignore SW, no-such-term\npalette = [")
    text = text.replace('label = "me too"', 'label = "my SW too"')
    report = lint_file(write(tmp_path, "moves.toml", text), glossary)
    q2 = [f for f in report.findings if f.field.startswith("questions[2]")]
    assert [(f.field, f.rule) for f in q2] == [("questions[2].palette[1].label", "marker")]
