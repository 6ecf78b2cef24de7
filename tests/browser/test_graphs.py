"""Graphs lesson in headless chromium at 1366x768: opened by its URL, one Step, a training run
with its live curve and members map, and a typed edge list with a mistake in it."""
import pytest

pytestmark = pytest.mark.browser


def test_graphs_lesson_steps_and_trains(small_page, app_url, shot):
    pg = small_page
    pg.set_default_timeout(180_000)  # a training run
    pg.goto(app_url.rstrip("/") + "/lessons/graphs")
    pg.locator("#graphs-map .js-plotly-plot").wait_for()  # the worked example drew its node map on load
    pg.locator("#graphs-graph .js-plotly-plot").wait_for()
    pg.get_by_text("Round 2 of 32").first.wait_for()
    pg.locator("#graphs-step").click()
    pg.get_by_text("Round 3 of 32").first.wait_for()
    pg.get_by_text("34 of 34 nodes").first.wait_for()  # after 3 rounds Mr. Hi has heard from everyone
    assert pg.evaluate("document.documentElement.scrollWidth") <= 1366
    pg.locator("#graphs-train").click()
    pg.locator("#graphs-curve .js-plotly-plot").wait_for()  # the curve appears with the first frame
    pg.locator("#graphs-members .js-plotly-plot").wait_for()
    pg.get_by_text("Epoch 200 of 200").first.wait_for()
    text = pg.locator("text=accuracy on the 30 members").first.inner_text()
    accuracy = float(text.split("was not given:")[1].split("(")[0].strip())
    assert accuracy >= 0.8, text
    assert pg.locator("#graphs-curve .js-plotly-plot .scatterlayer .trace").count() >= 2  # loss and accuracy
    pg.locator("#graphs-curve").scroll_into_view_if_needed()
    shot(pg, "lesson-graphs-trained")


def test_graphs_typed_edges_with_a_mistake_get_a_clear_message(small_page, app_url):
    pg = small_page
    pg.goto(app_url.rstrip("/") + "/lessons/graphs")
    pg.locator("#graphs-map .js-plotly-plot").wait_for()
    pg.get_by_text("Your own graph: type edges or upload an edge list").click()
    pg.get_by_label("Edges, one 'u v' per line (then pick 'Your edges' above)").fill("a b c\nc d")
    pg.get_by_role("button", name="Use these edges").click()
    pg.get_by_text("Line 1 has 3 names").first.wait_for()
    pg.get_by_label("Edges, one 'u v' per line (then pick 'Your edges' above)").fill("a b\nb c\nc d")
    pg.get_by_role("button", name="Use these edges").click()
    pg.get_by_text("Your graph (4 nodes, 3 edges)").first.wait_for()
