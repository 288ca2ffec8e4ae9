"""Five scripted workshops of different sizes plus notes from an in-person one → one report.

The figures are worked out by hand in ``workshops.py``'s table; the size-fair rule puts
social workers (raised in five rooms) above housing (one big room), although housing has
more people behind it in raw counts.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from adapters.local.adapter import LocalChannel
from bot.core.events import Command
from bot.core.outbound import Audience, FileDelivery, PrivateNotice
from bot.digest.render import DigestFormat
from bot.engine import Engine
from bot.report.notes import read_notes
from bot.report.render import render_report
from bot.report.select import Selection

from .workshops import PLANS, STAFF

LABELS = [p.label for p in PLANS]


async def test_five_workshops_and_notes_make_one_size_fair_report(
    engine: Engine, workshops: list[str], notes_file: Path
) -> None:
    notes = read_notes(notes_file, engine.theme_labels)
    report = await engine.reports.report(Selection(names=tuple(LABELS)), notes)

    assert [w.label for w in report.workshops] == [*LABELS, "Scarborough youth club"]
    assert [w.people for w in report.workshops] == [20, 10, 6, 4, 3, 5]
    assert [w.source.value for w in report.workshops] == ["chat"] * 5 + ["notes"]

    themes = {t.theme_id: t for t in report.themes}
    # Ranked by the size-fair score, not by raw people (housing 12 > social workers 10).
    assert [t.theme_id for t in report.themes] == [
        "education",
        "social-workers",
        "housing",
        "mental-health",
    ]
    assert themes["housing"].people == 12
    assert themes["social-workers"].people == 10
    sw = themes["social-workers"]
    assert sw.reach == (0, 3, 2, 2, 1, 2)  # Hull: two raised it, one more agreed
    assert sw.score == pytest.approx((0 + 3 / 10 + 2 / 6 + 2 / 4 + 1 / 3 + 2 / 5) / 6)
    assert sw.workshops == 5 and sw.from_notes == 1
    assert themes["housing"].score == pytest.approx((12 / 20) / 6)
    assert themes["education"].score == pytest.approx((8 / 20 + 7 / 10 + 4 / 6 + 2 / 4 + 2 / 3) / 6)
    assert themes["mental-health"].reach == (0, 0, 0, 0, 0, 1)
    assert [t.theme_id for t in report.in_most] == ["education", "social-workers"]
    assert [t.theme_id for t in report.from_one] == ["housing", "mental-health"]
    # Notes stay notes: never among the quotes of young people's own words.
    assert [n.text for n in sw.notes] == ["They want to keep the same worker"]
    assert all(q.workshop != "Scarborough youth club" for t in report.themes for q in t.quotes)
    assert report.question_sets[0].id == "case-for-change"
    assert report.question_sets[0].workshops == tuple(LABELS)


async def test_every_format_says_the_same_figures(
    engine: Engine, workshops: list[str], notes_file: Path
) -> None:
    notes = read_notes(notes_file, engine.theme_labels)
    report = await engine.reports.report(Selection(names=tuple(LABELS)), notes)
    md = render_report(report, DigestFormat.MD).decode()
    assert "| Social workers" in md or "social" in md.lower()
    assert "3/10 (30%)" in md and "notes from an in-person workshop" in md
    assert "averaged over every workshop" in md
    raw = render_report(report, DigestFormat.CSV)
    assert raw.count(b"\xef\xbb\xbf") == 1  # one byte-order mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    workshop_columns = [*LABELS, "Scarborough youth club (notes)"]  # a column per workshop
    assert rows[0][7 : 7 + len(workshop_columns)] == workshop_columns
    assert rows[0][7 + len(workshop_columns) :] == ["audience", "end-check"]  # its set has both
    assert sum(r[0] == "theme_id" for r in rows) == 1  # one header row
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["social-workers"][2] == "5" and by_id["housing"][7] == "12/20 (60%)"
    data = json.loads(render_report(report, DigestFormat.JSON))
    assert data["themes"][1]["by_workshop"]["Hull, 4 Dec"] == {"people": 3, "share": 0.3}
    assert data["workshops"][5]["source"] == "notes"
    html = render_report(report, DigestFormat.HTML).decode()
    assert "Leeds, 3 Dec" in html and "<script" not in html
    assert render_report(report, DigestFormat.DOCX)[:2] == b"PK"


async def test_report_command_delivers_privately_to_staff(
    engine: Engine, workshops: list[str]
) -> None:
    channel = LocalChannel(engine, channel_id="staff-room")
    sent = await channel.command(STAFF, Command.REPORT, sessions="Leeds, 3 Dec, nowhere")
    assert isinstance(sent[0], PrivateNotice)
    assert sent[0].text.startswith("No session called 'nowhere'. Sessions: ")
    assert "Hull, 4 Dec" in sent[0].text and "\n" not in sent[0].text  # one line
    # Labels hold commas; the longest run of pieces naming a label wins. Any case.
    sent = await channel.command(STAFF, Command.REPORT, sessions="leeds, 3 dec, HULL, 4 Dec")
    assert isinstance(sent[0], FileDelivery) and "2 workshops" in sent[0].text
    sent = await channel.command(STAFF, Command.REPORT, sessions=",".join(workshops[:3]))
    delivery = sent[0]
    assert isinstance(delivery, FileDelivery) and delivery.audience is Audience.REQUESTER
    assert delivery.requester == STAFF
    assert sorted(f.name.rsplit(".", 1)[1] for f in delivery.files) == [
        "csv",
        "docx",
        "html",
        "json",
        "md",
    ]


async def test_report_by_question_set_and_dates(engine: Engine, workshops: list[str]) -> None:
    channel = LocalChannel(engine, channel_id="staff-room")
    sent = await channel.command(
        STAFF, Command.REPORT, **{"question-set": "case-for-change", "format": "json"}
    )
    assert isinstance(sent[0], FileDelivery)
    data = json.loads(sent[0].files[0].content)
    assert len(data["workshops"]) == 5
    sent = await channel.command(
        STAFF,
        Command.REPORT,
        **{"question-set": "case-for-change", "since": "2001-01-01", "until": "2001-12-31"},
    )
    assert isinstance(sent[0], PrivateNotice)
    assert "No sessions on 'case-for-change' between 2001-01-01 and 2001-12-31" in sent[0].text
    assert "No report was made" in sent[0].text


async def test_non_staff_are_refused_privately(engine: Engine, workshops: list[str]) -> None:
    channel = LocalChannel(engine, channel_id="room-x")
    someone = LocalChannel.person("yp-curious")
    sent = await channel.command(someone, Command.REPORT, sessions=workshops[0])
    assert len(sent) == 1 and isinstance(sent[0], PrivateNotice)
    assert sent[0].recipient == someone and "Only staff" in sent[0].text
    audit = await engine.desk.audit_entries()
    assert not any(e.action == "report-downloaded" for e in audit)
