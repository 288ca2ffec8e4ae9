"""Button action ids survive a round trip and fit the platforms' limits."""

from __future__ import annotations

import pytest

from bot.core.actions import (
    AcknowledgeAction,
    AnswerAction,
    ConsentAction,
    KeepOutAction,
    ReactAction,
    ReleaseAction,
    ReportAction,
    SkipAction,
    acknowledge_action_id,
    answer_action_id,
    consent_action_id,
    keep_out_action_id,
    parse_action_id,
    react_action_id,
    release_action_id,
    report_action_id,
    skip_action_id,
)


@pytest.mark.parametrize(
    ("action_id", "expected"),
    [
        (answer_action_id("s1", 3), AnswerAction("s1", 3)),
        (answer_action_id("s1", 0), AnswerAction("s1", 0)),  # the closing check-in
        (consent_action_id("s1", 0), ConsentAction("s1", 0)),
        (consent_action_id("s1", 4), ConsentAction("s1", 4)),
        (consent_action_id("s1", None), ConsentAction("s1", None)),  # from a reaction
        (skip_action_id("s1", 2), SkipAction("s1", 2)),
        (react_action_id("a1", 1), ReactAction("a1", 1)),
        (report_action_id("a1"), ReportAction("a1")),
        (acknowledge_action_id("al-1"), AcknowledgeAction("al-1")),
        (release_action_id("a1"), ReleaseAction("a1")),
        (keep_out_action_id("a1"), KeepOutAction("a1")),
    ],
)
def test_action_ids_round_trip_and_fit_discord(action_id: str, expected: object) -> None:
    assert parse_action_id(action_id) == expected
    assert len(action_id) <= 100


@pytest.mark.parametrize(
    "action_id",
    ["", "cb", "cb:answer", "cb:answer::1", "cb:answer:s1:x", "xx:answer:s1:1", "cb:nope:s1:1"],
)
def test_anything_else_is_not_ours(action_id: str) -> None:
    assert parse_action_id(action_id) is None
