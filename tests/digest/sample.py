"""A hand-built digest full of answers that try to break each format (the scripted session
in ``scripted.py`` checks what the numbers mean)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.digest.model import (
    Consensus,
    Digest,
    DigestAnswer,
    DigestQuestion,
    ReactionCount,
    SessionFacts,
    ThemeSummary,
)
from bot.questions.model import ReactionKind

PALETTE = (
    ("👍", "me too", ReactionKind.AGREE),
    ("💡", "good point", ReactionKind.AGREE),
    ("❤️", "sending support", ReactionKind.SUPPORT),
)

TRICKY_TEXTS = {
    "a1": "Honestly I felt seen 😭🙌 first time anyone wrote it down",
    "a2": "أريد أن يسمعني أحد",
    "a3": "אני רוצה שיקשיבו לי",
    "a4": "<script>alert(1)</script>",
    "a5": '"><img src=x onerror=alert(1)>',
    "a6": '=HYPERLINK("http://x","click me")',
    "a7": "@everyone <@123> <!channel> <@&456> <#789> @here",
    "a8": "**bold** [link](http://x) ![img](https://y/i.png) <https://z> www.example.com",
    "a9": "first line\nsecond line\n\nnew paragraph after a gap",
    "a10": 'She said "no, not again", then left, again.',
    "a11": "# not a heading\n- not a list\n1. not ordered\n> not a quote\n---\n| a | b |\n===",
    "a12": "+44 ring me\n-minus\n\ttabbed start",
    "a13": r"C:\path\to\it \ ends with a backslash \\",
    "a14": "&lt;b&gt; and &amp; and `code` and ~~gone~~ and ||spoiler|| and _under_ {x}",
    "a15": "Diolch, it was ok ngl",
    "a16": "\r carriage return first, then @mention",
}


def answer(
    answer_id: str, question: int, alias: str, counts: tuple[int, int, int], themes: tuple[str, ...]
) -> DigestAnswer:
    agreed = max(counts[0], counts[1])  # as if the same people pressed both
    return DigestAnswer(
        answer_id=answer_id,
        question_number=question,
        alias=alias,
        text=TRICKY_TEXTS[answer_id],
        themes=themes,
        reactions=tuple(
            ReactionCount(emoji=emoji, label=label, kind=kind, count=count)
            for (emoji, label, kind), count in zip(PALETTE, counts, strict=True)
        ),
        agreement=agreed,
        consensus=Consensus.BROAD if agreed >= 3 else Consensus.NONE,
    )


def build_digest() -> Digest:
    q1 = (
        answer("a7", 1, "Quiet Heron", (4, 1, 0), ("words",)),
        answer("a1", 1, "Bright Fox", (2, 1, 1), ("trust", "words")),
        answer("a4", 1, "Calm Otter", (2, 0, 0), ()),
        answer("a2", 1, "Swift Wren", (1, 0, 0), ("trust",)),
        answer("a3", 1, "Bold Badger", (1, 0, 0), ()),
        answer("a5", 1, "Kind Robin", (0, 0, 0), ()),
    )
    q2 = (
        answer("a8", 2, "Bright Fox", (3, 0, 2), ("cliff-edge",)),
        answer("a6", 2, "Quiet Heron", (1, 1, 1), ("cliff-edge", "mental-health")),
        answer("a9", 2, "Calm Otter", (0, 2, 0), ("mental-health",)),
        answer("a10", 2, "Swift Wren", (0, 0, 1), ()),
        answer("a11", 2, "Bold Badger", (0, 0, 0), ()),
        answer("a12", 2, "Kind Robin", (0, 0, 0), ()),
        answer("a13", 2, "Gentle Lark", (0, 0, 0), ()),
    )
    q3 = (
        answer("a14", 3, "Gentle Lark", (1, 0, 0), ("words",)),
        answer("a15", 3, "Bright Fox", (0, 0, 0), ()),
        answer("a16", 3, "Quiet Heron", (0, 0, 0), ()),
    )
    by_id = {a.answer_id: a for a in (*q1, *q2, *q3)}
    return Digest(
        session_id="sess-42",
        question_set_id="case-for-change",
        question_set_title="The Case for Change",
        started_at=datetime(2025, 3, 4, 18, 5, tzinfo=UTC),
        closed_at=datetime(2025, 3, 4, 19, 35, tzinfo=UTC),
        participant_count=7,
        answer_count=16,
        facts=SessionFacts(answered=7, untagged=9),
        questions=(
            DigestQuestion(number=1, text="What was your initial response?", answers=q1),
            DigestQuestion(number=2, text="Is this an accurate representation of you?", answers=q2),
            DigestQuestion(number=3, text="What would you like to see next?", answers=q3),
        ),
        themes=(
            ThemeSummary(
                theme_id="words",
                label="Words adults use",
                answer_count=3,
                raised_by=3,
                agreement_total=7,
                quotes=(by_id["a7"], by_id["a1"], by_id["a14"]),
            ),
            ThemeSummary(
                theme_id="cliff-edge",
                label="Cliff edge at 18",
                answer_count=2,
                raised_by=2,
                agreement_total=4,
                quotes=(by_id["a8"], by_id["a6"]),
            ),
            ThemeSummary(
                theme_id="trust",
                label="Relationships & trust",
                answer_count=2,
                raised_by=2,
                agreed_by=1,
                agreement_total=3,
                quotes=(by_id["a2"],),
            ),
            ThemeSummary(
                theme_id="mental-health",
                label="Mental health waiting lists",
                answer_count=2,
                raised_by=2,
                agreement_total=3,
                quotes=(by_id["a9"],),
            ),
        ),
    )


def all_answers(digest: Digest) -> list[DigestAnswer]:
    return [a for q in digest.questions for a in q.answers]
