"""A Vision Transformer's first step (open_clip ViT-B-32): patches, their projection, [CLS], positions.

Pure torch/numpy, no Gradio. What ``open_clip.transformer.VisionTransformer._embeds`` does before
its LayerNorm (``ln_pre``) and 12 transformer layers:

    picture [3, 224, 224] -> 49 patches of 3 x 32 x 32 = 3,072 numbers (a 7 x 7 grid)
    each patch -> 768 numbers by one linear map ``conv1`` (a 32 x 32 convolution with stride 32 is
    exactly one matrix [768, 3072] applied to each flattened patch; we check that equality)
    [CLS] (a learned vector, ``class_embedding``) goes in front: 50 tokens
    + ``positional_embedding`` row p added to token p                          -> [50, 768]

The weights are CLIP's (open_clip ``ViT-B-32`` / ``laion2b_s34b_b79k``) when the app's CLIP encoder
can load them; otherwise the *same architecture built by open_clip with random weights* (its own
initialisation, seed 0), and everything says so: random projections and positions show the shapes
and the arithmetic, not anything learned. Only the three tensors above are kept (2.4 M numbers);
the rest of the 88 M-parameter random tower is dropped after it is built.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

PATCH = 32
SIZE = 224
GRID = SIZE // PATCH  # 7
SEED = 0
MODEL = "ViT-B-32"

_lock = threading.Lock()
_stem: "Stem | None" = None


@dataclass(frozen=True)
class Stem:
    trained: bool  # True: CLIP's weights; False: random weights
    label: str  # for people
    note: str  # why random, when random
    conv_weight: np.ndarray = field(repr=False)  # [768, 3, 32, 32] float32
    class_embedding: np.ndarray = field(repr=False)  # [768]
    positional_embedding: np.ndarray = field(repr=False)  # [50, 768]
    mean: tuple[float, float, float] = (0.48145466, 0.4578275, 0.40821073)
    std: tuple[float, float, float] = (0.26862954, 0.26130258, 0.27577711)

    @property
    def width(self) -> int:
        return int(self.conv_weight.shape[0])


def _from_visual(visual, trained: bool, label: str, note: str, mean, std) -> Stem:
    return Stem(trained, label, note,
                visual.conv1.weight.detach().float().numpy().copy(),  # [768, 3, 32, 32]
                visual.class_embedding.detach().float().numpy().copy(),  # [768]
                visual.positional_embedding.detach().float().numpy().copy(),  # [50, 768]
                tuple(float(x) for x in mean), tuple(float(x) for x in std))


def random_visual(seed: int = SEED):
    """open_clip's ViT-B-32 image tower with open_clip's own random initialisation, seeded (no download)."""
    import open_clip
    import torch
    from open_clip.model import _build_vision_tower

    cfg = open_clip.get_model_config(MODEL)
    with torch.random.fork_rng(devices=[]):  # leave everyone else's random state alone
        torch.manual_seed(seed)
        return _build_vision_tower(cfg["embed_dim"], cfg["vision_cfg"]).eval()


def _clip_reason() -> str | None:
    """None when the app's CLIP encoder is ViT-B-32 with weights that load here; else why not."""
    from encoders import EncoderUnavailable, get_encoder
    from encoders.clip import DEFAULT_MODEL, model_name

    if model_name() != DEFAULT_MODEL:
        return f"the app's CLIP encoder is set to another architecture ({model_name()})"
    clip = get_encoder("clip")
    reason = clip.availability()
    if reason:
        return reason
    try:
        clip.ensure_loaded()
    except EncoderUnavailable as exc:
        return str(exc)
    return None


def stem() -> Stem:
    """The patch projection, [CLS] vector and position table: CLIP's when they load, else random (built once)."""
    global _stem
    if _stem is not None:
        return _stem
    with _lock:
        if _stem is None:
            import open_clip

            from encoders import get_encoder

            reason = _clip_reason()
            if reason is None:
                clip = get_encoder("clip")
                cfg = open_clip.get_pretrained_cfg(MODEL, "laion2b_s34b_b79k")
                _stem = _from_visual(clip.model.visual, True, "CLIP's trained weights (ViT-B/32, LAION-2B)", "",
                                     cfg["mean"], cfg["std"])
            else:
                visual = random_visual()
                _stem = _from_visual(
                    visual, False, f"RANDOM weights (open_clip's initialisation, seed {SEED})",
                    f"CLIP's trained weights cannot load here ({reason}), so this is the same ViT-B/32 architecture "
                    "with random weights: the shapes and the arithmetic are real, the numbers mean nothing yet.",
                    open_clip.OPENAI_DATASET_MEAN, open_clip.OPENAI_DATASET_STD)
                del visual
    return _stem


def preprocess(image, s: Stem) -> np.ndarray:
    """open_clip's own eval transform for ViT-B-32: shorter side to 224 (bicubic), centre crop, normalise.

    Returns float32 [3, 224, 224].
    """
    from open_clip.transform import image_transform

    transform = image_transform(SIZE, is_train=False, mean=s.mean, std=s.std, resize_mode="shortest",
                                interpolation="bicubic")
    return transform(image.convert("RGB")).numpy().astype(np.float32)  # [3, 224, 224]


def patches_of(x: np.ndarray) -> np.ndarray:
    """[3, 224, 224] -> [49, 3072]: patch (r, c) is row r*7 + c, flattened channel-first like conv1's weights."""
    p = x.reshape(3, GRID, PATCH, GRID, PATCH)  # [3, row, y, col, x]
    return p.transpose(1, 3, 0, 2, 4).reshape(GRID * GRID, 3 * PATCH * PATCH)  # [49, 3072]


@dataclass
class Tokens:
    stem: Stem
    seen: np.ndarray = field(repr=False)  # [224, 224, 3] uint8: the crop the ViT sees (normalisation undone)
    projected: np.ndarray = field(repr=False)  # [50, 768]: row 0 = [CLS] vector, rows 1..49 = projected patches
    position: np.ndarray = field(repr=False)  # [50, 768]
    tokens: np.ndarray = field(repr=False)  # [50, 768] = projected + position: the transformer's input (before ln_pre)
    conv_difference: float = 0.0  # max |conv1(picture) - patches @ W.T|

    @property
    def colour_limit(self) -> float:
        """99th percentile of |value| over the three [50, 768] tables: one colour scale for all three."""
        both = np.concatenate([self.projected, self.position, self.tokens])  # [150, 768]
        return float(np.percentile(np.abs(both), 99)) or 1.0

    def as_json(self) -> dict:
        return {
            "weights": "clip" if self.stem.trained else "random",
            "label": self.stem.label,
            "note": self.stem.note,
            "patch_size": PATCH, "grid": [GRID, GRID], "tokens": int(self.tokens.shape[0]), "width": self.stem.width,
            "numbers_per_patch": 3 * PATCH * PATCH,
            "conv_vs_matmul_max_abs_difference": self.conv_difference,
            "token_norms": {
                "projected": [round(float(v), 6) for v in np.linalg.norm(self.projected, axis=1)],
                "position": [round(float(v), 6) for v in np.linalg.norm(self.position, axis=1)],
                "input": [round(float(v), 6) for v in np.linalg.norm(self.tokens, axis=1)],
            },
        }


def tokens(image) -> Tokens:
    import torch
    import torch.nn.functional as F

    s = stem()
    x = preprocess(image, s)  # [3, 224, 224]
    w = s.conv_weight  # [768, 3, 32, 32]
    by_matmul = patches_of(x).astype(np.float64) @ w.reshape(w.shape[0], -1).T.astype(np.float64)  # [49, 768]
    with torch.inference_mode():
        # in float64, so the comparison shows the algebra (equal to ~1e-13), not float32 rounding, which varies
        # with the thread count and would differ between the page's process and a caller's
        conv = F.conv2d(torch.from_numpy(x.astype(np.float64))[None], torch.from_numpy(w.astype(np.float64)),
                        stride=PATCH)  # [1, 768, 7, 7]
    by_conv = conv[0].reshape(w.shape[0], GRID * GRID).T.numpy()  # [49, 768]
    projected = np.vstack([s.class_embedding[None], by_conv]).astype(np.float32)  # [50, 768]
    seen = np.asarray(x.transpose(1, 2, 0) * np.array(s.std) + np.array(s.mean))  # [224, 224, 3] in 0..1
    return Tokens(s, np.clip(np.rint(seen * 255.0), 0, 255).astype(np.uint8), projected, s.positional_embedding,
                  projected + s.positional_embedding, float(np.abs(by_conv - by_matmul).max()))
