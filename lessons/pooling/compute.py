"""Pooling: from a sentence's token vectors to one sentence vector.

Pure computation, no Gradio. The token vectors are MiniLM's last hidden state for a padded batch
(``MiniLMEncoder.hidden_states``, padded exactly as ``encode()`` pads); the attention mask marks the
real tokens (1) and the padding (0). Three poolings, each L2-normalised afterwards:
- mean: the average of the real tokens' vectors (padding masked out). This is what the product uses
        (``MiniLMEncoder.encode_texts``, the same pooling as sentence-transformers for this model).
- cls:  the vector at position 0, the [CLS] token.
- max:  the largest value of each of the 384 dimensions over the real tokens.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from media.errors import InputError
from media.text import clean_line

POOLINGS = ("mean", "cls", "max")
PRODUCT = "mean"  # what encoders.minilm.MiniLMEncoder.encode_texts does
MAX_CHARS = 200  # a sentence per row of the token heatmap; keeps it readable and under 256 pieces


def unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def pool(tokens: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
    """The three poolings of one sentence's token vectors [positions, 384] with its mask [positions]."""
    keep = mask.astype(bool)  # [positions]
    real = tokens[keep]  # [real tokens, 384]
    return {
        "mean": unit(real.mean(axis=0)),  # [384]: sum over real tokens / their count
        "cls": unit(tokens[0]),  # [384]: position 0 is [CLS]
        "max": unit(real.max(axis=0)),  # [384]: per-dimension max over real tokens
    }


@dataclass
class Comparison:
    role: str  # "reordered" | "paraphrase"
    text: str
    tokens: list[str]
    same_pieces: bool  # the same WordPiece pieces as the sentence, only in another order
    cosine: dict[str, float]  # pooling -> cosine with the sentence under that pooling


@dataclass
class PoolingResult:
    text: str
    tokens: list[str]  # with [CLS] and [SEP]
    texts: list[str]  # the batch: the sentence, then the comparisons
    batch_tokens: list[list[str]]  # each text's pieces, padding shown as [PAD]
    attention_mask: np.ndarray = field(repr=False)  # [texts, positions]
    token_vectors: np.ndarray = field(repr=False)  # [positions, 384] the sentence's row of the batch, padding included
    pooled: dict[str, np.ndarray] = field(repr=False)  # pooling -> [384] unit vector
    between: dict[str, float] = field(default_factory=dict)  # "mean-cls" ... cosines between the poolings
    comparisons: list[Comparison] = field(default_factory=list)
    product_vector: np.ndarray = field(default=None, repr=False)  # encoders' encode_texts([text])[0]
    product_difference: float = 0.0  # max |mean - product| over the 384 numbers
    padding: int = 0  # [PAD] positions in the sentence's row of the batch
    unmasked_cosine: float | None = None  # cosine(masked mean, a mean that wrongly counts the padding)


def check_sentence(text: str | None, what: str = "sentence", required: bool = True) -> str:
    text = clean_line(" ".join(str(text or "").split()))
    if not text and required:
        raise InputError(f"Type a {what}, e.g. 'The dog bit the man.'")
    if len(text) > MAX_CHARS:
        raise InputError(f"The {what} is {len(text)} characters long; this lesson takes at most {MAX_CHARS}.")
    return text


def compare(text: str, reordered: str = "", paraphrase: str = "") -> PoolingResult:
    from encoders import get_encoder

    text = check_sentence(text)
    others = [(role, check_sentence(t, f"{role} sentence", required=False))
              for role, t in (("reordered", reordered), ("paraphrase", paraphrase))]
    others = [(role, t) for role, t in others if t]
    texts = [text] + [t for _, t in others]

    minilm = get_encoder("minilm")
    hidden = minilm.hidden_states(texts)
    last = hidden.last  # [texts, positions, 384]
    mask = hidden.attention_mask  # [texts, positions]
    pooled_all = [pool(last[i], mask[i]) for i in range(len(texts))]
    pooled = pooled_all[0]
    width = mask.shape[1]
    batch_tokens = [toks + ["[PAD]"] * (width - len(toks)) for toks in hidden.tokens]

    comparisons = []
    for i, (role, t) in enumerate(others, start=1):
        comparisons.append(Comparison(
            role, t, hidden.tokens[i], sorted(hidden.tokens[i]) == sorted(hidden.tokens[0]),
            {name: float(pooled[name] @ pooled_all[i][name]) for name in POOLINGS}))

    product = minilm.encode_texts([text])[0]  # [384] what /embed returns
    padding = int(width - mask[0].sum())
    unmasked = float(pooled["mean"] @ unit(last[0].mean(axis=0))) if padding else None  # padding counted
    return PoolingResult(
        text=text, tokens=hidden.tokens[0], texts=texts, batch_tokens=batch_tokens,
        attention_mask=mask, token_vectors=last[0], pooled=pooled,
        between={f"{a}-{b}": float(pooled[a] @ pooled[b]) for a, b in (("mean", "cls"), ("mean", "max"), ("cls", "max"))},
        comparisons=comparisons, product_vector=product,
        product_difference=float(np.abs(pooled[PRODUCT] - product).max()), padding=padding,
        unmasked_cosine=unmasked)


# -- the public endpoint ----------------------------------------------------------------------------
def pooling(text: str = "The dog bit the man.", reordered: str = "The man bit the dog.",
            paraphrase: str = "The man was bitten by the dog.") -> dict:
    """MiniLM's token vectors for ``text`` pooled three ways: masked mean, the [CLS] vector, max (each normalised).

    Returns {"tokens", "mean", "cls", "max", "product": "mean", "attention_mask" (the padded batch of text,
    reordered, paraphrase), "product_difference" (max |mean - /embed's MiniLM vector|), "comparisons":
    [{"role", "text", "same_pieces", "cosine": {"mean", "cls", "max"}}]}. Leave ``reordered`` or
    ``paraphrase`` empty to skip it.
    """
    r = compare(text, reordered, paraphrase)
    out = {"text": r.text, "tokens": r.tokens}
    out.update({name: [float(x) for x in r.pooled[name]] for name in POOLINGS})
    out.update({
        "product": PRODUCT,
        "product_difference": float(r.product_difference),
        "attention_mask": r.attention_mask.astype(int).tolist(),
        "between": {k: round(v, 6) for k, v in r.between.items()},
        "comparisons": [{"role": c.role, "text": c.text, "same_pieces": c.same_pieces,
                         "cosine": {k: round(v, 6) for k, v in c.cosine.items()}} for c in r.comparisons],
    })
    return out
