""" "You said, we did" on Discord: ``/you-said-we-did`` and the form staff write an update in.

The slash command takes which sessions (labels or ids, with autocomplete) and which theme
(a codebook id), or an ``action`` id, and opens the form as its first response (a modal
cannot follow a defer): "You said", "We took it to (who, when)", "What happened" (changed,
partly, not changed), "Because" and "Follow-up date". Which action the form is for travels
in its ``custom_id`` (``ysd:`` and a short JSON list, at most 100 characters), so a submit
after a restart still lands; a choice too long for that is answered privately instead.
The submit becomes the ``you-said-we-did`` command with every field as an option, deferred
privately first; the engine checks who may, and refuses anyone else privately. A Discord
form cannot show an error and stay open, so a refusal (a glossary word, a card too long)
is answered privately with what was typed in each field, to copy into the form again
(``with_what_was_typed``). The command is hidden from young people (Manage Messages) like
/report.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import discord
from discord import app_commands

from adapters.discord import convert, render
from adapters.discord.commands import STAFF_ONLY, Choice, SessionChoices, session_choices
from bot.core.events import Command
from bot.core.outbound import Outbound, PrivateNotice

Interaction = discord.Interaction[discord.Client]
RunCommand = Callable[[Interaction, Command, Mapping[str, str]], Awaitable[None]]

PREFIX = "ysd:"
CUSTOM_ID_LIMIT = 100
TOO_LONG = (
    "That choice of sessions is too long to fit in the form. Please name fewer sessions, "
    "or use the action id (consultbot actions list)."
)
# (custom_id = the core's option name, label, placeholder, paragraph?, required?)
FIELDS: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("heard", "You said", "What the group told us, in plain words", True, False),
    ("taken-to", "We took it to (who, and when)", "The Corporate Parenting Board, 12 March",
     False, False),
    ("decision", "What happened", "changed, partly, not changed, or waiting", False, True),
    ("because", "Because", "Why, in plain words", True, False),
    ("follow-up", "When they hear more (YYYY-MM-DD)", "2027-01-15", False, False),
)  # fmt: skip
FIELD_LIMIT = 600


def form_id(options: Mapping[str, str]) -> str | None:
    """The form's ``custom_id`` for ``action`` or ``sessions`` + ``theme``; ``None`` if too
    long for Discord."""
    wanted = [options.get("action", ""), options.get("sessions", ""), options.get("theme", "")]
    custom_id = PREFIX + json.dumps(wanted, separators=(",", ":"), ensure_ascii=False)
    return custom_id if len(custom_id) <= CUSTOM_ID_LIMIT else None


def form_target(custom_id: str) -> dict[str, str] | None:
    """The options a form's ``custom_id`` remembered; ``None`` if it is not one of ours."""
    if not custom_id.startswith(PREFIX):
        return None
    try:
        action, sessions, theme = (str(v) for v in json.loads(custom_id[len(PREFIX) :]))
    except (ValueError, TypeError):
        return None
    given = {"action": action, "sessions": sessions, "theme": theme}
    return {k: v for k, v in given.items() if v}


def form(custom_id: str) -> discord.ui.Modal:
    built = discord.ui.Modal(title="You said, we did", custom_id=custom_id, timeout=None)
    for field_id, label, placeholder, paragraph, required in FIELDS:
        box: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
            custom_id=field_id,
            placeholder=render.truncate(placeholder, render.PLACEHOLDER_LIMIT),
            max_length=FIELD_LIMIT,
            required=required,
        )
        text = render.truncate(label, render.INPUT_LABEL_LIMIT)
        built.add_item(discord.ui.Label(text=text, component=box))
    built.stop()  # the submit is routed by custom_id in on_interaction, even after a restart
    return built


def submitted(components: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The form's filled-in fields, by the core's option names (empty ones left out)."""
    names = {f[0] for f in FIELDS}
    found: dict[str, str] = {}
    for component in convert.walk_components(components):
        custom_id, value = component.get("custom_id"), component.get("value")
        if custom_id in names and isinstance(value, str) and value.strip():
            found[str(custom_id)] = value.strip()
    return found


def with_what_was_typed(messages: Sequence[Outbound], filled: Mapping[str, str]) -> list[Outbound]:
    """A refusal of the form, with every field that was filled in, so nothing is lost."""
    typed = [f"{label}: {filled[name]}" for name, label, *_ in FIELDS if filled.get(name)]
    if not typed:
        return list(messages)
    kept = "\n\nWhat you typed, to copy into the form again:\n" + "\n".join(typed)
    return [
        replace(m, text=m.text + kept) if isinstance(m, PrivateNotice) and m.refused else m
        for m in messages
    ]


def add_feedback_command(
    tree: app_commands.CommandTree[Any],
    *,
    open_form: Callable[[Interaction, Mapping[str, str]], Awaitable[None]],
    session_list: SessionChoices | None,
) -> None:
    @tree.command(
        name=Command.YOU_SAID_WE_DID.value,
        description="Tell the group what happened about a theme (staff, facilitators)",
    )
    @STAFF_ONLY
    @app_commands.describe(
        sessions="Session labels or ids, separated by commas",
        theme="The theme id, e.g. stability-moves",
        action="Or: the id of an action already recorded",
    )
    @app_commands.guild_only()
    async def you_said_we_did(
        interaction: Interaction,
        sessions: str | None = None,
        theme: str | None = None,
        action: str | None = None,
    ) -> None:
        given = {"sessions": sessions, "theme": theme, "action": action}
        await open_form(interaction, {k: v.strip() for k, v in given.items() if v and v.strip()})

    @you_said_we_did.autocomplete("sessions")
    async def feedback_sessions(interaction: Interaction, current: str) -> list[Choice]:
        if session_list is None:
            return []
        return session_choices(await session_list(), current)
