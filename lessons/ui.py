"""Page furniture shared by every lesson: navigation, the lessons index, the API snippet. Gradio only."""
from __future__ import annotations

from typing import Sequence

import gradio as gr

from lessons.contract import Lesson
from tabs.common import esc, explain


def show_plot(fig) -> dict:
    return gr.update(value=fig, visible=True)


def hide_plot() -> dict:
    return gr.update(value=None, visible=False)


def nav_html(lessons: Sequence[Lesson], i: int) -> str:
    """'All lessons · lesson i of n · previous / next', as relative links (they work under any root path)."""
    parts = ["<a href='lessons'>← All lessons</a>", f"<span>Lesson {i + 1} of {len(lessons)}</span>"]
    if i > 0:
        parts.append(f"<a href='{lessons[i - 1].path}'>‹ {esc(lessons[i - 1].title.split(':')[0])}</a>")
    if i + 1 < len(lessons):
        parts.append(f"<a href='{lessons[i + 1].path}'>{esc(lessons[i + 1].title.split(':')[0])} ›</a>")
    return "<nav class='lesson-nav'>" + " · ".join(parts) + "</nav>"


def index_html(lessons: Sequence[Lesson]) -> str:
    """The lessons in the study note's order, grouped by part, each with its one-sentence summary."""
    out, part = [], None
    for n, lesson in enumerate(lessons, 1):
        if lesson.part != part:
            if part is not None:
                out.append("</ol>")
            part = lesson.part
            out.append(f"<h3>{esc(part)}</h3><ol class='lesson-list' start='{n}'>")
        out.append(f"<li><a href='{lesson.path}'><b>{esc(lesson.title)}</b></a>"
                   f"<div>{esc(lesson.summary)}</div><div class='muted'>link for slides: "
                   f"<code>{esc(lesson.url)}</code></div></li>")
    out.append("</ol>")
    return "<div class='lesson-index'>" + "".join(out) + "</div>"


def api_markdown(lesson: Lesson) -> str:
    if not lesson.endpoints:
        return ""
    lines = ["```python", "from gradio_client import Client, handle_file",
             "c = Client(\"<this app's address>\")"]
    lines += [ep.example or f'c.predict(api_name="/{ep.name}")' for ep in lesson.endpoints]
    lines.append("```")
    names = ", ".join(f"`/{ep.name}`" for ep in lesson.endpoints)
    return (f"The numbers on this page come from the same functions as the API endpoint{'s' if len(lesson.endpoints) > 1 else ''} "
            f"{names}; every parameter has a default.\n\n" + "\n".join(lines))


def build_lesson_page(lessons: Sequence[Lesson], i: int, page: gr.Blocks) -> None:
    lesson = lessons[i]
    gr.HTML(nav_html(lessons, i))
    gr.Markdown(f"# {lesson.title}\n{lesson.summary}", elem_classes=["lesson-title"])
    text = lesson.explanation()
    if text:
        with gr.Accordion("The idea", open=True):
            explain(text)
    lesson.build(page)
    snippet = api_markdown(lesson)
    if snippet:
        with gr.Accordion("Use it from Python (gradio_client)", open=False):
            gr.Markdown(snippet)


def build_index_page(lessons: Sequence[Lesson]) -> None:
    gr.Markdown("# Lessons\nEach lesson shows one idea happen on the real bundled models, with a number at every "
                "step. They follow the study note's order; every lesson has its own link for your slides.")
    gr.HTML(index_html(lessons))
