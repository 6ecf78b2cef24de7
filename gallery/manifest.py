"""Read a gallery manifest (assets/manifest.json, assets/heldout/manifest.json) into records.

The gallery is grouped: every item has a ``group`` ("cats", "drums", ...) shared across
images, sounds and sentences. ``assets/heldout/`` has the same layout: items set aside at
random before the gallery was chosen, to measure how neighbours generalise
(``gallery/quality.py``). Both are written by ``assets/build_assets.py``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

ASSETS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets")
HELDOUT_DIR = os.path.join(ASSETS_DIR, "heldout")
MODALITY_OF_SECTION = {"images": "image", "sounds": "audio", "texts": "text"}


@dataclass(frozen=True)
class GalleryItem:
    id: str
    modality: str  # "image" | "audio" | "text"
    caption: str
    group: str  # e.g. "cats"; one partition shared by images, sounds and texts
    path: str | None = None  # absolute path of the media file (images, sounds)
    text: str | None = None  # the sentence (texts)
    source: str = ""  # package + version + path inside it
    licence: str = ""  # SPDX-style code, e.g. "CC-BY-SA-3.0"
    licence_file: str | None = None  # absolute path of the licence text
    credit: str = ""  # author / attribution to show with the item
    pair: str | None = None  # id of the same subject in the other media modality (same source)

    @property
    def label(self) -> str:
        return self.text if self.modality == "text" else self.caption


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    about: str
    images: int
    sounds: int
    texts: int


def _read(assets_dir: str) -> dict:
    with open(os.path.join(assets_dir, "manifest.json"), encoding="utf-8") as fh:
        return json.load(fh)


def _abs(assets_dir: str, rel: str | None) -> str | None:
    return os.path.normpath(os.path.join(assets_dir, rel)) if rel else None


@lru_cache(maxsize=8)
def load_manifest(assets_dir: str = ASSETS_DIR) -> tuple[GalleryItem, ...]:
    data = _read(assets_dir)
    items = []
    for section, modality in MODALITY_OF_SECTION.items():
        for e in data.get(section, []):
            common = dict(
                id=e["id"], modality=modality, group=e["group"], source=e.get("source", ""),
                licence=e.get("licence", ""), licence_file=_abs(assets_dir, e.get("licence_file")),
                credit=e.get("credit", ""), pair=e.get("pair"),
            )
            if modality == "text":
                items.append(GalleryItem(caption=e["text"], text=e["text"], **common))
            else:
                items.append(GalleryItem(caption=e["caption"], path=_abs(assets_dir, e["file"]), **common))
    return tuple(items)


@lru_cache(maxsize=8)
def load_groups(assets_dir: str = ASSETS_DIR) -> tuple[Group, ...]:
    """The groups in manifest order, with how many items of each modality they hold."""
    return tuple(Group(g["key"], g["title"], g.get("about", ""), g.get("images", 0), g.get("sounds", 0),
                       g.get("texts", 0)) for g in _read(assets_dir).get("groups", []))


def items_of(modality: str, assets_dir: str = ASSETS_DIR) -> list[GalleryItem]:
    return [item for item in load_manifest(assets_dir) if item.modality == modality]


def heldout_items(modality: str, heldout_dir: str = HELDOUT_DIR) -> list[GalleryItem]:
    """The held-out items of a modality (never used to choose the gallery)."""
    return items_of(modality, heldout_dir)


def by_group(items: list[GalleryItem]) -> dict[str, list[GalleryItem]]:
    """Items grouped by ``group``, groups in first-seen order."""
    out: dict[str, list[GalleryItem]] = {}
    for item in items:
        out.setdefault(item.group, []).append(item)
    return out
