"""The Makefile picks the newest supported Python it can find, and honours PYTHON=..."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bot.config import PROJECT_ROOT


def _fake_pythons(folder: Path, *versions: str) -> Path:
    folder.mkdir()
    for version in versions:
        script = folder / f"python{version}"
        script.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        script.chmod(0o755)
    return folder


def _dry_run(tmp_path: Path, path: Path, *extra: str) -> str:
    env = {**os.environ, "PATH": f"{path}:/usr/bin:/bin"}
    env.pop("PYTHON", None)
    result = subprocess.run(
        ["make", "-n", "-C", str(PROJECT_ROOT), "test", f"VENV={tmp_path / 'venv'}", *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return result.stdout + result.stderr


def test_the_newest_supported_python_is_chosen(tmp_path: Path) -> None:
    bin_dir = _fake_pythons(tmp_path / "bin", "3.11", "3.12", "3.13", "3.14")
    assert "python3.13 -m venv" in _dry_run(tmp_path, bin_dir)


def test_an_older_one_is_used_when_it_is_all_there_is(tmp_path: Path) -> None:
    bin_dir = _fake_pythons(tmp_path / "bin", "3.10", "3.12")
    assert "python3.12 -m venv" in _dry_run(tmp_path, bin_dir)


def test_python_on_the_command_line_wins(tmp_path: Path) -> None:
    bin_dir = _fake_pythons(tmp_path / "bin", "3.11", "3.13")
    chosen = str(bin_dir / "python3.11")
    assert f"{chosen} -m venv" in _dry_run(tmp_path, bin_dir, f"PYTHON={chosen}")


def test_the_install_shows_progress(tmp_path: Path) -> None:
    bin_dir = _fake_pythons(tmp_path / "bin", "3.11")
    install = [line for line in _dry_run(tmp_path, bin_dir).splitlines() if "-e '.[dev]'" in line]
    assert install and "--quiet" not in install[0]
