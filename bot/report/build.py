"""Builds one ``Report`` from the digests of several sessions and any in-person notes.

Each digest already counts its own room (people present, who raised or agreed with each
theme); this module only lines the rooms up and applies the size-fair rule
(``bot.report.model``). Questions are grouped by question set, so sessions on different
sets can be combined; themes come from one codebook, so they are compared across all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.digest.model import Digest, ThemeAction
from bot.report.model import (
    Quote,
    Report,
    ReportQuestion,
    ReportQuestionSet,
    ReportTheme,
    Source,
    Workshop,
)
from bot.report.notes import NotesWorkshop

MAX_QUOTES = 3


def workshop_label(digest: Digest) -> str:
    return digest.label or digest.session_id


def build_report(
    digests: Sequence[Digest],
    notes: Sequence[NotesWorkshop],
    theme_labels: Mapping[str, str],
    *,
    title: str = "",
    made_at: datetime | None = None,
) -> Report:
    """``theme_labels`` maps theme id to label in codebook order."""
    workshops = [
        *(
            Workshop(
                key=d.session_id,
                label=workshop_label(d),
                source=Source.CHAT,
                people=d.participant_count,
                answers=d.answer_count,
                question_set_id=d.question_set_id,
                started_at=d.started_at,
                audience=d.audience,
                end_check=(
                    tuple(q.counts for q in d.end_check.questions)
                    if d.end_check and not d.end_check.still_open
                    else ()
                ),
                end_check_open=bool(d.end_check and d.end_check.still_open),
            )
            for d in digests
        ),
        *(
            Workshop(
                key=f"notes:{n.label}",
                label=n.label,
                source=Source.NOTES,
                people=n.people,
                answers=len(n.points),
            )
            for n in notes
        ),
    ]
    _unique_labels(workshops)
    chat = list(zip(digests, (w.label for w in workshops), strict=False))
    reach = [_chat_reach(d) for d in digests] + [_notes_reach(n) for n in notes]
    themes = []
    order = list(theme_labels)
    for theme_id, label in theme_labels.items():
        counts = tuple(r.get(theme_id, 0) for r in reach)
        if not any(counts):
            continue
        shares = tuple(
            c / w.people if w.people else 0.0 for c, w in zip(counts, workshops, strict=True)
        )
        raised_in = [w for c, w in zip(counts, workshops, strict=True) if c]
        themes.append(
            ReportTheme(
                theme_id=theme_id,
                label=label,
                reach=counts,
                shares=shares,
                score=sum(shares) / len(workshops),
                workshops=len(raised_in),
                people=sum(counts),
                from_notes=sum(w.source is Source.NOTES for w in raised_in),
                quotes=_quotes(chat, theme_id),
                notes=tuple(
                    Quote(text=p.text, workshop=n.label, agreement=p.agreed, present=n.people)
                    for n in notes
                    for p in n.points
                    if theme_id in p.themes
                ),
            )
        )
    themes.sort(key=lambda t: (-t.score, -t.workshops, order.index(t.theme_id)))
    return Report(
        title=title or _title(digests, notes),
        workshops=tuple(workshops),
        themes=tuple(themes),
        question_sets=_question_sets(chat),
        codebook_version=next((d.codebook_version for d in digests if d.codebook_version), ""),
        made_at=made_at,
        time_zone=digests[0].time_zone if digests else "Europe/London",
        actions=_actions(digests, theme_labels),
    )


def _actions(digests: Sequence[Digest], labels: Mapping[str, str]) -> tuple[ThemeAction, ...]:
    """Each "you said, we did" action once, though several of its sessions are here."""
    seen = {a.action_id: a for d in digests for a in d.actions}
    order = {theme: i for i, theme in enumerate(labels)}
    return tuple(sorted(seen.values(), key=lambda a: (order.get(a.theme_id, len(order)),)))


def _chat_reach(digest: Digest) -> dict[str, int]:
    return {t.theme_id: min(t.reach, digest.participant_count) for t in digest.themes}


def _notes_reach(notes: NotesWorkshop) -> dict[str, int]:
    reach: dict[str, int] = {}
    for point in notes.points:
        for theme_id in point.themes:
            reach[theme_id] = reach.get(theme_id, 0) + point.agreed
    return {k: min(v, notes.people) for k, v in reach.items()}


def _quotes(chat: Sequence[tuple[Digest, str]], theme_id: str) -> tuple[Quote, ...]:
    """The most agreed quotable answers, relative to their room, one per workshop first."""
    found = [
        Quote(
            text=q.text,
            workshop=label,
            agreement=q.agreement,
            present=d.participant_count,
        )
        for d, label in chat
        for t in d.themes
        if t.theme_id == theme_id
        for q in t.quotes
        if q.quotable and q.text
    ]
    found.sort(key=lambda q: (-(q.agreement / q.present if q.present else 0), q.workshop))
    picked: list[Quote] = []
    rooms: set[str] = set()
    for quote in found:
        if quote.workshop not in rooms:
            picked.append(quote)
            rooms.add(quote.workshop)
    for quote in found:
        if quote not in picked:
            picked.append(quote)
    return tuple(picked[:MAX_QUOTES])


def _question_sets(chat: Sequence[tuple[Digest, str]]) -> tuple[ReportQuestionSet, ...]:
    by_set: dict[str, list[Digest]] = {}
    names: dict[str, str] = {}
    for digest, label in chat:
        by_set.setdefault(digest.question_set_id, []).append(digest)
        names[digest.session_id] = label
    sets = []
    for set_id, group in by_set.items():
        questions = []
        for question in group[0].questions:
            people: dict[str, int] = {}
            labels: dict[str, str] = {}
            answered = 0
            for digest in group:
                for q in digest.questions:
                    if q.number != question.number:
                        continue
                    answered += q.answered_by
                    for top in q.top_themes:
                        people[top.theme_id] = people.get(top.theme_id, 0) + top.people
                        labels[top.theme_id] = top.label
            ranked = sorted(people, key=lambda t: -people[t])[:3]
            questions.append(
                ReportQuestion(
                    number=question.number,
                    text=question.text,
                    answered_by=answered,
                    top_themes=tuple(labels[t] for t in ranked),
                )
            )
        sets.append(
            ReportQuestionSet(
                id=set_id,
                title=group[0].question_set_title,
                workshops=tuple(names[d.session_id] for d in group),
                questions=tuple(questions),
            )
        )
    return tuple(sets)


def _title(digests: Sequence[Digest], notes: Sequence[NotesWorkshop]) -> str:
    titles = list(dict.fromkeys(d.question_set_title for d in digests))
    what = titles[0] if len(titles) == 1 else "several question sets"
    count = len(digests) + len(notes)
    return f"{what}: {count} workshops"


def _unique_labels(workshops: list[Workshop]) -> None:
    """Two sessions with the same label get their id added, so every column is distinct."""
    seen: dict[str, int] = {}
    for w in workshops:
        seen[w.label] = seen.get(w.label, 0) + 1
    for i, w in enumerate(workshops):
        if seen[w.label] > 1 and w.source is Source.CHAT:
            workshops[i] = Workshop(
                key=w.key,
                label=f"{w.label} ({w.key})",
                source=w.source,
                people=w.people,
                answers=w.answers,
                question_set_id=w.question_set_id,
                started_at=w.started_at,
            )
