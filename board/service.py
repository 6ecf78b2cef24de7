"""What the class board does, for its pages and its API alike: create, add, look, control. No Gradio.

Callers say who is asking with plain strings: ``student`` (whose items count against the
per-student cap; never shown to anyone) and ``clients`` (keys for counting wrong codes, e.g.
``("session:abc", "address:10.0.0.7")``). Files arrive as paths that the caller has already
checked (``api.files.uploaded_path``); they are decoded with the app's usual checks and limits
(``media.sniff``, ``lab.inputs.collect``), kept only as small previews in memory, and the
uploaded copy is deleted at once (``forget_upload``).
"""
from __future__ import annotations

import os
from typing import Callable, Sequence

import numpy as np

from board import media
from board.rooms import Board, Item, Room, RoomLimits, RoomStore
from board.space import KINDS, check_kind, embed_one, space_for, space_name
from media.errors import InputError

STORE = RoomStore()
MODALITY_WORDS = {"text": "sentence", "image": "picture", "audio": "sound"}
KIND_WORDS = {"text": "sentences", "text+image": "sentences and pictures", "text+audio": "sentences and sounds",
              "all": "sentences, pictures and sounds"}
EXPORT_FORMATS = ("projector", "parquet")


# -- rooms ---------------------------------------------------------------------------------
def create(kind: str = "text", warn: Callable[[str], None] | None = None, store: RoomStore = STORE) -> Room:
    """A new room; its space is fixed now (sentences: MiniLM; with pictures or sounds: CLIP/CLAP or the bridge)."""
    kind = check_kind(kind)
    return store.create(kind, space_for(kind, warn))


def _clean_name(name: str, limits: RoomLimits) -> str:
    from media.text import clean_line

    name = clean_line(str(name or ""))
    if len(name) > limits.max_name_chars:
        raise InputError(f"A name is at most {limits.max_name_chars} characters.")
    return name


def _sentence(text: str, limits: RoomLimits) -> str:
    from media.text import split_lines

    raw = str(text or "")
    if len(raw) > 4 * limits.max_text_chars:  # checked before cleaning
        raise InputError(f"Keep it to one sentence of at most {limits.max_text_chars} characters.")
    sentence = " ".join(split_lines(raw))
    if len(sentence) > limits.max_text_chars:
        raise InputError(f"That is {len(sentence)} characters; a board item is at most {limits.max_text_chars}.")
    return sentence


def forget_upload(path: str | None) -> None:
    """Delete an uploaded file once it has been read (only inside Gradio's upload folder).

    Gradio keeps uploads by content hash: a picture with the same bytes as a page's example *is* that
    example's file, so files the app must keep are left to the janitor (``server.janitor``), else one
    student's upload of a gallery picture would break that example for everyone until a restart."""
    if not path:
        return
    try:
        from gradio.utils import get_upload_folder

        import server

        root = os.path.realpath(get_upload_folder())
        real = os.path.realpath(path)
        janitor = server.STATE.get("janitor")
        if janitor is not None and janitor.is_kept(real):
            return
        if real.startswith(root + os.sep):
            os.remove(real)
    except (ImportError, OSError):
        pass


def add(code: str, student: str, clients: Sequence[str] = (), text: str = "", path: str | None = None,
        name: str = "", modality: str | None = None, warn: Callable[[str], None] | None = None,
        store: RoomStore = STORE) -> Item:
    """Add one item: a sentence (``text``), or a picture or sound (``path``; ``text`` is then its caption)."""
    from lab.inputs import collect
    from media.sniff import sniff_modality

    room = store.get(code, clients)
    limits = store.limits
    name = _clean_name(name, limits)
    caption = _sentence(text, limits) if text else ""
    if path:
        modality = modality or sniff_modality(path)
        if modality == "text":
            raise InputError("Send a sentence as text; a file must be a picture or a sound.")
    else:
        modality = "text"
        if not caption:
            raise InputError("Type a sentence to add (or add a picture or a sound).")
    with store.reserve(room, student, modality):
        if modality == "text":
            value, label = caption, caption
        else:
            value = collect(modality, files=[path], warn=warn)[0].value
            label = caption
        vector, terms = embed_one(room.space, modality, value)  # [dim]
        thumb = preview = b""
        if modality == "image":
            thumb, preview = media.jpeg(value, media.THUMB_SIDE), media.jpeg(value, media.PREVIEW_SIDE, 85)
        elif modality == "audio":
            preview = media.sound_preview(value)
        # no caption: "picture 7", or in the bridge "sound 7 (Bark)", the class its classifier gave first
        suffix = f" ({terms[0].rsplit(' (', 1)[0]})" if terms else ""
        return store.commit(room, student, numbered=MODALITY_WORDS[modality] + " {id}" + suffix, modality=modality,
                            label=label,
                            vector=vector, name=name, terms=terms, thumb=thumb, preview=preview)


def room_of(code: str, clients: Sequence[str] = (), store: RoomStore = STORE) -> Room:
    return store.get(code, clients)


def board(code: str, clients: Sequence[str] = (), store: RoomStore = STORE) -> Board:
    return store.board(store.get(code, clients))


def item_neighbours(code: str, item_id: str, clients: Sequence[str] = (), k: int = 3,
                    store: RoomStore = STORE) -> list[tuple[Item, float]]:
    """One item's nearest visible items by cosine (one row of the board's neighbour table, without
    rebuilding the whole table after every addition). Empty if the item is hidden or gone."""
    room = store.get(code, clients)
    with room.lock:
        item = room.items.get(str(item_id))
        if item is None or item.hidden:
            return []
        others = [it for it in room.visible() if it.id != item.id]
    if not others:
        return []
    sims = np.stack([o.vector for o in others]) @ item.vector  # [m]
    order = np.argsort(-sims, kind="stable")[:k]
    return [(others[j], float(sims[j])) for j in order]


def version(code: str, clients: Sequence[str] = (), store: RoomStore = STORE) -> int:
    return store.get(code, clients).version


def own_items(code: str, student: str, clients: Sequence[str] = (), store: RoomStore = STORE) -> list[Item]:
    return store.get(code, clients).own_items(student)


# -- the teacher's controls ------------------------------------------------------------------
def teacher(code: str, key: str, clients: Sequence[str] = (), store: RoomStore = STORE) -> Room:
    return store.teacher_room(code, key, clients)


def control(code: str, key: str, action: str, item_id: str = "", method: str = "pca",
            clients: Sequence[str] = (), store: RoomStore = STORE) -> str:
    """hide / show / remove an item, lock / unlock, refit, clear or end; returns what was done."""
    room = store.teacher_room(code, key, clients)
    if action in ("hide", "show"):
        item = store.set_hidden(room, item_id, action == "hide")
        return f"Item #{item.id} is {'hidden' if item.hidden else 'shown again'}."
    if action == "remove":
        item = store.remove(room, item_id)
        return f"Item #{item.id} was removed."
    if action in ("lock", "unlock"):
        store.set_locked(room, action == "lock")
        return "The board is locked: no more items." if action == "lock" else "The board takes items again."
    if action == "refit":
        store.refit(room, method)
        return f"The map was re-arranged ({method.upper()})."
    if action == "clear":
        store.clear(room)
        return "The board was cleared."
    if action == "end":
        store.end(room)
        return "The board has ended; its items were deleted."
    raise InputError(f"Unknown action '{action}'.")


def export(code: str, key: str, formats: Sequence[str] = EXPORT_FORMATS, clients: Sequence[str] = (),
           store: RoomStore = STORE) -> list[str]:
    """The visible items' vectors as files (Projector TSV pair and/or Parquet): written only on request."""
    from space.export import write_vectors

    chosen = [f for f in (formats or EXPORT_FORMATS)]
    bad = [f for f in chosen if f not in EXPORT_FORMATS]
    if bad:
        raise InputError(f"Unknown export format {bad[0]!r}; use {', '.join(EXPORT_FORMATS)}.")
    snap = store.board(store.teacher_room(code, key, clients))
    if not snap.items:
        raise InputError("The board is empty: there is nothing to export.")
    meta = {"id": [it.id for it in snap.items], "modality": [it.modality for it in snap.items],
            "name": [it.name for it in snap.items], "space": [snap.space] * len(snap.items),
            "x": [f"{x:.4f}" for x in snap.coords[:, 0]], "y": [f"{y:.4f}" for y in snap.coords[:, 1]]}
    return write_vectors(snap.vectors, [it.label for it in snap.items], meta, chosen)


# -- plain JSON for the API ---------------------------------------------------------------------
def board_json(snap: Board) -> dict:
    items = []
    for i, item in enumerate(snap.items):
        items.append({
            "id": item.id, "modality": item.modality, "label": item.label, "name": item.name,
            "x": round(float(snap.coords[i, 0]), 5), "y": round(float(snap.coords[i, 1]), 5),
            "neighbours": [{"id": nb.id, "label": nb.label, "cosine": round(cos, 5)}
                           for nb, cos in snap.neighbours_of(i)],
            **({"read_as": list(item.terms)} if item.terms else {}),
        })
    return {"code": snap.code, "space": space_name(snap.space), "space_key": snap.space, "kind": snap.kind,
            "accepts": list(KINDS[snap.kind]), "locked": snap.locked, "count": len(items),
            "map": snap.map_method, "version": snap.version, "expires_in_s": round(snap.expires_in_s),
            "items": items}


# -- the worked example on the teacher's page -----------------------------------------------------
EXAMPLE_SENTENCES = (
    "The puppy chased its own tail around the garden.",
    "A cat dozed on the warm windowsill all afternoon.",
    "Cows grazed quietly in a green field.",
    "An owl hooted from an old oak tree at midnight.",
    "A bowl of hot noodle soup steamed on the table.",
    "He sipped a strong espresso before work.",
    "Ripe strawberries with cream made a sweet dessert.",
    "The rocket lifted off and climbed into orbit.",
    "Astronomers spotted a faint galaxy billions of light-years away.",
    "Craters cover the dusty grey surface of the Moon.",
    "She played a gentle melody on the piano.",
    "The drummer kept a steady beat for the band.",
    "Heavy rain is expected this evening.",
    "Snowflakes drifted down and covered the streets.",
    "The striker scored a goal in the final minute.",
    "Marathon runners crossed the finish line exhausted.",
)
EXAMPLE_STORE = RoomStore(RoomLimits(max_rooms=1, idle_s=float("inf"), max_age_s=float("inf")))
_example: dict = {}


def example_board() -> Board:
    """A board of 16 gallery sentences (MiniLM space) that nobody can join: what a board looks like."""
    import threading

    lock = _example.setdefault("lock", threading.Lock())
    with lock:
        room = _example.get("room")
        if room is None:
            room = create("text", store=EXAMPLE_STORE)
            names = ("Ana", "Ben", "Chen", "Dara")
            for i, sentence in enumerate(EXAMPLE_SENTENCES):
                vector, _ = embed_one(room.space, "text", sentence)
                with EXAMPLE_STORE.reserve(room, "example", "text"):
                    EXAMPLE_STORE.commit(room, f"example-{i % 4}", modality="text", label=sentence,
                                         vector=vector, name=names[i % 4])
            _example["room"] = room
        return EXAMPLE_STORE.board(room)


def counts(snap: Board) -> dict[str, int]:
    out = {m: 0 for m in MODALITY_WORDS}
    for item in snap.items:
        out[item.modality] += 1
    return out

