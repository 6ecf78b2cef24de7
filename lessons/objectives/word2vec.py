"""Skip-gram and CBOW word vectors trained live with gensim, one epoch at a time.

Pure numpy + gensim, no Gradio. ``train_epochs`` yields one ``EpochRecord`` per epoch (epoch 0 is
the random start), so a page can redraw while it trains. Determinism: gensim with ``workers=1``
and a fixed ``seed`` gives the same vectors run after run (gensim >= 4 draws the start vectors
from ``numpy.random.default_rng(seed)``; Python's string hash, ``hashfxn``, is only used when a
vocabulary is *extended*, which never happens here, so PYTHONHASHSEED does not matter).

The loss shown is computed here, not taken from gensim's running counter (a float32 sum that
loses precision): the negative-sampling loss (Mikolov et al. 2013)

    -log sigmoid(u_context . v) - sum over 5 negatives n of log sigmoid(-u_n . v)

averaged over a fixed sample of pairs, the same pairs and the same negatives at every epoch.
For skip-gram ``v`` is one word's input vector and the pair is (word, a word within the window);
for CBOW ``v`` is the mean of the context words' input vectors and the target is the centre word.
Before training gensim's output vectors ``u`` are all zero, so the loss starts at exactly
``6 ln 2 = 4.159``. Neighbours: cosine of the input vectors after subtracting their mean
(``centred_unit``).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

import numpy as np

from lessons.objectives import corpus as corpus_mod

OBJECTIVES = ("skip-gram", "cbow")
WINDOW = 4  # words each side
NEGATIVE = 5  # negative samples per positive pair
NS_EXPONENT = 0.75  # negatives drawn from unigram counts ** 0.75 (gensim's default)
MIN_COUNT = 5  # a word needs 5 occurrences in the training speeches to get a vector
SAMPLE = 1e-3  # down-sampling of very frequent words ("the", "and"); gensim's default
ALPHA = {"skip-gram": 0.025, "cbow": 0.05}  # start learning rates (word2vec's own defaults)
MIN_ALPHA = 1e-4
EVAL_PAIRS = 20_000  # pairs in each fixed loss sample
START_LOSS = (1 + NEGATIVE) * float(np.log(2.0))  # all output vectors zero: every sigmoid is 1/2

logging.getLogger("gensim").setLevel(logging.WARNING)


@dataclass
class EpochRecord:
    epoch: int  # 0 = before training
    loss_train: float  # mean loss on a fixed sample of training pairs
    loss_heldout: float  # mean loss on a fixed sample of pairs from held-out speeches
    neighbours: dict[str, list[tuple[str, float]]]  # watched word -> [(neighbour, cosine after centring)]
    random_cosine: float  # mean plain cosine of random word pairs (before centring)
    seconds: float = field(default=0.0, compare=False)  # wall time of this epoch's training


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def negative_sampling_loss(v: np.ndarray, u_pos: np.ndarray, u_neg: np.ndarray) -> float:
    """Mean of -log s(u_pos . v) - sum_k log s(-u_neg_k . v); v, u_pos [n, d], u_neg [n, k, d]."""
    v, u_pos, u_neg = (np.asarray(a, dtype=np.float64) for a in (v, u_pos, u_neg))
    pos = np.einsum("nd,nd->n", v, u_pos)  # [n]
    neg = np.einsum("nd,nkd->nk", v, u_neg)  # [n, k]
    return float(np.mean(-log_sigmoid(pos) - log_sigmoid(-neg).sum(axis=1)))


@dataclass(frozen=True)
class EvalSet:
    """Fixed examples for the loss: inputs (word ids, or padded context ids for CBOW), targets, negatives."""
    inputs: np.ndarray  # [n] word ids (skip-gram) or [n, 2*WINDOW] context ids padded with -1 (CBOW)
    targets: np.ndarray  # [n]
    negatives: np.ndarray  # [n, NEGATIVE]


def make_eval_set(objective: str, speeches, index: dict[str, int], counts: np.ndarray, seed: int) -> EvalSet:
    rng = np.random.default_rng(seed)
    if objective == "skip-gram":
        pairs = corpus_mod.window_pairs(speeches, index, WINDOW)  # [pairs, 2]
        pick = np.sort(rng.choice(len(pairs), size=min(EVAL_PAIRS, len(pairs)), replace=False))
        inputs, targets = pairs[pick, 0], pairs[pick, 1]
    else:
        centres, contexts = corpus_mod.context_windows(speeches, index, WINDOW)
        pick = np.sort(rng.choice(len(centres), size=min(EVAL_PAIRS, len(centres)), replace=False))
        inputs, targets = contexts[pick], centres[pick]
    p = counts.astype(np.float64) ** NS_EXPONENT
    negatives = rng.choice(len(counts), size=(len(targets), NEGATIVE), p=p / p.sum())  # [n, NEGATIVE]
    return EvalSet(inputs, targets, negatives)


def eval_loss(objective: str, w_in: np.ndarray, w_out: np.ndarray, ev: EvalSet) -> float:
    if objective == "skip-gram":
        v = w_in[ev.inputs]  # [n, d]
    else:
        mask = (ev.inputs >= 0)[..., None]  # [n, 2*WINDOW, 1]
        v = (w_in[np.maximum(ev.inputs, 0)] * mask).sum(axis=1) / mask.sum(axis=1)  # [n, d] mean of context
    return negative_sampling_loss(v, w_out[ev.targets], w_out[ev.negatives])


def centred_unit(vectors: np.ndarray) -> np.ndarray:
    """Rows minus the mean row, scaled to unit length. [vocab, d]

    Word2vec vectors of a small corpus share one large common direction (two random words score
    a high cosine); subtracting the mean vector first (Mu & Viswanath 2018, "all-but-the-top")
    leaves the differences that set words apart.
    """
    centred = np.asarray(vectors, dtype=np.float64) - np.asarray(vectors, dtype=np.float64).mean(axis=0)
    return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)


def nearest(unit: np.ndarray, index: dict[str, int], words, word: str, k: int) -> list[tuple[str, float]]:
    """The k words with the highest cosine to ``word`` (itself excluded); ``unit``: unit rows [vocab, d]."""
    cos = unit @ unit[index[word]]  # [vocab]
    cos[index[word]] = -np.inf
    top = np.argsort(-cos, kind="stable")[:k]
    return [(words[i], round(float(cos[i]), 4)) for i in top]


RANDOM_PAIRS = 2000


def random_pair_cosine(vectors: np.ndarray) -> float:
    """Mean plain cosine of 2,000 fixed random pairs of different words (how much all vectors share)."""
    rng = np.random.default_rng(0)
    n = len(vectors)
    a = rng.integers(0, n, RANDOM_PAIRS)
    b = (a + rng.integers(1, n, RANDOM_PAIRS)) % n  # never the same word
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return float(np.einsum("nd,nd->n", unit[a].astype(np.float64), unit[b].astype(np.float64)).mean())


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    index: dict
    counts: np.ndarray  # occurrences in the training speeches

    def __hash__(self) -> int:
        return hash(self.words)


@lru_cache(maxsize=1)
def raw_counts() -> tuple[dict, int]:
    """Every word's count in the training speeches (in first-seen order, as gensim's scan) and the speech count."""
    counts: dict[str, int] = {}
    speeches = corpus_mod.load().train
    for speech in speeches:
        for w in speech:
            counts[w] = counts.get(w, 0) + 1
    return counts, len(speeches)


def new_model(objective: str, dim: int, seed: int):
    """A gensim Word2Vec with the training vocabulary and random start vectors (from ``seed``).

    ``build_vocab_from_freq`` with the counts of a full scan gives the same vocabulary, frequent-word
    thresholds and start vectors as ``build_vocab(corpus)``, without rescanning 0.8 M words per run.
    """
    from gensim.models import Word2Vec

    model = Word2Vec(vector_size=dim, window=WINDOW, min_count=MIN_COUNT, sg=int(objective == "skip-gram"),
                     negative=NEGATIVE, ns_exponent=NS_EXPONENT, hs=0, sample=SAMPLE, cbow_mean=1,
                     alpha=ALPHA[objective], min_alpha=MIN_ALPHA, workers=1, seed=seed)
    counts, speeches = raw_counts()
    model.build_vocab_from_freq(dict(counts), corpus_count=speeches)
    model.corpus_total_words = sum(counts.values())  # as build_vocab(corpus) sets it
    return model


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The training speeches' vocabulary (words seen >= MIN_COUNT times), in gensim's order."""
    model = new_model("cbow", 2, 0)
    words = tuple(model.wv.index_to_key)
    counts = np.array([model.wv.get_vecattr(w, "count") for w in words], dtype=np.int64)
    return Vocabulary(words, dict(model.wv.key_to_index), counts)


@lru_cache(maxsize=4)
def eval_sets(objective: str) -> tuple[EvalSet, EvalSet]:
    """(training sample, held-out sample): fixed pairs and negatives, the same for every run."""
    vocab, corp = vocabulary(), corpus_mod.load()
    train_part = corp.train[::corpus_mod.HELDOUT_EVERY]  # as many speeches as the held-out part
    return (make_eval_set(objective, train_part, vocab.index, vocab.counts, seed=1),
            make_eval_set(objective, corp.heldout, vocab.index, vocab.counts, seed=2))


def record(objective: str, model, epoch: int, watch: list[str], k: int, seconds: float = 0.0) -> EpochRecord:
    vocab = vocabulary()
    ev_train, ev_held = eval_sets(objective)
    w_in, w_out = model.wv.vectors, model.syn1neg  # [vocab, d] each
    unit = centred_unit(w_in)
    return EpochRecord(
        epoch, round(eval_loss(objective, w_in, w_out, ev_train), 5), round(eval_loss(objective, w_in, w_out, ev_held), 5),
        {w: nearest(unit, vocab.index, vocab.words, w, k) for w in watch}, round(random_pair_cosine(w_in), 4),
        round(seconds, 3))


def train_epochs(objective: str, epochs: int, dim: int, seed: int, watch: list[str], k: int = 5) -> Iterator[EpochRecord]:
    """Train word2vec on the training speeches; yield the state before training and after each epoch.

    The learning rate falls linearly from ALPHA to MIN_ALPHA over the whole run, as in gensim's own
    ``train(epochs=...)``; each epoch is one ``train`` call so the caller sees every epoch.
    """
    model = new_model(objective, dim, seed)
    if list(model.wv.index_to_key) != list(vocabulary().words):
        raise RuntimeError("gensim's vocabulary order changed between two builds")
    speeches = corpus_mod.load().train
    yield record(objective, model, 0, watch, k)
    a0 = ALPHA[objective]
    for e in range(epochs):
        start = time.perf_counter()
        model.train(speeches, total_examples=model.corpus_count, epochs=1,
                    start_alpha=a0 - (a0 - MIN_ALPHA) * e / epochs,
                    end_alpha=a0 - (a0 - MIN_ALPHA) * (e + 1) / epochs)
        yield record(objective, model, e + 1, watch, k, time.perf_counter() - start)
