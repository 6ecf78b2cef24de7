"""Embedding Lab: see how text, images and sounds become vectors.

Run:  python app.py   (then open http://127.0.0.1:7860; --host 0.0.0.0 lets other devices on the network in)
"""
from __future__ import annotations

import os

# numpy's OpenBLAS threads keep spinning after a matmul and fight ONNX Runtime and torch for
# the 2 cores (bench/encoders.py: a 10 s clip through YAMNet 42.8 -> 27.0 ms). Must be set
# before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import server  # noqa: E402
from server import addresses  # noqa: E402

# malloc gives big blocks back on free, and a private temp folder for uploads (server/): before gradio.
server.early_setup()

import logging  # noqa: E402
import threading  # noqa: E402

import gradio as gr  # noqa: E402

from gallery.manifest import ASSETS_DIR
from tabs import audio_tab, gallery_tab, home, image_tab, models_tab, presentation, search_tab, text_tab

logging.basicConfig(level=os.environ.get("EMBEDDING_LAB_LOGLEVEL", "INFO"))

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tabs", "style.css"), encoding="utf-8") as _fh:
    CSS = _fh.read()  # page styles (playground and lessons)

# Queue and upload limits (stated in the README).
QUEUE_MAX_SIZE = int(os.environ.get("EMBEDDING_LAB_QUEUE_SIZE", "64"))
# Per event, and as high as Gradio's worker threads (40): the real limit on work is server.limiter.HEAVY
# (one per core, shared by all events, fair between clients). At 8, a flood of one session's requests
# (up to its cap of 6) held an event's slots and others queued behind it first come, first served
# (bench/attack.py: /similarity p50 5.5 -> 10.9 s).
CONCURRENCY = int(os.environ.get("EMBEDDING_LAB_CONCURRENCY", "40"))
MAX_FILE_SIZE = "25mb"

# The playground: one page each (module, page name, path). Lessons get theirs from lessons.registry.
PLAYGROUND_PAGES = (
    (text_tab, "Text", "text"),
    (image_tab, "Images", "images"),
    (audio_tab, "Audio", "audio"),
    (search_tab, "Search", "search"),
    (gallery_tab, "Gallery", "gallery"),
    (models_tab, "Models", "models"),
)


def build_demo() -> gr.Blocks:
    from api.register import register_all
    from lessons.registry import LESSONS
    from lessons.ui import build_index_page, build_lesson_page

    with gr.Blocks(title="Embedding Lab") as demo:
        gr.Navbar(main_page_name="Home")
        home.build()
        register_all()  # the public API: playground and lesson endpoints (gr.api)
    for module, name, path in PLAYGROUND_PAGES:
        with demo.route(name, path):
            module.build()
    with demo.route("Lessons", "lessons"):
        build_index_page(LESSONS)
    for i, lesson in enumerate(LESSONS):
        with demo.route(lesson.title, lesson.path, show_in_navbar=False) as page:
            build_lesson_page(LESSONS, i, page)
    from tabs import board_pages  # the class board: teacher's page, projector view, students' page

    for builder, name, path, listed in board_pages.PAGES:
        with demo.route(name, path, show_in_navbar=listed) as page:
            builder(page)
    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=CONCURRENCY)
    return demo


demo = build_demo()


def warm_up() -> None:
    """Prepare everything a first click needs, in the background, and report each step (lab.warmup).

    Order: each modality's default encoder and its gallery vectors, UMAP's compile (numba: 30-40 s on
    its first map otherwise), the label bridge with the class names it sees in the gallery, CLIP and
    CLAP where their weights can be had (a failure only sets their status), then the gallery's
    neighbour figures for the Gallery page. The Models and Gallery pages show this progress.
    """
    from encoders import DEFAULTS, get_encoder
    from gallery.index import gallery_vectors
    from lab import gallery_quality, warmup
    from lab.search import gallery_terms
    from lab.warmup import compile_umap

    log = logging.getLogger("embedding_lab")

    def step(name, fn) -> None:
        warmup.step(name)
        try:
            fn()
            warmup.done(name)
        except Exception as exc:  # one step failing must not stop the others
            warmup.failed(name, " ".join(str(exc).split())[:200])
            log.warning("warm-up step %s failed: %s", name, exc)

    def load(key, modality):
        def fn():
            get_encoder(key).ensure_loaded()  # a cached gallery alone would leave the model unloaded
            gallery_vectors(key, modality)
        return fn

    warmup.begin()
    try:
        jobs = [(key, modality) for modality, key in DEFAULTS.items()]
        jobs += [("bridge", m) for m in ("text", "image", "audio")]
        for n, (key, modality) in enumerate(jobs):
            step(f"{key}/{modality}", load(key, modality))
            if n == len(DEFAULTS) - 1:
                step("umap/compile", compile_umap)
        step("bridge/labels", lambda: [gallery_terms(m) for m in ("image", "audio")])
        for key, modality in [("clip", "text"), ("clip", "image"), ("clap", "text"), ("clap", "audio")]:
            if get_encoder(key).status()["status"] != "unavailable":
                step(f"{key}/{modality}", load(key, modality))
        step("gallery/figures", gallery_quality.compute)
    finally:
        warmup.end()


def launch(**kwargs):
    from lessons.links import redirect_routes

    if os.environ.get("EMBEDDING_LAB_WARMUP", "1") == "1":
        threading.Thread(target=warm_up, daemon=True, name="warm-up").start()
    options = dict(
        server_name=addresses.server_name(),
        allowed_paths=[ASSETS_DIR], max_file_size=MAX_FILE_SIZE, css=CSS,
        theme=gr.themes.Soft(), footer_links=["api", "gradio"], head=presentation.HEAD,
        app_kwargs={"routes": redirect_routes()},  # /lessons/<key> -> the lesson's page
    )
    options.update(kwargs)
    options = server.harden(demo, options)  # janitor, per-client queue caps, request limits (server/)
    block = not options.pop("prevent_thread_lock", False)
    result = demo.launch(**options, prevent_thread_lock=True)
    addresses.print_addresses(options["server_name"], demo.server_port)  # after Gradio's own "Running on" line
    if block:
        demo.block_thread()
    return result


def parse_args(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Embedding Lab")
    parser.add_argument("--clip-path", help="local open_clip ViT-B-32 checkpoint (else the HF cache or hub)")
    parser.add_argument("--clap-path", help="local folder of a saved transformers ClapModel + ClapProcessor")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--host", help="address to listen on: 127.0.0.1 (default, this computer only) or 0.0.0.0 "
                                       "(every device on the network can open it, e.g. students' phones for the "
                                       "class board)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    # The encoders read these when they load (lazily), so setting them here is enough.
    if args.clip_path:
        os.environ["EMBEDDING_LAB_CLIP_PATH"] = args.clip_path
    if args.clap_path:
        os.environ["EMBEDDING_LAB_CLAP_PATH"] = args.clap_path
    launch(server_port=args.port, server_name=addresses.server_name(args.host))
