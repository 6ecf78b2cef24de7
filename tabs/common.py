"""Helpers shared by the tabs: error handling and small formatting bits."""
from __future__ import annotations

import functools
import html
import logging
import uuid

import gradio as gr

from encoders import EncoderUnavailable
from media.errors import InputError

log = logging.getLogger("embedding_lab")


def user_errors(fn):
    """Turn InputError into a clear gr.Error; hide tracebacks of anything else.

    Unexpected errors are logged with an id, and the user sees that id, so a
    teacher can report it, while the server keeps serving everyone else.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except InputError as exc:
            raise gr.Error(str(exc), title="Please check your input")
        except EncoderUnavailable as exc:
            raise gr.Error(f"That model is not available here: {exc}", title="Model unavailable")
        except MemoryError:
            raise gr.Error("That input needs more memory than this server has. Try fewer or smaller items.")
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("unexpected error %s in %s", ref, fn.__name__)
            raise gr.Error(f"Something went wrong on our side (reference {ref}). Please try other inputs.",
                           title="Unexpected error")

    return wrapper


def warn(message: str) -> None:
    gr.Warning(message)


def short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def file_url(path: str) -> str:
    """URL under which Gradio serves an allowed file (the assets folder)."""
    return f"/gradio_api/file={path}"


def explain(md: str) -> gr.Markdown:
    return gr.Markdown(md, elem_classes=["explain"])


def media_html(modality: str, path: str | None, alt: str = "") -> str:
    """A thumbnail or an audio player for a file Gradio may serve."""
    if not path:
        return ""
    if modality == "image":
        return f"<img src='{esc(file_url(path))}' alt='{esc(alt)}' loading='lazy'>"
    return f"<audio controls preload='none' src='{esc(file_url(path))}'></audio>"


def neighbour_table(modality: str, queries, nb_lists) -> str:
    """One row per query: the query, then its neighbours with caption and cosine."""
    rows = []
    for item, nbs in zip(queries, nb_lists):
        head = f"<th>{media_html(modality, item.path, item.label)}<div class='nb-cap'>{esc(item.label)}</div></th>"
        cells = "".join(
            f"<td>{media_html(modality, nb.item.path, nb.item.caption)}"
            f"<div class='nb-cap'>#{r} {esc(nb.item.caption)}</div><div class='nb-score'>cosine {nb.score:.2f}</div></td>"
            for r, nb in enumerate(nbs, 1)
        )
        rows.append(f"<tr>{head}{cells}</tr>")
    return f"<table class='nb-table nb-{modality}'>" + "".join(rows) + "</table>"


def top_label_rows(items, top_labels, n: int = 3) -> list[list[str]]:
    """Rows of [item label, 1st label (p), 2nd, ...] for the classifier tables."""
    return [[item.label] + [f"{name} ({p:.0%})" for name, p in top[:n]]
            for item, top in zip(items, top_labels or [])]
