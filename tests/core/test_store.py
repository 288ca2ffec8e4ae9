"""The SQLite store: migrations, WAL, durability settings, one open session per channel, and
its split into capability Protocols (each method in exactly one, each implemented by one
module with the same signature)."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.core.errors import ChannelBusy, StorageError
from bot.core.records import SessionRecord, SessionStatus
from bot.core.store import (
    ActionStore,
    AnswerStore,
    AuditStore,
    CodebookStore,
    EndCheckStore,
    JobStore,
    KeyStore,
    ParticipantStore,
    ReplicaStore,
    RetentionStore,
    SafeguardingStore,
    SessionStore,
    Store,
    SummaryStore,
    WorkspaceStore,
)
from db.sqlite import SqliteStore
from db.sqlite.actions import SqliteActions
from db.sqlite.answers import SqliteAnswers
from db.sqlite.audit import SqliteAudit
from db.sqlite.codebook import SqliteCodebook
from db.sqlite.end_check import SqliteEndCheck
from db.sqlite.jobs import SqliteJobs
from db.sqlite.keys import SqliteKeys
from db.sqlite.migrate import migration_scripts
from db.sqlite.participants import SqliteParticipants
from db.sqlite.replicas import SqliteReplicas
from db.sqlite.retention import SqliteRetention
from db.sqlite.safeguarding import SqliteSafeguarding
from db.sqlite.sessions import SqliteSessions
from db.sqlite.summaries import SqliteSummaries
from db.sqlite.workspace import SqliteWorkspace

# The split of the store's methods, and the module that implements each capability. A new
# store method goes in exactly one row here.
CAPABILITIES: dict[type, tuple[type, set[str]]] = {
    ReplicaStore: (
        SqliteReplicas,
        {"reaction_tally", "offer_counts", "first_delivery", "forget_delivery"},
    ),
    SessionStore: (
        SqliteSessions,
        {
            "create_session",
            "open_session_in_channel",
            "session",
            "session_summaries",
            "all_session_ids",
            "move_to_question",
            "close_session",
            "session_for_occurrence",
            "mark_digest_delivered",
        },
    ),
    ParticipantStore: (
        SqliteParticipants,
        {
            "consent_participant",
            "find_participant",
            "posts_of_participant",
            "withdraw_participant",
        },
    ),
    AnswerStore: (
        SqliteAnswers,
        {
            "record_answer",
            "answer",
            "record_answer_post",
            "posts_of_answer",
            "answer_for_message",
            "answers_for_session",
            "answers_with_status",
            "set_answer_status",
            "set_reaction",
            "toggle_reaction",
            "has_reaction",
            "reaction_counts",
            "set_tag",
            "session_attendance",
        },
    ),
    JobStore: (
        SqliteJobs,
        {
            "create_schedule",
            "schedule",
            "schedules",
            "cancel_schedule",
            "add_jobs",
            "due_jobs",
            "pending_jobs",
            "claim_job",
            "finish_job",
            "retry_job",
            "recover_interrupted_jobs",
            "session_jobs",
            "cancel_jobs",
            "reschedule_jobs",
            "set_timer_pause",
        },
    ),
    SafeguardingStore: (
        SqliteSafeguarding,
        {
            "identity_of_answer",
            "create_alert",
            "held_answers_without_alert",
            "alert",
            "alerts_for_answer",
            "acknowledge_alert",
            "mark_alert_escalated",
            "alert_deliveries",
            "undelivered_alerts",
            "claim_alert_delivery",
            "extend_alert_hold",
            "alert_delivery_failed",
            "mark_alert_delivered",
        },
    ),
    RetentionStore: (
        SqliteRetention,
        {"sessions_to_purge", "purge_session", "digest_snapshot", "purge_old_alerts"},
    ),
    AuditStore: (SqliteAudit, {"audit", "audit_entries"}),
    KeyStore: (
        SqliteKeys,
        {
            "key_fingerprint",
            "remember_key_fingerprint",
            "sealed_identities",
            "sealed_alerts",
            "rekey_people",
            "reseal_identities",
        },
    ),
    CodebookStore: (SqliteCodebook, {"adopt_codebook", "answers_to_retag", "replace_auto_tags"}),
    WorkspaceStore: (
        SqliteWorkspace,
        {
            "add_sign_in_link",
            "sign_in_link",
            "use_sign_in_link",
            "sign_in_links_since",
            "start_browser_session",
            "browser_session",
            "end_browser_session",
            "recent_alerts",
        },
    ),
    ActionStore: (
        SqliteActions,
        {"create_action", "add_action_update", "action", "actions_for_sessions"},
    ),
    EndCheckStore: (SqliteEndCheck, {"record_end_check", "end_check_counts"}),
    SummaryStore: (SqliteSummaries, {"save_group_summary", "group_summary"}),
}


def _own_methods(cls: type) -> set[str]:
    return {n for n, v in vars(cls).items() if inspect.isfunction(v) and not n.startswith("_")}


def _session(session_id: str, channel: str = "c1") -> SessionRecord:
    return SessionRecord(
        id=session_id,
        platform="local",
        channel_id=channel,
        question_set_id="check-in",
        status=SessionStatus.OPEN,
        current_question=1,
        started_at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC),
        closed_at=None,
    )


async def test_new_database_is_migrated_to_latest_with_wal(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "s.db")
    await store.close()
    async with aiosqlite.connect(tmp_path / "s.db") as db:
        version = await (await db.execute("PRAGMA user_version")).fetchone()
        mode = await (await db.execute("PRAGMA journal_mode")).fetchone()
    assert version is not None and version[0] == len(migration_scripts())
    assert mode is not None and mode[0] == "wal"


async def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "s.db")
    await store.create_session(_session("aaaaaa"))
    await store.close()
    store = await SqliteStore.open(tmp_path / "s.db")
    assert (await store.session("aaaaaa")) is not None
    await store.close()


async def test_one_open_session_per_channel_but_a_closed_one_frees_it(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "s.db")
    await store.create_session(_session("aaaaaa"))
    with pytest.raises(ChannelBusy):
        await store.create_session(_session("bbbbbb"))
    await store.create_session(_session("cccccc", channel="c2"))
    assert await store.close_session("aaaaaa", datetime.now(UTC))
    assert not await store.close_session("aaaaaa", datetime.now(UTC))  # already closed
    await store.create_session(_session("bbbbbb"))
    await store.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "s.db") as db:
        await db.execute("PRAGMA user_version = 999")
    with pytest.raises(StorageError, match="newer than this code"):
        await SqliteStore.open(tmp_path / "s.db")


async def test_a_write_cancelled_mid_transaction_does_not_break_the_store(tmp_path: Path) -> None:
    import asyncio

    store = await SqliteStore.open(tmp_path / "s.db")
    task = asyncio.create_task(store.create_session(_session("aaaaaa")))
    await asyncio.sleep(0)  # let it take the lock and start its BEGIN
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await store.create_session(_session("bbbbbb", channel="c2"))  # later writes still work
    assert await store.session("bbbbbb") is not None
    await store.close()


def test_every_store_method_is_in_exactly_one_capability() -> None:
    for protocol, (_, methods) in CAPABILITIES.items():
        assert _own_methods(protocol) == methods, protocol.__name__
    every = [m for _, methods in CAPABILITIES.values() for m in methods]
    assert len(every) == len(set(every)) == 90
    # Store only combines the capabilities; it adds no method of its own.
    assert set(Store.__mro__) >= set(CAPABILITIES)
    assert _own_methods(Store) == set()
    assert {n for n in dir(Store) if not n.startswith("_")} == set(every)


def test_each_sqlite_module_implements_its_capability_with_the_same_signatures() -> None:
    for protocol, (mixin, methods) in CAPABILITIES.items():
        assert _own_methods(mixin) == methods, mixin.__name__
        for name in methods:
            ours = getattr(SqliteStore, name)
            assert getattr(mixin, name) is ours, name  # no mixin shadows another's method
            assert inspect.iscoroutinefunction(ours), name
            assert inspect.signature(ours) == inspect.signature(getattr(protocol, name)), name
