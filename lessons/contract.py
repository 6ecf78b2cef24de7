"""The lesson contract: what every lesson provides, so the app can build its page and its API.

A lesson is a small package ``lessons/<key>/``:

    compute.py   pure numpy/torch, no Gradio; returns dataclasses, and one typed function per
                 public endpoint that returns a JSON-able dict (the same function the page calls)
    view.py      Gradio only, no math: ``build(page)`` lays out the controls and plots
    text.md      the explanation shown above the controls (model-independent prose only;
                 sentences that depend on a model come from that encoder's ``EncoderInfo``)
    examples.py  ``EXAMPLES``: keyword arguments for the lesson's first endpoint; the page offers
                 them as clickable examples and the tests run every one through the function
                 and through the API
    __init__.py  ``LESSON = Lesson(...)`` tying these together

``lessons/registry.py`` lists the lessons in the order of the study note; ``app.py`` builds one
page per lesson (``/lessons-<key>``, also reachable as ``/lessons/<key>``) and one public
``gr.api`` endpoint per ``Endpoint``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Endpoint:
    """A public API endpoint: a fully typed function with defaults for every optional parameter.

    ``fn`` must take plain JSON types (str, int, float, bool, lists, ``gradio.FileData`` for files)
    and return a JSON-able dict. ``gr.api`` derives the endpoint's schema from its signature.
    """

    fn: Callable[..., Any]
    name: str  # api_name, without the leading slash
    description: str = ""
    example: str = ""  # one line of Python for the README, e.g. client.predict(text="…", api_name="/tokenize")


@dataclass(frozen=True)
class Lesson:
    key: str  # short, URL-safe: "tokens"
    title: str  # "Tokens: how text is cut into pieces"
    summary: str  # one sentence: what the student will see
    build: Callable[[Any], Any]  # view.build(page): lays out the page body inside the current gr.Blocks
    package_dir: str  # the lesson's folder (for text.md)
    endpoints: tuple[Endpoint, ...] = ()
    examples: tuple[dict, ...] = ()  # kwargs for endpoints[0]
    example_labels: tuple[str, ...] = ()  # what each example teaches, shown on its button
    encoders: tuple[str, ...] = ()  # encoder keys the lesson needs
    part: str = ""  # section of the study note, e.g. "Text", "Pictures and sounds"
    extra: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The Gradio page path (Gradio page paths cannot contain '/')."""
        return f"lessons-{self.key}"

    @property
    def url(self) -> str:
        """The URL a teacher pastes into a slide (redirects to ``path``)."""
        return f"/lessons/{self.key}"

    def explanation(self) -> str:
        path = os.path.join(self.package_dir, "text.md")
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8") as fh:
            return fh.read()
