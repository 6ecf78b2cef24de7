"""Images: from pixels to one vector. A CNN's feature map and its average, a ViT's patches.

Pure numpy/torch, no Gradio.

- **EfficientNet-Lite0** (the app's image encoder): the picture is resized (shorter side 224,
  bilinear) and centre-cropped to 224 x 224; the network's last convolutional stage gives a
  feature map of 1280 channels on a 7 x 7 grid (``EfficientNetEncoder.feature_maps``): 49 *cells*,
  each a 1280-number vector sitting over one 32 x 32-pixel square of the input. **Global average
  pooling** (GAP) is the mean of the 49 cells: that mean is the 1280-d vector the app uses (then
  normalised to length 1), and the only thing the ImageNet classifier sees. We compare the mean
  of the cells computed here (numpy) with what the encoder's ``forward`` returns.
- **ViT-B/32** (``lessons.images.vit``): the same picture cut into 49 patches of 32 x 32, each
  projected to 768 numbers, a learned [CLS] vector put in front, and a position row added to
  each of the 50 tokens.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from gradio import FileData

from lessons.images import vit
from lessons.images.pictures import DEFAULT_IMAGE, Picture, load_picture
from media.errors import InputError

GRID = 7  # EfficientNet-Lite0's last feature map is 7 x 7 for a 224 x 224 input
CHANNELS = 1280
CELL_PIXELS = 224 // GRID  # 32: each cell sits over a 32 x 32 square of the input
TOP_LABELS = 5


@dataclass
class FeatureMap:
    picture: Picture
    seen: np.ndarray = field(repr=False)  # [224, 224, 3] uint8: the crop the network sees
    cells: np.ndarray = field(repr=False)  # [49, 1280] the feature map, one row per cell (row-major over the grid)
    mean_of_cells: np.ndarray = field(repr=False)  # [1280] numpy mean of the 49 rows
    pooled: np.ndarray = field(repr=False)  # [1280] what the encoder's forward() returns (its GAP)
    embedding: np.ndarray = field(repr=False)  # [1280] what /embed returns: pooled, normalised
    gap_difference: float = 0.0  # max |mean_of_cells - pooled|
    embed_difference: float = 0.0  # max |mean_of_cells / |mean_of_cells| - embedding|
    top_labels: list[tuple[str, float]] = field(default_factory=list)  # ImageNet classes from the pooled vector

    @property
    def cell_norms(self) -> np.ndarray:
        return np.linalg.norm(self.cells, axis=1).reshape(GRID, GRID)  # [7, 7]

    def channel_cells(self, channel: int) -> np.ndarray:
        return self.cells[:, channel].reshape(GRID, GRID)  # [7, 7]

    def strongest_channel(self) -> int:
        return int(np.argmax(self.mean_of_cells))


def network_input_picture(batch: np.ndarray) -> np.ndarray:
    """EfficientNet's input [1, 3, 224, 224] ((x - 127) / 128) back to the uint8 picture [224, 224, 3]."""
    return np.clip(np.rint(batch[0].transpose(1, 2, 0) * 128.0 + 127.0), 0, 255).astype(np.uint8)


def check_channel(channel: int | None) -> int | None:
    if channel is None or int(channel) < 0:
        return None
    if int(channel) >= CHANNELS:
        raise InputError(f"Channel {channel} does not exist: EfficientNet-Lite0's feature map has channels 0 to "
                         f"{CHANNELS - 1}.")
    return int(channel)


def feature_map(picture: Picture) -> FeatureMap:
    from encoders import get_encoder
    from encoders.efficientnet import preprocess

    enc = get_encoder("efficientnet")
    fmap = enc.feature_maps([picture.image])[0]  # [1280, 7, 7]
    cells = fmap.reshape(CHANNELS, GRID * GRID).T.astype(np.float32)  # [49, 1280]
    mean_of_cells = cells.astype(np.float64).mean(axis=0)  # [1280]
    batch = preprocess([picture.image])  # [1, 3, 224, 224]
    pooled, logits = enc.forward(batch)  # [1, 1280], [1, 1000]
    embedding = enc.encode("image", [picture.image])[0]  # [1280], unit length
    unit = mean_of_cells / max(float(np.linalg.norm(mean_of_cells)), 1e-12)
    z = logits[0].astype(np.float64) - logits[0].max()
    probs = np.exp(z) / np.exp(z).sum()  # [1000] softmax
    names = enc.class_names()
    top = [(names[i], float(probs[i])) for i in np.argsort(-probs)[:TOP_LABELS]]
    return FeatureMap(
        picture=picture, seen=network_input_picture(batch), cells=cells, mean_of_cells=mean_of_cells,
        pooled=pooled[0].astype(np.float64), embedding=embedding.astype(np.float64),
        gap_difference=float(np.abs(mean_of_cells - pooled[0]).max()),
        embed_difference=float(np.abs(unit - embedding).max()), top_labels=top)


def _grid(values: np.ndarray, digits: int = 6) -> list[list[float]]:
    return [[round(float(v), digits) for v in row] for row in values]


# -- the public endpoint ----------------------------------------------------------------------------
def image_features(gallery_id: str = DEFAULT_IMAGE, file: FileData | None = None, channel: int = -1,
                   cells: bool = False) -> dict:
    """EfficientNet-Lite0's last feature map for a picture, its global average pool, and ViT-B/32's first step.

    ``file`` (an uploaded picture) wins over ``gallery_id`` (a gallery picture id, e.g. "cat"). ``channel``:
    a feature-map channel (0-1279) to show cell by cell; -1 picks the channel with the largest mean.
    Returns {"picture", "feature_map": {"shape": [1280, 7, 7], "cell_pixels": 32, "cell_norms" [7][7],
    "cells" [49][1280] (only when ``cells`` is true; row r*7+c is grid cell (r, c))}, "pooled" [1280]
    (the encoder's own pooled vector, before normalising), "gap_max_abs_difference" (max |mean of the 49
    cells - pooled|: GAP is that mean), "embed_max_abs_difference" (max |normalised mean - /embed's vector|),
    "channel": {"index", "cells" [7][7], "mean", "pooled"}, "top_labels", "vit": {"weights", "note",
    "patch_size", "grid", "tokens", "width", "conv_vs_matmul_max_abs_difference", "token_norms"}}.
    """
    picture = load_picture(gallery_id, file)
    k = check_channel(channel)
    fm = feature_map(picture)
    k = fm.strongest_channel() if k is None else k
    stem = vit.tokens(picture.image)
    out = {
        "picture": {"gallery_id": picture.gallery_id, "label": picture.label},
        "feature_map": {"shape": [CHANNELS, GRID, GRID], "cell_pixels": CELL_PIXELS, "cell_norms": _grid(fm.cell_norms)},
        "pooled": [float(x) for x in fm.pooled],
        "gap_max_abs_difference": fm.gap_difference,
        "embed_max_abs_difference": fm.embed_difference,
        "channel": {"index": k, "cells": _grid(fm.channel_cells(k)), "mean": float(fm.mean_of_cells[k]),
                    "pooled": float(fm.pooled[k])},
        "top_labels": [{"label": name, "probability": round(p, 6)} for name, p in fm.top_labels],
        "vit": stem.as_json(),
    }
    if cells:
        out["feature_map"]["cells"] = [[float(x) for x in row] for row in fm.cells]
    return out
