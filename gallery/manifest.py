"""Read assets/manifest.json into GalleryItem records."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

ASSETS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets")
MODALITY_OF_SECTION = {"images": "image", "sounds": "audio", "texts": "text"}


@dataclass(frozen=True)
class GalleryItem:
    id: str
    modality: str  # "image" | "audio" | "text"
    caption: str
    category: str
    path: str | None = None  # absolute path of the media file (images, sounds)
    text: str | None = None  # the sentence (texts)
    source: str = ""
    licence: str = ""
    attribution: str = ""

    @property
    def label(self) -> str:
        return self.text if self.modality == "text" else self.caption


@lru_cache(maxsize=4)
def load_manifest(assets_dir: str = ASSETS_DIR) -> tuple[GalleryItem, ...]:
    with open(os.path.join(assets_dir, "manifest.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    items = []
    for section, modality in MODALITY_OF_SECTION.items():
        for entry in data.get(section, []):
            if modality == "text":
                items.append(GalleryItem(
                    id=entry["id"], modality="text", caption=entry["text"],
                    category=entry.get("category", ""), text=entry["text"],
                    licence=entry.get("licence", "CC0-1.0"), source=entry.get("source", "Embedding Lab"),
                ))
            else:
                items.append(GalleryItem(
                    id=entry["id"], modality=modality, caption=entry["caption"],
                    category=entry.get("category", ""), path=os.path.join(assets_dir, entry["file"]),
                    source=entry.get("source", ""), licence=entry.get("licence", ""),
                    attribution=entry.get("attribution", ""),
                ))
    return tuple(items)


def items_of(modality: str, assets_dir: str = ASSETS_DIR) -> list[GalleryItem]:
    return [item for item in load_manifest(assets_dir) if item.modality == modality]
