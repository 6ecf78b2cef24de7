"""CLIP ViT-B/32 trained on LAION-2B (open_clip), one space for images and text.

CLIP trains an image tower and a text tower *together* so that a photo and a
caption of it land close in one shared 512-d space: ``text @ image.T`` is a
meaningful similarity, and zero-shot classification is "which caption is
nearest?" (softmax of ``zero_shot_scale * cosine``).

Where the weights come from, first match wins:

1. ``EMBEDDING_LAB_CLIP_PATH``: a local open_clip checkpoint file (``.safetensors``,
   ``.bin``, ``.pt``), loaded with ``open_clip.create_model_and_transforms(model,
   pretrained=<file>)``; or a folder with ``open_clip_config.json`` plus weights
   (open_clip's ``local-dir:`` schema);
2. the Hugging Face cache: ``laion/CLIP-ViT-B-32-laion2B-s34B-b79K``, file
   ``open_clip_model.safetensors`` or ``open_clip_pytorch_model.bin`` (what
   open_clip's pretrained config for ``ViT-B-32`` / ``laion2b_s34b_b79k`` points to;
   a unit test checks these constants against open_clip);
3. the hub itself, unless ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set.

``EMBEDDING_LAB_CLIP_MODEL`` overrides the architecture (default ``ViT-B-32``): an
open_clip model name, or a path to a model-config ``.json`` that we register with
``open_clip.add_model_config`` (the tests use this for a tiny random model).

``availability()`` only looks at files and environment variables: importing
open_clip takes seconds and the check must never touch the network.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from encoders.base import Encoder, EncoderInfo, code_digest, files_digest, l2_normalise, library_versions

DEFAULT_MODEL = "ViT-B-32"
PRETRAINED_TAG = "laion2b_s34b_b79k"
# open_clip.pretrained.get_pretrained_cfg("ViT-B-32", "laion2b_s34b_b79k")["hf_hub"] is
# "laion/CLIP-ViT-B-32-laion2B-s34B-b79K/" (no filename: open_clip's default names,
# safetensors first). Kept as constants so availability() need not import open_clip.
HUB_REPO = "laion/CLIP-ViT-B-32-laion2B-s34B-b79K"
HUB_FILENAMES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")

ENV_PATH = "EMBEDDING_LAB_CLIP_PATH"
ENV_MODEL = "EMBEDDING_LAB_CLIP_MODEL"

IMAGE_BATCH = 16
TEXT_BATCH = 64


# -- Hugging Face hub helpers (also used by encoders/clap.py) ----------------------
def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def hub_offline() -> bool:
    """True when the hub must not be contacted (read now, not at import)."""
    if _truthy(os.environ.get("HF_HUB_OFFLINE")) or _truthy(os.environ.get("TRANSFORMERS_OFFLINE")):
        return True
    try:
        from huggingface_hub import constants

        return bool(constants.HF_HUB_OFFLINE)  # what huggingface_hub itself read at import
    except Exception:
        return False


_reachable: dict[str, bool] = {}


def hub_reachable(timeout: float = 3.0) -> bool:
    """One quick TCP connection to the hub, remembered for the process.

    Without it, huggingface_hub retries an unreachable hub for over a minute
    before giving up, and the first student to search would wait that long.
    """
    import socket
    from urllib.parse import urlparse

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    if endpoint not in _reachable:
        url = urlparse(endpoint)
        try:
            with socket.create_connection((url.hostname, url.port or 443), timeout=timeout):
                _reachable[endpoint] = True
        except OSError:
            _reachable[endpoint] = False
    return _reachable[endpoint]


def hf_cache_dir() -> str:
    """The hub cache folder, resolved from the environment now.

    ``huggingface_hub.constants`` fixes the cache path at import time; reading the
    variables here lets a test (or the app) point ``HF_HOME`` elsewhere later.
    """
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return os.path.expanduser(os.environ[var])
    if os.environ.get("HF_HOME"):
        return os.path.join(os.path.expanduser(os.environ["HF_HOME"]), "hub")
    try:
        from huggingface_hub import constants

        return constants.HF_HUB_CACHE
    except Exception:
        xdg = os.environ.get("XDG_CACHE_HOME", os.path.join(os.path.expanduser("~"), ".cache"))
        return os.path.join(xdg, "huggingface", "hub")


def cached_hub_file(repo_id: str, filename: str) -> str | None:
    """Path of ``filename`` in the local hub cache (``main``), or None. No network."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except Exception:
        return None
    try:
        found = try_to_load_from_cache(repo_id, filename, cache_dir=hf_cache_dir())
    except Exception:
        return None
    return found if isinstance(found, str) and os.path.isfile(found) else None


# -- where the CLIP weights are --------------------------------------------------
def model_name() -> str:
    return os.environ.get(ENV_MODEL, "").strip() or DEFAULT_MODEL


def local_path() -> str | None:
    value = os.environ.get(ENV_PATH, "").strip()
    return os.path.expanduser(value) if value else None


def cached_checkpoint() -> str | None:
    for filename in HUB_FILENAMES:
        path = cached_hub_file(HUB_REPO, filename)
        if path:
            return path
    return None


class ClipEncoder(Encoder):
    info = EncoderInfo(
        key="clip",
        label="CLIP ViT-B/32 (LAION-2B)",
        modalities=("text", "image"),
        dim=512,
        source=f"hub: open_clip {DEFAULT_MODEL} / {PRETRAINED_TAG}",
        licence="MIT",
        description=(
            "An image tower and a text tower trained together on 2 billion captioned web images, "
            "so a picture and a sentence about it land close in one shared space."
        ),
        space="CLIP space",
        family="joint",
    )

    zero_shot_scale: float = 100.0  # replaced by the model's own exp(logit_scale) on load

    def hub_files(self) -> list[tuple[str, str]]:
        """(repo_id, filename) pairs to preload on Spaces (README ``preload_from_hub``)."""
        return [(HUB_REPO, HUB_FILENAMES[0])]

    def availability(self) -> str | None:
        path = local_path()
        if path is not None:
            if os.path.exists(path):
                return None
            return f"{ENV_PATH} is set but {path} does not exist"
        if cached_checkpoint() is not None:
            return None
        name = model_name()
        if name != DEFAULT_MODEL:
            return (f"{ENV_MODEL}={name} needs a local checkpoint: set {ENV_PATH} "
                    f"(only {DEFAULT_MODEL} / {PRETRAINED_TAG} is fetched from the hub)")
        if not hub_offline():
            return None  # may be downloaded on first use
        return (f"CLIP weights ({HUB_REPO}) are not in the Hugging Face cache and the hub is offline "
                f"(set {ENV_PATH} to a local checkpoint)")

    # -- loading -------------------------------------------------------------
    def _resolve(self) -> tuple[str, str | None, dict]:
        """(open_clip model name, checkpoint file or None, preprocessing overrides)."""
        import open_clip

        name = model_name()
        if name.endswith(".json") and os.path.isfile(name):
            if Path(name).stem not in open_clip.list_models():
                open_clip.add_model_config(name)  # registers it under the file's stem
            name = Path(name).stem
        path = local_path()
        if path is not None and os.path.isdir(path):
            folder = Path(path)
            if not (folder / "open_clip_config.json").is_file() or not any(
                    any(folder.glob(f"*{ext}")) for ext in (".safetensors", ".bin", ".pth")):
                raise FileNotFoundError(f"{path} needs open_clip_config.json and a weights file")
            return f"local-dir:{path}", None, {}
        # A file path loses the tag's preprocessing config: pass the tag's own values.
        cfg = open_clip.get_pretrained_cfg(name, PRETRAINED_TAG) if name == DEFAULT_MODEL else {}
        pre = {}
        if cfg:
            pre = {
                "image_mean": cfg.get("mean"),
                "image_std": cfg.get("std"),
                "image_interpolation": cfg.get("interpolation"),
                "image_resize_mode": cfg.get("resize_mode"),
            }
            pre = {k: v for k, v in pre.items() if v is not None}
        if path is not None:
            return name, path, pre
        checkpoint = cached_checkpoint()
        if checkpoint is None:
            if not cfg:  # never fall back to random weights
                raise FileNotFoundError(f"no checkpoint for {name}: set {ENV_PATH}")
            if hub_offline():
                raise FileNotFoundError(f"{HUB_REPO} is not cached and the hub is offline")
            if not hub_reachable():
                raise FileNotFoundError(f"{HUB_REPO} is not cached and the Hugging Face hub cannot be reached")
            from open_clip.pretrained import download_pretrained

            checkpoint = download_pretrained(cfg, cache_dir=hf_cache_dir())
            if not checkpoint:
                raise FileNotFoundError(f"open_clip could not fetch {HUB_REPO}")
        return name, checkpoint, pre

    def weights_identity(self) -> str:
        """The checkpoint in use (``EMBEDDING_LAB_CLIP_PATH``, else the hub cache; a hub download is
        made first), the model config, this module's preprocessing code, open_clip / torch / Pillow."""
        import sys

        path = local_path()
        if path is None:
            path = cached_checkpoint()
            if path is None:  # fetched from the hub when it loads; then it is in the cache
                self.ensure_loaded()
                path = cached_checkpoint()
        name = model_name()
        config = f"config={files_digest(name)}" if name.endswith(".json") and os.path.isfile(name) else f"model={name}"
        weights = files_digest(path) if path else f"hub:{HUB_REPO}"
        return (f"clip|{config}|tag={PRETRAINED_TAG}|files={weights}|code={code_digest(sys.modules[__name__])}|"
                f"{library_versions('open_clip_torch', 'torch', 'torchvision', 'pillow', 'timm')}")

    def _load(self) -> None:
        import open_clip
        import torch

        from encoders.torch_utils import configure_threads

        configure_threads()
        name, checkpoint, pre = self._resolve()
        kwargs = {"pretrained": checkpoint} if checkpoint else {}
        model, _, preprocess = open_clip.create_model_and_transforms(name, device="cpu", **kwargs, **pre)
        self.model = model.eval()
        self.preprocess = preprocess  # the eval transform: resize, centre-crop, normalise
        self.tokenizer = open_clip.get_tokenizer(name)
        self._torch = torch
        self.zero_shot_scale = float(self.model.logit_scale.detach().exp().item())
        self.model_name = name
        with torch.inference_mode():  # the joint space's width, whatever the architecture
            dim = int(self.model.encode_text(self.tokenizer(["a"])).shape[1])
        if dim != self.info.dim:  # e.g. a different EMBEDDING_LAB_CLIP_MODEL
            self.info = dataclasses.replace(self.info, dim=dim)

    # -- encoding ------------------------------------------------------------
    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        self.ensure_loaded()
        torch = self._torch
        texts = [str(t) for t in texts]
        out = []
        for start in range(0, len(texts), TEXT_BATCH):
            tokens = self.tokenizer(texts[start:start + TEXT_BATCH])  # [n, 77], padded to the context length
            with torch.inference_mode():
                out.append(self.model.encode_text(tokens).float().numpy())
        return l2_normalise(np.concatenate(out))

    def encode_images(self, images: Sequence) -> np.ndarray:
        self.ensure_loaded()
        torch = self._torch
        out = []
        for start in range(0, len(images), IMAGE_BATCH):
            batch = torch.stack([self.preprocess(img.convert("RGB")) for img in images[start:start + IMAGE_BATCH]])
            with torch.inference_mode():
                out.append(self.model.encode_image(batch).float().numpy())  # [n, 512]
        return l2_normalise(np.concatenate(out))
