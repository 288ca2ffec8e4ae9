"""Several real bot processes behind a load balancer, on 127.0.0.1: for the replica tests and
``bench/replicas.py``.

``RoundRobin`` is a tiny HTTP load balancer: each request to it goes to the next backend in
turn, body and headers (Slack's signature among them) unchanged, and the backend's answer
comes back as it was. It counts what each backend got.

``BotProcess`` runs ``consultbot run …`` (``python -m bot.cli``) as a child process with the
environment given, its output in a log file, and waits until it listens (Slack HTTP mode) or
has said a given line. ``stop`` ends it with SIGTERM, ``kill`` with SIGKILL (a crash).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, web

ROOT = Path(__file__).resolve().parents[2]
_PASSED_ON = ("content-type", "x-slack-signature", "x-slack-request-timestamp")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RoundRobin:
    """``async with RoundRobin([url_a, url_b]) as lb:`` then send to ``lb.url + path``."""

    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self.sent: Counter[str] = Counter()
        self._turn = itertools.cycle(range(len(self.backends)))
        self._session: ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> RoundRobin:
        self._session = ClientSession(timeout=ClientTimeout(total=30))
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        backend = self.backends[next(self._turn)]
        self.sent[backend] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() in _PASSED_ON}
        async with self._session.request(
            request.method, backend + request.path_qs, data=await request.read(), headers=headers
        ) as answer:
            body = await answer.read()
            passed = {"Content-Type": answer.headers.get("Content-Type", "text/plain")}
            return web.Response(status=answer.status, body=body, headers=passed)


class BotProcess:
    """One ``consultbot run`` child process."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *argv],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @classmethod
    def slack_http(cls, env: Mapping[str, str], port: int, log: Path) -> BotProcess:
        return cls(["run", "--platform", "slack", "--http", "--port", str(port)], env, log)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"the bot process stopped ({self.process.returncode}):\n{self.output()}"
            )

    async def listening(self, port: int, within: float = 90.0) -> None:
        """Wait until it accepts connections on ``port`` (it could fail to start: then say why)."""
        async with asyncio.timeout(within):
            while True:
                self._check_alive()
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    await asyncio.sleep(0.1)
                    continue
                writer.close()
                await writer.wait_closed()
                return

    async def said(self, text: str, within: float = 90.0) -> None:
        """Wait until ``text`` appears in its output."""
        async with asyncio.timeout(within):
            while text not in self.output():
                self._check_alive()
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no clean-up, like a crash or a lost machine."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log_file.close()
