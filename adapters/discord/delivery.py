"""Sending to Discord with retries, and the one place Discord errors become ``DeliveryFailed``
(``deliver``); every send of the outboxes goes through it.

Retries. discord.py retries 429s itself; 5xx and connection errors are retried a bounded
number of times when a retry cannot send twice: channel posts and DMs carry a nonce with
``enforce_nonce``, so Discord drops a repeat. Interaction follow-ups are webhook calls, which
take no nonce, so they are retried only when Discord surely did nothing (a rate limit, no
connection made), never after a 5xx or a dropped connection. (discord.py's webhook client
itself still retries a 5xx up to five times; that is outside the adapter.) Every Discord
error becomes one ``DeliveryFailed`` whose hint names the missing permission
(``convert.delivery_failure``). No mention can ping anyone: ``allowed_mentions`` is empty on
the client and on every send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import aiohttp
import discord

from adapters.discord import convert
from adapters.discord.convert import Needs

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0)

T = TypeVar("T")


async def deliver(
    attempt: Callable[[], Awaitable[T]],
    *,
    needs: Needs,
    channel_id: str | None,
    retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    repeatable: bool = True,
) -> T:
    """Run ``attempt``, retrying transient failures; the one place Discord errors become
    ``DeliveryFailed``. ``repeatable=False`` is for a call Discord cannot de-duplicate
    (a follow-up: webhooks take no nonce): it is retried only when the failure shows
    Discord did nothing, since a 5xx or a dropped connection may come after the send."""
    delays: tuple[float | None, ...] = (*retry_delays, None)
    for delay in delays:
        cause: Exception
        unsent = False  # Discord surely did nothing, so even a follow-up may be retried
        try:
            return await attempt()
        except discord.HTTPException as exc:
            cause = exc
            unsent = exc.status == 429
            failure = convert.delivery_failure(
                status=exc.status, code=exc.code, needs=needs, channel_id=channel_id
            )
        except discord.RateLimited as exc:
            cause, unsent = exc, True
            failure = convert.delivery_failure(
                status=429, code=0, needs=needs, channel_id=channel_id
            )
        except aiohttp.ClientConnectorError as exc:  # before the general clause: a subclass
            cause, unsent = exc, True
            failure = convert.delivery_failure(
                status=None, code=0, needs=needs, channel_id=channel_id
            )
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            cause = exc
            failure = convert.delivery_failure(
                status=None, code=0, needs=needs, channel_id=channel_id
            )
        if not failure.transient or delay is None or not (repeatable or unsent):
            raise failure from cause
        log.warning("Discord failed transiently (%s); retrying in %.1fs", cause, delay)
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
