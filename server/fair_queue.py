"""A per-client cap on Gradio's queue: one client cannot take the whole queue.

Gradio 6's queue (``gradio/queueing.py``) admits events until ``max_size`` are waiting,
first come first served, whoever sends them: 80 threads of one client got 23 of 24 other
users refused with "queue is full" for 40 s (issue 8). ``install`` wraps the queue's
``push`` (what ``POST /gradio_api/queue/join`` calls) with two caps on the events a client
has *waiting or running*:

- per session (``session_hash``: a browser tab or a ``gradio_client.Client``):
  ``EMBEDDING_LAB_PER_SESSION`` (default 6: a page may fire a few load events at once);
- per client address: ``EMBEDDING_LAB_PER_ADDRESS`` (default half the queue, 32), for a
  client that opens a new session per request. A class behind one school router shares one
  address, so this cap is generous. Behind a proxy (Hugging Face Spaces) the address is the
  last entry of ``X-Forwarded-For``, the one the proxy itself added
  (``EMBEDDING_LAB_TRUST_PROXY=1``, automatic on Spaces).

A request over a cap is refused at once with HTTP 503 and a message (gradio_client raises
``QueueError``); everyone else's requests are admitted as before. Which admitted request
runs next is decided fairly by ``server.limiter.HEAVY``.
"""
from __future__ import annotations

import collections
import logging
import os

log = logging.getLogger("embedding_lab")


def trust_proxy() -> bool:
    value = os.environ.get("EMBEDDING_LAB_TRUST_PROXY")
    if value is not None:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(os.environ.get("SPACE_ID"))  # set by Hugging Face Spaces


def client_address(request) -> str:
    """The client's address (fastapi/starlette Request or gr.Request)."""
    if request is None:
        return "unknown"
    if trust_proxy():
        try:
            forwarded = request.headers.get("x-forwarded-for", "")
        except Exception:
            forwarded = ""
        if forwarded:
            return forwarded.split(",")[-1].strip()
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


class FairQueue:
    def __init__(self, queue, per_session: int, per_address: int) -> None:
        self.queue = queue
        self.per_session = per_session
        self.per_address = per_address
        self._pushing: collections.Counter[tuple[str, str]] = collections.Counter()
        self.refused: collections.Counter[str] = collections.Counter()
        self.admitted = 0

    def outstanding(self) -> tuple[collections.Counter, collections.Counter]:
        """Events waiting or running, per session and per address."""
        sessions: collections.Counter[str] = collections.Counter()
        addresses: collections.Counter[str] = collections.Counter()
        events = [e for q in list(self.queue.event_queue_per_concurrency_id.values()) for e in list(q.queue)]
        events += [e for job in list(self.queue.active_jobs) if job for e in job]
        for event in events:
            sessions[event.session_hash] += 1
            addresses[client_address(getattr(event, "request", None))] += 1
        for (session, address), n in self._pushing.items():
            sessions[session] += n
            addresses[address] += n
        return sessions, addresses

    async def push(self, original, body, request, username):
        session = body.session_hash or ""
        address = client_address(request)
        sessions, addresses = self.outstanding()
        if session and sessions[session] >= self.per_session:
            self.refused["session"] += 1
            return (False, f"You already have {sessions[session]} requests waiting or running; the limit is "
                           f"{self.per_session} per user. Please wait for them to finish.", "queue_full")
        if addresses[address] >= self.per_address:
            self.refused["address"] += 1
            return (False, f"Your network already has {addresses[address]} requests waiting or running; the "
                           f"limit is {self.per_address}. Please wait for them to finish.", "queue_full")
        key = (session, address)
        self._pushing[key] += 1  # counted while the original push awaits
        try:
            result = await original(body, request, username)
        finally:
            self._pushing[key] -= 1
            if self._pushing[key] <= 0:
                del self._pushing[key]
        if result[0]:
            self.admitted += 1
        return result


def install(blocks, per_session: int | None = None, per_address: int | None = None) -> FairQueue:
    """Wrap ``blocks._queue.push`` with the caps (after ``blocks.queue(...)``, before ``launch``)."""
    queue = blocks._queue
    existing = getattr(queue, "_embedding_lab_fair", None)
    if existing is not None:
        return existing
    max_size = queue.max_size or 64
    per_session = per_session or int(os.environ.get("EMBEDDING_LAB_PER_SESSION", "6"))
    per_address = per_address or int(os.environ.get("EMBEDDING_LAB_PER_ADDRESS", str(max(8, max_size // 2))))
    fair = FairQueue(queue, per_session, per_address)
    original = queue.push

    async def push(body, request, username):
        return await fair.push(original, body, request, username)

    queue.push = push
    queue._embedding_lab_fair = fair
    return fair
