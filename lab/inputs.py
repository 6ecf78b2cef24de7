"""Collect and decode a request's items: (label, decoded object) pairs."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Sequence

from gallery.manifest import items_of
from media.errors import InputError
from media.files import display_name
from media.limits import LIMITS

MODALITIES = ("text", "image", "audio")


@dataclass
class Item:
    label: str
    value: object  # str | PIL.Image | AudioClip
    path: str | None = None  # media file, for thumbnails and players
    origin: str = "upload"  # "typed" | "upload" | "gallery"
    gallery_id: str | None = None  # set when the item is a bundled gallery item


def check_modality(modality: str) -> str:
    modality = (modality or "").strip().lower()
    aliases = {"texts": "text", "images": "image", "sound": "audio", "sounds": "audio"}
    modality = aliases.get(modality, modality)
    if modality not in MODALITIES:
        raise InputError(f"Unknown modality '{modality}'; use one of: text, image, audio.")
    return modality


def file_paths(files) -> list[str]:
    """Gradio gives a path, a list of paths, or dicts/FileData with a 'path'."""
    if files is None:
        return []
    if isinstance(files, (str, os.PathLike)) or hasattr(files, "path") or isinstance(files, dict):
        files = [files]
    out = []
    for f in files:
        if f is None:
            continue
        if isinstance(f, dict):
            f = f.get("path") or f.get("name")
        elif hasattr(f, "path"):
            f = f.path
        if f:
            out.append(str(f))
    return out


def _unique_labels(items: list[Item]) -> list[Item]:
    seen: dict[str, int] = {}
    for item in items:
        n = seen.get(item.label, 0)
        seen[item.label] = n + 1
        if n:
            item.label = f"{item.label} ({n + 1})"
    return items


def collect(modality: str, texts: str | None = None, files=None,
            gallery_ids: Sequence[str] | None = None, warn: Callable[[str], None] | None = None) -> list[Item]:
    """Decode all inputs of one modality; raises InputError with a clear message."""
    from media.decode import decode_file
    from media.text import split_lines

    modality = check_modality(modality)
    paths = file_paths(files)
    if len(paths) > LIMITS.max_files:
        raise InputError(f"You sent {len(paths)} files; the limit is {LIMITS.max_files} per request.")
    picks = list(gallery_ids or [])
    if len(picks) > LIMITS.max_gallery_picks:  # checked before anything is decoded
        raise InputError(f"You picked {len(picks)} gallery items; the limit is {LIMITS.max_gallery_picks}.")
    items: list[Item] = []
    if modality == "text":
        items += [Item(line, line, origin="typed") for line in split_lines(texts)]
        for p in paths:
            items += [Item(line, line, origin="upload") for line in decode_file("text", p)]
        if len(items) > LIMITS.max_text_lines:
            raise InputError(f"That is {len(items)} sentences; the limit is {LIMITS.max_text_lines}.")
    else:
        for p in paths:
            items.append(Item(display_name(p), decode_file(modality, p, warn), path=p))
    if picks:
        by_id = {it.id: it for it in items_of(modality)}
        for gid in picks:
            g = by_id.get(gid)
            if g is None:
                raise InputError(f"'{gid}' is not a gallery {modality}.")
            if modality == "text":
                items.append(Item(g.text, g.text, origin="gallery", gallery_id=g.id))
            else:
                value = decode_file(modality, g.path)
                items.append(Item(g.caption, value, path=g.path, origin="gallery", gallery_id=g.id))
    if not items:
        what = {"text": "Type at least one sentence (one per line) or upload a .txt file.",
                "image": "Upload at least one image or pick one from the gallery.",
                "audio": "Upload or record at least one sound, or pick one from the gallery."}[modality]
        raise InputError(what)
    return _unique_labels(items)
