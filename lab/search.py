"""Cross-modal search in one shared space, zero-shot labels, and the space map."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from encoders import EncoderUnavailable, get_encoder
from encoders.bridge import TEMPLATES as PROMPTS
from gallery.index import gallery_vectors
from lab.inputs import check_modality
from media.decode import decode_file
from media.errors import InputError
from media.files import display_name
from space.projection import neighbour_overlap, project
from space.similarity import cosine_matrix, top_k

TARGETS = {"images": ("image",), "sounds": ("audio",), "texts": ("text",), "all": ("image", "audio", "text")}
SPACES = ("auto", "clip", "clap", "bridge")
JOINT_PREFERENCE = ("clip", "clap")  # joint models are preferred over the bridge when they cover the request
SPACE_NOTES = {
    "clip": "CLIP space: images and captions were trained together (contrastive learning on 2 billion image-text pairs).",
    "clap": "CLAP space: sounds and captions were trained together (contrastive learning on audio-text pairs).",
    "bridge": ("Label-bridge space (MiniLM text space): a picture or sound is described by its most likely "
               "ImageNet or AudioSet class names, and those names are embedded as text. Nothing was trained on "
               "pictures or sounds paired with captions, so it only knows the classifiers' label vocabulary."),
}


@dataclass
class Candidate:
    id: str
    modality: str
    caption: str
    path: str | None
    origin: str  # "gallery" | "upload"


@dataclass
class SearchResult:
    space: str
    space_label: str
    note: str
    query_label: str
    query_modality: str
    candidates: list[Candidate]
    vectors: np.ndarray  # [n_candidates, dim]
    query_vector: np.ndarray  # [dim]
    ranked: list[tuple[int, float]]  # (candidate index, cosine), best first
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "space": self.space, "space_label": self.space_label, "query": self.query_label,
            "query_modality": self.query_modality,
            "results": [{"rank": r + 1, "id": self.candidates[i].id, "modality": self.candidates[i].modality,
                         "caption": self.candidates[i].caption, "origin": self.candidates[i].origin,
                         "score": round(s, 6)} for r, (i, s) in enumerate(self.ranked)],
            "warnings": self.warnings,
        }


def check_target(target: str) -> tuple[str, ...]:
    key = (target or "all").strip().lower()
    key = {"image": "images", "audio": "sounds", "sound": "sounds", "text": "texts"}.get(key, key)
    if key not in TARGETS:
        raise InputError(f"Unknown target '{target}'; use images, sounds, texts or all.")
    return TARGETS[key]


def _usable(key: str) -> bool:
    return get_encoder(key).status()["status"] != "unavailable"


def choose_space(query_modality: str, targets: Sequence[str], requested: str | None,
                 warn: Callable[[str], None] | None = None) -> str:
    """The space to search in: the requested one, or auto = the best usable one that covers the request."""
    needed = {query_modality, *targets}
    requested = (requested or "auto").strip().lower()
    if requested != "auto":
        if requested not in SPACES:
            raise InputError(f"Unknown space '{requested}'; use auto, clip, clap or bridge.")
        enc = get_encoder(requested)
        missing = needed - set(enc.info.modalities)
        if missing:
            raise InputError(f"{enc.info.label} cannot embed {', '.join(sorted(missing))}; "
                             "choose another space or 'auto'.")
        return requested
    for key in JOINT_PREFERENCE:
        enc = get_encoder(key)
        if needed <= set(enc.info.modalities) and _usable(key):
            try:
                enc.ensure_loaded()
                return key
            except EncoderUnavailable as exc:
                if warn:
                    warn(f"{enc.info.label} could not load ({exc}); using the label bridge instead.")
    return "bridge"


def _load_query(modality: str, text: str | None, path: str | None, warn=None):
    from media.text import split_lines

    if modality == "text":
        lines = split_lines(text)
        if not lines:
            raise InputError("Type a query, e.g. 'a dog barking'.")
        query = " ".join(lines)
        return query, query
    if not path:
        raise InputError(f"Upload or record a{'n image' if modality == 'image' else ' sound'} to search with.")
    return display_name(path), decode_file(modality, path, warn)


def _uploaded_candidates(files: Sequence[str], targets: Sequence[str], warn=None):
    """Decode the user's own collection; keep the files whose kind is a target."""
    from media.sniff import sniff_modality

    out: list[tuple[Candidate, object]] = []
    skipped = []
    for path in files:
        name = display_name(path)
        modality = sniff_modality(path)
        if modality not in targets:
            skipped.append(f"{name} ({modality})")
            continue
        value = decode_file(modality, path, warn)
        if modality == "text":
            out += [(Candidate(f"{name}:{n}", "text", line, None, "upload"), line) for n, line in enumerate(value, 1)]
        else:
            out.append((Candidate(name, modality, name, path, "upload"), value))
    if skipped and warn:
        warn("Not searched, because they are not among the targets: " + ", ".join(skipped))
    return out


def search(query_modality: str, query_text: str | None = None, query_file: str | None = None,
           target: str = "all", k: int = 5, candidate_files: Sequence[str] = (), space: str | None = "auto",
           warn: Callable[[str], None] | None = None) -> SearchResult:
    query_modality = check_modality(query_modality)
    targets = check_target(target)
    warnings: list[str] = []

    def note(msg: str) -> None:
        warnings.append(msg)
        if warn:
            warn(msg)

    label, value = _load_query(query_modality, query_text, query_file, note)
    uploads = _uploaded_candidates(list(candidate_files or []), targets, note)
    key = choose_space(query_modality, targets, space, note)
    enc = get_encoder(key)
    enc.ensure_loaded()
    candidates: list[Candidate] = []
    blocks = []
    for modality in targets:
        g_items, g_vecs = gallery_vectors(key, modality)
        candidates += [Candidate(g.id, modality, g.label, g.path, "gallery") for g in g_items]
        blocks.append(g_vecs)
        mine = [(c, v) for c, v in uploads if c.modality == modality]
        if mine:
            candidates += [c for c, _ in mine]
            blocks.append(enc.encode(modality, [v for _, v in mine]))
    vectors = np.concatenate(blocks)
    q = enc.encode(query_modality, [value])[0]  # the user's own words, no prompt template
    idx, scores = top_k(cosine_matrix(q[None, :], vectors), max(1, int(k)))
    ranked = [(int(i), float(s)) for i, s in zip(idx[0], scores[0])]
    return SearchResult(key, enc.info.label, SPACE_NOTES[key], label, query_modality, candidates, vectors, q,
                        ranked, warnings)


def space_map(result: SearchResult, method: str = "pca", dims: int = 2, k: int = 5) -> dict:
    """Coordinates of every candidate and the query, plus how many true neighbours stay near."""
    points = np.concatenate([result.vectors, result.query_vector[None, :]])  # [n + 1, dim]
    coords = project(points, method, dims)
    query = len(points) - 1
    true, shown = neighbour_overlap(points, coords, query, k)
    return {"coords": coords, "query_index": query, "true": sorted(true), "shown": sorted(shown),
            "kept": len(true & shown), "k": len(true)}


@dataclass
class ZeroShot:
    space: str
    space_label: str
    scale: float
    labels: list[str]
    cosines: list[float]
    probabilities: list[float]

    def as_json(self) -> dict:
        return {"space": self.space, "space_label": self.space_label, "temperature_scale": self.scale,
                "formula": f"softmax({self.scale:g} x cosine(item, prompt))",
                "labels": [{"label": l, "probability": round(p, 6), "cosine": round(c, 6)}
                           for l, p, c in sorted(zip(self.labels, self.probabilities, self.cosines),
                                                 key=lambda t: -t[1])]}


def parse_labels(labels: str | Sequence[str]) -> list[str]:
    if isinstance(labels, str):
        parts = labels.replace("\n", ",").split(",")
    else:
        parts = list(labels)
    out = []
    for p in parts:
        p = " ".join(str(p).split())
        if p and p not in out:
            out.append(p[:100])
    if len(out) < 2:
        raise InputError("Give at least two candidate labels, separated by commas (e.g. dog, cat, car).")
    if len(out) > 50:
        raise InputError(f"That is {len(out)} labels; the limit is 50.")
    return out


def zero_shot(path: str, labels: str | Sequence[str], space: str | None = "auto",
              warn: Callable[[str], None] | None = None) -> ZeroShot:
    """An image or a sound plus candidate labels -> softmax over cosine x temperature."""
    from media.sniff import sniff_modality

    names = parse_labels(labels)
    if not path:
        raise InputError("Upload an image or a sound to label.")
    modality = sniff_modality(path)
    if modality == "text":
        raise InputError("Zero-shot labelling takes an image or a sound, not a text file.")
    _, value = _load_query(modality, None, path, warn)
    key = choose_space(modality, ("text",), space, warn)
    enc = get_encoder(key)
    item = enc.encode(modality, [value])[0]
    prompts = enc.encode("text", [PROMPTS[modality].format(n) for n in names])
    cos = prompts @ item
    scale = float(getattr(enc, "zero_shot_scale", 100.0))
    logits = scale * cos
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    return ZeroShot(key, enc.info.label, scale, names, [float(c) for c in cos], [float(p) for p in probs])
