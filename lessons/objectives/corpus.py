"""The word-vector lesson's corpus: 38 Shakespeare plays, one speech per line (see data/CREDITS.md).

Pure Python/numpy. The corpus is read once from ``data/shakespeare.txt.xz`` (made by
``build_corpus.py``). Every 20th speech is set aside (never trained on) to measure the loss on
text the model has not seen; the rest is the training text.
"""
from __future__ import annotations

import lzma
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "shakespeare.txt.xz")
HELDOUT_EVERY = 20  # speech i is held out when i % 20 == 19
NAME = "Shakespeare's plays (38 plays, public domain)"


@dataclass(frozen=True)
class Corpus:
    train: tuple[tuple[str, ...], ...]  # speeches, each a tuple of lower-case words
    heldout: tuple[tuple[str, ...], ...]

    @property
    def train_words(self) -> int:
        return sum(len(s) for s in self.train)

    @property
    def heldout_words(self) -> int:
        return sum(len(s) for s in self.heldout)


@lru_cache(maxsize=1)
def load() -> Corpus:
    with lzma.open(DATA, "rt", encoding="utf-8") as fh:
        speeches = [tuple(line.split()) for line in fh if line.strip()]
    train = tuple(s for i, s in enumerate(speeches) if i % HELDOUT_EVERY != HELDOUT_EVERY - 1)
    heldout = tuple(s for i, s in enumerate(speeches) if i % HELDOUT_EVERY == HELDOUT_EVERY - 1)
    return Corpus(train, heldout)


def window_pairs(speeches, index: dict[str, int], window: int) -> np.ndarray:
    """Every (word, context word) pair of in-vocabulary words at most ``window`` apart in a speech.

    Words outside the vocabulary are dropped first (as word2vec does). Returns int64 [pairs, 2].
    """
    out = []
    for speech in speeches:
        ids = np.array([index[w] for w in speech if w in index], dtype=np.int64)  # [words]
        for offset in range(1, window + 1):
            if len(ids) > offset:
                out.append(np.stack([ids[:-offset], ids[offset:]], axis=1))  # [words - offset, 2]
                out.append(np.stack([ids[offset:], ids[:-offset]], axis=1))
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def context_windows(speeches, index: dict[str, int], window: int) -> tuple[np.ndarray, np.ndarray]:
    """Each in-vocabulary word with its context (the ``window`` words each side), for CBOW.

    Returns (centre ids [n], context ids [n, 2*window] padded with -1).
    """
    centres, contexts = [], []
    for speech in speeches:
        ids = [index[w] for w in speech if w in index]
        for i, c in enumerate(ids):
            ctx = ids[max(0, i - window):i] + ids[i + 1:i + 1 + window]
            if ctx:
                centres.append(c)
                contexts.append(ctx + [-1] * (2 * window - len(ctx)))
    return np.array(centres, dtype=np.int64), np.array(contexts, dtype=np.int64).reshape(-1, 2 * window)
