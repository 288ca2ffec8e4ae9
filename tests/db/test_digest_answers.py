"""A session's answers for the digest, put together from the three reads the same way on every
backend: each answer's tags, emoji counts and who pressed what, with each repeated value one
shared object (a 50,000-answer session repeats a few thousand of them hundreds of times)."""

from __future__ import annotations

from bot.core.records import AnswerRecord, TagRecord
from db.digest_answers import answers_for_digest


def _answer(answer_id: str) -> AnswerRecord:
    return AnswerRecord(
        id=answer_id, session_id="s1", question_number=1, participant_id=1, alias="A", text="t"
    )


def test_each_answer_gets_its_tags_counts_and_reactors_in_order() -> None:
    made = answers_for_digest(
        [_answer("a1"), _answer("a2"), _answer("a3")],
        [
            ("a2", "trust", "auto", "heard"),
            ("a1", "words", "facilitator", ""),
            ("a2", "x", "auto", ""),
        ],
        [("a1", 7, "👍"), ("a1", 3, "💡"), ("a1", 3, "👍"), ("a2", 7, "👍"), ("zz", 1, "👍")],
    )
    assert [a.answer.id for a in made] == ["a1", "a2", "a3"]
    first, second, third = made
    assert first.tags == (TagRecord(theme_id="words", origin="facilitator", evidence=""),)
    assert [t.theme_id for t in second.tags] == ["trust", "x"]
    assert first.reaction_counts == {"👍": 2, "💡": 1}
    assert first.reactors == ((3, "👍"), (3, "💡"), (7, "👍"))
    assert second.reaction_counts == {"👍": 1} and second.reactors == ((7, "👍"),)
    assert third.tags == () and third.reaction_counts == {} and third.reactors == ()


def test_repeated_reactions_and_tags_are_shared_objects() -> None:
    answers = [_answer(f"a{n}") for n in range(3)]
    made = answers_for_digest(
        answers,
        [(a.id, "trust", "auto", "heard") for a in answers],
        [(a.id, 7, "👍") for a in answers],
    )
    assert made[0].reactors[0] is made[1].reactors[0] is made[2].reactors[0]
    assert made[0].tags[0] is made[1].tags[0] is made[2].tags[0]
    assert made[0].reaction_counts is not made[1].reaction_counts  # each its own, to count
