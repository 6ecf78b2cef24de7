"""The class board's public API (``gr.api``): typed functions with defaults, JSON results.

    from gradio_client import Client, handle_file
    c = Client("http://127.0.0.1:7860/")
    room = c.predict(kind="text", api_name="/room_create")          # {"code", "teacher_key", "join_url"}
    c.predict(code=room["code"], text="A cat naps in the sun.", name="Sam", api_name="/room_add")  # {"id"}
    c.predict(code=room["code"], file=handle_file("cat.jpg"), api_name="/room_add")
    c.predict(code=room["code"], api_name="/room_board")            # {"items": [...], "space", ...}
    c.predict(code=room["code"], teacher_key=room["teacher_key"], id="1", api_name="/room_remove")

Gradio appears here only for the ``FileData`` and ``Request`` types: ``gr.Request`` tells who is
asking (each ``gradio_client.Client`` has its own session, which is the "student" of the per-student
cap; the session and the network address are the keys that wrong codes are counted under) and the
app's public address (for the join link). The work is ``board.service``.
"""
from __future__ import annotations

from typing import Literal

import gradio as gr
from gradio import FileData

from api.files import uploaded_path
from board import service
from lessons.contract import Endpoint
from server.fair_queue import client_address  # X-Forwarded-For only behind a trusted proxy (Spaces)

Kind = Literal["text", "text+image", "text+audio", "all"]
JOIN_PATH = "board-join"
SHOW_PATH = "board-show"


def clients_of(request: gr.Request | None) -> tuple[str, ...]:
    """Keys that wrong codes are counted under: this session and this network address."""
    keys = [f"address:{client_address(request)}"]
    session = getattr(request, "session_hash", None) if request is not None else None
    if session:
        keys.insert(0, f"session:{session}")
    return tuple(keys)


def root_url(request: gr.Request | None) -> str:
    """The app's public address, e.g. 'https://user-embedding-lab.hf.space' ('' when unknown)."""
    try:
        from gradio import route_utils

        raw = request.request  # the starlette request of this call
        return route_utils.get_root_url(raw, route_utils.get_api_call_path(raw), raw.scope.get("root_path") or None)
    except Exception:
        return ""


def join_url(code: str, request: gr.Request | None) -> str:
    return f"{root_url(request)}/{JOIN_PATH}?code={code}"


def show_url(code: str, request: gr.Request | None) -> str:
    return f"{root_url(request)}/{SHOW_PATH}?code={code}"


def room_create(kind: Kind = "text", request: gr.Request | None = None) -> dict:
    """Create a class board. ``kind`` says what students may add: "text" (sentences; MiniLM space),
    "text+image" (CLIP space where it loads, else the label bridge), "text+audio" (CLAP, else the bridge)
    or "all" (the label bridge). Returns {"code", "teacher_key", "join_url", "board_url", "space"}: keep
    the teacher key private, it is the only way to remove items or end the board."""
    room = service.create(kind)
    return {"code": room.code, "teacher_key": room.teacher_key, "join_url": join_url(room.code, request),
            "board_url": show_url(room.code, request), "space": service.space_name(room.space)}


def room_add(code: str = "", text: str = "", file: FileData | None = None, name: str = "",
             request: gr.Request | None = None) -> dict:
    """Add one item to the board with this code: a sentence (``text``), or a picture or a sound
    (``file``; ``text`` is then its caption). ``name`` (optional) is shown with the item.
    Returns {"id", "label", "modality", "neighbours"} (its 3 nearest items now, with cosines)."""
    path = uploaded_path(file)
    student = f"session:{getattr(request, 'session_hash', None) or client_address(request)}"
    try:
        item = service.add(code, student, clients_of(request), text=text, path=path, name=name)
    finally:
        service.forget_upload(path)  # the board keeps a small preview in memory, not the upload
    nbs = service.item_neighbours(code, item.id, clients_of(request))
    return {"id": item.id, "label": item.label, "modality": item.modality,
            "neighbours": [{"id": nb.id, "label": nb.label, "cosine": round(cos, 5)} for nb, cos in nbs]}


def room_board(code: str = "", request: gr.Request | None = None) -> dict:
    """The board with this code: {"items": [{"id", "modality", "label", "name", "x", "y", "neighbours":
    [{"id", "label", "cosine"}] (3 nearest by cosine)}], "space", "count", "locked", "map", "version", ...}.
    x and y are the map's coordinates: earlier items keep theirs when new ones arrive."""
    return service.board_json(service.board(code, clients_of(request)))


def room_remove(code: str = "", teacher_key: str = "", id: str = "", request: gr.Request | None = None) -> dict:
    """Remove item ``id`` from the board (teacher only: needs the board's ``teacher_key``).
    A wrong key or code changes nothing. Returns {"removed": id, "count": items left}."""
    service.control(code, teacher_key, "remove", item_id=id, clients=clients_of(request))
    snap = service.board(code, clients_of(request))
    return {"removed": str(id).strip(), "count": len(snap.items)}


BOARD_ENDPOINTS = (
    Endpoint(room_create, "room_create", example='room = c.predict(kind="text", api_name="/room_create")'),
    Endpoint(room_add, "room_add",
             example='c.predict(code=room["code"], text="A cat naps in the sun.", name="Sam", api_name="/room_add")'),
    Endpoint(room_board, "room_board", example='c.predict(code=room["code"], api_name="/room_board")'),
    Endpoint(room_remove, "room_remove",
             example='c.predict(code=room["code"], teacher_key=room["teacher_key"], id="1", api_name="/room_remove")'),
)
