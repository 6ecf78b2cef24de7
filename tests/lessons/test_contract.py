"""Every lesson keeps the contract: a page, an explanation, typed endpoints, and examples that run."""
import inspect
import json
import re
import typing

import pytest

from lessons.registry import LESSONS

CASES = [(lesson, i) for lesson in LESSONS for i in range(len(lesson.examples))]


def test_lessons_have_unique_keys_and_valid_paths():
    keys = [lesson.key for lesson in LESSONS]
    assert len(keys) == len(set(keys))
    for lesson in LESSONS:
        assert re.fullmatch(r"[a-z][a-z0-9-]*", lesson.key), lesson.key
        assert lesson.path == f"lessons-{lesson.key}" and lesson.url == f"/lessons/{lesson.key}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.key)
def test_lesson_has_text_summary_endpoint_and_examples(lesson):
    assert lesson.title and lesson.summary.endswith(".") and lesson.part
    assert len(lesson.explanation()) > 200, "text.md explains the idea"
    assert lesson.endpoints, "every lesson has a public endpoint"
    assert lesson.examples, "examples double as test cases"
    assert not lesson.example_labels or len(lesson.example_labels) == len(lesson.examples)
    for ep in lesson.endpoints:
        sig = inspect.signature(ep.fn)
        hints = typing.get_type_hints(ep.fn)
        for name, param in sig.parameters.items():
            assert name in hints, f"/{ep.name}: parameter {name} needs a type hint (gr.api derives the schema)"
        optional = [p for p in sig.parameters.values() if p.default is inspect.Parameter.empty]
        assert len(optional) <= 1, f"/{ep.name}: every parameter but the data itself has a default"
        assert ep.fn.__doc__, f"/{ep.name} has a docstring (the API page shows it)"


@pytest.mark.parametrize("lesson,i", CASES, ids=lambda x: x.key if hasattr(x, "key") else str(x))
def test_every_example_runs_through_the_compute_function(lesson, i):
    out = lesson.endpoints[0].fn(**lesson.examples[i])
    assert isinstance(out, dict) and out
    json.dumps(out)  # JSON-able, as the API returns it
