"""``bot.heap``: the cycle collector paused while starting and back on after, and memory
freed by Python given back to the system (on glibc)."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys

import pytest

import bot.__main__
from bot.heap import collector_paused, give_back

PROBE = """
import os
from bot.heap import give_back

def resident_mib():
    for line in open(f"/proc/{os.getpid()}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

blocks = [bytes(2000) + str(n).encode() for n in range(40_000)]  # about 80 MiB
kept = blocks[::16]  # a few live blocks between the dead: the heap cannot shrink by itself
del blocks
before = resident_mib()
asked = give_back()
print(asked, before - resident_mib())
"""


def test_it_can_be_called_anywhere() -> None:
    try:
        assert give_back() in (True, False)
        assert gc.get_freeze_count() > 0, "what the start made is out of the collector's way"
    finally:
        gc.unfreeze()


def test_the_collector_is_paused_inside_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("a start that fails")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "left off, as it was"
    finally:
        gc.enable()


def test_the_command_runs_with_the_collector_back_on() -> None:
    with pytest.raises(SystemExit) as done:
        bot.__main__.main(["--help"])
    assert done.value.code == 0
    assert gc.isenabled()


def test_python_m_bot_is_the_consultbot_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: consultbot")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_freed_memory_leaves_the_process() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    asked, released = done.stdout.split()
    if platform.libc_ver()[0] != "glibc":  # musl and others have no malloc_trim
        assert asked == "False", "give_back says it could not ask the C library"
        return
    assert asked == "True"
    assert float(released) > 30, "most of the 75 MiB freed was given back"
