"""The memory and garbage collection of starting up.

A start imports some 800 modules and reads the data files: hundreds of thousands of objects,
nearly all kept for the life of the process, and none of them garbage cycles. Python's
cycle collector still walks them again and again while they are made (a tenth of the start's
time), so ``collector_paused`` holds it off while starting. Once the bot serves,
``give_back`` collects once, moves every object the start made out of the collector's sight
(``gc.freeze``: later collections, during answers, no longer walk them), and returns the
start's freed memory to the system: the C allocator (glibc's malloc) otherwise keeps freed
memory in its heap, so the resident memory would stay at the start's peak
(``malloc_trim``; elsewhere this part does nothing).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection inside (as it was after, whatever happens inside)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def give_back() -> bool:
    """Collect garbage, freeze what is left, and return free heap pages to the system;
    ``True`` if the C library could be asked (glibc), ``False`` if it has no such call."""
    import ctypes  # here, not at start: it is needed once the bot is serving

    gc.collect()
    gc.freeze()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True
