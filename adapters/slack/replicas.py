"""Running several Slack processes (HTTP mode) behind a load balancer: what they share.

Each replica keeps only what is safe to duplicate in memory; what must agree across them
lives in the database (``bot.core.store.ReplicaStore``), handed in by the composition root:

- **Count updates.** Presses on one answer may land on different replicas, each coalescing
  its own (``EditCoalescer``: one ``chat.update`` at a time per message per process). Every
  ``ReactionCountsChanged`` carries the revision of the counts it holds; before each
  ``chat.update`` a replica offers its counts and shows the newest offered by anyone, and
  after it asks again, showing the newer ones if some arrived meanwhile. Whichever update
  lands last, its sender then sees the newest revision, so the post ends on the stored
  counts (``show_newest``). Two replicas may send the same counts twice: harmless.
- **Events API retries** (a ``reaction_added`` redelivered, perhaps to the other replica):
  the first replica to record the ``event_id`` handles it (``first_delivery``); an in-memory
  LRU in front only saves a database round trip.
- **Safe to duplicate, so left in memory:** the cache of answer posts' blocks (a replica
  without them reads the post back with ``reactions.get``; a button press carries them), the
  user-group lookups for roles (each replica asks Slack; a change shows within the cache's
  lifetime), and the response URLs (each belongs to the request in hand).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from bot.core.outbound import ReactionButton
from bot.core.store import ReplicaStore

Show = Callable[[tuple[ReactionButton, ...]], Awaitable[None]]


def encode(reactions: tuple[ReactionButton, ...]) -> str:
    return json.dumps([[b.emoji, b.label, b.count, b.action_id] for b in reactions])


def decode(payload: str) -> tuple[ReactionButton, ...]:
    return tuple(
        ReactionButton(emoji=str(e), label=str(label), count=int(n), action_id=str(a))
        for e, label, n, a in json.loads(payload)
    )


async def show_newest(
    shared: ReplicaStore,
    answer_id: str,
    revision: int,
    reactions: tuple[ReactionButton, ...],
    show: Show,
) -> int:
    """Show the newest counts any replica has offered for the answer, then again while newer
    ones arrived during the update; return the revision shown last."""
    shown = -1
    payload = encode(reactions)
    while True:
        newest, newest_payload = await shared.offer_counts(answer_id, revision, payload)
        if newest == shown:
            return shown
        if newest != revision:
            revision, payload, reactions = newest, newest_payload, decode(newest_payload)
        await show(reactions)
        shown = revision
