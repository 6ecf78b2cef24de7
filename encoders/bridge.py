"""The offline label bridge (ConSE): images and sounds into the MiniLM text space.

Norouzi et al. 2014, "Zero-shot learning by convex combination of semantic
embeddings". A classifier gives class probabilities (ImageNet for images,
AudioSet for sounds); the item's vector is the probability-weighted mean of
the MiniLM embeddings of its top-T class names, written as short captions
("a photo of a tabby", "the sound of Bark"). Text is embedded by MiniLM
directly, so all three modalities share one 384-d space.

Unlike CLIP or CLAP, nothing here was trained on (image, caption) or (sound,
caption) pairs: the bridge only knows the classifier's label vocabulary.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from encoders.base import Encoder, EncoderInfo, code_digest, l2_normalise

TOP_T = 10  # ConSE's T: how many of the most probable classes are mixed
TEMPLATES = {"image": "a photo of a {}", "audio": "the sound of {}"}
CLASSIFIERS = {"image": "efficientnet", "audio": "yamnet"}


class LabelBridgeEncoder(Encoder):
    info = EncoderInfo(
        key="bridge",
        label="Label bridge (ConSE) into MiniLM",
        modalities=("text", "image", "audio"),
        dim=384,
        source="built from minilm + efficientnet + yamnet (bundled)",
        licence="Apache-2.0 (its parts)",
        description="Images and sounds are described by their most likely class names, and those names are embedded as text.",
        space="label-bridge space (MiniLM text space)",
    )
    zero_shot_scale = 20.0  # softmax temperature for zero-shot labels: probabilities ∝ exp(20 · cosine)

    def availability(self) -> str | None:
        from encoders import get_encoder

        for key in ("minilm", *CLASSIFIERS.values()):
            reason = get_encoder(key).availability()
            if reason:
                return f"needs {key}: {reason}"
        return None

    def weights_identity(self) -> str:
        """Its parts' identities (MiniLM and the two classifiers) and this module's code."""
        import sys

        from encoders import get_encoder

        parts = "|".join(get_encoder(k).weights_identity() for k in ("minilm", *CLASSIFIERS.values()))
        return f"bridge|code={code_digest(sys.modules[__name__])}|{parts}"

    def _load(self) -> None:
        from encoders import get_encoder

        self.text = get_encoder("minilm")
        self.classifiers = {m: get_encoder(k) for m, k in CLASSIFIERS.items()}
        self.class_vectors = {}
        for modality, clf in self.classifiers.items():
            clf.ensure_loaded()
            prompts = [TEMPLATES[modality].format(name) for name in clf.class_names()]
            self.class_vectors[modality] = self.text.encode("text", prompts)  # [n_classes, 384]

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        return self.text.encode("text", list(texts))

    def _bridge(self, modality: str, probs: np.ndarray) -> np.ndarray:
        """[n, n_classes] probabilities -> [n, 384] unit vectors (top-T convex combination)."""
        top = np.argsort(-probs, axis=1)[:, :TOP_T]  # [n, T]
        weights = np.take_along_axis(probs, top, axis=1)  # [n, T]
        weights = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
        mixed = np.einsum("nt,ntd->nd", weights, self.class_vectors[modality][top])  # [n, 384]
        return l2_normalise(mixed)

    def encode_with_terms(self, modality: str, items: Sequence, k: int = 5):
        """(vectors, top class names per item) from one classifier pass."""
        self.ensure_loaded()
        clf = self.classifiers[modality]
        _, probs = clf.encode_with_probs(items)
        return self._bridge(modality, probs), clf.top_labels_from_probs(probs, k)

    def encode_images(self, images: Sequence) -> np.ndarray:
        return self.encode_with_terms("image", images)[0]

    def encode_audio(self, clips: Sequence) -> np.ndarray:
        return self.encode_with_terms("audio", clips)[0]
