"""The composition root: the only module that wires the core to ``db/`` and ``adapters/``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.core.errors import ConfigError, StorageError
from bot.core.events import Person, utc_now
from bot.core.ports import JobWaker, Outbox, Screener
from bot.core.store import Store
from bot.digest.delivery import Digests
from bot.digest.json_export import render_json
from bot.digest.retag import CodebookTagging
from bot.engine import Engine, Features
from bot.feedback.card import WordCheck
from bot.feedback.service import Feedback
from bot.heap import collector_paused, give_back
from bot.language.glossary import Glossary, load_glossary
from bot.language.startup import GLOSSARY_FILE, check_question_sets
from bot.questions.loader import load_question_sets
from bot.questions.model import QuestionSet
from bot.safeguarding.desk import DeskSettings, SafeguardingDesk
from bot.safeguarding.held import HeldAnswers
from bot.safeguarding.keys import (
    IDENTITY,
    SAFEGUARDING,
    Rotation,
    check_keys,
    rotate_identity_key,
    rotate_safeguarding_key,
)
from bot.safeguarding.mail import NoMailer, SmtpMailer
from bot.safeguarding.screen_loading import LazyScreen, load_screen
from bot.safeguarding.scrub import Scrubber
from bot.safeguarding.vault import IdentityVault
from bot.scheduling.runner import JobRunner
from bot.scheduling.timers import NoWaker, Timers
from bot.sessions.answers import Answers
from bot.sessions.directory import AnswerRules, SessionDirectory
from bot.sessions.lifecycle import Lifecycle
from bot.sessions.notices import Notices, load_notices
from bot.sessions.reactions import Reactions
from bot.sessions.retention import Retention
from bot.sessions.reveal import Reveal
from bot.signin.grants import grants_from_env
from bot.signin.links import SignIn
from bot.tagging.codebook import Codebook, load_codebook
from bot.tagging.corrections import TagCorrections
from bot.tagging.tagger import Tagger
from db.sqlite import SqliteStore

if TYPE_CHECKING:
    from aiohttp.web import AppRunner

    from bot.web.workspace import ChatLink, Workspace
    from db.postgres import PostgresStore

THEMES_FILE = "themes.toml"
SAFEGUARDING_FILE = "safeguarding.toml"
FIRST_NAMES_FILE = "first-names.txt"


@dataclass(frozen=True, slots=True, kw_only=True)
class Runtime:
    engine: Engine
    jobs: JobRunner
    store: Store


@dataclass(frozen=True, slots=True, kw_only=True)
class DataFiles:
    """Every data file the bot runs on, read and checked."""

    question_sets: Mapping[str, QuestionSet]
    codebook: Codebook
    notices: Notices
    screen: Screener
    scrubber: Scrubber
    language_notes: Mapping[str, tuple[str, ...]]  # set id -> warnings for its facilitator
    glossary: Glossary = field(default_factory=lambda: Glossary(terms=()))  # words to avoid


def load_data_files(settings: Settings, *, screen_now: bool = True) -> DataFiles:
    """Read and check every data file (a ``DataFileError`` names the file and the field);
    without ``screen_now`` the disclosure screen is built only when first needed."""
    prompts, cache = settings.prompts_dir, settings.cache_dir
    screen_file = prompts / SAFEGUARDING_FILE
    question_sets = load_question_sets(prompts)
    codebook = load_codebook(prompts / THEMES_FILE, cache)
    notices = load_notices(prompts)
    screen = load_screen(screen_file, cache) if screen_now else LazyScreen(screen_file, cache)
    scrubber = Scrubber.from_file(prompts / FIRST_NAMES_FILE, cache_dir=cache)
    glossary = _glossary(prompts)  # read once: the question sets are checked against it
    return DataFiles(
        question_sets=question_sets,
        codebook=codebook,
        notices=notices,
        screen=screen,
        scrubber=scrubber,
        language_notes=check_question_sets(prompts, glossary),
        glossary=glossary,
    )


def _glossary(prompts_dir: Path) -> Glossary:
    path = prompts_dir / GLOSSARY_FILE
    return load_glossary(path) if path.exists() else Glossary(terms=())


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    waker: JobWaker | None = None,
    data: DataFiles | None = None,
) -> AsyncIterator[Runtime]:
    """Load and validate every data file (unless given; the disclosure screen is then built
    at the first answer), open the store, check the keys, and yield a ready engine and the
    runner of its timed jobs.

    Data files and settings are checked before the database is touched, so a malformed file
    fails fast with nothing half-written; once the store is open it is closed on every way
    out (its thread would otherwise keep the process alive)."""
    data = data or load_data_files(settings, screen_now=False)
    vault = IdentityVault(settings.safeguarding_key)
    store = await open_store(settings, waker)
    try:
        await check_keys(store, _keys(settings), database=_where(settings))
        engine, jobs = _compose(
            settings,
            store=store,
            data=data,
            vault=vault,
            clock=clock,
            rng=rng,
            waker=waker or NoWaker(),
        )
        yield Runtime(engine=engine, jobs=jobs, store=store)
    finally:
        await store.close()


async def open_store(
    settings: Settings, waker: JobWaker | None = None
) -> SqliteStore | PostgresStore:
    """SQLite by default; PostgreSQL when ``CONSULTBOT_DATABASE_URL`` is set (its job
    wake-ups from other processes go to ``waker``)."""
    if not settings.database_url:
        return await SqliteStore.open(settings.database_path)
    try:
        from db.postgres import PostgresStore
    except ModuleNotFoundError as e:  # psycopg is the optional extra "postgres"
        need = "needs PostgreSQL support: pip install 'consultbot[postgres]'"
        raise ConfigError("CONSULTBOT_DATABASE_URL", need) from e
    return await PostgresStore.open(settings.database_url, wake=waker.wake if waker else None)


def _keys(settings: Settings) -> dict[str, bytes]:
    return {IDENTITY: settings.identity_key, SAFEGUARDING: settings.safeguarding_key}


def _where(settings: Settings) -> str:
    """The database, for messages: the SQLite file, or "the PostgreSQL database"."""
    return "the PostgreSQL database" if settings.database_url else str(settings.database_path)


def _compose(
    settings: Settings,
    *,
    store: Store,
    data: DataFiles,
    vault: IdentityVault,
    clock: Callable[[], datetime],
    rng: random.Random | None,
    waker: JobWaker,
) -> tuple[Engine, JobRunner]:
    """Build every feature and the engine over them: the one place they meet."""
    question_sets, codebook, notices = data.question_sets, data.codebook, data.notices
    screen, scrubber = data.screen, data.scrubber
    rng = rng or random.Random(secrets.randbits(64))
    theme_labels = {theme.id: theme.label for theme in codebook.themes}
    timers = Timers(
        store=store, zone=settings.time_zone, reminders=settings.reminders, clock=clock, waker=waker
    )
    desk = SafeguardingDesk(
        store=store,
        vault=vault,
        mailer=SmtpMailer(settings.smtp) if settings.smtp else NoMailer(),
        settings=DeskSettings(
            escalate_after=timedelta(minutes=settings.escalate_minutes),
            lead_email=settings.lead_email,
            deputy_email=settings.deputy_email,
        ),
        clock=clock,
        waker=waker,
    )
    directory = SessionDirectory(
        store=store,
        question_sets=question_sets,
        notices=notices,
        rules=AnswerRules(
            identity_key=settings.identity_key,
            max_answer_chars=settings.max_answer_chars,
            reveal_seconds=settings.reveal_seconds,
            retention_days=settings.retention_days,
        ),
        clock=clock,
    )
    reveal = Reveal(store=store, directory=directory, waker=waker, rng=rng)
    tagger = Tagger(codebook, cache_dir=settings.cache_dir)
    digests = Digests(
        store=store,
        question_sets=question_sets,
        theme_labels=theme_labels,
        audit=desk,
        zone=settings.time_zone,
        tagging=CodebookTagging.from_codebook(codebook, tagger),
        actions=store,
        clock=clock,
    )

    async def snapshot(session_id: str) -> str:
        return render_json(await digests.digest(session_id))

    features = Features(
        directory=directory,
        answers=Answers(
            store=store,
            directory=directory,
            tagger=tagger,
            screener=screen,
            scrubber=scrubber,
            desk=desk,
            reveal=reveal,
            rng=rng,
        ),
        reactions=Reactions(store=store, directory=directory),
        lifecycle=Lifecycle(
            store=store,
            directory=directory,
            timers=timers,
            reveal=reveal,
            handover=digests.to_staff_once,
            set_notes=data.language_notes,
        ),
        digests=digests,
        retention=Retention(store=store, directory=directory, snapshot=snapshot, audit=desk),
        corrections=TagCorrections(store=store, theme_labels=theme_labels),
        timers=timers,
        desk=desk,
        signin=SignIn(store=store, audit=desk, base_url=settings.web.base_url(), clock=clock),
        feedback=Feedback(
            store=store,
            theme_labels=theme_labels,
            young_labels={t.id: t.label_for_young_people for t in data.codebook.themes},
            words=WordCheck(data.glossary),
            audit=desk,
            clock=clock,
            waker=waker,
            facilitators=directory.facilitators,
            zone=settings.time_zone,
        ),
        held=HeldAnswers(store=store, desk=desk),
    )
    engine = Engine(store=store, features=features)
    return engine, JobRunner(work=engine, store=store, timers=timers, clock=clock)


@asynccontextmanager
async def open_engine(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
) -> AsyncIterator[Engine]:
    """Just the engine (tests, the command line): see ``open_runtime``."""
    async with open_runtime(settings, clock=clock, rng=rng) as runtime:
        yield runtime.engine


async def rotate_key(
    settings: Settings, which: str, *, confirm: bool, old_safeguarding_key: bytes | None
) -> Rotation:
    """``consultbot keys rotate``: see ``bot.safeguarding.keys``. The other key must be the
    one the database was set up with."""
    path = settings.database_path
    if not settings.database_url and not path.is_file():
        raise StorageError(f"there is no database at {path}: nothing to re-key")
    store = await open_store(settings)
    try:
        await check_keys(store, _keys(settings), database=_where(settings), skip=which)
        if which == IDENTITY:
            return await rotate_identity_key(
                store,
                new_key=settings.identity_key,
                vault=IdentityVault(settings.safeguarding_key),
                confirm=confirm,
                clock=utc_now,
            )
        return await rotate_safeguarding_key(
            store,
            new_key=settings.safeguarding_key,
            old_key=old_safeguarding_key,
            confirm=confirm,
            clock=utc_now,
        )
    finally:
        await store.close()


def workspace_for(
    runtime: Runtime,
    settings: Settings,
    *,
    env: Mapping[str, str],
    chat: ChatLink | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Workspace:
    """The staff workspace over a runtime's features (``bot.web``); ``chat`` when the bot
    runs too, so the lead's decisions reach the chat."""
    from bot.report.cli import codebook_tagger
    from bot.web.workspace import Workspace

    engine = runtime.engine
    return Workspace(
        store=runtime.store,
        signin=engine.signin,
        grants=grants_from_env(env),
        digests=engine.digests,
        reports=engine.reports,
        desk=engine.desk,
        feedback=engine.feedback,
        clock=clock,
        zone=settings.time_zone,
        secure_cookies=settings.web.secure,
        chat=chat,
        tag_notes=codebook_tagger(settings.prompts_dir),
    )


async def serve_workspace(settings: Settings, *, host: str, port: int) -> None:
    """``consultbot web``: the workspace alone, until cancelled."""
    import os

    from bot.web.serve import serving

    async with (
        open_runtime(settings) as runtime,
        serving(workspace_for(runtime, settings, env=os.environ), host=host, port=port),
    ):
        await asyncio.Event().wait()


async def serve_workspace_beside(
    runtime: Runtime, settings: Settings, outbox: Outbox, env: Mapping[str, str]
) -> AppRunner | None:
    """``consultbot run`` with CONSULTBOT_WEB_PORT: the workspace beside the bot, its lead's
    decisions going to the chat through ``outbox``. ``None`` when no port is set."""
    if settings.web.port is None:
        return None
    from bot.web.serve import start
    from bot.web.workspace import ChatLink

    chat = ChatLink(handler=runtime.engine, outbox=outbox)
    workspace = workspace_for(runtime, settings, env=env, chat=chat)
    return await start(workspace, host=settings.web.host, port=settings.web.port)


async def workspace_link(settings: Settings, person: Person) -> str:
    """``consultbot web --link``: a sign-in link made at the server."""
    async with open_runtime(settings) as runtime:
        link = await runtime.engine.signin.make_link(person)
        await runtime.engine.desk.audit("cli", "workspace-link-made", person.platform)
        return link


def configure_logging(level: str) -> None:
    """Plain log lines to stderr. The engine never logs answer text or user ids at any level."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Library loggers can echo request bodies at DEBUG; keep them at INFO or above.
    for noisy in ("discord", "slack_bolt", "slack_sdk", "aiosqlite", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))


async def run_platform(
    settings: Settings, platform: str, *, http: bool, port: int, host: str = "127.0.0.1"
) -> None:
    """Serve one platform until cancelled, with timed jobs (schedules, question timers)
    running on apscheduler. Platform settings are read and checked before anything starts."""
    import os

    with collector_paused():  # while reading and importing (bot.heap)
        data = load_data_files(settings)  # before anything else: a bad file stops us at once
        from bot.scheduling.driver import ApschedulerWaker

        waker = ApschedulerWaker()
        if platform == "discord":
            from adapters.discord.adapter import serve as serve_discord
            from adapters.discord.settings import DiscordSettings

            discord_settings = DiscordSettings.from_env(os.environ)
        elif platform == "slack":
            from adapters.slack.adapter import serve as serve_slack
            from adapters.slack.settings import SlackSettings

            slack_settings = SlackSettings.from_env(os.environ)
        else:
            raise ValueError(f"unknown platform {platform!r}")
    async with open_runtime(settings, waker=waker, data=data) as runtime:
        web_runner: list[AppRunner] = []

        async def start_jobs(outbox: Outbox) -> None:
            runtime.jobs.serve_only(platform)
            await waker.start(runtime.jobs, outbox, runtime.store)
            if not web_runner:
                beside = await serve_workspace_beside(runtime, settings, outbox, os.environ)
                web_runner.extend([beside] if beside is not None else [])
            give_back()  # the start's garbage and freed memory (bot.heap)

        try:
            if platform == "discord":
                await _as_gateway_leader(
                    settings, serve_discord(runtime.engine, discord_settings, on_start=start_jobs)
                )
            else:
                await serve_slack(
                    runtime.engine,
                    slack_settings,
                    http=http,
                    port=port,
                    host=host,
                    on_start=start_jobs,
                    shared=runtime.store,
                )
        finally:
            waker.stop()
            for runner in web_runner:
                await runner.cleanup()


async def _as_gateway_leader(settings: Settings, serve: Coroutine[Any, Any, None]) -> None:
    """On PostgreSQL, serve the Discord gateway only while holding its advisory lock: a
    second process waits as a warm standby and takes over when the leader dies
    (``db.postgres.leader``). On SQLite there is one process, so it just serves."""
    if not settings.database_url:
        await serve
        return
    from db.postgres.leader import Leadership, LeadershipLost, lock_key

    try:
        async with Leadership(settings.database_url, lock_key("discord")).held() as lost:
            serving = asyncio.ensure_future(serve)
            done, _ = await asyncio.wait({serving, lost}, return_when=asyncio.FIRST_COMPLETED)
            if serving not in done:
                serving.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await serving
            for task in done:
                task.result()  # the gateway's own end, or LeadershipLost
    except LeadershipLost as error:
        raise StorageError(str(error)) from error
    finally:
        serve.close()  # never started when we stopped while standing by
