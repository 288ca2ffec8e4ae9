"""The baseline: a bare slack-bolt app in HTTP mode that only acknowledges.

It acks every view submission at once and then sends one ephemeral "thanks", the least any
bot must do, with slack_sdk's defaults. ``bench.slack_burst`` runs it in a child process on
the same fake Slack and load as consultbot.

    python -m bench.bare_slack PORT API_URL SIGNING_SECRET
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient


async def main(port: int, api_url: str, secret: str) -> None:
    client = AsyncWebClient(token="xoxb-bench", base_url=api_url)
    app = AsyncApp(client=client, signing_secret=secret, name="bare")

    @app.view("cb-answer")
    async def submitted(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user = str(body.get("user", {}).get("id", ""))
        await client.chat_postEphemeral(channel="C0GROUP001", user=user, text="Thanks")

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
