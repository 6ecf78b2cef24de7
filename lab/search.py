"""Cross-modal search in one shared space, zero-shot labels, and the space map."""
from __future__ import annotations

import threading
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
from media.limits import LIMITS
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


# The label bridge "knows" a text query for a modality when the query's best cosine to that modality's class-name
# prompts ("a photo of a tabby", "the sound of Bark") reaches this. Chosen on 70 queries written before any score
# was computed (tests/unit/test_bridge_coverage.py: 20 with an ImageNet/AudioSet class, 15 without, per
# modality): the midpoint between the lowest query that has a class and the highest one below it that has none.
# Images: all 20 kept, all 15 flagged; sounds: all 20 kept, 12 of 15 flagged (smell of rain, sadness and the
# colour blue sit near Rain, Crying and Blues). Never tuned on the retrieval queries of test_bridge_retrieval.py.
KNOWS_THRESHOLD = {"image": 0.60, "audio": 0.50}
CLASS_SET = {"image": "ImageNet", "audio": "AudioSet"}


@dataclass
class Coverage:
    """How near a text comes to the bridge's class names for one modality (the bridge's whole vocabulary)."""

    modality: str
    best: float  # the highest cosine to a class-name prompt
    nearest: list[tuple[str, float]]  # the closest class names and their cosines
    threshold: float

    @property
    def knows(self) -> bool:
        return self.best >= self.threshold

    def as_json(self) -> dict:
        return {"modality": self.modality, "knows": self.knows, "best_cosine": round(self.best, 6),
                "threshold": self.threshold, "nearest_classes": [{"label": n, "cosine": round(c, 6)}
                                                                 for n, c in self.nearest]}


def bridge_coverage(texts: Sequence[str], modality: str, n: int = 3) -> list[Coverage]:
    """Per text: its best cosine to the bridge's class-name prompts of ``modality`` (image or audio)."""
    bridge = get_encoder("bridge")
    bridge.ensure_loaded()
    prompts = bridge.class_vectors[modality]  # [n_classes, 384], unit rows
    names = bridge.classifiers[modality].class_names()
    sims = bridge.encode("text", list(texts)) @ prompts.T  # [texts, n_classes]
    out = []
    for row in sims:
        top = np.argsort(-row)[:n]
        out.append(Coverage(modality, float(row[top[0]]), [(names[i], float(row[i])) for i in top],
                            KNOWS_THRESHOLD[modality]))
    return out


_terms: dict[str, list] = {}
_terms_lock = threading.Lock()


def gallery_terms(modality: str) -> list[list[tuple[str, float]]]:
    """The bridge's top classifier labels of every gallery image or sound (computed once, kept in memory)."""
    with _terms_lock:
        if modality not in _terms:
            from gallery.index import decode_items
            from gallery.manifest import items_of

            items = items_of(modality)
            _terms[modality] = get_encoder("bridge").encode_with_terms(modality, decode_items(items), k=3)[1]
        return _terms[modality]


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
    # one ranking per target modality: scores are comparable within a modality, not across
    by_modality: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    terms: dict[int, list[tuple[str, float]]] = field(default_factory=dict)  # bridge: why an item scored
    query_terms: list[tuple[str, float]] | None = None  # bridge: what the classifier sees in the query
    coverage: dict[str, Coverage] = field(default_factory=dict)  # bridge, text query: is a class name near it?

    def _row(self, rank: int, i: int, score: float) -> dict:
        c = self.candidates[i]
        row = {"rank": rank, "id": c.id, "modality": c.modality, "caption": c.caption, "origin": c.origin,
               "score": round(score, 6)}
        if i in self.terms:
            row["top_labels"] = [{"label": n, "score": round(p, 5)} for n, p in self.terms[i]]
        return row

    def as_json(self) -> dict:
        out = {
            "space": self.space, "space_label": self.space_label, "query": self.query_label,
            "query_modality": self.query_modality,
            "results": [self._row(r + 1, i, s) for r, (i, s) in enumerate(self.ranked)],
            "by_modality": {m: [self._row(r + 1, i, s) for r, (i, s) in enumerate(rows)]
                            for m, rows in self.by_modality.items()},
            "warnings": self.warnings,
        }
        if self.query_terms is not None:
            out["query_top_labels"] = [{"label": n, "score": round(p, 5)} for n, p in self.query_terms]
        if self.coverage:
            out["coverage"] = {m: c.as_json() for m, c in self.coverage.items()}
        return out


def check_target(target: str) -> tuple[str, ...]:
    key = (target or "all").strip().lower()
    key = {"image": "images", "audio": "sounds", "sound": "sounds", "text": "texts"}.get(key, key)
    if key not in TARGETS:
        raise InputError(f"Unknown target '{target}'; use images, sounds, texts or all.")
    return TARGETS[key]


def check_search_limits(query_text: str | None, candidate_files: Sequence[str] | None, k) -> None:
    """Counts and sizes of a search request, checked before anything is decoded or embedded."""
    if query_text is not None and len(str(query_text)) > LIMITS.max_text_chars:
        raise InputError(f"The query is {len(str(query_text)):,} characters long; the limit is "
                         f"{LIMITS.max_text_chars:,}.")
    n = len(candidate_files or ())
    if n > LIMITS.max_files:
        raise InputError(f"You sent {n} candidate files; the limit is {LIMITS.max_files}.")
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise InputError(f"k must be a whole number from 1 to {LIMITS.max_k}.")
    if not 1 <= k <= LIMITS.max_k:
        raise InputError(f"k is {k}; it must be from 1 to {LIMITS.max_k}.")


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
    """Decode the user's own collection; keep the files whose kind is a target.

    The totals (files, items, caption characters) are checked as we go, before the
    next file is decoded and long before anything is embedded.
    """
    from media.sniff import sniff_modality

    if len(files) > LIMITS.max_files:
        raise InputError(f"You sent {len(files)} candidate files; the limit is {LIMITS.max_files}.")
    out: list[tuple[Candidate, object]] = []
    skipped = []
    chars = 0
    for path in files:
        name = display_name(path)
        modality = sniff_modality(path)
        if modality not in targets:
            skipped.append(f"{name} ({modality})")
            continue
        value = decode_file(modality, path, warn)
        if modality == "text":
            chars += sum(len(line) for line in value)
            out += [(Candidate(f"{name}:{n}", "text", line, None, "upload"), line) for n, line in enumerate(value, 1)]
        else:
            out.append((Candidate(name, modality, name, path, "upload"), value))
        if len(out) > LIMITS.max_candidate_items:
            raise InputError(f"Your candidate files hold more than {LIMITS.max_candidate_items} items (files plus "
                             f"caption lines); the limit is {LIMITS.max_candidate_items} per search.")
        if chars > LIMITS.max_candidate_chars:
            raise InputError(f"Your candidate captions are more than {LIMITS.max_candidate_chars:,} characters "
                             f"together; the limit is {LIMITS.max_candidate_chars:,} per search.")
    if skipped and warn:
        warn("Not searched, because they are not among the targets: " + ", ".join(skipped))
    return out


def search(query_modality: str, query_text: str | None = None, query_file: str | None = None,
           target: str = "all", k: int = 5, candidate_files: Sequence[str] = (), space: str | None = "auto",
           warn: Callable[[str], None] | None = None) -> SearchResult:
    query_modality = check_modality(query_modality)
    targets = check_target(target)
    check_search_limits(query_text, candidate_files, k)
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
    bridge = key == "bridge"
    candidates: list[Candidate] = []
    blocks = []
    terms: dict[int, list[tuple[str, float]]] = {}
    for modality in targets:
        g_items, g_vecs = gallery_vectors(key, modality)
        if bridge and modality != "text":
            start = len(candidates)
            terms.update({start + j: t for j, t in enumerate(gallery_terms(modality))})
        candidates += [Candidate(g.id, modality, g.label, g.path, "gallery") for g in g_items]
        blocks.append(g_vecs)
        mine = [(c, v) for c, v in uploads if c.modality == modality]
        if mine:
            start = len(candidates)
            candidates += [c for c, _ in mine]
            if bridge and modality != "text":
                vecs, found = enc.encode_with_terms(modality, [v for _, v in mine], k=3)
                terms.update({start + j: t for j, t in enumerate(found)})
            else:
                vecs = enc.encode(modality, [v for _, v in mine])
            blocks.append(vecs)
    vectors = np.concatenate(blocks)
    query_terms = None
    if bridge and query_modality != "text":
        q_vecs, q_found = enc.encode_with_terms(query_modality, [value], k=5)
        q, query_terms = q_vecs[0], q_found[0]
    else:
        q = enc.encode(query_modality, [value])[0]  # the user's own words, no prompt template
    sims = cosine_matrix(q[None, :], vectors)[0]  # [n_candidates]
    k = max(1, int(k))
    idx, scores = top_k(sims[None, :], k)
    ranked = [(int(i), float(s)) for i, s in zip(idx[0], scores[0])]
    by_modality = {}
    for modality in targets:
        mine = np.array([i for i, c in enumerate(candidates) if c.modality == modality], dtype=int)
        order = mine[np.argsort(-sims[mine], kind="stable")[:k]]
        by_modality[modality] = [(int(i), float(sims[i])) for i in order]
    coverage = {}
    if bridge and query_modality == "text":
        coverage = {m: bridge_coverage([value], m)[0] for m in targets if m != "text"}
    return SearchResult(key, enc.info.label, SPACE_NOTES[key], label, query_modality, candidates, vectors, q,
                        ranked, warnings, by_modality, terms, query_terms, coverage)


def modality_stats(result: SearchResult) -> dict:
    """Mean cosine of item pairs within each modality and across modalities, and of the query to each modality.

    This is what makes "islands" in a map of a shared space: when pairs of the same kind score higher than
    pairs of different kinds whatever they show, each kind gathers on its own (the *modality gap*).
    """
    mods = [c.modality for c in result.candidates]
    kinds = list(dict.fromkeys(mods))
    v = result.vectors
    sims = v @ v.T  # [n, n]
    m = np.asarray(mods)
    within, across = {}, {}
    for a in kinds:
        ia = np.flatnonzero(m == a)
        if len(ia) > 1:
            block = sims[np.ix_(ia, ia)]
            within[a] = float((block.sum() - np.trace(block)) / (len(ia) * (len(ia) - 1)))
        for b in kinds:
            if a < b:
                ib = np.flatnonzero(m == b)
                across[(a, b)] = float(sims[np.ix_(ia, ib)].mean())
    to_query = {a: float((v[m == a] @ result.query_vector).mean()) for a in kinds}
    return {"within": within, "across": across, "to_query": to_query}


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
    modality: str = "image"
    item_terms: list[tuple[str, float]] | None = None  # bridge: what the classifier sees in the item
    coverage: list[Coverage] | None = None  # bridge: per label, is a class name near it?

    def as_json(self) -> dict:
        cover = {lab: c for lab, c in zip(self.labels, self.coverage or [])}
        rows = []
        for l, p, c in sorted(zip(self.labels, self.probabilities, self.cosines), key=lambda t: -t[1]):
            row = {"label": l, "probability": round(p, 6), "cosine": round(c, 6)}
            if l in cover:
                row["bridge_knows"] = cover[l].knows
                row["best_class_cosine"] = round(cover[l].best, 6)
            rows.append(row)
        out = {"space": self.space, "space_label": self.space_label, "temperature_scale": self.scale,
               "formula": f"softmax({self.scale:g} x cosine(item, prompt))", "labels": rows}
        if self.item_terms is not None:
            out["item_top_labels"] = [{"label": n, "score": round(p, 5)} for n, p in self.item_terms]
        return out


def parse_labels(labels: str | Sequence[str]) -> list[str]:
    """Unique labels in order; every limit is checked before the work it limits.

    (A 1.1 MB labels string took 116 s of CPU when duplicates were looked up in a list.)
    """
    if isinstance(labels, str):
        if len(labels) > LIMITS.max_labels_text:
            raise InputError(f"The labels are {len(labels):,} characters long; the limit is "
                             f"{LIMITS.max_labels_text:,} (at most {LIMITS.max_labels} labels).")
        parts = labels.replace("\n", ",").split(",")
    else:
        parts = list(labels)
    if len(parts) > 4 * LIMITS.max_labels:  # duplicates and blanks are dropped below, so allow some
        raise InputError(f"That is {len(parts):,} labels; the limit is {LIMITS.max_labels}.")
    out: dict[str, None] = {}  # an ordered set
    for p in parts:
        p = " ".join(str(p)[: 10 * LIMITS.max_label_chars].split())[: LIMITS.max_label_chars]
        if p:
            out[p] = None
    if len(out) < 2:
        raise InputError("Give at least two candidate labels, separated by commas (e.g. dog, cat, car).")
    if len(out) > LIMITS.max_labels:
        raise InputError(f"That is {len(out)} labels; the limit is {LIMITS.max_labels}.")
    return list(out)


def zero_shot(path: str, labels: str | Sequence[str], space: str | None = "auto",
              warn: Callable[[str], None] | None = None) -> ZeroShot:
    """An image or a sound plus candidate labels -> softmax over cosine x temperature."""
    from media.sniff import sniff_modality

    names = parse_labels(labels)  # first: its limits are checked before any file is opened
    if not path:
        raise InputError("Upload an image or a sound to label.")
    modality = sniff_modality(path)
    if modality == "text":
        raise InputError("Zero-shot labelling takes an image or a sound, not a text file.")
    _, value = _load_query(modality, None, path, warn)
    key = choose_space(modality, ("text",), space, warn)
    enc = get_encoder(key)
    item_terms = coverage = None
    if key == "bridge":
        vecs, found = enc.encode_with_terms(modality, [value], k=5)
        item, item_terms = vecs[0], found[0]
        coverage = bridge_coverage(names, modality)
    else:
        item = enc.encode(modality, [value])[0]
    prompts = enc.encode("text", [PROMPTS[modality].format(n) for n in names])
    cos = prompts @ item
    scale = float(getattr(enc, "zero_shot_scale", 100.0))
    logits = scale * cos
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    return ZeroShot(key, enc.info.label, scale, names, [float(c) for c in cos], [float(p) for p in probs],
                    modality, item_terms, coverage)
