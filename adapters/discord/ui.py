"""discord.py objects built from ``render``'s plain specs: button views, the answer modal and
attachments. Nothing here listens: presses and submits are routed by ``custom_id`` in
``inbound.py``, so every view and modal is stopped as soon as it is built, and a press after
a restart still maps to an event.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import discord

from adapters.discord import convert, render
from adapters.discord.render import ButtonStyle, ModalSpec, Rows
from bot.core.outbound import DeliveryFile

NO_MENTIONS = discord.AllowedMentions.none()

_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.SUCCESS: discord.ButtonStyle.success,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


def files(attached: Sequence[DeliveryFile]) -> list[discord.File]:
    return [discord.File(io.BytesIO(f.content), filename=f.name) for f in attached]


def view(rows: Rows) -> discord.ui.View:
    built = discord.ui.View(timeout=None)
    for index, row in enumerate(rows):
        for spec in row:
            built.add_item(
                discord.ui.Button(
                    custom_id=spec.custom_id,
                    label=spec.label,
                    emoji=spec.emoji,
                    style=_STYLES[spec.style],
                    row=index,
                )
            )
    built.stop()  # presses are routed by custom_id in on_interaction, not by this object
    return built


def modal(spec: ModalSpec) -> discord.ui.Modal:
    """The answer form: a Label around the text box and, when asked, a Label around an
    unticked "quote my words" checkbox (Discord's checkbox lives only in a Label)."""
    built = discord.ui.Modal(title=spec.title, custom_id=spec.custom_id, timeout=None)
    text_box: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
        style=discord.TextStyle.paragraph,
        custom_id=convert.ANSWER_INPUT_ID,
        placeholder=spec.placeholder,
        max_length=spec.max_length,
        required=True,
    )
    built.add_item(discord.ui.Label(text=spec.input_label, component=text_box))
    if spec.ask_quote:
        checkbox: discord.ui.Checkbox[discord.ui.Modal] = discord.ui.Checkbox(
            custom_id=convert.QUOTE_INPUT_ID, default=False
        )
        built.add_item(
            discord.ui.Label(
                text=spec.quote_label, description=spec.quote_description, component=checkbox
            )
        )
    built.stop()  # the submit is routed by custom_id in on_interaction, even after a restart
    return built


def reason_modal(custom_id: str) -> discord.ui.Modal:
    """ "Who wrote it?" on a held answer: one box for the reason, which the desk audits."""
    built = discord.ui.Modal(title=render.WHO_WROTE_TITLE, custom_id=custom_id, timeout=None)
    reason: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
        style=discord.TextStyle.paragraph,
        custom_id=convert.REASON_INPUT_ID,
        placeholder=render.WHO_WROTE_PLACEHOLDER,
        min_length=render.REASON_MIN,
        max_length=render.REASON_MAX,
        required=True,
    )
    built.add_item(discord.ui.Label(text=render.WHO_WROTE_INPUT_LABEL, component=reason))
    built.stop()  # the submit is routed by custom_id in on_interaction, even after a restart
    return built
