"""What only PostgreSQL has: its migrations, its errors, job leases shared by live processes,
and wake-ups by LISTEN/NOTIFY. (Everything both backends share is in the contract suite.)"""

from __future__ import annotations

import asyncio
import inspect
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from bot.core import store as store_module
from bot.core.errors import ConfigError, StorageError
from bot.core.records import RERUN, JobKind, JobState
from bot.core.store import Store
from bot.scheduling.runner import RERUN_AFTER_CRASH
from db.postgres import PostgresStore
from db.postgres.actions import PostgresActions
from db.postgres.answers import PostgresAnswers
from db.postgres.audit import PostgresAudit
from db.postgres.codebook import PostgresCodebook
from db.postgres.end_check import PostgresEndCheck
from db.postgres.jobs import PostgresJobs
from db.postgres.keys import PostgresKeys
from db.postgres.migrate import latest_version
from db.postgres.participants import PostgresParticipants
from db.postgres.replicas import PostgresReplicas
from db.postgres.retention import PostgresRetention
from db.postgres.safeguarding import PostgresSafeguarding
from db.postgres.sessions import PostgresSessions
from db.postgres.summaries import PostgresSummaries
from db.postgres.workspace import PostgresWorkspace
from tests.db.builders import answer, job, participant, session
from tests.db.conftest import TEST_LEASE

pytestmark = pytest.mark.postgres

MIXINS: dict[Any, type] = {
    store_module.SessionStore: PostgresSessions,
    store_module.ParticipantStore: PostgresParticipants,
    store_module.AnswerStore: PostgresAnswers,
    store_module.JobStore: PostgresJobs,
    store_module.SafeguardingStore: PostgresSafeguarding,
    store_module.RetentionStore: PostgresRetention,
    store_module.AuditStore: PostgresAudit,
    store_module.KeyStore: PostgresKeys,
    store_module.CodebookStore: PostgresCodebook,
    store_module.WorkspaceStore: PostgresWorkspace,
    store_module.ReplicaStore: PostgresReplicas,
    store_module.ActionStore: PostgresActions,
    store_module.EndCheckStore: PostgresEndCheck,
    store_module.SummaryStore: PostgresSummaries,
}
LEASE = TEST_LEASE.total_seconds()


def _own_methods(cls: type) -> set[str]:
    return {n for n, v in vars(cls).items() if inspect.isfunction(v) and not n.startswith("_")}


def test_each_postgres_module_implements_one_capability_with_the_same_signatures() -> None:
    capabilities = {b for b in Store.__mro__[1:] if b.__module__ == store_module.__name__}
    assert capabilities == set(MIXINS)  # a new capability needs a PostgreSQL module too
    for protocol, mixin in MIXINS.items():
        assert _own_methods(mixin) == _own_methods(protocol), mixin.__name__
        for name in _own_methods(protocol):
            ours = getattr(PostgresStore, name)
            assert getattr(mixin, name) is ours, name
            assert inspect.iscoroutinefunction(ours), name
            assert inspect.signature(ours) == inspect.signature(getattr(protocol, name)), name


async def _version(url: str) -> int:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute("SELECT version FROM consultbot_schema")
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_a_new_database_is_migrated_once_even_by_several_processes_at_once(
    empty_postgres_url: str,
) -> None:
    stores = await asyncio.gather(*(PostgresStore.open(empty_postgres_url) for _ in range(4)))
    assert sorted(s.upgraded_from for s in stores) == [0, *[latest_version()] * 3]
    assert {s.schema_version for s in stores} == {latest_version()}
    assert await _version(empty_postgres_url) == latest_version()
    for opened in stores:
        await opened.close()


async def test_a_database_newer_than_the_code_is_refused_with_both_versions(
    fresh_postgres_url: str,
) -> None:
    async with await psycopg.AsyncConnection.connect(fresh_postgres_url, autocommit=True) as c:
        await c.execute("UPDATE consultbot_schema SET version = 99")
    with pytest.raises(StorageError) as refused:
        await PostgresStore.open(fresh_postgres_url)
    assert f"schema version 99, newer than this code ({latest_version()})" in str(refused.value)
    assert await _version(fresh_postgres_url) == 99  # nothing was touched


def _with_password(url: str, password: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(url)
    params["password"] = password
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})


async def test_a_wrong_password_names_the_setting_and_host_but_not_the_password(
    postgres_url: str,
) -> None:
    url = _with_password(postgres_url, "not-the-Secret-42")
    with pytest.raises(ConfigError) as failed:
        await PostgresStore.open(url)
    message = str(failed.value)
    assert "CONSULTBOT_DATABASE_URL" in message and "127.0.0.1" in message
    assert "password authentication failed" in message
    assert "not-the-Secret-42" not in message and "\n" not in message


async def test_nothing_listening_names_the_setting_and_host_but_not_the_password() -> None:
    url = "postgresql://consultbot:Secret-99@127.0.0.1:9/consultbot"  # port 9: discard
    with pytest.raises(ConfigError) as failed:
        await PostgresStore.open(url)
    message = str(failed.value)
    assert message.startswith("config CONSULTBOT_DATABASE_URL: cannot connect to PostgreSQL at")
    assert "127.0.0.1:9/consultbot" in message and "refused" in message.lower()
    assert "Secret-99" not in message and "\n" not in message


async def test_a_nul_in_an_answer_is_kept_as_a_replacement_character(postgres_url: str) -> None:
    store = await PostgresStore.open(postgres_url)
    await store.create_session(session("s1"))
    written = await answer(store, await participant(store), "before\x00after")
    stored = await store.answer(written.id)
    assert stored is not None and stored.text == "before\ufffdafter"
    await store.close()


# -- leases ----------------------------------------------------------------------------------


async def _open(url: str, **options: Any) -> PostgresStore:
    return await PostgresStore.open(url, lease=TEST_LEASE, **options)


async def _state(url: str, job_id: str) -> tuple[str, str | None]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute("SELECT state, claimed_by FROM jobs WHERE id = %s", (job_id,))
        row = await cursor.fetchone()
    assert row is not None
    return row[0], row[1]


async def test_restarting_does_not_take_a_live_process_s_running_job(postgres_url: str) -> None:
    live = await _open(postgres_url)
    await live.add_jobs([job("j1", 0, JobKind.REMIND)])
    assert await live.claim_job("j1")
    await asyncio.sleep(LEASE * 1.6)  # longer than a lease: it is renewed while it runs
    restarted = await _open(postgres_url)
    assert await restarted.recover_interrupted_jobs(RERUN_AFTER_CRASH) == (0, 0)
    assert await _state(postgres_url, "j1") == ("running", live.owner)
    await live.finish_job("j1", JobState.DONE)
    assert await _state(postgres_url, "j1") == ("done", live.owner)
    await live.close()
    await restarted.close()


async def test_a_live_process_takes_over_a_dead_one_s_job_without_restarting(
    postgres_url: str,
) -> None:
    survivor = await _open(postgres_url)
    assert await survivor.recover_interrupted_jobs(RERUN_AFTER_CRASH) == (0, 0)
    doomed = await _open(postgres_url)
    await doomed.add_jobs([job("advance", 0, JobKind.ADVANCE), job("nudge", 0, JobKind.NUDGE)])
    assert await doomed.claim_job("advance") and await doomed.claim_job("nudge")
    await doomed.close()  # dies: its leases are no longer renewed
    deadline = asyncio.get_running_loop().time() + LEASE * 5
    while (await _state(postgres_url, "advance"))[0] != "pending":
        assert asyncio.get_running_loop().time() < deadline, "the lease was never taken over"
        await asyncio.sleep(0.05)
    (requeued,) = await survivor.pending_jobs()
    assert (requeued.id, requeued.subject) == ("advance", RERUN)
    assert (await _state(postgres_url, "nudge"))[0] == "dropped"
    assert await survivor.claim_job("advance")
    await survivor.close()


async def test_a_batch_reserved_by_a_live_process_is_left_to_it_until_it_expires(
    postgres_url: str,
) -> None:
    first = await _open(postgres_url)
    other = await _open(postgres_url)
    await first.add_jobs([job("j1"), job("j2")])
    now = datetime.now(UTC) + timedelta(days=3650)
    assert [j.id for j in await first.due_jobs(now)] == ["j1", "j2"]
    assert await other.due_jobs(now) == []  # reserved for the first process
    assert not await other.claim_job("j1")
    assert await first.claim_job("j1")
    await first.close()  # dies holding the reservation of j2, which never started
    await asyncio.sleep(LEASE + 0.2)
    assert [j.id for j in await other.due_jobs(now)] == ["j2"]  # free again, still pending
    assert await other.claim_job("j2")
    await other.close()


async def test_a_late_finish_does_not_undo_a_takeover(postgres_url: str) -> None:
    slow = await _open(postgres_url)
    await slow.add_jobs([job("j1", 0, JobKind.CLOSE)])
    assert await slow.claim_job("j1")
    slow._lease.running.clear()  # as if the process froze: its lease is not renewed
    await asyncio.sleep(LEASE + 0.2)
    other = await _open(postgres_url)
    assert await other.recover_interrupted_jobs(RERUN_AFTER_CRASH) == (1, 0)
    assert await other.claim_job("j1")
    await slow.finish_job("j1", JobState.DROPPED)  # wakes up late: must not overwrite
    assert await _state(postgres_url, "j1") == ("running", other.owner)
    await other.finish_job("j1", JobState.DONE)
    assert await _state(postgres_url, "j1") == ("done", other.owner)
    await slow.close()
    await other.close()


# -- wake-ups --------------------------------------------------------------------------------


async def test_jobs_added_or_moved_by_another_process_wake_this_one(postgres_url: str) -> None:
    woken: asyncio.Queue[datetime] = asyncio.Queue()
    listening = await _open(postgres_url, wake=woken.put_nowait)
    writer = await _open(postgres_url)  # `consultbot schedule add`, or another replica
    soon = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    await writer.add_jobs([job("later", due_at=soon + timedelta(hours=1)), job("j", due_at=soon)])
    assert await asyncio.wait_for(woken.get(), 5) == soon  # one wake-up: the earliest
    await writer.reschedule_jobs([("later", soon + timedelta(minutes=5))])
    assert await asyncio.wait_for(woken.get(), 5) == soon + timedelta(minutes=5)
    assert await writer.claim_job("j")  # claiming wakes nobody
    await writer.finish_job("j", JobState.DONE)
    await asyncio.sleep(0.3)
    assert woken.empty()
    await writer.close()
    await listening.close()


async def test_a_full_batch_wakes_the_other_processes_to_share_the_rest(
    postgres_url: str,
) -> None:
    woken: asyncio.Queue[datetime] = asyncio.Queue()
    helper = await _open(postgres_url, wake=woken.put_nowait)
    busy = await _open(postgres_url, batch=5)
    await busy.add_jobs([job(f"j{n}") for n in range(12)])
    await asyncio.wait_for(woken.get(), 5)  # the insert itself
    assert len(await busy.due_jobs(datetime.now(UTC) + timedelta(days=3650))) == 5
    await asyncio.wait_for(woken.get(), 5)  # "there is more": the helper looks now
    assert len(await helper.due_jobs(datetime.now(UTC) + timedelta(days=3650))) == 7
    await busy.close()
    await helper.close()
