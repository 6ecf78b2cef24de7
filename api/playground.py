"""The playground's public endpoints: embed, similarity, export, encoders, search, zero-shot.

    from gradio_client import Client, handle_file
    c = Client("http://127.0.0.1:7860/")
    c.predict(texts="a cat\\na dog", api_name="/embed")
    c.predict(modality="image", files=[handle_file("cat.jpg")], api_name="/similarity")

Each function takes plain values with defaults, checks its files (``api.files``) and calls the same
``lab`` operations as the pages.
"""
from __future__ import annotations

from typing import Literal

from gradio import FileData

from api.files import uploaded_path, uploaded_paths
from encoders import get_encoder, list_encoders
from lab.inputs import collect
from lab.search import search as run_search
from lab.search import zero_shot as run_zero_shot
from lab.service import Embedded, embed_items
from lab.service import similarity as similarity_matrix
from space.export import FORMATS, write_vectors

Modality = Literal["text", "image", "audio"]


def _embedded(modality: str, texts: str, files, encoder: str) -> Embedded:
    items = collect(modality, texts, uploaded_paths(files))
    return embed_items(modality, items, encoder)


def embed(modality: Modality = "text", texts: str = "", files: list[FileData] | None = None,
          encoder: str = "") -> dict:
    """Embed texts (one per line), images or sounds. Returns one unit vector per item.

    Result: {modality, encoder, space, dim, items: [{label, vector, top_labels?}]}. ``encoder`` is a key
    from /encoders; empty means the modality's default (minilm, efficientnet, yamnet).
    """
    emb = _embedded(modality, texts, files, encoder)
    info = get_encoder(emb.encoder).info
    out = {"modality": emb.modality, "encoder": emb.encoder, "space": info.space, "dim": info.dim,
           "items": [{"label": label, "vector": [float(x) for x in vec]}
                     for label, vec in zip(emb.labels, emb.vectors)]}
    for entry, top in zip(out["items"], emb.top_labels or []):
        entry["top_labels"] = [{"label": name, "score": round(p, 5)} for name, p in top]
    return out


def similarity(modality: Modality = "text", texts: str = "", files: list[FileData] | None = None,
               encoder: str = "") -> dict:
    """Cosine-similarity matrix of the items. Result: {modality, encoder, space, labels, matrix}."""
    emb = _embedded(modality, texts, files, encoder)
    info = get_encoder(emb.encoder).info
    return {"modality": emb.modality, "encoder": emb.encoder, "space": info.space, "labels": emb.labels,
            "matrix": [[round(float(x), 6) for x in row] for row in similarity_matrix(emb)]}


def export_files(emb: Embedded, formats=FORMATS) -> list[str]:
    """The vectors of ``emb`` as files (Projector TSV pair, .npy, .parquet), for pages and API alike."""
    return write_vectors(emb.vectors, emb.labels, {"modality": [emb.modality] * len(emb.labels),
                                                   "encoder": [emb.encoder] * len(emb.labels)}, formats)


def export(modality: Modality = "text", texts: str = "", files: list[FileData] | None = None, encoder: str = "",
           formats: list[Literal["projector", "npy", "parquet"]] | None = None) -> list[FileData]:
    """The same vectors as /embed, as files: vectors.tsv + metadata.tsv (TensorFlow Embedding Projector),
    vectors.npy, vectors.parquet (label, modality, encoder, vector). ``formats`` picks some; default all."""
    from media.errors import InputError

    chosen = tuple(formats or FORMATS)
    bad = [f for f in chosen if f not in FORMATS]
    if bad:
        raise InputError(f"Unknown export format {bad[0]!r}; use {', '.join(FORMATS)}.")
    return [FileData(path=p) for p in export_files(_embedded(modality, texts, files, encoder), chosen)]


def encoders() -> list[dict]:
    """Every encoder with its metadata and status (loaded / loading / available / unavailable + why)."""
    return list_encoders()


def search(query_modality: Modality = "text", query_text: str = "", query_file: FileData | None = None,
           target: Literal["images", "sounds", "texts", "all"] = "all", k: int = 5,
           candidates: list[FileData] | None = None,
           space: Literal["auto", "clip", "clap", "bridge"] = "auto") -> dict:
    """Ranked results for a text, image or sound query in one shared space (CLIP, CLAP or the label bridge).

    ``candidates``: your own images, sounds or .txt files (one caption per line) searched with the gallery.
    ``results`` ranks every target together; ``by_modality`` ranks each kind on its own (scores are
    comparable within a kind, not across). With the label bridge, pictures and sounds carry ``top_labels``
    (why they scored) and a text query gets ``coverage`` per kind (is any class name near it?).
    """
    return run_search(query_modality, query_text, uploaded_path(query_file), target, int(k),
                      uploaded_paths(candidates), space or "auto").as_json()


def zero_shot(file: FileData | None = None, labels: str = "dog, cat, bird, car, music",
              space: Literal["auto", "clip", "clap", "bridge"] = "auto") -> dict:
    """Probabilities of labels you choose (comma separated) for an image or a sound."""
    return run_zero_shot(uploaded_path(file), labels, space or "auto").as_json()
