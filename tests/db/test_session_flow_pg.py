"""The end-to-end session flow (tests/core/test_session_flow.py, every test of it) through the
real engine on PostgreSQL instead of SQLite, chosen as in production by
``CONSULTBOT_DATABASE_URL``; and one whole consultation checked in PostgreSQL itself."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from adapters.local.adapter import LocalChannel
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.events import Command, Role
from bot.core.outbound import AnswerPost, FileDelivery, QuestionPost
from bot.engine import Engine
from tests.conftest import TEST_IDENTITY_KEY
from tests.core.test_session_flow import *  # noqa: F403  (the same tests, collected here again)

pytestmark = pytest.mark.postgres


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str) -> Settings:
    return Settings(
        database_path=tmp_path / "never-created.db",
        database_url=postgres_url,
        prompts_dir=DEFAULT_PROMPTS_DIR,
        identity_key=TEST_IDENTITY_KEY,
        reveal_seconds=0,
    )


def _dump(url: str) -> str:
    """Every value in every table, as text: what someone with the database could read."""
    with psycopg.connect(url) as conn:
        tables = [
            t
            for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return "\n".join(
            f"{table}: {row}"
            for table in tables
            for row in conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
        )


async def test_a_whole_consultation_is_kept_in_postgresql_without_platform_ids(
    engine: Engine, settings: Settings
) -> None:
    channel = LocalChannel(engine)
    facilitator = channel.person("facilitator-id-55555", Role.FACILITATOR)
    people = [channel.person(f"user-id-{n}91827364") for n in range(3)]
    await channel.command(facilitator, Command.START_SESSION, **{"question-set": "check-in"})
    question = channel.outbox.of_type(QuestionPost)[-1]
    texts = ["More say in decisions about my life", "I never see my sister", "ok"]
    posts = []
    for person, text in zip(people, texts, strict=True):
        post = (await channel.answer(person, question, text, quote_ok=True))[0]
        assert isinstance(post, AnswerPost)
        posts.append(post)
    assert len({p.alias for p in posts}) == 3
    await channel.press(people[1], posts[0].reactions[0])
    await channel.press(people[2], posts[0].reactions[0])
    await channel.command(facilitator, Command.END_SESSION)
    delivery = channel.outbox.of_type(FileDelivery)[-1]
    files = {f.name.rsplit(".", 1)[1]: f.content for f in delivery.files}
    digest = json.loads(files["json"])
    first = digest["questions"][0]["answers"][0]
    assert (first["text"], first["alias"]) == (texts[0], posts[0].alias)  # most agreed first
    assert {r["emoji"]: r["count"] for r in first["reactions"]}[posts[0].reactions[0].emoji] == 2

    assert settings.database_url is not None
    assert not settings.database_path.exists()  # nothing went to SQLite
    dump = _dump(settings.database_url)
    assert dump.count(texts[0]) == 1  # the answer itself is stored, once
    for person in people:
        assert person.user_id not in dump  # who wrote what is kept only encrypted
    staff_lines = [line for line in dump.splitlines() if "facilitator-id-55555" in line]
    assert staff_lines and all(line.startswith("audit_log: ") for line in staff_lines)
