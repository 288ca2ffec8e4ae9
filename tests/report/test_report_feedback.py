"""A report over several workshops says who will hear each one and adds up the
end-of-session check over the workshops that had it (counts only), in every format."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from bot.digest.build import end_check_result
from bot.digest.render import DigestFormat
from bot.report.build import build_report
from bot.report.model import Report
from bot.report.render import render_report
from tests.digest.sample import build_digest

LABELS = {"cliff-edge": "Cliff edge at 18", "mental-health": "Mental health waiting lists"}


def test_the_check_is_added_up_over_the_workshops_that_had_it() -> None:
    base = build_digest()
    leeds = replace(
        base, session_id="s1", label="Leeds", audience="the Review team",
        end_check=end_check_result({(1, 3): 4, (2, 0): 1}),
    )  # fmt: skip
    hull = replace(
        base, session_id="s2", label="Hull", audience="the Review team",
        end_check=end_check_result({(1, 3): 2, (1, 1): 1}),
    )  # fmt: skip
    york = replace(base, session_id="s3", label="York", audience=None, end_check=None)
    report = build_report([leeds, hull, york], [], LABELS, title="Three rooms")

    data = json.loads(render_report(report, DigestFormat.JSON))
    assert data["audiences"] == {"Leeds": "the Review team", "Hull": "the Review team",
                                 "York": None}  # fmt: skip
    assert data["end_check"]["workshops"] == 2
    assert [q["counts"] for q in data["end_check"]["questions"]] == [
        ["fewer than 3", "fewer than 3", "fewer than 3", 6],  # 0 and 1 hidden, then one more
        ["fewer than 3"] * 4,
        ["fewer than 3"] * 4,
        ["fewer than 3"] * 4,
    ]
    markdown = render_report(report, DigestFormat.MD).decode().replace("\\", "")
    assert "From 2 of 3 workshops (counts only)." in markdown
    assert (
        "Did you feel safe? 😀 yes 6 · 🙂 a bit fewer than 3 · 😐 not sure fewer than 3 · "
        "😞 no fewer than 3 (7 answered)" in markdown
    )
    assert "York: not said in its question set" in markdown
    html = render_report(report, DigestFormat.HTML).decode()
    assert "From 2 of 3 workshops" in html and "Leeds: the Review team" in html


def _csv(report: Report) -> list[dict[str, str]]:
    text = render_report(report, DigestFormat.CSV).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_audience_and_end_check_columns_only_when_a_workshop_has_them() -> None:
    base = build_digest()
    leeds = replace(
        base, session_id="s1", label="Leeds", audience="the Review team",
        end_check=end_check_result({(1, 3): 4, (2, 0): 1}),
    )  # fmt: skip
    york = replace(base, session_id="s3", label="York", audience=None, end_check=None)

    rows = _csv(build_report([leeds, york], [], LABELS, title="Two rooms"))
    assert rows, "a row per theme"
    for row in rows:
        assert row["audience"] == "Leeds: the Review team | York: not said in its question set"
        lines = row["end-check"].split(" | ")
        assert lines[0] == "From 1 of 2 workshops (counts only)."
        assert lines[1].startswith("Did you feel safe? 😀 yes 4 · ") and "(4 answered)" in lines[1]
        assert len(lines) == 5  # the line above and one per question

    (plain,) = {tuple(r) for r in _csv(build_report([york], [], LABELS, title="One room"))}
    assert "audience" not in plain and "end-check" not in plain


def test_a_check_still_open_is_named_and_not_counted() -> None:
    base = build_digest()
    leeds = replace(
        base, session_id="s1", label="Leeds", audience="the Review team",
        end_check=end_check_result({(1, 3): 4, (2, 0): 1}),
    )  # fmt: skip
    hull = replace(
        base, session_id="s2", label="Hull", audience="the Review team",
        end_check=end_check_result({(1, 3): 9}, still_open=True),
    )  # fmt: skip
    report = build_report([leeds, hull], [], LABELS, title="Two rooms")

    data = json.loads(render_report(report, DigestFormat.JSON))
    assert data["end_check"]["workshops"] == 1 and data["end_check"]["still_open_in"] == 1
    assert data["end_check"]["questions"][0]["counts"][3] == 4  # Hull's 9 are not added yet
    markdown = render_report(report, DigestFormat.MD).decode().replace("\\", "")
    assert "Still open in 1 workshop: make the report again later to count them." in markdown

    only_open = build_report([hull], [], LABELS, title="One room")
    (row, *_) = _csv(only_open)
    assert (
        row["end-check"] == "Still open in 1 workshop: make the report again later to count them."
    )
    assert json.loads(render_report(only_open, DigestFormat.JSON))["end_check"] == {
        "workshops": 0,
        "still_open_in": 1,
    }
