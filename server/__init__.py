"""Keeping a public Space up: bounded memory, disk and CPU per request, and fair queues.

Nothing here knows about embeddings; ``app.py`` calls two functions:

    import server
    server.early_setup()            # at the very top, before gradio is imported
    ...
    options = server.harden(demo, options)   # in launch(), before demo.launch(**options)

| part | module | what it does |
|---|---|---|
| allocator | ``server.memory`` | glibc ``mallopt``: big blocks are mmapped and given back on free; ``malloc_trim`` when heavy work goes idle |
| temp folder | ``server.janitor`` | a private ``GRADIO_TEMP_DIR`` per process; a janitor thread deletes partial uploads, empty files, old files and the oldest beyond the size / count caps; Gradio's empty-file-per-reference leak is stopped |
| heavy work | ``server.limiter`` | one process-wide, client-fair limit on decoding and model work (``heavy`` / ``heavy_work``); ``tabs.common.user_errors`` holds it for every handler |
| queue | ``server.fair_queue`` | a cap on waiting + running events per session and per client address |
| HTTP | ``server.http_limits`` | request body size, file references per request, upload size and temp-folder room, before Gradio parses anything |

Every limit is in ``media.limits.LIMITS`` or read from an ``EMBEDDING_LAB_*`` variable
below; the README's "Limits" table lists them.
"""
from __future__ import annotations

import logging
import os

log = logging.getLogger("embedding_lab")

# What harden() installed (the tests and the benchmark look here).
STATE: dict = {}


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def early_setup() -> dict:
    """Allocator settings and a private temp folder; call before ``import gradio``."""
    from server import janitor, memory

    if "early" not in STATE:
        STATE["early"] = {"malloc": memory.configure_allocator(), "temp_dir": janitor.private_temp_dir()}
    return STATE["early"]


def harden(blocks, options: dict | None = None) -> dict:
    """Install the janitor, the fair queue and the HTTP limits on ``blocks``; return launch options.

    Call after ``blocks.queue(...)`` and before ``blocks.launch(**options)``. Merges a
    ``middleware`` entry into ``options["app_kwargs"]`` (keeping what is there).
    """
    from starlette.middleware import Middleware

    from gradio.utils import get_upload_folder
    from server import fair_queue
    from server.http_limits import RequestLimits
    from server.janitor import Janitor, gradio_forget, gradio_keep, stop_empty_temp_files
    from server.limiter import HEAVY

    early_setup()
    options = dict(options or {})
    if "janitor" not in STATE:
        STATE["patched"] = stop_empty_temp_files()
        folder = get_upload_folder()
        os.makedirs(folder, exist_ok=True)
        jan = Janitor(
            folder,
            max_age_s=_env_float("EMBEDDING_LAB_TEMP_MAX_AGE_S", 1800.0),
            stray_age_s=_env_float("EMBEDDING_LAB_TEMP_STRAY_AGE_S", 120.0),
            max_bytes=int(_env_float("EMBEDDING_LAB_TEMP_MAX_MB", 2048.0) * 1024 * 1024),
            max_files=int(_env_float("EMBEDDING_LAB_TEMP_MAX_FILES", 5000)),
            interval_s=_env_float("EMBEDDING_LAB_TEMP_SWEEP_S", 10.0),
            keep=gradio_keep(blocks), forget=gradio_forget(blocks),
        )
        jan.protect_existing()
        STATE["janitor"] = jan.start()
    STATE["fair_queue"] = fair_queue.install(blocks)
    STATE["limiter"] = HEAVY
    app_kwargs = dict(options.get("app_kwargs") or {})
    middleware = list(app_kwargs.get("middleware") or [])
    if not any(getattr(m, "cls", None) is RequestLimits for m in middleware):
        middleware.append(Middleware(RequestLimits, janitor=STATE["janitor"]))
    app_kwargs["middleware"] = middleware
    options["app_kwargs"] = app_kwargs
    fair = STATE["fair_queue"]
    log.info("limits: %d heavy-work slots shared by all events; per session %d and per address %d requests "
             "waiting or running; temp folder %s (max %.0f MB, %d files, %.0f min)", HEAVY.slots, fair.per_session,
             fair.per_address, STATE["janitor"].root, STATE["janitor"].max_bytes / 2 ** 20,
             STATE["janitor"].max_files, STATE["janitor"].max_age_s / 60)
    return options
