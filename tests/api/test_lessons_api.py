"""Every lesson example through the real gradio_client, with keyword arguments, equals the function."""
import json

import numpy as np
import pytest

from lessons.registry import LESSONS

pytestmark = pytest.mark.api
CASES = [(lesson, i) for lesson in LESSONS for i in range(len(lesson.examples))]


def _close(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _close(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _close(x, y)
    elif isinstance(a, float):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    else:
        assert a == b


@pytest.mark.parametrize("lesson,i", CASES, ids=lambda x: x.key if hasattr(x, "key") else str(x))
def test_example_through_the_api_equals_the_function(client, lesson, i):
    ep = lesson.endpoints[0]
    got = client.predict(**lesson.examples[i], api_name=f"/{ep.name}")
    want = json.loads(json.dumps(ep.fn(**lesson.examples[i])))
    _close(got, want)


def test_tokenize_with_defaults_only(client):
    out = client.predict(api_name="/tokenize")
    assert out["text"] == "unbelievably"


def test_lesson_links_redirect_to_their_pages(app_url):
    import httpx

    for lesson in LESSONS:
        r = httpx.get(app_url.rstrip("/") + lesson.url + "?present=1", follow_redirects=False)
        assert r.status_code == 307 and r.headers["location"].endswith(f"{lesson.path}?present=1")
        page = httpx.get(app_url.rstrip("/") + lesson.url, follow_redirects=True)
        assert page.status_code == 200 and str(page.url).endswith(lesson.path)
    assert httpx.get(app_url.rstrip("/") + "/lessons/no-such-lesson").status_code == 404


def test_api_refuses_server_paths_not_uploaded(client):
    """A plain {"path": ...} skips Gradio's upload check; the endpoint itself must refuse it."""
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="was not uploaded"):
        client.predict(modality="image", files=[{"path": "/etc/passwd"}], api_name="/embed")
