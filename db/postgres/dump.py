"""``consultbot db backup FILE`` on PostgreSQL: run the server's own ``pg_dump``.

consultbot does not imitate a PostgreSQL backup: it runs ``pg_dump --format=custom`` (one
consistent snapshot, taken while the bot keeps writing) when ``pg_dump`` is on the PATH, and
otherwise says in one line to install it. The dump is written to a hidden file in the
target's folder (0600), checked by ``pg_restore --list`` when that is there too, then given
its name without ever replacing a file, like the SQLite backup. The password goes to
``pg_dump`` in its environment (``PGPASSWORD``), never on its command line, where any user
of the machine could read it; nothing ``pg_dump`` says is shown with the password in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bot.core.errors import ConsultbotError, StorageError
from db.postgres.tools import check_database
from db.postgres.url import reason, where

DUMP_TIMEOUT_SECONDS = 3600
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


@dataclass(frozen=True, slots=True, kw_only=True)
class Dumped:
    where: str
    schema_version: int
    tool: str  # the pg_dump that wrote it, for the operator's record


def _without_password(url: str) -> tuple[str, dict[str, str]]:
    """The address for the command line, and the environment that carries the password."""
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**{k: str(v) for k, v in params.items() if v is not None}), env


async def _run(argv: list[str], env: dict[str, str], url: str) -> tuple[str, str]:
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), DUMP_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise StorageError(f"{Path(argv[0]).name} took over an hour and was stopped") from None
    if process.returncode != 0:
        said = err.decode(errors="replace").strip().splitlines() or ["no reason given"]
        name = Path(argv[0]).name
        raise StorageError(f"{name} failed for {where(url)}: {reason(url, Exception(said[0]))}")
    return out.decode(errors="replace"), err.decode(errors="replace")


def _reserve(target: Path) -> Path:
    """A new private file beside ``target`` for pg_dump to write."""
    target.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    return tmp


def _place(tmp: Path, target: Path) -> None:
    """On disk, then named, never replacing a file that appeared meanwhile."""
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.link(tmp, target)


async def dump_database(url: str, target: Path) -> Dumped:
    """A custom-format ``pg_dump`` of ``url`` to ``target`` (a new file, 0600)."""
    if await asyncio.to_thread(target.exists):
        raise FileExistsError(target)
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise ConsultbotError(
            "a PostgreSQL backup is pg_dump's job and pg_dump is not on the PATH: install "
            "the PostgreSQL client (Debian/Ubuntu: apt-get install postgresql-client), or "
            "use your organisation's PostgreSQL backups (docs/postgresql.md)"
        )
    health = await check_database(url)  # reachable, and not newer than this code
    address, env = _without_password(url)
    tmp = await asyncio.to_thread(_reserve, target)
    try:
        version, _ = await _run([pg_dump, "--version"], env, url)
        await _run(
            [pg_dump, "--format=custom", "--no-password", f"--file={tmp}", f"--dbname={address}"],
            env,
            url,
        )
        if pg_restore := shutil.which("pg_restore"):
            await _run([pg_restore, "--list", str(tmp)], env, url)  # readable, whole
        await asyncio.to_thread(_place, tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(tmp.unlink)
    return Dumped(where=health.where, schema_version=health.schema_version, tool=version.strip())
