"""Clicking an example on the context, pooling and positions lessons runs it (beyond the worked example on load)."""
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("key,button,expect", [
    ("context", "kiwi: a word cut into two pieces", "mean of its 2 pieces' vectors"),
    ("pooling", "who gave what to whom?", "Alice handed a book to Bob"),
    ("positions", "learned: MiniLM's first 64 rows", "Rows 0–63"),
])
def test_clicking_an_example_runs_it(small_page, app_url, key, button, expect):
    small_page.goto(app_url.rstrip("/") + f"/lessons/{key}")
    small_page.locator(".js-plotly-plot").first.wait_for()
    if key == "context":  # the layer slider redraws the MiniLM matrix from the result kept in the page's state
        small_page.locator("text=MiniLM (contextual), layer 6").first.wait_for()
        slider = small_page.locator("input[type=range]").first
        slider.fill("0")
        slider.dispatch_event("change")
        small_page.locator("text=MiniLM (contextual), layer 0, embedding output").first.wait_for()
    small_page.get_by_role("button", name=button).click()
    small_page.locator(f"text={expect}").first.wait_for()
