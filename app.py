"""Embedding Lab: see how text, images and sounds become vectors.

Run:  python app.py   (then open http://127.0.0.1:7860)
"""
from __future__ import annotations

import os

# numpy's OpenBLAS threads keep spinning after a matmul and fight ONNX Runtime and torch for
# the 2 cores (bench/encoders.py: a 10 s clip through YAMNet 42.8 -> 27.0 ms). Must be set
# before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import logging  # noqa: E402
import threading  # noqa: E402

import gradio as gr  # noqa: E402

from gallery.manifest import ASSETS_DIR
from tabs import api, audio_tab, image_tab, models_tab, search_tab, text_tab

logging.basicConfig(level=os.environ.get("EMBEDDING_LAB_LOGLEVEL", "INFO"))

CSS = """
.explain p, .explain li { font-size: 1.05rem; line-height: 1.5; }
table.nb-table { border-collapse: collapse; width: 100%; }
table.nb-table th, table.nb-table td { border: 1px solid #ddd; padding: 6px; vertical-align: top; text-align: left; }
table.nb-table th { background: rgba(99, 102, 241, 0.08); width: 18%; }
table.nb-image img { max-height: 140px; max-width: 100%; display: block; margin-bottom: 4px; }
table.nb-audio audio { width: 100%; min-width: 180px; }
.nb-cap { font-size: 0.95rem; margin: 2px 0; }
.nb-score { font-weight: 600; }
table.results td.rank { font-weight: 700; width: 3em; }
table.results th { width: auto; }
table.results audio { width: 100%; }
table.results img { max-height: 110px; }
.muted { color: #777; font-size: 0.85rem; }
.badge { color: white; border-radius: 6px; padding: 1px 8px; font-weight: 600; }
.reason { font-size: 0.85rem; color: #b91c1c; margin-top: 4px; }
table.models th { width: auto; }
.tag { background: #fde68a; border-radius: 4px; padding: 0 4px; font-size: 0.8rem; }
"""

# Queue and upload limits (stated in the README).
QUEUE_MAX_SIZE = int(os.environ.get("EMBEDDING_LAB_QUEUE_SIZE", "64"))
CONCURRENCY = int(os.environ.get("EMBEDDING_LAB_CONCURRENCY", "2"))
MAX_FILE_SIZE = "25mb"


def build_demo() -> gr.Blocks:
    with gr.Blocks(title="Embedding Lab") as demo:
        gr.Markdown("# Embedding Lab\nSee how text, pictures and sounds become vectors, "
                    "and what those vectors let us do.")
        with gr.Tabs():
            text_tab.build()
            image_tab.build()
            audio_tab.build()
            search_tab.build()
            models_tab.build()
        api.build()
    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=CONCURRENCY)
    return demo


demo = build_demo()


def warm_up() -> None:
    """Load the models and gallery vectors in the background, so first clicks are quick.

    Order: each modality's default encoder, the label bridge, then CLIP and CLAP
    where their weights can be had (a failure only sets their status).
    """
    from encoders import DEFAULTS, get_encoder
    from gallery.index import gallery_vectors

    jobs = [(key, modality) for modality, key in DEFAULTS.items()]
    jobs += [("bridge", m) for m in ("text", "image", "audio")]
    jobs += [("clip", m) for m in ("text", "image")] + [("clap", m) for m in ("text", "audio")]
    for key, modality in jobs:
        if get_encoder(key).status()["status"] == "unavailable":
            continue
        try:
            get_encoder(key).ensure_loaded()  # a cached gallery alone would leave the model unloaded
            gallery_vectors(key, modality)
        except Exception as exc:
            logging.getLogger("embedding_lab").warning("warm-up of %s/%s failed: %s", key, modality, exc)


def launch(**kwargs):
    if os.environ.get("EMBEDDING_LAB_WARMUP", "1") == "1":
        threading.Thread(target=warm_up, daemon=True, name="warm-up").start()
    options = dict(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "0.0.0.0"),
        allowed_paths=[ASSETS_DIR], max_file_size=MAX_FILE_SIZE, css=CSS,
        theme=gr.themes.Soft(), footer_links=["api", "gradio"],
    )
    options.update(kwargs)
    return demo.launch(**options)


def parse_args(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Embedding Lab")
    parser.add_argument("--clip-path", help="local open_clip ViT-B-32 checkpoint (else the HF cache or hub)")
    parser.add_argument("--clap-path", help="local folder of a saved transformers ClapModel + ClapProcessor")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    # The encoders read these when they load (lazily), so setting them here is enough.
    if args.clip_path:
        os.environ["EMBEDDING_LAB_CLIP_PATH"] = args.clip_path
    if args.clap_path:
        os.environ["EMBEDDING_LAB_CLAP_PATH"] = args.clap_path
    launch(server_port=args.port)
