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
        elif hasattr(enc, "encode_with_terms") and modality != "text":  # the label bridge: the class names it mixes
            vectors, top = enc.encode_with_terms(modality, values, n_labels)
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


# -- what the pages say about the vectors on screen (computed, never assumed) -------------------------
def raw_norms(emb: Embedded) -> list[float] | None:
    """Each item's vector length *before* it was scaled to length 1, or None when the model gives none.

    Read from the encoder's own intermediates (``encode()`` is unchanged): MiniLM's masked mean of the
    last hidden layer, GloVe's mean of raw word vectors, EfficientNet's pooled features, YAMNet's mean of
    its window features. ``tests/unit/test_service_views.py`` checks that scaling these raw vectors to
    length 1 gives the very vectors ``encode()`` returns. Bridge, CLIP and CLAP: None (their vectors come
    out with length 1, or are a mix of unit vectors).
    """
    raw = raw_vectors(emb.encoder, [it.value for it in emb.items])
    return None if raw is None else [float(x) for x in np.linalg.norm(raw, axis=1)]


def raw_vectors(encoder_key: str, values: list) -> np.ndarray | None:
    """[n, dim] pooled vectors before normalisation (see ``raw_norms``), or None for other encoders."""
    enc = get_encoder(encoder_key)
    enc.ensure_loaded()
    if encoder_key == "minilm":
        states = enc.hidden_states([str(v) for v in values])
        mask = states.attention_mask[:, :, None].astype(np.float32)  # [n, positions, 1]
        return (states.last * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)  # [n, 384]
    if encoder_key == "glove":
        from encoders.glove import tokenize

        out = np.zeros((len(values), enc.info.dim), dtype=np.float32)
        for i, text in enumerate(values):
            rows = [r for r in (enc.row_of(w) for w in tokenize(str(text))) if r is not None]
            if rows:
                out[i] = np.asarray(enc.raw[rows], dtype=np.float32).mean(axis=0)  # [50]
        return out
    if encoder_key == "efficientnet":
        from encoders.efficientnet import BATCH_SIZE, preprocess

        return np.concatenate([enc.forward(preprocess(values[s:s + BATCH_SIZE]))[0]  # [b, 1280]
                               for s in range(0, len(values), BATCH_SIZE)])
    if encoder_key == "yamnet":
        return np.stack([enc.patch_outputs(clip)[0].mean(axis=0) for clip in values])  # [n, 1024]
    return None


def text_notes(emb: Embedded) -> list[str]:
    """Sentences about this input that depend on the model: words GloVe skipped, MiniLM pieces cut off."""
    notes = []
    if emb.encoder == "glove":
        from encoders.glove import tokenize

        enc = get_encoder("glove")
        for n, item in enumerate(emb.items, 1):
            unknown = [w for w in tokenize(str(item.value)) if not enc.has_word(w)]
            if unknown:
                shown = ", ".join(f"“{w}”" for w in unknown[:6]) + (" …" if len(unknown) > 6 else "")
                notes.append(f"Sentence {n}: GloVe does not know {shown}, so {'they add' if len(unknown) > 1 else 'it adds'} "
                             "nothing to its vector.")
    if emb.encoder in ("minilm", "bridge"):
        from encoders.minilm import MAX_TOKENS

        tok = get_encoder("minilm")
        tok.ensure_loaded()
        for n, item in enumerate(emb.items, 1):
            count = len(tok.tokenizer(str(item.value), add_special_tokens=True)["input_ids"])
            if count > MAX_TOKENS:
                notes.append(f"Sentence {n} has {count} WordPiece pieces (with [CLS] and [SEP]); MiniLM read only "
                             f"the first {MAX_TOKENS}, the rest does not change its vector.")
    return notes
