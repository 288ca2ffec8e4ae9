"""Every command, given bad input, says what is wrong in one line on stderr, exits 2, and
leaves nothing half-written: no partial output, no temporary file."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import PROJECT_ROOT, Settings
from tests.core.conftest import session_with_answers

GOOD = '{"text": "my foster carer is great"}\n{"text": "school was hard"}\n'
DEEP = '{"text": "x", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
HUGE_NUMBER = '{"text": "x", "n": ' + "7" * 5000 + "}\n"
SURROGATE = '{"text": "half an emoji \\ud800 here"}\n'
BIG_CSV = "text\nshort\n" + '"' + "y" * (130 * 1024) + '"\n'

# name -> (contents of the input file, its suffix)
INPUTS: dict[str, tuple[str, str]] = {
    "surrogate": (GOOD + SURROGATE, ".jsonl"),
    "deep": (GOOD + DEEP, ".jsonl"),
    "huge-number": (GOOD + HUGE_NUMBER, ".jsonl"),
    "big-csv-field": (BIG_CSV, ".csv"),
}


def _assert_one_line_exit_2(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("consultbot: ") and "Traceback" not in err
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


# screen reads JSON Lines only, so it is not given the CSV cases.
CASES = [
    (command, kind)
    for command in ("tag", "screen", "tag --eval", "screen --eval")
    for kind in sorted(INPUTS)
    if not (command.startswith("screen") and INPUTS[kind][1] == ".csv")
]


@pytest.mark.parametrize(("command", "kind"), CASES)
def test_bad_input_files_are_one_line_and_nothing_is_written(
    command: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, suffix = INPUTS[kind]
    source = tmp_path / f"answers{suffix}"
    source.write_text(text, encoding="utf-8")
    code = main([*command.split(), str(source)])
    captured = capsys.readouterr()
    line = _assert_one_line_exit_2(code, captured.err)
    assert str(source) in line
    assert captured.out == ""  # not the good lines before the bad one either


def test_a_lone_surrogate_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "answers.jsonl"
    source.write_text(GOOD + SURROGATE, encoding="utf-8")
    line = _assert_one_line_exit_2(main(["tag", str(source)]), capsys.readouterr().err)
    assert "line 3" in line


@pytest.fixture
def session_id(cli_env: Settings) -> str:
    return asyncio.run(session_with_answers(cli_env, ("u", "my foster carer is great")))


def _full_disk(folder: Path) -> Path:
    """A name for /dev/full, which refuses every write with "No space left on device". (A
    link in our own folder: code that replaced its target instead of writing to it would
    replace the link, never the device.)"""
    link = folder / "digest.md"
    link.symlink_to("/dev/full")
    return link


@pytest.mark.parametrize(
    "out",
    [
        pytest.param(lambda folder: Path("/proc/nope/digest.md"), id="unwritable"),
        pytest.param(lambda folder: folder, id="a-folder"),
        pytest.param(_full_disk, id="full-disk"),
    ],
)
def test_a_digest_that_cannot_be_written_is_one_line_and_leaves_nothing(
    session_id: str,
    out: Callable[[Path], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "reports").mkdir()
    target = out(tmp_path / "reports")
    code = main(["digest", session_id, "--format", "md", "--out", str(target)])
    _assert_one_line_exit_2(code, capsys.readouterr().err)
    assert _leftovers(tmp_path) == []
    assert not list(Path("/dev").glob(".full*"))
    assert Path("/dev/full").is_char_device()


def test_a_digest_on_a_disk_that_fills_up_leaves_no_temporary_file(
    cli_env: Settings, tmp_path: Path
) -> None:
    """A real partial write: the digest is bigger than the file-size limit the command runs
    under (RLIMIT_FSIZE), as when the disk fills up half way through."""
    import resource

    long_answer = "the care system needs to listen to us properly " * 40
    answers = [(f"p{n}", f"{long_answer} {n}") for n in range(40)]
    session = asyncio.run(session_with_answers(cli_env, *answers))
    target = tmp_path / "out" / "digest.html"
    target.parent.mkdir()
    limit = 64 * 1024

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "digest", session, "--out", str(target)],
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        cwd=PROJECT_ROOT,
        env={**os.environ},
        timeout=60,
    )
    _assert_one_line_exit_2(result.returncode, result.stderr)
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize(
    ("out", "fmt", "problem"),
    [
        ("digest.txt", None, "--format"),
        ("digest.csv", "md", "--format"),
    ],
)
def test_a_digest_format_that_does_not_match_the_file_name_is_refused(
    session_id: str,
    tmp_path: Path,
    out: str,
    fmt: str | None,
    problem: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["digest", session_id, "--out", str(tmp_path / out)]
    if fmt:
        args += ["--format", fmt]
    line = _assert_one_line_exit_2(main(args), capsys.readouterr().err)
    assert problem in line
    assert list(tmp_path.glob("digest*")) == []


@pytest.mark.parametrize(
    ("suffix", "starts"), [("html", b"<!doctype html"), ("json", b"{"), ("md", b"# ")]
)
def test_the_digest_format_follows_the_file_name(
    session_id: str, tmp_path: Path, suffix: str, starts: bytes
) -> None:
    out = tmp_path / f"digest.{suffix}"
    assert main(["digest", session_id, "--out", str(out)]) == 0
    assert out.read_bytes().lstrip().lower().startswith(starts)


def test_demo_to_an_unwritable_folder_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["demo", "--out", "/proc/nope", "--participants", "3"])
    _assert_one_line_exit_2(code, capsys.readouterr().err)


def test_an_unbalanced_brace_in_the_notices_is_one_line_naming_the_notice(
    cli_env: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(cli_env.prompts_dir, prompts)
    notices = prompts / "notices.toml"
    text = notices.read_text(encoding="utf-8")
    notices.write_text(text.replace("Thanks. You can answer", "Thanks {. You can answer"), "utf-8")
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(prompts))
    line = _assert_one_line_exit_2(main(["sessions"]), capsys.readouterr().err)
    assert "notices.toml" in line and "consent_thanks" in line


def test_purge_on_a_locked_database_is_one_line(
    session_id: str, cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = sqlite3.connect(cli_env.database_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program is writing, and keeps at it
        line = _assert_one_line_exit_2(main(["purge"]), capsys.readouterr().err)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked" in line or "busy" in line


def _bad_names_env(tmp_path: Path, names: bytes | None) -> dict[str, str]:
    prompts = tmp_path / "prompts"
    shutil.copytree(PROJECT_ROOT / "prompts", prompts)
    if names is None:
        (prompts / "first-names.txt").unlink()
    else:
        (prompts / "first-names.txt").write_bytes(names)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULTBOT_", "DISCORD_"))}
    return {
        **env,
        "CONSULTBOT_PROMPTS_DIR": str(prompts),
        "CONSULTBOT_DATABASE": str(tmp_path / "consultbot.db"),
        "CONSULTBOT_IDENTITY_KEY": "test-key-0123456789",
        "CONSULTBOT_SAFEGUARDING_KEY": Settings.from_env(
            {}, require_identity_key=False
        ).safeguarding_key.decode(),
    }


@pytest.mark.parametrize("names", [None, b"Amy\n\xff\xfeBen\n"], ids=["missing", "not-utf8"])
@pytest.mark.parametrize(
    "command", [["sessions"], ["purge"], ["db", "check"], ["run", "--platform", "discord"]]
)
def test_a_bad_names_file_stops_every_database_command_at_once(
    tmp_path: Path, names: bytes | None, command: list[str]
) -> None:
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_bad_names_env(tmp_path, names),
        timeout=30,
    )
    assert time.monotonic() - began < 15
    line = _assert_one_line_exit_2(result.returncode, result.stderr)
    assert "first-names.txt" in line
    assert not (tmp_path / "consultbot.db").exists()
