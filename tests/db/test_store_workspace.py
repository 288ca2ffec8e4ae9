"""Contract: the staff workspace's sign-in links, browser sessions and alert list, on every
backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.records import AlertKind, BrowserSession, SignInLink
from bot.core.store import Store
from tests.db.builders import T0, alert, session


def link(token_hash: str, *, user: str = "U1", minutes: int = 0) -> SignInLink:
    created = T0 + timedelta(minutes=minutes)
    return SignInLink(
        token_hash=token_hash,
        platform="slack",
        user_id=user,
        roles=("facilitator", "staff"),
        created_at=created,
        expires_at=created + timedelta(minutes=10),
    )


async def test_a_link_reads_back_and_is_used_once(store: Store) -> None:
    await store.add_sign_in_link(link("h1"))
    assert await store.sign_in_link("h1") == link("h1")
    assert await store.sign_in_link("nope") is None
    at = T0 + timedelta(minutes=3)
    used = await asyncio.gather(*(store.use_sign_in_link("h1", at) for _ in range(4)))
    assert sorted(used) == [False, False, False, True]
    again = await store.sign_in_link("h1")
    assert again is not None and again.used_at == at
    assert not await store.use_sign_in_link("nope", at)


async def test_an_expired_link_is_never_used(store: Store) -> None:
    await store.add_sign_in_link(link("h1"))
    assert not await store.use_sign_in_link("h1", T0 + timedelta(minutes=10))
    stored = await store.sign_in_link("h1")
    assert stored is not None and stored.used_at is None


async def test_links_are_counted_per_person_since_a_time(store: Store) -> None:
    for minute, user in ((0, "U1"), (4, "U1"), (8, "U1"), (8, "U2")):
        await store.add_sign_in_link(link(f"h{minute}{user}", user=user, minutes=minute))
    assert await store.sign_in_links_since("slack", "U1", T0 + timedelta(minutes=4)) == 2
    assert await store.sign_in_links_since("slack", "U2", T0) == 1
    assert await store.sign_in_links_since("discord", "U1", T0) == 0


async def test_links_long_expired_are_forgotten_when_a_new_one_is_made(store: Store) -> None:
    await store.add_sign_in_link(link("old"))
    await store.add_sign_in_link(link("new", minutes=60 * 25))
    assert await store.sign_in_link("old") is None
    assert await store.sign_in_link("new") is not None


async def test_a_browser_session_reads_back_and_ends_once(store: Store) -> None:
    browser = BrowserSession(
        token_hash="c1",
        platform="discord",
        user_id="123",
        roles=("safeguarding-lead",),
        created_at=T0,
        expires_at=T0 + timedelta(hours=8),
    )
    await store.start_browser_session(browser)
    assert await store.browser_session("c1") == browser
    assert await store.browser_session("nope") is None
    at = T0 + timedelta(hours=1)
    assert await store.end_browser_session("c1", at)
    assert not await store.end_browser_session("c1", at)
    ended = await store.browser_session("c1")
    assert ended is not None and ended.ended_at == at


async def test_recent_alerts_come_newest_first(store: Store) -> None:
    await store.create_session(session("s1"))
    await store.create_alert(alert("a1", minutes=1))
    await store.create_alert(alert("a3", minutes=3))
    await store.create_alert(alert("w2", session_id=None, kind=AlertKind.WORRIED, minutes=2))
    assert [a.id for a in await store.recent_alerts(10)] == ["a3", "w2", "a1"]
    assert [a.id for a in await store.recent_alerts(1)] == ["a3"]
