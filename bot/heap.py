"""Giving back to the system the memory that starting up used and let go.

A start reads data files, parses and checks them, and builds what the bot keeps; most of
what it allocates on the way is garbage a moment later. Python frees it, but the C
allocator (glibc's malloc) keeps freed memory inside its heap for later use, so the
process's resident memory stays at the start's peak. ``give_back`` asks glibc to return
every free page (``malloc_trim``); elsewhere (another C library) it does nothing.
"""

from __future__ import annotations

import gc


def give_back() -> bool:
    """Collect garbage and return free heap pages to the system; ``True`` if the C library
    could be asked (glibc), ``False`` if it has no such call."""
    import ctypes  # here, not at start: it is needed once the bot is serving

    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True
