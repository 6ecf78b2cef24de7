"""Pasteable lesson links: ``/lessons/<key>`` redirects to the lesson's page ``/lessons-<key>``.

Gradio page paths cannot contain '/', so each lesson page lives at ``/lessons-<key>``; this route,
added to the FastAPI app before Gradio's own, makes ``/lessons/<key>`` work too (query string kept,
so ``/lessons/tokens?present=1`` keeps presentation mode).
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route


def _redirect(request: Request):
    from lessons.registry import LESSONS

    key = request.path_params["key"].strip("/")
    for lesson in LESSONS:
        if lesson.key == key:
            query = f"?{request.url.query}" if request.url.query else ""
            # relative: '../lessons-tokens' from '/lessons/tokens' works under any root path
            return RedirectResponse(f"../{lesson.path}{query}", status_code=307)
    return PlainTextResponse(f"No lesson called '{key[:40]}'. See /lessons for the list.", status_code=404)


def redirect_routes() -> list[Route]:
    return [Route("/lessons/{key:path}", _redirect)]
