"""Builds the ``Digest`` of a session from what the store holds.

Participant ids come in (to count distinct people) and never go out: the model holds only
counts and aliases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from bot.core.records import AnswerForDigest, SessionAttendance, SessionRecord
from bot.digest.agreement import Stance, consensus, stance
from bot.digest.model import (
    Consensus,
    Digest,
    DigestAnswer,
    DigestQuestion,
    EndCheckQuestion,
    EndCheckResult,
    ReactionCount,
    SessionFacts,
    ThemeCount,
    ThemeSummary,
)
from bot.questions.end_check import END_CHECK_QUESTIONS, END_CHECK_SCALE
from bot.questions.model import PaletteEntry, QuestionSet

MAX_QUOTES_PER_THEME = 3
MAX_THEMES_PER_QUESTION = 3


@dataclass(slots=True)
class _QuestionTally:
    """One question's answers, counted as they are read."""

    answers: list[DigestAnswer] = field(default_factory=list)
    writers: set[int] = field(default_factory=set)
    people: dict[str, set[int]] = field(default_factory=dict)  # by theme: who raised it here
    untagged: int = 0

    def add(self, answer: DigestAnswer, writer: int) -> None:
        self.answers.append(answer)
        self.writers.add(writer)
        for theme_id in answer.themes:
            self.people.setdefault(theme_id, set()).add(writer)
        if not answer.themes:
            self.untagged += 1


@dataclass(slots=True)
class _ThemeTally:
    """One theme's answers, counted as they are read."""

    answers: int = 0
    raised: set[int] = field(default_factory=set)
    agreed: set[int] = field(default_factory=set)  # anyone who agreed with one of its answers
    agreement_total: int = 0
    not_quotable: int = 0
    kinds: Counter[Consensus] = field(default_factory=Counter)
    quotable: list[DigestAnswer] = field(default_factory=list)  # in the order given

    def add(self, answer: DigestAnswer, writer: int, found: Stance) -> None:
        self.answers += 1
        self.raised.add(writer)
        self.agreed |= found.agreed
        self.agreement_total += answer.agreement
        self.kinds[answer.consensus] += 1
        if answer.quotable:
            self.quotable.append(answer)
        else:
            self.not_quotable += 1


def build_digest(
    session: SessionRecord,
    question_set: QuestionSet,
    answers: Sequence[AnswerForDigest],
    theme_labels: Mapping[str, str],
    *,
    attendance: SessionAttendance | None = None,
    zone: ZoneInfo | None = None,
    codebook_version: str = "",
    end_check_counts: Mapping[tuple[int, int], int] | None = None,
    end_check_open: bool = False,
) -> Digest:
    """``theme_labels`` maps theme id to label, in codebook order (which tags are listed in).
    Without ``attendance``, the people present are those seen in ``answers``."""
    order = {theme_id: i for i, theme_id in enumerate(theme_labels)}
    if attendance is None:
        attendance = SessionAttendance(
            answered=frozenset(a.answer.participant_id for a in answers),
            reacted=frozenset(p for a in answers for p, _ in a.reactors),
            with_lead=0,
        )
    present = attendance.answered | attendance.reacted
    given = _Giver(question_set, order, len(present))
    # One pass, counting as it goes: nothing is kept per answer but its digest form.
    by_question = {q.number: _QuestionTally() for q in question_set.questions}
    by_theme = {theme_id: _ThemeTally() for theme_id in theme_labels}
    digest_answers = []
    for item in answers:
        answer, found = given(item)
        writer = item.answer.participant_id
        tally = by_question.get(answer.question_number)
        if tally is not None:
            tally.add(answer, writer)
        for theme_id in answer.themes:
            by_theme[theme_id].add(answer, writer, found)
        digest_answers.append(answer)

    themes = _themes(by_theme, theme_labels, order)
    questions = tuple(
        _question(
            question_set,
            question.number,
            by_question[question.number],
            theme_labels,
            order,
            len(present),
        )
        for question in question_set.questions
    )
    return Digest(
        session_id=session.id,
        label=session.label,
        question_set_id=question_set.id,
        question_set_title=question_set.title,
        started_at=session.started_at,
        closed_at=session.closed_at,
        time_zone=(zone or ZoneInfo("Europe/London")).key,
        codebook_version=codebook_version,
        participant_count=len(present),
        answer_count=len(digest_answers),
        facts=SessionFacts(
            answered=len(attendance.answered),
            only_reacted=len(attendance.reacted - attendance.answered),
            with_lead=attendance.with_lead,
            not_quotable=sum(not a.quotable for a in digest_answers),
            untagged=sum(not a.themes for a in digest_answers),
        ),
        questions=questions,
        themes=themes,
        audience=question_set.audience,
        end_check=(
            end_check_result(end_check_counts or {}, still_open=end_check_open)
            if question_set.end_check
            else None
        ),
    )


def end_check_result(
    counts: Mapping[tuple[int, int], int], *, still_open: bool = False
) -> EndCheckResult:
    """The end-of-session check's counts, (question, choice) → people, as the model holds."""
    return EndCheckResult(
        still_open=still_open,
        faces=tuple((face.emoji, face.label) for face in END_CHECK_SCALE),
        questions=tuple(
            EndCheckQuestion(
                text=text,
                counts=tuple(counts.get((number, c), 0) for c in range(len(END_CHECK_SCALE))),
            )
            for number, text in enumerate(END_CHECK_QUESTIONS, start=1)
        ),
    )


def most_agreed_first(answer: DigestAnswer) -> tuple[int, int, str]:
    """Most agreed first, then fewest "different for me"; equal ones by answer id, which is
    random, so the order never tells staff who answered first (the store hands answers over
    in the order given)."""
    return (-answer.agreement, answer.differ, answer.answer_id)


class _Giver:
    """Turns the store's answers into digest answers, working out once per question what
    each of its buttons means, and sharing one ``ReactionCount`` between every answer with
    the same count of the same button (tens of thousands of answers hold only a few hundred
    different ones)."""

    def __init__(self, question_set: QuestionSet, order: Mapping[str, int], present: int) -> None:
        # Per question: each button, with the ReactionCounts made for it so far by count.
        self._buttons: dict[int, tuple[tuple[PaletteEntry, dict[int, ReactionCount]], ...]] = {
            q.number: tuple((p, {}) for p in q.palette) for q in question_set.questions
        }
        self._kinds = {
            q.number: {p.emoji: p.kind for p in q.palette} for q in question_set.questions
        }
        self._order = order
        self._present = present

    def __call__(self, item: AnswerForDigest) -> tuple[DigestAnswer, Stance]:
        answer = item.answer
        number = answer.question_number
        found = stance(
            answer.participant_id, item.reactors, self._kinds[number], item.reaction_counts
        )
        order = self._order
        themes = sorted(
            {t.theme_id for t in item.tags if t.theme_id in order}, key=order.__getitem__
        )
        counts = item.reaction_counts
        reactions = []
        for entry, made in self._buttons[number]:
            count = counts.get(entry.emoji, 0)
            shared = made.get(count)
            if shared is None:
                shared = ReactionCount(
                    emoji=entry.emoji, label=entry.label, kind=entry.kind, count=count
                )
                made[count] = shared
            reactions.append(shared)
        agreement, differ = len(found.agreed), len(found.differed)
        digest_answer = DigestAnswer(
            answer_id=answer.id,
            question_number=number,
            alias=answer.alias,
            text=answer.text if answer.quote_ok else "",
            quotable=answer.quote_ok,
            themes=tuple(themes),
            reactions=tuple(reactions),
            agreement=agreement,
            differ=differ,
            consensus=consensus(agreement, differ, self._present),
        )
        return digest_answer, found


def _question(
    question_set: QuestionSet,
    number: int,
    here: _QuestionTally,
    theme_labels: Mapping[str, str],
    order: Mapping[str, int],
    present: int,
) -> DigestQuestion:
    answered_by = len(here.writers)
    people = here.people
    ranked = sorted(people, key=lambda t: (-len(people[t]), order[t]))
    question = question_set.question(number)
    return DigestQuestion(
        number=number,
        text=question.text,
        answers=tuple(sorted(here.answers, key=most_agreed_first)),
        answered_by=answered_by,
        skipped=max(present - answered_by, 0),
        untagged=here.untagged,
        top_themes=tuple(
            ThemeCount(theme_id=t, label=theme_labels[t], people=len(people[t]))
            for t in ranked[:MAX_THEMES_PER_QUESTION]
        ),
        highlight=question.highlight,
    )


def _themes(
    by_theme: Mapping[str, _ThemeTally],
    theme_labels: Mapping[str, str],
    order: Mapping[str, int],
) -> tuple[ThemeSummary, ...]:
    counted = []
    for theme_id, label in theme_labels.items():
        tally = by_theme[theme_id]
        if not tally.answers:
            continue
        counted.append(
            (
                ThemeSummary(
                    theme_id=theme_id,
                    label=label,
                    answer_count=tally.answers,
                    raised_by=len(tally.raised),
                    agreed_by=len(tally.agreed - tally.raised),
                    agreement_total=tally.agreement_total,
                    not_quotable=tally.not_quotable,
                    broad=tally.kinds[Consensus.BROAD],
                    divided=tally.kinds[Consensus.DIVIDED],
                ),
                sorted(tally.quotable, key=most_agreed_first),
            )
        )
    # Most people raising it first; then the most agreed with; then the widest reach.
    counted.sort(
        key=lambda item: (
            -item[0].raised_by,
            -item[0].mean_agreement,
            -item[0].reach,
            order[item[0].theme_id],
        )
    )
    quoted: set[str] = set()
    themes = []
    for theme, quotable in counted:
        quotes = _pick_quotes(quotable, quoted)
        quoted.update(q.answer_id for q in quotes)
        themes.append(_with_quotes(theme, quotes))
    return tuple(themes)


def _pick_quotes(quotable: Sequence[DigestAnswer], quoted: set[str]) -> tuple[DigestAnswer, ...]:
    """The most agreed answers not quoted under an earlier theme, from different people
    where the theme has enough of them."""
    fresh = [a for a in quotable if a.answer_id not in quoted]
    picked: list[DigestAnswer] = []
    aliases: set[str] = set()
    for answer in fresh:
        if answer.alias not in aliases:
            picked.append(answer)
            aliases.add(answer.alias)
        if len(picked) == MAX_QUOTES_PER_THEME:
            break
    for answer in fresh:  # the same person twice only if nobody else said it
        if len(picked) == MAX_QUOTES_PER_THEME:
            break
        if answer not in picked:
            picked.append(answer)
    return tuple(picked)  # most agreed first, different people before the same one again


def _with_quotes(theme: ThemeSummary, quotes: tuple[DigestAnswer, ...]) -> ThemeSummary:
    return replace(theme, quotes=quotes)
