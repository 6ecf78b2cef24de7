"""CLAP (LAION, HTSAT audio tower, unfused), one space for sounds and text.

CLAP is CLIP's idea applied to sound: an audio tower (HTSAT, a Swin transformer on
log-mel spectrograms) and a text tower (RoBERTa) trained together so that a
recording and a description of it land close in one shared 512-d space.

Where the weights come from, first match wins:

1. ``EMBEDDING_LAB_CLAP_PATH``: a folder written by ``ClapModel.save_pretrained`` and
   ``ClapProcessor.save_pretrained`` (config, weights, feature extractor, tokenizer);
2. the Hugging Face cache: ``laion/clap-htsat-unfused`` (checked file by file with
   ``try_to_load_from_cache``, then loaded from that snapshot folder: no network);
3. the hub itself, unless ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set.

How a clip becomes a vector:

1. mono float32, resampled with librosa (soxr_hq) to the feature extractor's rate
   (48 kHz for the real model);
2. clips longer than the model's window (``max_length_s``, 10 s) are cut to their
   *first* 10 s here. The feature extractor would otherwise take a random 10 s crop
   (``truncation="rand_trunc"``) or random "fusion" crops: not deterministic;
3. shorter clips are repeated to fill the window, then zero-padded ("repeatpad");
4. log-mel spectrogram (64 bands, librosa/Slaney filters, the front end the unfused
   model was trained with: ``truncation="rand_trunc"``, which is deterministic for
   clips that fit the window), HTSAT, projection to 512-d.

Every clip is padded or cut to the same fixed window on its own (no padding to the
longest clip, no attention mask), and HTSAT in eval mode treats batch rows
independently, so a batch gives the same vectors as its clips one at a time (max
difference ~1e-7 on a real-size random model). Audio goes in batches of 8, texts in
batches of 64.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Sequence

import numpy as np

from encoders.audio_input import mono
from encoders.base import AudioClip, Encoder, EncoderInfo, code_digest, files_digest, l2_normalise, library_versions
from encoders.clip import cached_hub_file, hf_cache_dir, hub_offline, hub_reachable

HUB_REPO = "laion/clap-htsat-unfused"
ENV_PATH = "EMBEDDING_LAB_CLAP_PATH"

# Files the cache check looks for (all in the same snapshot); alternatives per row.
CONFIG_FILES = ("config.json",)
PREPROCESSOR_FILES = ("preprocessor_config.json", "processor_config.json")  # transformers 4 / 5 names
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TOKENIZER_FILES = ("tokenizer.json", "vocab.json")

TEXT_BATCH = 64
AUDIO_BATCH = 8


def local_path() -> str | None:
    value = os.environ.get(ENV_PATH, "").strip()
    return os.path.expanduser(value) if value else None


def cached_snapshot() -> str | None:
    """The cached snapshot folder of ``laion/clap-htsat-unfused`` if it holds all we need."""
    folder = None
    needs = [CONFIG_FILES, PREPROCESSOR_FILES, WEIGHT_FILES, TOKENIZER_FILES]
    if cached_hub_file(HUB_REPO, "tokenizer.json") is None:
        needs.append(("merges.txt",))  # vocab.json alone is not a BPE tokenizer
    for alternatives in needs:
        found = next((p for p in (cached_hub_file(HUB_REPO, f) for f in alternatives) if p), None)
        if found is None:
            return None
        here = os.path.dirname(found)
        if folder is None:
            folder = here
        elif here != folder:  # pieces of different revisions: let transformers sort it out
            return None
    return folder


def to_mono(clip: AudioClip, target_sr: int) -> np.ndarray:
    """An AudioClip -> float32 mono samples at ``target_sr``, never empty ("repeatpad" divides by the length)."""
    y = mono(clip, target_sr)
    return y if y.size else np.zeros(1, dtype=np.float32)


def _features(out):
    """Transformers 5 ``get_*_features`` return an output object; 4.x returned the tensor."""
    from encoders.torch_utils import unwrap_features

    return unwrap_features(out)  # pooler_output: the projected (and normalised) embedding


class ClapEncoder(Encoder):
    info = EncoderInfo(
        key="clap",
        label="CLAP HTSAT (LAION)",
        modalities=("text", "audio"),
        dim=512,
        source=f"hub: {HUB_REPO}",
        licence="Apache-2.0",
        description=(
            "A sound tower and a text tower trained together on captioned recordings, "
            "so a sound and a sentence describing it land close in one shared space."
        ),
        space="CLAP space",
        family="joint",
    )

    # exp(logit_scale_a): the scale of logits_per_audio = audio @ text.T, i.e. zero-shot
    # "which caption fits this sound?". Replaced by the model's own value on load.
    zero_shot_scale: float = 1 / 0.07
    text_to_audio_scale: float = 1 / 0.07  # exp(logit_scale_t), for logits_per_text

    def hub_files(self) -> list[tuple[str, str]]:
        """(repo_id, filename) pairs to preload on Spaces (README ``preload_from_hub``)."""
        names = ("config.json", "preprocessor_config.json", "vocab.json", "merges.txt", "tokenizer_config.json",
                                                     "special_tokens_map.json", "pytorch_model.bin")
        return [(HUB_REPO, n) for n in names]

    def availability(self) -> str | None:
        path = local_path()
        if path is not None:
            if os.path.isdir(path):
                return None
            return f"{ENV_PATH} is set but {path} is not a folder"
        if cached_snapshot() is not None:
            return None
        if not hub_offline():
            return None  # may be downloaded on first use
        return (f"CLAP weights ({HUB_REPO}) are not in the Hugging Face cache and the hub is offline "
                f"(set {ENV_PATH} to a saved model folder)")

    # -- loading -------------------------------------------------------------
    def weights_identity(self) -> str:
        """The model folder in use (``EMBEDDING_LAB_CLAP_PATH``, else the hub cache snapshot; a hub
        download is made first), this module's preprocessing code and ``audio_input.mono``, transformers / torch /
        librosa."""
        import sys

        source = local_path() or cached_snapshot()
        if source is None:  # fetched from the hub when it loads; then it is in the cache
            self.ensure_loaded()
            source = cached_snapshot()
        files = files_digest(source) if source else f"hub:{HUB_REPO}"
        return (f"clap|files={files}|code={code_digest(sys.modules[__name__], mono)}|"
                f"{library_versions('transformers', 'torch', 'tokenizers', 'librosa', 'soxr')}")

    def _load(self) -> None:
        import torch
        from transformers import ClapModel, ClapProcessor

        from encoders.torch_utils import configure_threads

        configure_threads()
        source = local_path() or cached_snapshot()
        kwargs: dict = {}
        if source is None:
            if hub_offline():
                raise FileNotFoundError(f"{HUB_REPO} is not cached and the hub is offline")
            if not hub_reachable():
                raise FileNotFoundError(f"{HUB_REPO} is not cached and the Hugging Face hub cannot be reached")
            source, kwargs = HUB_REPO, {"cache_dir": hf_cache_dir()}
        self.model = ClapModel.from_pretrained(source, **kwargs).eval()
        processor = ClapProcessor.from_pretrained(source, **kwargs)
        self.tokenizer = processor.tokenizer
        self.feature_extractor = processor.feature_extractor
        self._torch = torch

        fe = self.feature_extractor
        self.sample_rate = int(fe.sampling_rate)
        self.max_samples = int(fe.nb_max_samples)  # max_length_s * sampling_rate
        # Unfused models were trained on one Slaney log-mel ("rand_trunc" path); a fused
        # model wants 4 stacked mels ("fusion"). With every clip cut to the window, neither
        # path draws a random number -- except "fusion"'s is_longer, which we overwrite.
        self.fusion = bool(self.model.config.audio_config.enable_fusion)
        self.truncation = "fusion" if self.fusion else "rand_trunc"
        text_cfg = self.model.config.text_config
        limit = int(text_cfg.max_position_embeddings) - 2  # RoBERTa positions start after pad id
        tok_max = getattr(self.tokenizer, "model_max_length", limit) or limit
        self.max_tokens = max(8, min(limit, int(tok_max)))
        self.zero_shot_scale = float(self.model.logit_scale_a.detach().exp().item())
        self.text_to_audio_scale = float(self.model.logit_scale_t.detach().exp().item())
        dim = int(self.model.config.projection_dim)
        if dim != self.info.dim:
            self.info = dataclasses.replace(self.info, dim=dim)

    # -- encoding ------------------------------------------------------------
    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        self.ensure_loaded()
        torch = self._torch
        texts = [str(t) for t in texts]
        out = []
        for start in range(0, len(texts), TEXT_BATCH):
            batch = self.tokenizer(
                texts[start:start + TEXT_BATCH], padding=True, truncation=True,
                max_length=self.max_tokens, return_tensors="pt",
            )
            with torch.inference_mode():
                feats = _features(self.model.get_text_features(
                    input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]))
            out.append(feats.float().numpy())
        return l2_normalise(np.concatenate(out))

    def audio_inputs(self, clips: Sequence[AudioClip]) -> dict:
        """AudioClips -> the model's inputs: input_features [n, 1 or 4, frames, mels], is_longer [n, 1]."""
        waves = [to_mono(c, self.sample_rate)[: self.max_samples] for c in clips]  # first window only
        feats = self.feature_extractor(
            waves, sampling_rate=self.sample_rate, truncation=self.truncation,
            padding="repeatpad", return_tensors="pt",
        )
        torch = self._torch
        # No clip is longer than the window now; "fusion" would still mark one at random.
        is_longer = torch.zeros((len(waves), 1), dtype=torch.bool)
        return {"input_features": feats["input_features"], "is_longer": is_longer}

    def encode_audio(self, clips: Sequence[AudioClip]) -> np.ndarray:
        self.ensure_loaded()
        torch = self._torch
        out = []
        for start in range(0, len(clips), AUDIO_BATCH):
            inputs = self.audio_inputs(clips[start:start + AUDIO_BATCH])
            with torch.inference_mode():
                feats = _features(self.model.get_audio_features(**inputs))
            out.append(feats.float().numpy())
        return l2_normalise(np.concatenate(out))
