"""The slash commands (the ``app_commands`` tree): each only collects its options as strings
and hands them to ``run`` (``Inbound.command``); the engine decides who may do what and
checks every value, so a refusal reads the same on every platform.

Every command is guild-only. Autocomplete offers the question sets (``question_sets``, from
the core) and the withdraw scopes; what someone types is still passed on as typed.

/digest, /report, /schedule-session, /release, /keep-out, /who-wrote and /held are hidden by default
(``STAFF_ONLY``: Discord's default member permissions, Manage Messages), so young people
don't see them; the commands a session runs on (and /share-summary) stay visible to every
member, so a facilitator needs only the role consultbot is told about. The engine's role
check applies to all of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import render
from bot.core.events import Command

Interaction = discord.Interaction[discord.Client]
RunCommand = Callable[[Interaction, Command, Mapping[str, str]], Awaitable[None]]
QuestionSets = Callable[[], list[tuple[str, str]]]
SessionChoices = Callable[[], Awaitable[list[tuple[str, str]]]]
CHOICE_NAME_LIMIT = 100
CHOICES_SHOWN = 25

DigestFormatChoice = Literal["all", "md", "html", "csv", "json", "docx"]
WITHDRAW_SCOPES = (("all", "All my answers, in every session"), ("this", "This session only"))
Choice = app_commands.Choice[str]
# Hidden from members without Manage Messages (young people) until a server admin gives a
# role the command (Server Settings > Integrations); the engine still checks the role.
STAFF_ONLY = app_commands.default_permissions(manage_messages=True)


def question_set_choices(sets: list[tuple[str, str]], current: str) -> list[Choice]:
    """The question sets whose id or title contains what has been typed so far."""
    wanted = current.strip().lower()
    return [
        app_commands.Choice(
            name=render.truncate(f"{title} ({set_id})", CHOICE_NAME_LIMIT), value=set_id
        )
        for set_id, title in sets
        if wanted in set_id.lower() or wanted in title.lower()
    ][:CHOICES_SHOWN]


def session_choices(sessions: list[tuple[str, str]], current: str) -> list[Choice]:
    """/report's sessions: a comma-separated list; the last piece typed is completed."""
    done, _, typing = current.rpartition(",")
    prefix = f"{done.strip()}, " if done.strip() else ""
    wanted = typing.strip().lower()
    return [
        app_commands.Choice(
            name=render.truncate(prefix + shown, CHOICE_NAME_LIMIT),
            value=render.truncate(prefix + value, CHOICE_NAME_LIMIT),
        )
        for shown, value in sessions
        if wanted in shown.lower()
    ][:CHOICES_SHOWN]


def add_commands(
    tree: app_commands.CommandTree[Any],
    *,
    run: RunCommand,
    question_sets: QuestionSets,
    session_list: SessionChoices | None = None,
) -> None:
    """The slash commands; each hands straight to ``run``, and the engine decides who may."""
    add_report_command(tree, run=run, question_sets=question_sets, session_list=session_list)
    add_share_summary_command(tree, run=run, session_list=session_list)

    @tree.command(name="start-session", description="Start a session (facilitators)")
    @app_commands.rename(question_set="question-set", question_minutes="question-minutes")
    @app_commands.describe(
        question_set="Which set of questions to ask",
        question_minutes="Optional time limit for each question, in minutes",
        label="Optional words for staff, e.g. Policy group, 3 Dec (no names)",
    )
    @app_commands.guild_only()
    async def start_session(
        interaction: Interaction,
        question_set: str,
        question_minutes: app_commands.Range[int, 1, 60] | None = None,
        label: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        options = {"question-set": question_set}
        if question_minutes is not None:
            options["question-minutes"] = str(question_minutes)
        if label is not None:
            options["label"] = label
        await run(interaction, Command.START_SESSION, options)

    @start_session.autocomplete("question_set")
    async def start_sets(interaction: Interaction, current: str) -> list[Choice]:
        return question_set_choices(question_sets(), current)

    @tree.command(name="next-question", description="Post the next question (facilitators)")
    @app_commands.guild_only()
    async def next_question(interaction: Interaction) -> None:
        await run(interaction, Command.NEXT_QUESTION, {})

    @tree.command(name="end-session", description="Finish the session and send the digest")
    @app_commands.guild_only()
    async def end_session(interaction: Interaction) -> None:
        await run(interaction, Command.END_SESSION, {})

    @tree.command(name="sessions", description="List sessions (facilitators and staff)")
    @app_commands.guild_only()
    async def sessions(interaction: Interaction) -> None:
        await run(interaction, Command.SESSIONS, {})

    @tree.command(name="digest", description="Download a session's digest (staff)")
    @STAFF_ONLY
    @app_commands.rename(digest_format="format")
    @app_commands.describe(session="The session id, from /sessions", digest_format="File type")
    @app_commands.guild_only()
    async def digest(
        interaction: Interaction, session: str, digest_format: DigestFormatChoice = "all"
    ) -> None:
        options = {"session": session, "format": digest_format}
        await run(interaction, Command.DIGEST, options)

    @tree.command(name="withdraw", description="Take your answers back")
    @app_commands.describe(
        session="all (the default), this (the session in this channel) or a session id"
    )
    @app_commands.guild_only()
    async def withdraw(interaction: Interaction, session: str | None = None) -> None:
        scope = (session or "").strip()
        await run(interaction, Command.WITHDRAW, {"session": scope} if scope else {})

    @withdraw.autocomplete("session")
    async def withdraw_scopes(interaction: Interaction, current: str) -> list[Choice]:
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=f"{value}: {label}", value=value)
            for value, label in WITHDRAW_SCOPES
            if wanted in value or wanted in label.lower()
        ]

    @tree.command(name="schedule-session", description="Plan a session ahead (facilitators)")
    @STAFF_ONLY
    @app_commands.rename(
        question_set="question-set", question_minutes="question-minutes", length="length-minutes"
    )
    @app_commands.describe(
        question_set="Which set of questions to ask",
        start="When it starts, local time: YYYY-MM-DD HH:MM",
        repeat="Repeat weekly or fortnightly",
        length="How long the session lasts (it closes itself and sends the digest)",
        question_minutes="Optional time limit for each question",
        channel="Where to hold it (default: here)",
    )
    @app_commands.guild_only()
    async def schedule_session(
        interaction: Interaction,
        question_set: str,
        start: str,
        repeat: Literal["none", "weekly", "fortnightly"] = "none",
        length: int = 60,
        question_minutes: int | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        # Out-of-range numbers are passed on: the engine refuses them with a clear message.
        options = {
            "question-set": question_set,
            "start": start,
            "repeat": repeat,
            "length": str(length),
            "channel": str(channel.id if channel is not None else interaction.channel_id),
        }
        if question_minutes is not None:
            options["question-minutes"] = str(question_minutes)
        await run(interaction, Command.SCHEDULE_SESSION, options)

    @schedule_session.autocomplete("question_set")
    async def scheduled_sets(interaction: Interaction, current: str) -> list[Choice]:
        return question_set_choices(question_sets(), current)

    @tree.command(name="pause-question", description="Pause or restart the question timer")
    @app_commands.guild_only()
    async def pause_question(interaction: Interaction) -> None:
        await run(interaction, Command.PAUSE_QUESTION, {})

    @tree.command(name="extend-question", description="Give this question more time")
    @app_commands.describe(minutes="Extra minutes (1-30)")
    @app_commands.guild_only()
    async def extend_question(interaction: Interaction, minutes: int) -> None:
        await run(interaction, Command.EXTEND_QUESTION, {"minutes": str(minutes)})

    @tree.command(name="privacy", description="How your answers are kept private")
    @app_commands.guild_only()
    async def privacy(interaction: Interaction) -> None:
        await run(interaction, Command.PRIVACY, {})

    @tree.command(name="help", description="Where to get support, any time")
    @app_commands.guild_only()
    async def help_(interaction: Interaction) -> None:
        await run(interaction, Command.HELP, {})

    @tree.command(name="worried", description="Tell a trusted adult privately that you're worried")
    @app_commands.describe(message="Optional: anything you'd like them to know")
    @app_commands.guild_only()
    async def worried(interaction: Interaction, message: str | None = None) -> None:
        text = (message or "").strip()
        await run(interaction, Command.WORRIED, {"message": text} if text else {})

    @tree.command(name="workspace", description="A private link to the staff workspace (staff)")
    @app_commands.guild_only()
    async def workspace(interaction: Interaction) -> None:
        await run(interaction, Command.WORKSPACE, {})

    @tree.command(name="release", description="Show a held answer to the group (safeguarding lead)")
    @STAFF_ONLY
    @app_commands.describe(answer="The answer id, from the alert")
    @app_commands.guild_only()
    async def release(interaction: Interaction, answer: str) -> None:
        await run(interaction, Command.RELEASE, {"answer": answer.strip()})

    @tree.command(
        name="keep-out",
        description="Keep an answer out of the group and digest (safeguarding lead)",
    )
    @STAFF_ONLY
    @app_commands.describe(answer="The answer id, from the alert")
    @app_commands.guild_only()
    async def keep_out(interaction: Interaction, answer: str) -> None:
        await run(interaction, Command.KEEP_OUT, {"answer": answer.strip()})

    @tree.command(
        name="who-wrote", description="See who wrote a held or reported answer (safeguarding lead)"
    )
    @STAFF_ONLY
    @app_commands.describe(
        answer="The answer id, from the alert", reason="Why you need to know (it is audited)"
    )
    @app_commands.guild_only()
    async def who_wrote(interaction: Interaction, answer: str, reason: str) -> None:
        options = {"answer": answer.strip(), "reason": reason}
        await run(interaction, Command.WHO_WROTE, options)

    @tree.command(name="held", description="See held answers, privately (safeguarding lead)")
    @STAFF_ONLY
    @app_commands.describe(
        session="Optional: only this session (its id or label)",
        page="Optional: which page of the list, when there are more",
    )
    @app_commands.guild_only()
    async def held(
        interaction: Interaction, session: str | None = None, page: int | None = None
    ) -> None:
        given = {"session": (session or "").strip(), "page": str(page) if page else ""}
        await run(interaction, Command.HELD, {k: v for k, v in given.items() if v})


def add_report_command(
    tree: app_commands.CommandTree[Any],
    *,
    run: RunCommand,
    question_sets: QuestionSets,
    session_list: SessionChoices | None,
) -> None:
    """/report: sessions by label (autocomplete), or a question set and dates; staff only."""

    @tree.command(name="report", description="One report over several sessions (staff)")
    @STAFF_ONLY
    @app_commands.rename(question_set="question-set", report_format="format")
    @app_commands.describe(
        sessions="Session labels or ids, separated by commas",
        question_set="Or: every session on this question set …",
        since="… from this day (YYYY-MM-DD)",
        until="… to this day (YYYY-MM-DD)",
        report_format="File type",
    )
    @app_commands.guild_only()
    async def report(
        interaction: Interaction,
        sessions: str | None = None,
        question_set: str | None = None,
        since: str | None = None,
        until: str | None = None,
        report_format: DigestFormatChoice = "all",
    ) -> None:
        given = {
            "sessions": sessions,
            "question-set": question_set,
            "since": since,
            "until": until,
            "format": report_format,
        }
        await run(interaction, Command.REPORT, {k: v for k, v in given.items() if v})

    @report.autocomplete("sessions")
    async def report_sessions(interaction: Interaction, current: str) -> list[Choice]:
        if session_list is None:
            return []
        return session_choices(await session_list(), current)

    @report.autocomplete("question_set")
    async def report_sets(interaction: Interaction, current: str) -> list[Choice]:
        return question_set_choices(question_sets(), current)


def add_share_summary_command(
    tree: app_commands.CommandTree[Any], *, run: RunCommand, session_list: SessionChoices | None
) -> None:
    """/share-summary: post a session's saved summary to its group; staff and facilitators.
    Visible to every member (facilitators need only their role), like the session commands;
    the engine refuses anyone else privately."""

    @tree.command(
        name="share-summary", description="Post a session's saved summary to its group (staff)"
    )
    @app_commands.describe(session="The session's label or id (else: this channel's latest)")
    @app_commands.guild_only()
    async def share_summary(interaction: Interaction, session: str | None = None) -> None:
        await run(interaction, Command.SHARE_SUMMARY, {"session": session} if session else {})

    @share_summary.autocomplete("session")
    async def summary_sessions(interaction: Interaction, current: str) -> list[Choice]:
        if session_list is None:
            return []
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=render.truncate(shown, CHOICE_NAME_LIMIT), value=value)
            for shown, value in await session_list()
            if wanted in shown.lower()
        ][:CHOICES_SHOWN]
