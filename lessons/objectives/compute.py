"""Training objectives, live: the lesson's checks, bounded work, cached runs and the two public endpoints.

No Gradio. ``word_vector_run`` and ``contrastive_run`` are generators the page draws from while
they train; ``train_word_vectors`` and ``train_contrastive`` are the API endpoints (the same
numbers, all at once). Runs are deterministic (fixed seeds, gensim with one worker), so a
finished run is kept (a few, in memory) and a repeat of the same settings is replayed from it.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import asdict
from typing import Iterator, Literal

from lessons.objectives import contrastive, word2vec
from lessons.objectives import corpus as corpus_mod
from media.errors import InputError

# -- bounds (checked before any work) --------------------------------------------------------------
MAX_EPOCHS = 6  # skip-gram: about 3 s of one core per epoch on 0.8 M words
DIM_RANGE = (10, 100)
MAX_WATCH = 6
NEIGHBOURS = 5
MAX_STEPS = 1000
HEAD_DIM_RANGE = (2, 128)
MAX_SEED = 2**31 - 1
DEFAULT_WORDS = "king, father, night, sword"
KEPT_RUNS = 8

_runs: OrderedDict = OrderedDict()
_runs_lock = threading.Lock()


def _kept(key):
    with _runs_lock:
        if key in _runs:
            _runs.move_to_end(key)
            return _runs[key]
    return None


def _keep(key, value) -> None:
    with _runs_lock:
        _runs[key] = value
        while len(_runs) > KEPT_RUNS:
            _runs.popitem(last=False)


def _int(value, name: str, low: int, high: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a whole number from {low} to {high}.") from None
    if not number.is_integer() or not low <= number <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}; got {value}.")
    return int(number)


# -- word vectors ------------------------------------------------------------------------------------
def parse_words(words: str | None) -> list[str]:
    """'King, father night' -> ['king', 'father', 'night']; each must have a vector in this corpus."""
    found = list(dict.fromkeys(w.lower() for w in re.split(r"[\s,;]+", str(words or "")) if w))
    if not found:
        raise InputError(f"Type a few words to watch, separated by commas, e.g. '{DEFAULT_WORDS}'.")
    if len(found) > MAX_WATCH:
        raise InputError(f"Watch at most {MAX_WATCH} words at once; you gave {len(found)}.")
    vocab = word2vec.vocabulary()
    missing = [w for w in found if w not in vocab.index]
    if missing:
        raise InputError(
            f"'{missing[0][:40]}' is not in this corpus's vocabulary (words that occur at least "
            f"{word2vec.MIN_COUNT} times in the training speeches, {len(vocab.words):,} words). "
            "Try king, love, night, sword, gold, heaven or thou.")
    return found


def check_word_settings(objective, epochs, dim, seed, words) -> tuple[str, int, int, int, tuple[str, ...]]:
    if objective not in word2vec.OBJECTIVES:
        raise InputError(f"objective must be one of {', '.join(word2vec.OBJECTIVES)}; got {str(objective)[:40]!r}.")
    return (objective, _int(epochs, "epochs", 1, MAX_EPOCHS), _int(dim, "dim", *DIM_RANGE),
            _int(seed, "seed", 0, MAX_SEED), tuple(parse_words(words)))


def word_vector_run(objective: str = "skip-gram", epochs: int = 5, dim: int = 50, seed: int = 1,
                    words: str = DEFAULT_WORDS) -> Iterator[tuple[word2vec.EpochRecord, bool]]:
    """Yield (record, replayed) for epoch 0..epochs; replayed is True when an identical earlier run is reused."""
    key = ("w2v",) + check_word_settings(objective, epochs, dim, seed, words)
    kept = _kept(key)
    if kept is not None:
        for rec in kept:
            yield rec, True
        return
    records = []
    for rec in word2vec.train_epochs(key[1], key[2], key[3], key[4], list(key[5]), NEIGHBOURS):
        records.append(rec)
        yield rec, False
    _keep(key, tuple(records))


def corpus_facts() -> dict:
    corp, vocab = corpus_mod.load(), word2vec.vocabulary()
    return {"name": corpus_mod.NAME, "train_speeches": len(corp.train), "train_words": corp.train_words,
            "heldout_speeches": len(corp.heldout), "heldout_words": corp.heldout_words,
            "vocabulary": len(vocab.words), "min_count": word2vec.MIN_COUNT}


def train_word_vectors(objective: Literal["skip-gram", "cbow"] = "skip-gram", epochs: int = 5, dim: int = 50,
                       seed: int = 1, words: str = DEFAULT_WORDS) -> dict:
    """Train word2vec (skip-gram or CBOW, negative sampling) on 38 Shakespeare plays and watch words' neighbours.

    gensim Word2Vec, one worker, fixed seed: the same settings give the same numbers. ``epochs`` 1-6,
    ``dim`` 10-100, ``words``: up to 6 comma-separated words of the corpus to watch. Returns
    {"objective", "corpus", "settings", "start_loss", "history": [{"epoch" (0 = before training),
    "loss_train", "loss_heldout", "random_pair_cosine", "neighbours": {word: [{"word", "cosine"}]}}]}.
    The losses are the mean negative-sampling loss on fixed samples of 20,000 training / held-out
    examples; neighbour cosines are taken after subtracting the mean vector (random_pair_cosine is
    the mean plain cosine of 2,000 random word pairs, before that).
    """
    history = []
    for rec, _ in word_vector_run(objective, epochs, dim, seed, words):
        history.append({"epoch": rec.epoch, "loss_train": rec.loss_train, "loss_heldout": rec.loss_heldout,
                        "random_pair_cosine": rec.random_cosine,
                        "neighbours": {w: [{"word": n, "cosine": c} for n, c in ns] for w, ns in rec.neighbours.items()}})
    return {"objective": objective, "corpus": corpus_facts(),
            "settings": {"epochs": int(epochs), "dim": int(dim), "seed": int(seed), "window": word2vec.WINDOW,
                         "negative": word2vec.NEGATIVE, "sample": word2vec.SAMPLE,
                         "alpha": word2vec.ALPHA[objective], "workers": 1, "library": "gensim Word2Vec",
                         "neighbours": "cosine of the input vectors after subtracting their mean vector"},
            "start_loss": round(word2vec.START_LOSS, 5), "history": history}


# -- contrastive ---------------------------------------------------------------------------------------
def snapshot_steps(steps: int) -> set[int]:
    """When to show the state: often at first (things change fast), then more rarely; always the last step."""
    shown, s = {0, steps}, 1.0
    while s < steps:
        shown.add(int(round(s)))
        s = max(s + 1, s * 1.5)
    return shown


def check_contrastive_settings(steps, dim, seed) -> tuple[int, int, int]:
    return (_int(steps, "steps", 1, MAX_STEPS), _int(dim, "dim", *HEAD_DIM_RANGE), _int(seed, "seed", 0, MAX_SEED))


def contrastive_run(steps: int = 150, dim: int = 32, seed: int = 0) -> Iterator[tuple[contrastive.Snapshot, bool]]:
    steps, dim, seed = check_contrastive_settings(steps, dim, seed)
    pairs = contrastive.gallery_pairs()
    key = ("clip", steps, dim, seed, pairs.ids, pairs.captions)
    kept = _kept(key)
    if kept is not None:
        for snap in kept:
            yield snap, True
        return
    shown, snaps = snapshot_steps(steps), []
    for snap in contrastive.train_steps(pairs, steps, dim, seed, shown):
        snaps.append(snap)
        yield snap, False
    _keep(key, tuple(snaps))


def pair_facts(pairs: contrastive.Pairs, dim: int) -> dict:
    train, held = contrastive.split(pairs.groups)
    counts = {c: pairs.captions.count(c) for c in pairs.captions}
    shared = sum(1 for c in pairs.captions if counts[c] > 1)
    most = max(counts, key=lambda c: (counts[c], -pairs.captions.index(c))) if counts else ""
    return {"total": len(pairs.ids), "train": len(train), "heldout": len(held),
            "sharing_a_caption": shared, "most_shared_caption": {"caption": most, "images": counts.get(most, 0)},
            "loss_floor_train": round(contrastive.loss_floor([pairs.captions[i] for i in train]), 5),
            "loss_floor_heldout": round(contrastive.loss_floor([pairs.captions[i] for i in held]), 5),
            "split": f"fixed (seed {contrastive.SPLIT_SEED}): every {contrastive.HELDOUT_EVERY}th pair of each "
                     "shuffled group is held out and never trained on",
            "image_features": f"{pairs.image_model}, {pairs.images.shape[1]}-d, frozen",
            "text_features": f"{pairs.text_model} of each image's caption, {pairs.texts.shape[1]}-d, frozen",
            "parameters": contrastive.parameter_count(pairs, dim)}


def _matrix_part(pairs: contrastive.Pairs, index, sim) -> dict:
    return {"ids": [pairs.ids[i] for i in index], "captions": [pairs.captions[i] for i in index],
            "groups": [pairs.groups[i] for i in index],
            "similarity": [[round(float(x), 5) for x in row] for row in sim]}


def train_contrastive(steps: int = 150, dim: int = 32, seed: int = 0) -> dict:
    """A miniature CLIP: two linear heads trained with InfoNCE on frozen gallery image and caption vectors.

    EfficientNet-Lite0 image vectors and MiniLM caption vectors of the gallery's images stay frozen;
    two linear maps (no bias) into a ``dim``-d space (2-128) and a temperature are trained for
    ``steps`` full-batch AdamW steps (1-1000) on the training pairs; a fixed quarter of the pairs is
    held out. Returns {"pairs", "settings", "history": [{"step", "loss_train", "loss_heldout",
    "temperature", "accuracy_train", "accuracy_heldout"}], "train" and "heldout": {"ids", "captions",
    "groups", "similarity" (images x captions, cosine)}}. Accuracy: the share of images whose most
    similar caption is their own (image_to_text; identical captions count as one), the reverse, the
    same-group rate, and chance levels. Images that share a caption make a loss floor above 0
    (pairs.loss_floor_*).
    """
    snaps = [s for s, _ in contrastive_run(steps, dim, seed)]
    pairs = contrastive.gallery_pairs()
    train, held = contrastive.split(pairs.groups)
    last = snaps[-1]
    return {"pairs": pair_facts(pairs, int(dim)),
            "settings": {"steps": int(steps), "dim": int(dim), "seed": int(seed), "optimizer": "AdamW",
                         "learning_rate": contrastive.LEARNING_RATE, "weight_decay": contrastive.WEIGHT_DECAY,
                         "batch": "all training pairs"},
            "history": [{"step": s.step, "loss_train": s.loss_train, "loss_heldout": s.loss_heldout,
                         "temperature": s.temperature, "accuracy_train": asdict(s.train),
                         "accuracy_heldout": asdict(s.heldout)} for s in snaps],
            "train": _matrix_part(pairs, train, last.sim_train),
            "heldout": _matrix_part(pairs, held, last.sim_heldout)}


# -- masked language modelling, explained with real WordPiece pieces -----------------------------------------
MLM_SENTENCE = "The king drew his sword at night."
MLM_TEXT = (
    "BERT (Devlin et al. 2019) learned by **filling in blanks**: about 15 % of the WordPiece pieces of each "
    "sentence are hidden (most become `[MASK]`, some a random piece, some stay as they were), and the model "
    "must name each hidden piece, a choice among every piece of its vocabulary, scored with cross-entropy. "
    "Like skip-gram it learns from context, but the context is the whole sentence, read in both directions "
    "by every layer.\n\n"
    "This app cannot show such guesses: the bundled MiniLM (a smaller model distilled from a BERT-style "
    "teacher) ships without a masked-language-model head; its weights stop at the pooler, with nothing "
    "that turns a vector back into a piece. Its sentence vectors were then fine-tuned with the objective of "
    "part 2: its model card says it learned from about a billion sentence pairs to pick each sentence's true "
    "partner out of the other sentences in its batch, with cross-entropy over cosine similarities: InfoNCE.")


def masked_example(sentence: str = MLM_SENTENCE, hide: str = "sword") -> dict:
    """The sentence's real WordPiece pieces (MiniLM's tokenizer) with the piece ``hide`` masked."""
    from lessons.tokens.compute import check_text, wordpiece

    t = wordpiece(check_text(sentence))
    if hide not in t.pieces:
        raise InputError(f"'{hide}' is not one of the pieces of {sentence!r}.")
    at = t.pieces.index(hide)
    return {"pieces": t.pieces, "masked": [i == at for i in range(len(t.pieces))], "answer": hide,
            "vocab_size": t.vocab_size}
