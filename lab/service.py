"""Embed, compare and look up neighbours: the operations behind tabs and API."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from encoders import EncoderUnavailable, default_encoder, get_encoder, list_encoders
from gallery.index import gallery_vectors
from gallery.manifest import GalleryItem
from lab.inputs import Item, check_modality
from media.errors import InputError
from space.similarity import cosine_matrix, top_k


@dataclass
class Embedded:
    modality: str
    encoder: str
    items: list[Item]
    vectors: np.ndarray  # [n, dim], unit rows
    top_labels: list[list[tuple[str, float]]] | None = None  # per item, for classifiers
    extras: dict = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return [it.label for it in self.items]


def resolve_encoder(modality: str, key: str | None):
    modality = check_modality(modality)
    key = (key or "").strip() or default_encoder(modality)
    try:
        enc = get_encoder(key)
    except KeyError:
        raise InputError(f"Unknown encoder '{key}'. See the Models tab (or /encoders) for the list.")
    if modality not in enc.info.modalities:
        raise InputError(f"Encoder '{key}' does not embed {modality}; it embeds {', '.join(enc.info.modalities)}.")
    return enc


def embed_items(modality: str, items: list[Item], encoder_key: str | None = None,
                n_labels: int = 5) -> Embedded:
    enc = resolve_encoder(modality, encoder_key)
    values = [it.value for it in items]
    try:
        top = None
        if hasattr(enc, "encode_with_probs"):
            enc.ensure_loaded()
            vectors, probs = enc.encode_with_probs(values)
            top = enc.top_labels_from_probs(probs, n_labels)
        else:
            vectors = enc.encode(modality, values)
    except EncoderUnavailable as exc:
        raise InputError(f"The {enc.info.label} model is not available here: {exc}")
    except ValueError as exc:  # e.g. GloVe: no known words
        raise InputError(str(exc))
    return Embedded(modality, enc.info.key, items, vectors, top)


def similarity(emb: Embedded) -> np.ndarray:
    return cosine_matrix(emb.vectors)


@dataclass
class Neighbour:
    item: GalleryItem
    score: float


def neighbours(emb: Embedded, k: int = 5) -> list[list[Neighbour]]:
    """Top-k gallery items of the same modality, per input item.

    A gallery item is never listed as its own neighbour (it would always be #1).
    """
    gitems, gvecs = gallery_vectors(emb.encoder, emb.modality)
    idx, scores = top_k(cosine_matrix(emb.vectors, gvecs), k + 1)
    out = []
    for item, row_i, row_s in zip(emb.items, idx, scores):
        found = [Neighbour(gitems[i], float(s)) for i, s in zip(row_i, row_s) if gitems[i].id != item.gallery_id]
        out.append(found[:k])
    return out


def encoder_table() -> list[dict]:
    return list_encoders()
