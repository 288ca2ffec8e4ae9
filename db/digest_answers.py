"""A session's answers as the digest reads them (``AnswerStore.answers_for_session``), put
together the same way on every backend from its three reads: the answers, their active tags
and their reactions.

A big session repeats itself: 50,000 answers carry about 250,000 reactions, but from a few
hundred people with a handful of buttons, and their tags come from a few dozen themes. Each
repeated value (a (person, emoji) pair, a tag) is one shared object, so the digest's input
takes a fraction of the memory it took with a fresh object per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.core.records import AnswerForDigest, AnswerRecord, TagRecord

TagRow = tuple[str, str, str, str]  # answer id, theme id, origin, evidence
ReactionRow = tuple[str, int, str]  # answer id, participant id, emoji


def answers_for_digest(
    answers: Sequence[AnswerRecord],
    tag_rows: Iterable[TagRow],
    reaction_rows: Iterable[ReactionRow],
) -> list[AnswerForDigest]:
    """Each answer with its tags (in the order read), its count of each emoji and who pressed
    what, (participant id, emoji) in order."""
    tags: dict[str, list[TagRecord]] = {}
    records: dict[tuple[str, str, str], TagRecord] = {}
    for answer_id, theme_id, origin, evidence in tag_rows:
        record = records.get((theme_id, origin, evidence))
        if record is None:
            record = TagRecord(theme_id=theme_id, origin=origin, evidence=evidence)
            records[theme_id, origin, evidence] = record
        tags.setdefault(answer_id, []).append(record)
    counts: dict[str, dict[str, int]] = {}
    reactors: dict[str, list[tuple[int, str]]] = {}
    pairs: dict[tuple[int, str], tuple[int, str]] = {}
    for answer_id, participant_id, emoji in reaction_rows:
        pair = pairs.setdefault((participant_id, emoji), (participant_id, emoji))
        by_emoji = counts.setdefault(answer_id, {})
        by_emoji[pair[1]] = by_emoji.get(pair[1], 0) + 1
        reactors.setdefault(answer_id, []).append(pair)
    return [
        AnswerForDigest(
            answer=a,
            tags=tuple(tags.get(a.id, ())),
            reaction_counts=counts.get(a.id, {}),
            reactors=tuple(sorted(reactors.get(a.id, ()))),
        )
        for a in answers
    ]
