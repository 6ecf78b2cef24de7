"""Helpers shared by the decoders: file size and a readable name."""
from __future__ import annotations

import os

from media.errors import InputError
from media.limits import LIMITS


def display_name(path: str) -> str:
    """The base name only (never a directory), safe to show on the page."""
    name = os.path.basename(str(path)) or "file"
    return name[:80]


def check_file(path: str, max_bytes: int = LIMITS.max_file_bytes) -> int:
    """Raise InputError for a missing, empty or too large file; return its size."""
    name = display_name(path)
    try:
        size = os.path.getsize(path)
    except OSError:
        raise InputError(f"Could not read the uploaded file '{name}'. Please upload it again.")
    if size == 0:
        raise InputError(f"'{name}' is empty (0 bytes).")
    if size > max_bytes:
        raise InputError(
            f"'{name}' is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB per file."
        )
    return size
