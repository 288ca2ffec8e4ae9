"""The Slack Web API client, and the one place a Slack failure becomes ``DeliveryFailed``.

slack_sdk opens (and closes) a new HTTP connection for every call unless it is given a
session; ``pooled_session`` is the one the adapter gives it, so calls reuse kept-alive
connections (and the ``response_url`` replies share it). slack_sdk retries only dropped
connections by default; ``make_client`` also retries 429s
(after ``Retry-After``) and 5xx. Whatever still fails (``SLACK_FAILURES``) is mapped by
``delivery_failed`` to a hint a facilitator can act on (``not_in_channel`` → invite me, with
the channel linked) and never carries message text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.settings import SlackSettings
from bot.core.errors import DeliveryFailed

SLACK_FAILURES = (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError)
"""What a Web API call may raise once the client's own retries are spent."""

# Slack refuses a post in a channel for these; a direct message still works
CHANNEL_REFUSED = frozenset({"not_in_channel", "channel_not_found", "user_not_in_channel"})


def pooled_session() -> aiohttp.ClientSession | None:
    """One session whose connections are kept alive and shared by every call; ``None``
    outside a running event loop (then slack_sdk makes one per call, as it does by default).
    Whoever made it closes it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    # Slack's own per-method rate limits, not the pool, are what bound the calls in flight.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100, limit_per_host=0))


def make_client(
    settings: SlackSettings, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client that retries 429s (after ``Retry-After``), 5xx and dropped
    connections (a kept-alive connection the server closed is one); slack_sdk retries only
    connection errors by default."""
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url, session=session)
    client.retry_handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]
    return client


def delivery_failed(exc: Exception, channel_id: str | None) -> DeliveryFailed:
    where = f"<#{channel_id}>" if channel_id and channel_id[0] in "CG" else "that channel"
    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error", "unknown_error"))
        if error in {"not_in_channel", "channel_not_found"}:
            return DeliveryFailed(
                f"I can't post in {where} yet. Please invite me to {where} with "
                "/invite @consultbot, then try again."
            )
        if error == "is_archived":
            return DeliveryFailed(f"{where} is archived, so I can't post there.")
        if error == "ratelimited" or exc.response.status_code == 429:
            return DeliveryFailed(
                "Slack is busy right now. Please try again in a minute.", transient=True
            )
        return DeliveryFailed(
            f"Slack didn't accept that message ({error}). Please try again, or ask whoever "
            "set up consultbot to check the app's settings."
        )
    return DeliveryFailed(
        "I couldn't reach Slack just now. Please try again in a minute.", transient=True
    )


def slack_error(exc: Exception) -> str | None:
    """Slack's error code (``not_in_channel``…), for the log; ``None`` if not an API error."""
    return str(exc.response.get("error")) if isinstance(exc, SlackApiError) else None


async def call(
    request: Awaitable[AsyncSlackResponse], channel_id: str | None
) -> AsyncSlackResponse:
    """Await a Web API call, raising ``DeliveryFailed`` (about ``channel_id``) if it fails."""
    try:
        return await request
    except SLACK_FAILURES as exc:
        raise delivery_failed(exc, channel_id) from exc
