"""The home page: what Embedding Lab is, and where to go (the playground pages and the lessons)."""
from __future__ import annotations

import gradio as gr

from lessons.registry import LESSONS
from lessons.ui import index_html

PLAYGROUND = (
    ("text", "Text", "type sentences; see their vectors, a similarity matrix and the nearest gallery sentences"),
    ("images", "Images", "upload or pick pictures; see their similarity, nearest gallery pictures and what the network sees"),
    ("audio", "Audio", "upload, record or pick sounds; see spectrograms, similarity and playable neighbours"),
    ("search", "Search", "find pictures or sounds from a description, or captions from a picture; zero-shot labels"),
    ("gallery", "Gallery", "the bundled pictures, sounds and sentences by group, and how often each model's nearest "
                           "neighbour is of the same group"),
    ("models", "Models", "every model behind the vectors: size, source, licence, status"),
)


def build() -> None:
    gr.Markdown(
        "# Embedding Lab\n"
        "See how text, pictures and sounds become **vectors**, and what those vectors let us do. Every number "
        "comes from a real pretrained model running on this server.")
    items = "".join(f"<li><a href='{path}'><b>{name}</b></a>: {what}</li>" for path, name, what in PLAYGROUND)
    gr.HTML(f"<div class='home'><h2>Playground</h2><ul class='home-list'>{items}</ul>"
            f"<h2>Class board</h2><p><a href='board'><b>Open a board</b></a>: every student adds a sentence, a "
            f"photo or a sound from their phone (join code and QR code on the projector), and it lands on one live "
            f"map next to what it resembles.</p>"
            f"<h2>Lessons</h2><p>One idea per page, in the order of the study note "
            f"(<a href='lessons'>all lessons</a>).</p>{index_html(LESSONS)}</div>")
