"""Give memory back to the system after heavy work (glibc malloc settings, set at start).

glibc serves large requests below a *dynamic* threshold from its heaps and keeps freed
heap memory for later; after a big request the process stays at its peak (issue 8: idle
RSS 1.9 -> 4.5 -> 7.1 GB over three large image requests). At start-up we call
``mallopt`` through ctypes, which is what the ``MALLOC_*_`` environment variables do
before a program starts:

- ``M_MMAP_THRESHOLD = 4 MiB`` (fixed, so no longer dynamic: glibc raises it up to 32 MiB after
  each large free): decoded images, audio blocks and the larger activations get mappings of
  their own, returned to the system by ``free``;
- ``M_TRIM_THRESHOLD = 128 KiB``: free memory at the top of a heap is returned when more
  than that is free;
- ``M_ARENA_MAX = 2`` (one per core on Spaces' CPU basic): fewer per-thread heaps that each
  keep freed memory.

Measured (two concurrent requests of a 39.9 MP PNG, a 12 MP JPEG, 8 photos and 64 sentences,
three rounds; MB above the idle start / CPU per EfficientNet call of 8 images, medians of
three processes, interleaved): glibc's default +170-380 MB kept (peak +400-460), 1231 ms;
128 KiB (what issue 8 tried) +16 MB (peak +190), 1545 ms; 4 MiB +50-90 MB (peak +225-240),
1429 ms. Every small mmap costs page faults, so 4 MiB, plus the trim below, which brings
all three back to within ~60 MB of the start. ``EMBEDDING_LAB_MMAP_THRESHOLD`` (bytes)
overrides it.

And when the last heavy request ends (``server.limiter``), a background thread calls
``malloc_trim(0)``, which returns free pages from the middle of the heaps too.
``EMBEDDING_LAB_MALLOC=0`` turns all of it off (e.g. to measure the difference).
On systems without glibc (macOS, Windows, musl) nothing is changed.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
import time

log = logging.getLogger("embedding_lab")

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 4 * 1024 * 1024
TRIM_THRESHOLD = 128 * 1024
ARENA_MAX = 2

_libc = None
_settings: dict[str, int] = {}


def _glibc():
    global _libc
    if _libc is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            libc.mallopt  # noqa: B018 - AttributeError without glibc
            libc.malloc_trim  # noqa: B018
            _libc = libc
        except (OSError, AttributeError):
            _libc = False
    return _libc or None


def configure_allocator() -> dict[str, int]:
    """Set the malloc parameters above (once); returns what was set ({} when not glibc or disabled)."""
    if _settings or os.environ.get("EMBEDDING_LAB_MALLOC", "1") == "0":
        return dict(_settings)
    libc = _glibc()
    if libc is None:
        return {}
    threshold = int(os.environ.get("EMBEDDING_LAB_MMAP_THRESHOLD", "0") or 0) or MMAP_THRESHOLD
    for name, param, value in (("M_MMAP_THRESHOLD", M_MMAP_THRESHOLD, threshold),
                               ("M_TRIM_THRESHOLD", M_TRIM_THRESHOLD, TRIM_THRESHOLD),
                               ("M_ARENA_MAX", M_ARENA_MAX, ARENA_MAX)):
        if libc.mallopt(param, value) == 1:  # mallopt returns 1 on success
            _settings[name] = value
    log.debug("malloc settings: %s", _settings)
    return dict(_settings)


def trim() -> bool:
    """Return free heap pages to the system now (glibc ``malloc_trim(0)``)."""
    if os.environ.get("EMBEDDING_LAB_MALLOC", "1") == "0":
        return False
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))


_trim_event = threading.Event()
_trimmer: threading.Thread | None = None
_trimmer_lock = threading.Lock()
TRIM_DELAY_S = 0.5


def _trim_loop() -> None:
    while True:
        _trim_event.wait()
        time.sleep(TRIM_DELAY_S)  # let the answer go out first, and skip trims between back-to-back requests
        _trim_event.clear()
        from server.limiter import HEAVY

        if HEAVY.held() == 0:
            trim()


def trim_soon() -> None:
    """Ask the background trimmer to call ``malloc_trim`` shortly (cheap; called when heavy work goes idle)."""
    global _trimmer
    if _glibc() is None:
        return
    with _trimmer_lock:
        if _trimmer is None:
            _trimmer = threading.Thread(target=_trim_loop, daemon=True, name="malloc-trim")
            _trimmer.start()
    _trim_event.set()


def rss_bytes(pid: int | str = "self") -> int:
    """Resident set size now (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
