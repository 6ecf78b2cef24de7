"""Helpers shared by the tabs: error handling and small formatting bits."""
from __future__ import annotations

import functools
import html
import logging
import time
import uuid

import gradio as gr

from encoders import EncoderUnavailable
from media.budget import RequestBudget, request_budget
from media.errors import InputError
from server.limiter import HEAVY, ServerBusy, heavy_work

log = logging.getLogger("embedding_lab")


def user_errors(fn=None, *, heavy: bool = True):
    """Turn InputError into a clear gr.Error; hide tracebacks of anything else.

    Unexpected errors are logged with an id and their traceback, and the user sees that
    id, so a teacher can report it, while the server keeps serving everyone else. A
    user's mistake (InputError) logs one line, without a traceback.

    Every handler runs holding one of the process-wide heavy-work slots
    (``server.limiter.HEAVY``, shared by all events and fair between clients); pass
    ``heavy=False`` for a handler that neither decodes nor runs a model.

    Gradio renders error text as HTML, so the message is escaped: a file called
    ``<b>x.png`` is shown as such instead of being cut by the sanitiser.
    """
    if fn is None:
        return functools.partial(user_errors, heavy=heavy)

    def fail(message: str, title: str) -> gr.Error:
        return gr.Error(html.escape(message, quote=False), title=title, print_exception=False)

    def one_line(exc: BaseException) -> str:
        return " ".join(str(exc).splitlines())

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            # decoding budget for all files of this request together; other users get a turn between files
            with request_budget(RequestBudget(between_files=HEAVY.yield_turn if heavy else None)):
                if not heavy:
                    return fn(*args, **kwargs)
                with heavy_work():
                    return fn(*args, **kwargs)
        except gr.Error:
            raise
        except ServerBusy as exc:
            log.warning("busy in %s: %s", fn.__name__, one_line(exc))
            raise fail(str(exc), "Server busy")
        except InputError as exc:
            log.info("input error in %s: %s", fn.__name__, one_line(exc))
            raise fail(str(exc), "Please check your input")
        except EncoderUnavailable as exc:
            log.warning("model unavailable in %s: %s", fn.__name__, one_line(exc))
            raise fail(f"That model is not available here: {exc}", "Model unavailable")
        except MemoryError:
            ref = uuid.uuid4().hex[:8]
            log.exception("out of memory %s in %s", ref, fn.__name__)
            raise fail(f"That input needs more memory than this server has (reference {ref}). "
                       "Try fewer or smaller items.", "Out of memory")
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("unexpected error %s in %s", ref, fn.__name__)
            raise fail(f"Something went wrong on our side (reference {ref}). Please try other inputs.",
                       "Unexpected error")

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
            f"<div class='nb-cap'>#{r} {esc(nb.item.caption)}</div><div class='muted'>group: {esc(nb.item.group)}</div>"
            f"<div class='nb-score'>cosine {nb.score:.2f}</div></td>"
            for r, nb in enumerate(nbs, 1)
        )
        rows.append(f"<tr>{head}{cells}</tr>")
    return f"<table class='nb-table nb-{modality}'>" + "".join(rows) + "</table>"


def top_label_rows(items, top_labels, n: int = 3) -> list[list[str]]:
    """Rows of [item label, 1st label (p), 2nd, ...] for the classifier tables."""
    return [[item.label] + [f"{name} ({p:.0%})" for name, p in top[:n]]
            for item, top in zip(items, top_labels or [])]


def labels_table(modality: str, items, top_labels, n: int = 3) -> str:
    """One row per item: its thumbnail or player, then its top classifier labels with probabilities."""
    rows = []
    for item, top in zip(items, top_labels or []):
        chips = " ".join(f"<span class='lab-chip'>{esc(name)} <b>{p:.0%}</b></span>" for name, p in top[:n])
        rows.append(f"<tr><td class='lab-item'>{media_html(modality, item.path, item.label)}"
                    f"<div class='nb-cap'>{esc(item.label)}</div></td><td>{chips}</td></tr>")
    what = "picture" if modality == "image" else "sound"
    return (f"<table class='nb-table labels'><tr><th>{what}</th><th>top {n} labels (probability)</th></tr>"
            + "".join(rows) + "</table>")


# -- page furniture shared by the playground pages ------------------------------------------------
def on_page_load(fn, inputs, outputs, **kwargs):
    """Run ``fn`` when the page being built opens (a worked example instead of empty panels).

    Returns the event, so a user's own run can cancel it (its late answer must not overwrite theirs).
    Use this, never a callable component value (``gr.Markdown(fn)``): in a multipage app Gradio 6
    attaches a callable value's load event again to every page built after it, so one status line
    on the Models page fired 3 times on each later page and filled the per-user queue.
    """
    from gradio.context import Context

    return Context.root_block.load(fn, inputs, outputs, api_visibility="private", **kwargs)


class Notes:
    """One run's warnings, shown together in one box that the next run replaces (not a pile of toasts)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def __call__(self, message: str) -> None:
        message = " ".join(str(message).split())
        if message and message not in self.items:
            self.items.append(message)

    def box(self):
        return warnings_update(self.items)


def warnings_update(items) -> dict:
    if not items:
        return gr.update(value="", visible=False)
    return gr.update(value="**Please note**\n\n" + "\n".join(f"- {esc(m)}" for m in items), visible=True)


def warnings_box() -> gr.Markdown:
    """The page's warning area (hidden while empty)."""
    return gr.Markdown(visible=False, elem_classes=["warn-box"])


def clear_warnings():
    return gr.update(value="", visible=False)


def run_on(triggers, fn, inputs, outputs, box, cancels=None):
    """Empty the warning box, then run ``fn`` (whose last output is the box) on any of ``triggers``.

    ``cancels``: events to stop first (the page's first-load example, so it cannot overwrite this run).
    """
    return gr.on(triggers, clear_warnings, None, box, queue=False, api_visibility="private",
                 cancels=cancels).then(fn, inputs, outputs, api_visibility="private")


def pair_sentence(labels, matrix) -> str:
    """The most and least similar pair of different items, read off the cosine matrix on screen."""
    import numpy as np

    n = len(labels)
    if n < 2:
        return "Add a second item to compare them."
    iu = np.triu_indices(n, k=1)
    vals = matrix[iu]
    hi, lo = int(np.argmax(vals)), int(np.argmin(vals))
    a, b = iu[0][hi], iu[1][hi]
    c, d = iu[0][lo], iu[1][lo]
    out = f"Most similar pair: “{esc(labels[a])}” and “{esc(labels[b])}” ({vals[hi]:.2f})."
    if n > 2:
        out += f" Least similar: “{esc(labels[c])}” and “{esc(labels[d])}” ({vals[lo]:.2f})."
    return out


def wire_run(fn, inputs, outputs, box, triggers, examples=None, before=None) -> None:
    """A page's one computation, wired the same way everywhere.

    It runs on first load (a worked example), on ``triggers`` (button, Enter) and when an example is
    clicked; a user's run cancels a first-load run still under way, and each run starts by emptying the
    warning box (``box``, also the last of ``outputs``). ``before``: (fn, inputs, outputs) to run first
    after an example click (e.g. show the right input for the example's kind).
    """
    first = on_page_load(fn, inputs, outputs)
    run_on(triggers, fn, inputs, outputs, box, cancels=[first])
    if examples is not None:
        chain = examples.load_input_event.then(clear_warnings, None, box, queue=False, api_visibility="private",
                                               cancels=[first])
        if before is not None:
            chain = chain.then(*before, queue=False, api_visibility="private")
        chain.then(fn, inputs, outputs, api_visibility="private")


_STREAM_END = object()


def streamed(gen_fn=None, *, pace: float = 0.0):
    """``user_errors`` for a generator handler: each step up to the next frame gets the same clear messages
    and its own heavy-work slot (logged under the handler's name); the ``pace`` seconds between frames, for a
    class to watch a plot move, hold nothing. ``@streamed`` or ``streamed(fn, pace=0.06)``."""
    if gen_fn is None:
        return functools.partial(streamed, pace=pace)

    @functools.wraps(gen_fn)
    def wrapper(*args, **kwargs):
        frames = gen_fn(*args, **kwargs)

        def step():
            return next(frames, _STREAM_END)

        step.__name__ = step.__qualname__ = gen_fn.__name__
        guarded = user_errors(step)
        while (frame := guarded()) is not _STREAM_END:
            yield frame
            if pace:
                time.sleep(pace)

    return wrapper
