"""Static vs contextual: one word in several sentences, as GloVe sees it and as MiniLM sees it, layer by layer.

Pure computation, no Gradio.
- static:     GloVe 6B's row for the word (one row per word, whatever the sentence): every occurrence
              gets the same 50 numbers, so every cosine is 1.
- contextual: MiniLM's own hidden states (``output_hidden_states``: the embedding output, layer 0,
              then the 6 transformer layers) at the word's position in each sentence. When WordPiece
              cuts the word into several pieces, the word's vector is the mean of its pieces' vectors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from media.errors import InputError
from media.text import clean_line

MAX_SENTENCES = 8
MAX_SENTENCE_CHARS = 200  # < MiniLM's 256-token window, whatever the script
MAX_WORD_CHARS = 30
NEAREST = 8  # GloVe neighbours shown for the static vector
LAYER_NAMES = ("embedding output (token row + position row + segment row, layer-normalised)",) + tuple(
    f"after transformer layer {i}" for i in range(1, 7))


@dataclass
class ContextResult:
    word: str
    sentences: list[str]
    spans: list[tuple[int, int]]  # the word's first whole-word occurrence in each sentence (characters)
    occurrences: list[int]  # how many times each sentence uses the word (the first one is followed)
    pieces: list[list[str]]  # the WordPiece pieces that make up the word in each sentence
    positions: list[list[int]]  # their token positions (0 is [CLS])
    glove_row: int
    static: np.ndarray = field(repr=False)  # [sentences, 50] GloVe's row, once per sentence (all equal)
    static_cosine: np.ndarray = field(repr=False)  # [sentences, sentences]
    nearest: list[tuple[str, float]] = field(default_factory=list)  # GloVe's nearest words to the static vector
    contextual: np.ndarray = field(default=None, repr=False)  # [7, sentences, 384] hidden state of the word
    contextual_cosine: np.ndarray = field(default=None, repr=False)  # [7, sentences, sentences]

    @property
    def layers(self) -> int:
        return int(self.contextual.shape[0])

    @property
    def split(self) -> bool:
        """True when WordPiece cuts the word into more than one piece in some sentence."""
        return any(len(p) > 1 for p in self.pieces)

    def pairs(self) -> list[tuple[int, int]]:
        return list(combinations(range(len(self.sentences)), 2))


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """[n, d] -> [n, n] cosine similarities (float64)."""
    v = np.asarray(vectors, dtype=np.float64)  # [n, d]
    v = v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)  # [n, d] unit rows
    return v @ np.swapaxes(v, -1, -2)  # [n, n]


def check_word(word: str | None) -> str:
    word = clean_line(str(word or ""))
    if not word:
        raise InputError("Type one word to follow through the sentences, e.g. 'bank'.")
    if len(word.split()) > 1:
        raise InputError(f"'{word[:40]}' is more than one word; type a single word, e.g. 'bank'.")
    if len(word) > MAX_WORD_CHARS:
        raise InputError(f"That word is {len(word)} characters long; this lesson takes at most {MAX_WORD_CHARS}.")
    if not any(ch.isalnum() for ch in word):
        raise InputError("Type a word with letters or digits in it, e.g. 'bank'.")
    return word


def check_sentences(sentences: str | list[str] | None) -> list[str]:
    lines = sentences if isinstance(sentences, (list, tuple)) else str(sentences or "").splitlines()
    if len(lines) > 4 * MAX_SENTENCES:
        raise InputError(f"Give at most {MAX_SENTENCES} sentences, one per line.")
    out = [clean_line(" ".join(str(s).split())) for s in lines]
    out = [s for s in out if s]
    if len(out) < 2:
        raise InputError("Give at least two sentences (one per line) that use the word, so there is something to compare.")
    if len(out) > MAX_SENTENCES:
        raise InputError(f"That is {len(out)} sentences; this lesson compares at most {MAX_SENTENCES}.")
    for i, s in enumerate(out, 1):
        if len(s) > MAX_SENTENCE_CHARS:
            raise InputError(f"Sentence {i} is {len(s)} characters long; keep each under {MAX_SENTENCE_CHARS}.")
    return out


def find_word(word: str, sentence: str) -> list[tuple[int, int]]:
    """Character spans of the whole-word, case-insensitive occurrences of ``word`` in ``sentence``."""
    return [m.span() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", sentence, flags=re.IGNORECASE)]


def word_positions(offsets: np.ndarray, mask: np.ndarray, span: tuple[int, int]) -> list[int]:
    """Token positions whose character span lies inside ``span`` (the word's WordPiece pieces)."""
    start, end = span
    return [t for t, ((s, e), m) in enumerate(zip(offsets.tolist(), mask.tolist()))
            if m and e > s and s >= start and e <= end]


def compare(word: str, sentences: str | list[str]) -> ContextResult:
    from encoders import get_encoder

    word = check_word(word)
    sentences = check_sentences(sentences)
    spans, occurrences = [], []
    for i, s in enumerate(sentences, 1):
        found = find_word(word, s)
        if not found:
            raise InputError(f"Sentence {i} (\"{s[:60]}\") does not contain the word '{word}' on its own; "
                             "every sentence must use it.")
        spans.append(found[0])
        occurrences.append(len(found))

    glove = get_encoder("glove")
    row = glove.row_of(word)
    if row is None:
        raise InputError(f"'{word}' is not in GloVe's 400,000-word vocabulary, so it has no static vector; "
                         "try another word.")
    static_row = np.asarray(glove.raw[row], dtype=np.float32)  # [50]
    static = np.repeat(static_row[None, :], len(sentences), axis=0)  # [sentences, 50]: one row, every time

    hidden = get_encoder("minilm").hidden_states(sentences)  # layers [7, sentences, positions, 384]
    positions, pieces = [], []
    vectors = np.zeros((hidden.layers.shape[0], len(sentences), hidden.layers.shape[-1]), dtype=np.float32)  # [7, n, 384]
    for i, span in enumerate(spans):
        pos = word_positions(hidden.offsets[i], hidden.attention_mask[i], span)
        if not pos:
            raise InputError(f"MiniLM did not keep the word in sentence {i + 1} (it may be past its 256-piece window).")
        positions.append(pos)
        pieces.append([hidden.tokens[i][t] for t in pos])
        vectors[:, i] = hidden.layers[:, i, pos].mean(axis=1)  # [7, 384]: mean of the word's pieces
    return ContextResult(
        word=word, sentences=sentences, spans=spans, occurrences=occurrences, pieces=pieces, positions=positions, glove_row=int(row),
        static=static, static_cosine=cosine_matrix(static),
        nearest=glove.nearest_words(static_row, NEAREST, exclude=(word,)),
        contextual=vectors, contextual_cosine=np.stack([cosine_matrix(v) for v in vectors]))


def _rounded(matrix: np.ndarray) -> list[list[float]]:
    return [[round(float(x), 6) for x in row] for row in matrix]


# -- the public endpoint ----------------------------------------------------------------------------
def contextual(word: str = "bank",
               sentences: str = "She sat on the bank of the river.\nHe paid the cheque into his bank account.\n"
                                "He made a bank shot off the backboard.",
               vectors: bool = False) -> dict:
    """One word in several sentences (one per line): GloVe's static vector vs MiniLM's contextual ones.

    Returns {"word", "sentences", "pieces" (the WordPiece pieces of the word in each sentence; a word cut
    into several pieces is the mean of their vectors), "static": {"model": "glove", "dim", "row", "cosine",
    "nearest": [{"word", "cosine"}]}, "contextual": {"model": "minilm", "dim", "layers": [{"layer": 0..6,
    "name", "cosine"}]}}. Layer 0 is the embedding output, 1..6 the transformer layers; the vectors are the
    model's own hidden states (``vectors=True`` adds them: one 384-number list per sentence and layer).
    """
    r = compare(word, sentences)
    layers = []
    for layer in range(r.layers):
        entry = {"layer": layer, "name": LAYER_NAMES[layer], "cosine": _rounded(r.contextual_cosine[layer])}
        if vectors:
            entry["vectors"] = [[float(x) for x in v] for v in r.contextual[layer]]
        layers.append(entry)
    return {
        "word": r.word, "sentences": r.sentences, "pieces": r.pieces,
        "static": {"model": "glove", "dim": int(r.static.shape[1]), "row": r.glove_row,
                   "cosine": _rounded(r.static_cosine),
                   "nearest": [{"word": w, "cosine": round(c, 6)} for w, c in r.nearest]},
        "contextual": {"model": "minilm", "dim": int(r.contextual.shape[-1]), "layers": layers},
    }
