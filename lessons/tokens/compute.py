"""Tokens: the same text cut four ways, and the table row each piece looks up.

Pure computation, no Gradio. Every tokenizer here is the real one:
- word:      GloVe 6B's own vocabulary (400,000 lower-cased words), text split the Penn-Treebank way
             (``encoders.glove.split_words``); a word not in the table has no vector ([UNK]).
- wordpiece: MiniLM's BERT tokenizer (transformers ``AutoTokenizer``, 30,522 pieces, ``##`` marks a
             piece that continues a word), without [CLS]/[SEP].
- bpe:       CLIP's byte-level BPE (``open_clip.tokenizer.SimpleTokenizer``, 49,408 tokens, shipped in
             open_clip's wheel); ``</w>`` marks the end of a word. Never unknown: any byte has a token.
- char:      Unicode characters (code points); never unknown, but a long sequence.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

from media.errors import InputError
from media.text import clean_line

TOKENIZERS = ("word", "wordpiece", "bpe", "char")
MAX_CHARS = 300  # a lesson shows pieces one by one; longer text would not fit on a projector
UNICODE_CODE_POINTS = 0x110000


@dataclass
class Tokenization:
    name: str  # "word" | "wordpiece" | "bpe" | "char"
    label: str  # for people: "Words (GloVe)"
    vocab_size: int
    pieces: list[str]  # the vocabulary entries, exactly as the library has them
    ids: list[int]  # their row numbers (-1: a word with no row)
    unknown: list[bool]  # True where the piece is not in the vocabulary ([UNK])
    display: list[str]  # the pieces as a reader sees them (BPE bytes decoded where whole)
    table: str = ""  # the embedding table the ids index, or "" when the app has none
    vectors: np.ndarray | None = field(default=None, repr=False)  # [pieces, dim] table rows, if any
    colour_limit: float = 0.0  # 99th percentile of |value| over the whole table: one fixed colour scale

    @property
    def count(self) -> int:
        return len(self.pieces)

    @property
    def unknown_count(self) -> int:
        return int(sum(self.unknown))

    @property
    def unknown_rate(self) -> float:
        return self.unknown_count / self.count if self.count else 0.0

    def as_json(self) -> dict:
        out = asdict(self)
        out.pop("vectors")
        out.pop("colour_limit")
        out.update(count=self.count, unknown_count=self.unknown_count, unknown_rate=round(self.unknown_rate, 4))
        return out


def check_text(text: str | None) -> str:
    text = clean_line(" ".join(str(text or "").split()))
    if not text:
        raise InputError("Type a word or a short sentence to cut into tokens, e.g. 'unbelievably'.")
    if len(text) > MAX_CHARS:
        raise InputError(f"That is {len(text)} characters; this lesson takes at most {MAX_CHARS}.")
    return text


@lru_cache(maxsize=2)
def colour_limit(table: str) -> float:
    """99th percentile of |value| in a whole embedding table, so strips share one colour scale."""
    from encoders import get_encoder

    if table == "glove":
        values = np.asarray(get_encoder("glove").raw[::50])  # [8000, 50] sample of the 400k rows
    else:
        values = get_encoder("minilm").input_embedding_rows(range(0, get_encoder("minilm").vocab_size, 4))
    return float(np.percentile(np.abs(values), 99))


# -- the four tokenizers ----------------------------------------------------------------------------
def word_level(text: str, with_vectors: bool = False) -> Tokenization:
    from encoders import get_encoder
    from encoders.glove import split_words

    glove = get_encoder("glove")
    words = split_words(text)
    rows = [glove.row_of(w) for w in words]
    vectors = None
    if with_vectors:
        vectors = np.zeros((len(words), glove.info.dim), dtype=np.float32)  # [pieces, 50]; [UNK] stays zero
        known = [i for i, r in enumerate(rows) if r is not None]
        if known:
            vectors[known] = np.asarray(glove.raw[[rows[i] for i in known]], dtype=np.float32)
    return Tokenization(
        "word", "Words (GloVe 6B)", glove.vocab_size, words, [-1 if r is None else int(r) for r in rows],
        [r is None for r in rows], words, "GloVe 6B: 400,000 x 50", vectors,
        colour_limit("glove") if with_vectors else 0.0)


def wordpiece(text: str, with_vectors: bool = False) -> Tokenization:
    from encoders import get_encoder

    minilm = get_encoder("minilm")
    pieces, ids = minilm.wordpiece(text)
    unk = minilm.tokenizer.unk_token_id
    vectors = minilm.input_embedding_rows(ids) if with_vectors and ids else None  # [pieces, 384]
    return Tokenization(
        "wordpiece", "WordPiece (MiniLM / BERT)", minilm.vocab_size, pieces, ids, [i == unk for i in ids],
        pieces, "MiniLM token embeddings: 30,522 x 384", vectors, colour_limit("minilm") if with_vectors else 0.0)


@lru_cache(maxsize=1)
def _clip_bpe():
    from open_clip.tokenizer import SimpleTokenizer

    return SimpleTokenizer()


def bpe_display(piece: str) -> str:
    """A byte-level BPE piece as text: its bytes decoded when they form whole UTF-8 characters."""
    tok = _clip_bpe()
    end = piece.endswith("</w>")
    raw = bytes(tok.byte_decoder[ch] for ch in (piece[:-4] if end else piece))
    try:
        shown = raw.decode("utf-8")
    except UnicodeDecodeError:  # part of a character: show the bytes themselves
        shown = "<" + " ".join(f"{b:02X}" for b in raw) + ">"
    return shown + ("_" if end else "")


def bpe(text: str, with_vectors: bool = False) -> Tokenization:
    tok = _clip_bpe()
    ids = [int(i) for i in tok.encode(text)]
    pieces = [tok.decoder[i] for i in ids]
    # CLIP's token table needs CLIP's weights, which are not bundled: no vectors offline.
    return Tokenization("bpe", "Byte-level BPE (CLIP)", len(tok.encoder), pieces, ids, [False] * len(ids),
                        [bpe_display(p) for p in pieces], "", None)


def characters(text: str, with_vectors: bool = False) -> Tokenization:
    chars = list(text)
    return Tokenization("char", "Characters (Unicode)", UNICODE_CODE_POINTS, chars, [ord(c) for c in chars],
                        [False] * len(chars), [c if not c.isspace() else "␣" for c in chars], "", None)


SPLITTERS = {"word": word_level, "wordpiece": wordpiece, "bpe": bpe, "char": characters}


@dataclass
class TokenizeResult:
    text: str
    tokenizers: list[Tokenization]


def tokenize_all(text: str, names: tuple[str, ...] = TOKENIZERS, with_vectors: bool = False) -> TokenizeResult:
    text = check_text(text)
    unknown = [n for n in names if n not in SPLITTERS]
    if unknown:
        raise InputError(f"Unknown tokenizer {unknown[0]!r}; use any of: {', '.join(TOKENIZERS)}.")
    return TokenizeResult(text, [SPLITTERS[n](text, with_vectors) for n in names])


# -- the public endpoint ----------------------------------------------------------------------------
def tokenize(text: str = "unbelievably", tokenizers: list[str] | None = None) -> dict:
    """Cut ``text`` into pieces with GloVe words, WordPiece (MiniLM), byte-level BPE (CLIP) and characters.

    Returns {"text", "tokenizers": [{"name", "vocab_size", "pieces", "ids", "unknown", "display",
    "count", "unknown_count", "unknown_rate", "table"}]}. WordPiece and BPE pieces and ids are the
    libraries' own, without special tokens; a word-level id of -1 means the word has no row.
    """
    result = tokenize_all(text, tuple(tokenizers or TOKENIZERS))
    return {"text": result.text, "tokenizers": [t.as_json() for t in result.tokenizers]}
