"""A throwaway PostgreSQL cluster for the tests, from the machine's own PostgreSQL binaries.

``initdb`` into a temporary folder, ``pg_ctl start`` listening on 127.0.0.1 on a free port
(password authentication over TCP, durability switched off: nothing here outlives the run),
and ``pg_ctl stop`` and the folder removed at the end. When the caller is root the cluster
runs as an unprivileged user (``postgres`` if it exists, else ``nobody``): PostgreSQL refuses
to run as root. A migrated template database makes a fresh database per test a file copy.

A watchdog process stops the cluster and removes its folder if the test run dies without
doing so itself (killed by a timeout, SIGKILL, a closed terminal), so no server outlives it.

``CONSULTBOT_TEST_DATABASE_URL`` points the tests at an existing server instead (a role that
may create databases); nothing is started then.

``python -m tests.db.cluster --find`` prints the binaries' folder, or says in one line that
there are none and exits 1 (the Makefile asks it).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
ADMIN_USER = "consultbot"
NOT_FOUND = (
    "no PostgreSQL binaries found (looked at PG_BINDIR, pg_config, PATH and the usual "
    "folders): install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: "
    "brew install postgresql) or set CONSULTBOT_TEST_DATABASE_URL to a server"
)
_SEARCH = (
    "/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
    "/usr/pgsql-*/bin",  # RHEL, Fedora (PGDG)
    "/opt/homebrew/opt/postgresql*/bin",  # macOS, Homebrew on Apple silicon
    "/usr/local/opt/postgresql*/bin",  # macOS, Homebrew on Intel
    "/Applications/Postgres.app/Contents/Versions/*/bin",
)


def _has_binaries(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", folder)) or (0,)


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres, newest version first; None if none."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for pattern in _SEARCH:
        candidates.extend(Path(p) for p in sorted(glob.glob(pattern), key=_version_key)[::-1])
    return next((c for c in candidates if _has_binaries(c)), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged() -> pwd.struct_passwd | None:
    """Who the server runs as when we are root; None when we aren't."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root, and there is no 'postgres' or 'nobody' user to run as")


class Cluster:
    """A running throwaway cluster; ``url(db)`` addresses one of its databases."""

    def __init__(self, bindir: Path, folder: Path | None = None) -> None:
        self.bindir = bindir
        self.folder = folder or Path(tempfile.mkdtemp(prefix="consultbot-pg-"))
        self.password = secrets.token_urlsafe(16)
        self.port = 0
        self._user = _unprivileged()
        self._watchdog: subprocess.Popen[bytes] | None = None
        self.started_in = 0.0

    def _run(self, *args: str) -> None:
        as_user: dict[str, Any] = {}
        if self._user is not None:
            as_user = {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}
        done = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            cwd=self.folder,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
            check=False,
            timeout=60,
            **as_user,
        )
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()}\n{tail}")

    def start(self) -> Cluster:
        began = time.perf_counter()
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password, encoding="utf-8")
        if self._user is not None:
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
            os.chown(pwfile, self._user.pw_uid, self._user.pw_gid)
        self._run(
            "initdb", "-D", "data", "-U", ADMIN_USER, f"--pwfile={pwfile}", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        for attempt in range(3):
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={self.port}"
                f" -c unix_socket_directories={self.folder}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                " -c max_connections=300 -c shared_buffers=64MB"
            )
            try:
                self._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-t", "30",
                          "-o", options, "start")  # fmt: skip
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        self._watchdog = subprocess.Popen(
            [sys.executable, "-m", "tests.db.cluster", "--watch", str(os.getpid()),
             str(self.bindir), str(self.folder)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives a killed test run, and its process group
        )  # fmt: skip
        self.started_in = time.perf_counter() - began
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{ADMIN_USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, OSError, subprocess.SubprocessError):
                self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._watchdog is not None:
            self._watchdog.terminate()
            self._watchdog.wait(10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch(pid: int, bindir: Path, folder: Path) -> None:
    """Wait for the test run ``pid`` to end, then stop its cluster if it is still there."""
    while _alive(pid) and folder.exists():
        time.sleep(1)
    if folder.exists():
        Cluster(bindir, folder).stop()


class Databases:
    """Creates and drops databases on a server, fresh ones copied from a template."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._admin = psycopg.connect(admin_url, autocommit=True)
        self._made: list[str] = []
        self.prefix = f"cbt_{os.getpid()}_{secrets.token_hex(2)}"
        version = self._admin.info.server_version
        self._strategy = sql.SQL(" STRATEGY = FILE_COPY") if version >= 150000 else sql.SQL("")

    def url(self, dbname: str) -> str:
        """The admin address with another database: ``postgresql://…/dbname``."""
        parts = urlsplit(self.admin_url)
        if parts.scheme in {"postgresql", "postgres"}:
            return urlunsplit(parts._replace(path=f"/{dbname}"))
        params = psycopg.conninfo.conninfo_to_dict(self.admin_url)
        params["dbname"] = dbname
        return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{len(self._made)}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = (
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
                + self._strategy
            )
        self._admin.execute(query)
        self._made.append(name)
        return name

    def drop(self, name: str) -> None:
        self._admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        with contextlib.suppress(ValueError):
            self._made.remove(name)

    def close(self) -> None:
        for name in list(self._made):
            with contextlib.suppress(psycopg.Error):
                self.drop(name)
        self._admin.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--watch"] and len(sys.argv) == 5:
        watch(int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        sys.exit(0)
    if sys.argv[1:] != ["--find"]:
        sys.exit("usage: python -m tests.db.cluster --find")
    found = find_bindir()
    if found is None:
        print(NOT_FOUND, file=sys.stderr)
        sys.exit(1)
    print(found)
