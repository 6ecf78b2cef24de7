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
