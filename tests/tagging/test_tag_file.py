import io
import json
from pathlib import Path

import pytest

from bot.core.errors import DataFileError
from bot.tagging.codebook import Codebook, Theme, load_codebook
from bot.tagging.command import run_eval, run_tag
from bot.tagging.tag_file import tag_records, write_jsonl
from bot.tagging.tagger import Tagger
from bot.tagging.theme_model import Fusion
from tests.tagging.model_sample import CODEBOOK as SAMPLE
from tests.tagging.model_sample import theme_model

SHIPPED = Path(__file__).parents[2] / "prompts" / "themes.toml"
TAGGER = Tagger(
    Codebook(
        (
            Theme(id="moves", label="Moves", description="d", keywords=("move",)),
            Theme(id="school", label="School", description="d", keywords=("school",)),
        )
    )
)


def test_jsonl_records_keep_their_fields_and_gain_themes(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(
        '{"id": 1, "text": "Moved school again 😡 – it’s rubbish"}\n\n{"id": 2, "text": "ok"}\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    write_jsonl(tag_records(path, TAGGER), out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "id": 1,
            "text": "Moved school again 😡 – it’s rubbish",
            "themes": ["moves", "school"],
            "untagged": False,
        },
        {"id": 2, "text": "ok", "themes": [], "untagged": True},
    ]
    assert "😡" in lines[0]  # written as UTF-8, not \\u escapes


def test_csv_with_excel_bom_is_read_by_its_text_column(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(
        '\ufeffalias,text\r\nFox,"moving, again"\r\nOwl,"two\nlines at school"\r\n'.encode()
    )
    assert list(tag_records(path, TAGGER)) == [
        {"alias": "Fox", "text": "moving, again", "themes": ["moves"], "untagged": False},
        {"alias": "Owl", "text": "two\nlines at school", "themes": ["school"], "untagged": False},
    ]


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        ("a.jsonl", '{"text": "ok"}\n{"txt": "no"}\n', "line 2"),
        ("a.jsonl", '{"text": "ok"}\n\n{"text": 3}\n', "line 3"),
        ("a.jsonl", '{"text": "ok"}\n{"text": "unclosed\n', "line 2"),
        ("a.json", '[{"text": "a"},\n {"text": "b"}]\n', "line 1"),
        ("a.jsonl", '"just a string"\n', "line 1"),
        ("a.csv", "alias,answer\nFox,hello\n", "column text"),
        ("a.csv", "alias,text\nFox,hello,extra\n", "line 2"),
        ("a.csv", "alias,text\nFox,ok\nOwl\n", "line 3"),
        ("a.txt", "hello\n", "(extension)"),
    ],
)
def test_bad_input_names_file_and_line_or_column(
    tmp_path: Path, name: str, content: str, field: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        list(tag_records(path, TAGGER))
    assert (info.value.path, info.value.field) == (str(path), field)


def test_missing_input_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as info:
        list(tag_records(tmp_path / "absent.csv", TAGGER))
    assert info.value.field == "(file)"


def test_run_tag_writes_nothing_when_a_later_line_is_bad(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"text": "I moved"}\n{"nope": 1}\n', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(DataFileError):
        run_tag(path, SHIPPED, out)
    assert out.getvalue() == ""


def test_run_tag_uses_the_shipped_codebook(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"text": "I got moved 6 times"}\n', encoding="utf-8")
    out = io.StringIO()
    run_tag(path, SHIPPED, out)
    assert json.loads(out.getvalue())["themes"] == ["stability-moves"]


def test_run_eval_prints_the_table_and_returns_the_report(tmp_path: Path) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text('{"text": "I got moved 6 times", "themes": ["stability-moves"]}\n')
    out = io.StringIO()
    report = run_eval(path, SHIPPED, out)
    assert report.macro_f1 == 1.0
    assert "macro average" in out.getvalue()
    assert "stability-moves" in out.getvalue()


def test_explain_shows_the_words_behind_each_theme_and_its_note(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text('{"text": "I was moved to a new foster home again"}\n', encoding="utf-8")
    codebook = load_codebook(SHIPPED)
    (record,) = list(tag_records(path, Tagger(codebook), explain=True, codebook=codebook))
    assert set(record["why"]) == set(record["themes"])
    moves = record["why"]["stability-moves"]
    assert moves["by"] == "keywords"
    assert moves["words"] == ["moved"]
    assert 0 <= moves["score"] <= 1
    assert moves["note"] == codebook.theme("stability-moves").include


def test_explain_shows_the_coded_answers_behind_a_tag_from_the_model(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text('{"text": "bags"}\n{"text": "ok"}\n', encoding="utf-8")
    fusion = Fusion(keyword_floor=0.0, model_alone=0.9, fallback=0.5)
    tagger = Tagger(SAMPLE, model=theme_model(fusion=fusion))
    bags, ok = tag_records(path, tagger, explain=True, codebook=SAMPLE)
    assert bags["themes"] == ["moves"]
    assert bags["why"]["moves"]["by"] == "model"
    assert bags["why"]["moves"]["like"] == [
        {"id": "ex1", "text": "my bags were packed again", "similarity": 1.0}
    ]
    assert (ok["themes"], ok["untagged"], ok["why"]) == ([], True, {})
    assert ok["nearest_theme"]["theme"] in {"moves", "school"}


def test_explain_says_which_keyword_matches_were_held_back(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text('{"text": "we moved"}\n', encoding="utf-8")
    fusion = Fusion(keyword_floor=0.5, model_alone=0.9, fallback=1.01)
    (record,) = tag_records(path, Tagger(SAMPLE, model=theme_model(fusion=fusion)), explain=True)
    assert record["untagged"] is True
    assert record["held_back"]["moves"]["words"] == ["moved"]
