"""Reads a JSON digest back into the model: how a digest outlives the retention purge
(a snapshot of the anonymised digest is kept; the raw answers are deleted).

Version 2 reads back exactly. A version 1 snapshot (from before agreement by meaning) is read
as well as it can be: each reaction's kind comes from the shipped palettes' emoji, agreement
is the largest count of an agree button (the least number of people who agreed), and what
version 1 did not record (who only reacted, answers with the safeguarding lead) reads as 0.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.digest.feedback_words import end_check_from_data
from bot.digest.json_export import FORMAT_NAME, FORMAT_VERSION
from bot.digest.model import (
    Consensus,
    Digest,
    DigestAnswer,
    DigestQuestion,
    ReactionCount,
    SessionFacts,
    ThemeCount,
    ThemeSummary,
)
from bot.questions.model import KNOWN_KINDS, ReactionKind


def digest_from_json(text: str) -> Digest:
    data = json.loads(text)
    version = data.get("version")
    if data.get("format") != FORMAT_NAME or version not in (1, FORMAT_VERSION):
        raise ValueError("not a consultbot digest this version can read")
    closed = data.get("closed_at")
    questions = tuple(_question(q) for q in data["questions"])
    answers = [a for q in questions for a in q.answers]
    facts = data.get("facts", {})
    return Digest(
        session_id=data["session_id"],
        label=data.get("label"),
        question_set_id=data["question_set_id"],
        question_set_title=data["question_set_title"],
        started_at=datetime.fromisoformat(data["started_at"]),
        closed_at=datetime.fromisoformat(closed) if closed else None,
        time_zone=data.get("time_zone", "Europe/London"),
        codebook_version=data.get("codebook_version", ""),
        participant_count=int(data["participant_count"]),
        answer_count=int(data["answer_count"]),
        facts=SessionFacts(
            answered=int(facts.get("answered", data["participant_count"])),
            only_reacted=int(facts.get("only_reacted", 0)),
            with_lead=int(facts.get("with_lead", 0)),
            not_quotable=int(facts.get("not_quotable", sum(not a.quotable for a in answers))),
            untagged=int(facts.get("untagged", sum(not a.themes for a in answers))),
        ),
        questions=questions,
        themes=tuple(_theme(t) for t in data["themes"]),
        audience=data.get("audience"),
        end_check=end_check_from_data(data.get("end_check")),
    )


def _question(data: dict[str, Any]) -> DigestQuestion:
    answers = tuple(_answer(a) for a in data["answers"])
    return DigestQuestion(
        number=int(data["number"]),
        text=data["text"],
        answers=answers,
        answered_by=int(data.get("answered_by", len({a.alias for a in answers}))),
        skipped=int(data.get("skipped", 0)),
        untagged=int(data.get("untagged", sum(not a.themes for a in answers))),
        top_themes=tuple(
            ThemeCount(theme_id=t["theme_id"], label=t["label"], people=int(t["people"]))
            for t in data.get("top_themes", ())
        ),
        highlight=bool(data.get("highlight", False)),
    )


def _theme(data: dict[str, Any]) -> ThemeSummary:
    return ThemeSummary(
        theme_id=data["theme_id"],
        label=data["label"],
        answer_count=int(data["answer_count"]),
        raised_by=int(data.get("raised_by", data.get("participant_count", 0))),
        agreed_by=int(data.get("agreed_by", 0)),
        agreement_total=int(data.get("agreement_total", 0)),
        not_quotable=int(data.get("not_quotable", 0)),
        broad=int(data.get("broad", 0)),
        divided=int(data.get("divided", 0)),
        quotes=tuple(_answer(a) for a in data["quotes"]),
    )


def _answer(data: dict[str, Any]) -> DigestAnswer:
    reactions = tuple(
        ReactionCount(
            emoji=r["emoji"],
            label=r["label"],
            kind=ReactionKind(r["kind"]) if "kind" in r else _kind_v1(r["emoji"]),
            count=int(r["count"]),
        )
        for r in data["reactions"]
    )
    quotable = bool(data.get("quotable", True))
    text = data["text"] if quotable else ""  # version 1 put a placeholder here
    if "differ" in data:
        agreement, differ = int(data["agreement"]), int(data["differ"])
    else:
        agree = [r.count for r in reactions if r.kind is ReactionKind.AGREE]
        agreement, differ = max(agree, default=0), 0
    return DigestAnswer(
        answer_id=data["answer_id"],
        question_number=int(data["question_number"]),
        alias=data["alias"],
        text=text,
        themes=tuple(data["themes"]),
        reactions=reactions,
        quotable=quotable,
        agreement=agreement,
        differ=differ,
        consensus=Consensus(data.get("consensus", "")),
    )


def _kind_v1(emoji: str) -> ReactionKind:
    return KNOWN_KINDS.get(emoji, ReactionKind.AGREE)
