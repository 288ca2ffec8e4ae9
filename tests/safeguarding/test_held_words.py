"""The words /held adds: none of the glossary's jargon, and the one line a young person can
see (the refusal) at the reading age the project aims for."""

from __future__ import annotations

from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.config import DEFAULT_PROMPTS_DIR
from bot.language.glossary import GLOSSARY_FILE, load_glossary
from bot.language.match import Matcher
from bot.language.readability import TARGET_READING_AGE, measure
from bot.safeguarding import held

LEAD_TEXTS = (
    held.NOTHING_HELD,
    "Only you can see this. Nothing here has been shown to the group.",
    discord_render.HELD_RELEASE_LABEL,
    discord_render.HELD_KEEP_OUT_LABEL,
    discord_render.HELD_WHO_WROTE_LABEL,
    discord_render.WHO_WROTE_TITLE,
    discord_render.WHO_WROTE_INPUT_LABEL,
    discord_render.WHO_WROTE_PLACEHOLDER,
    slack_render.HELD_RELEASE,
    slack_render.HELD_KEEP_OUT,
    slack_render.HELD_WHO_WROTE,
)


def _jargon(text: str) -> list[str]:
    glossary = load_glossary(DEFAULT_PROMPTS_DIR / GLOSSARY_FILE)
    matcher = Matcher((p, row.inflect, row) for row in glossary.terms for p in row.phrases)
    return [hit.text for hit in matcher.find(text)]


def test_the_refusal_a_young_person_may_see_is_plain_and_short() -> None:
    assert _jargon(held.REFUSED) == []
    assert measure(held.REFUSED).reading_age <= TARGET_READING_AGE


def test_the_leads_list_and_buttons_use_no_glossary_jargon() -> None:
    for text in LEAD_TEXTS:
        assert _jargon(text) == [], text
