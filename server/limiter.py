"""One process-wide limit on heavy work (decoding and model calls), fair between clients.

Gradio's concurrency limits are per event: with a limit of 2 and ten events, twenty
handlers can decode and run models at once on a 2-core machine. ``HEAVY`` is one
limit shared by every event: at most ``slots`` holders at a time (default: the number
of cores, 1 to 4, or ``EMBEDDING_LAB_HEAVY_SLOTS``). When a slot frees, it goes to the
waiting *client* (Gradio session) that holds the fewest slots, then the one that used the
least slot time lately (halving every 10 s), then the one served longest ago: a client that
sends forty requests at once, or very big ones, waits behind everyone else instead of
taking every slot. Between two files of one request the holder offers its slot to the
others (``yield_turn``), so a request of sixteen heavy files is sixteen turns, not one.

How to use it (every handler wrapped in ``tabs.common.user_errors`` already holds a slot
for its whole run; use these for heavy work outside such a handler):

    from server.limiter import heavy, heavy_work

    @heavy                      # a function that decodes or runs a model
    def my_endpoint(...): ...

    with heavy_work():          # or around just the heavy part
        vectors = enc.encode(...)

Holding is re-entrant per thread: a heavy function called inside another costs nothing.
A request that waits longer than ``EMBEDDING_LAB_HEAVY_WAIT_S`` (default 300 s) gets a
clear "server busy" error instead of waiting forever.
"""
from __future__ import annotations

import collections
import contextlib
import functools
import os
import sys
import threading
import time
from typing import Callable, Iterator

from media.errors import InputError

SERVICE_HALF_LIFE_S = 10.0


class ServerBusy(InputError):
    """The heavy-work queue did not free a slot in time (the message is for the user)."""


def default_slots() -> int:
    value = os.environ.get("EMBEDDING_LAB_HEAVY_SLOTS", "").strip()
    if value:
        return max(1, int(value))
    return max(1, min(4, os.cpu_count() or 1))


def client_key(request=None) -> str:
    """Who is asking: the Gradio session of the running event, else the client address, else the thread."""
    if request is None:
        context = sys.modules.get("gradio.context")  # never import gradio just to ask
        request = context.LocalContext.request.get(None) if context is not None else None
    if request is not None:
        session = getattr(request, "session_hash", None)
        if session:
            return f"session:{session}"
        client = getattr(request, "client", None)
        host = getattr(client, "host", None)
        if host:
            return f"address:{host}"
    return f"thread:{threading.get_ident()}"


class FairLimiter:
    """At most ``slots`` holders at once; waiting clients are served round robin."""

    def __init__(self, slots: int | None = None, wait_s: float | None = None,
                 on_idle: Callable[[], None] | None = None) -> None:
        self.slots = slots or default_slots()
        self.wait_s = wait_s if wait_s is not None else float(os.environ.get("EMBEDDING_LAB_HEAVY_WAIT_S", "300"))
        self.on_idle = on_idle  # called (outside the lock) when the last holder leaves
        self._cond = threading.Condition()
        self._held = 0
        self._held_by: collections.Counter[str] = collections.Counter()
        self._waiting: dict[str, collections.deque] = {}
        self._last_grant: dict[str, int] = {}
        self._served: dict[str, tuple[float, float]] = {}  # client -> (slot seconds, as of when)
        self._since: dict[tuple[str, int], float] = {}  # (client, thread) -> when it got its slot
        self._grants = 0
        self._local = threading.local()
        self.stats = {"granted": 0, "waited_s_max": 0.0, "busy_refusals": 0, "max_waiting": 0}

    # -- what the scheduler sees ----------------------------------------------------
    def held(self) -> int:
        return self._held

    def waiting(self) -> int:
        with self._cond:
            return sum(len(q) for q in self._waiting.values())

    def _service(self, client: str, now: float | None = None) -> float:
        """Seconds of slot time this client had recently (halving every SERVICE_HALF_LIFE_S)."""
        value, when = self._served.get(client, (0.0, 0.0))
        now = time.monotonic() if now is None else now
        return value * 0.5 ** ((now - when) / SERVICE_HALF_LIFE_S)

    def _next_ticket(self):
        """The first ticket of the waiting client with the fewest slots held, then the least slot time
        recently (a client of big requests waits behind clients of small ones), then served longest ago."""
        now = time.monotonic()
        best = min(self._waiting, key=lambda c: (self._held_by[c], round(self._service(c, now), 2),
                                                 self._last_grant.get(c, -1)))
        return self._waiting[best][0]

    # -- holding a slot -----------------------------------------------------------------
    def _acquire(self, client: str) -> None:
        """Wait for this client's turn (caller holds ``self._cond``)."""
        ticket = object()
        started = time.monotonic()
        self._waiting.setdefault(client, collections.deque()).append(ticket)
        self.stats["max_waiting"] = max(self.stats["max_waiting"], sum(len(q) for q in self._waiting.values()))
        while not (self._held < self.slots and self._next_ticket() is ticket):
            left = self.wait_s - (time.monotonic() - started)
            if left <= 0:
                self._drop(client, ticket)
                self.stats["busy_refusals"] += 1
                self._cond.notify_all()
                raise ServerBusy("The server is busy with other requests; please try again in a minute.")
            self._cond.wait(timeout=left)
        self._drop(client, ticket)
        self._held += 1
        self._held_by[client] += 1
        self._since[(client, threading.get_ident())] = time.monotonic()
        self._last_grant[client] = self._grants
        self._grants += 1
        self.stats["granted"] += 1
        self.stats["waited_s_max"] = max(self.stats["waited_s_max"], time.monotonic() - started)
        if len(self._last_grant) > 10_000:  # forget long-gone clients
            for old in sorted(self._last_grant, key=self._last_grant.get)[:5_000]:
                if old not in self._waiting and not self._held_by[old]:
                    del self._last_grant[old]
                    self._served.pop(old, None)

    def _release(self, client: str) -> bool:
        """Give the slot back (caller holds ``self._cond``); True if nothing is held or waiting now."""
        now = time.monotonic()
        since = self._since.pop((client, threading.get_ident()), now)
        self._served[client] = (self._service(client, now) + (now - since), now)
        self._held -= 1
        self._held_by[client] -= 1
        if self._held_by[client] <= 0:
            del self._held_by[client]
        self._cond.notify_all()
        return self._held == 0 and not self._waiting

    @contextlib.contextmanager
    def slot(self, client: str | None = None) -> Iterator[None]:
        if getattr(self._local, "depth", 0):  # re-entrant: this thread already holds one
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        client = client or client_key()
        with self._cond:
            self._acquire(client)
        self._local.depth, self._local.client = 1, client
        try:
            yield
        finally:
            self._local.depth = 0
            with self._cond:
                idle = self._release(client)
            if idle and self.on_idle is not None:
                self.on_idle()

    def yield_turn(self) -> None:
        """Between two pieces of one request's work (e.g. two files): if another client is waiting,
        hand the slot over and queue for it again. A request of sixteen heavy files then takes sixteen
        turns among everyone else's, instead of holding a slot for all of them."""
        if getattr(self._local, "depth", 0) != 1:
            return
        client = self._local.client
        with self._cond:
            if not any(c != client for c in self._waiting):
                return
            self.stats["yields"] = self.stats.get("yields", 0) + 1
            self._release(client)
            self._acquire(client)

    def _drop(self, client: str, ticket) -> None:
        queue = self._waiting[client]
        queue.remove(ticket)
        if not queue:
            del self._waiting[client]


def _idle() -> None:
    from server import memory

    memory.trim_soon()


HEAVY = FairLimiter(on_idle=_idle)


def heavy_work(client: str | None = None):
    """Context manager: hold one of the process-wide heavy-work slots."""
    return HEAVY.slot(client)


def heavy(fn: Callable) -> Callable:
    """Decorator: the whole call holds a heavy-work slot."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with HEAVY.slot():
            return fn(*args, **kwargs)

    return wrapper
