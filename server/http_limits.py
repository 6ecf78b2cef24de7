"""Request limits checked at the HTTP door, before Gradio parses anything.

An ASGI middleware (installed through ``launch(app_kwargs={"middleware": ...})``):

- any POST body other than an upload: at most ``LIMITS.max_body_bytes`` (1 MiB; the largest
  legitimate one, 64 lines of 1,000 characters, is well under it), and at most
  ``LIMITS.max_file_refs`` file references (``"path":`` keys) in it. A 50 MB text or
  10,000 file references are refused before JSON parsing, before Gradio makes a temp file
  per reference and before our code runs;
- an upload (``/gradio_api/upload``): at most ``LIMITS.max_upload_request_bytes`` (16 files
  of 25 MB), counted as it streams in, and only when the temp folder has room for it
  (``Janitor.make_room``; the oldest files go first when it does not).

Refusals of API calls are answered the way Gradio answers a failed validation (HTTP 422,
``[{"__type__": "validate", "is_valid": false, "message": ...}]``), so ``gradio_client``
raises a ``ValidationError`` with our sentence in it; upload refusals are plain HTTP 413/503.
"""
from __future__ import annotations

import json

from media.limits import LIMITS

FILE_REF = b'"path":'


class _TooLarge(Exception):
    pass


class RequestLimits:
    def __init__(self, app, max_body: int = LIMITS.max_body_bytes,
                 max_upload: int = LIMITS.max_upload_request_bytes,
                 max_file_refs: int = LIMITS.max_file_refs, janitor=None) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.max_file_refs = max_file_refs
        self.janitor = janitor
        self.refused: dict[str, int] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        length = None
        for key, value in scope.get("headers", ()):
            if key.lower() == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    return await self._plain(send, 400, "Bad Content-Length header.")
        if scope.get("path", "").rstrip("/").endswith("/upload"):
            return await self._upload(scope, receive, send, length)
        return await self._json(scope, receive, send, length)

    # -- uploads: streamed to disk by Gradio; we count and make room -----------------
    async def _upload(self, scope, receive, send, length):
        if length is not None and length > self.max_upload:
            return await self._plain(send, 413, f"That upload is {length / 1e6:,.0f} MB; the limit is "
                                               f"{self.max_upload / 1e6:,.0f} MB per request "
                                               f"({LIMITS.max_files} files of {LIMITS.max_file_bytes / 1e6:.0f} MB).")
        if self.janitor is not None:
            import anyio

            if not await anyio.to_thread.run_sync(self.janitor.make_room, length or self.max_upload):
                return await self._plain(send, 503, "The server's upload space is full; please try again in a "
                                                    "minute.")
        seen = 0
        started = False

        async def counting_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_upload:
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._plain(send, 413, f"That upload is over {self.max_upload / 1e6:,.0f} MB, the limit per "
                                             "request.")

    # -- everything else: read (bounded), count file references, replay -----------------
    async def _json(self, scope, receive, send, length):
        if length is not None and length > self.max_body:
            return await self._invalid(send, f"That request is {length:,} bytes; the limit is {self.max_body:,} "
                                             f"(e.g. {LIMITS.max_text_lines} lines of {LIMITS.max_line_chars:,} "
                                             "characters of text).")
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return await self._invalid(send, f"That request is more than {self.max_body:,} bytes, the limit.")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        refs = body.count(FILE_REF)
        if refs > self.max_file_refs:
            return await self._invalid(send, f"That request refers to {refs:,} files; the limit is "
                                             f"{self.max_file_refs} per request ({LIMITS.max_files} per input).")
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    # -- answers --------------------------------------------------------------------------
    async def _invalid(self, send, message: str):
        """Gradio's own shape for a failed validation: gradio_client raises ValidationError(message)."""
        self.refused[message.split(";")[0][:40]] = self.refused.get(message.split(";")[0][:40], 0) + 1
        detail = [{"__type__": "validate", "is_valid": False, "parameter_name": "request", "message": message}]
        await self._send(send, 422, json.dumps({"detail": detail}).encode(), b"application/json")

    async def _plain(self, send, status: int, message: str):
        self.refused[str(status)] = self.refused.get(str(status), 0) + 1
        await self._send(send, status, json.dumps({"detail": message}).encode(), b"application/json")

    @staticmethod
    async def _send(send, status: int, body: bytes, content_type: bytes):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
