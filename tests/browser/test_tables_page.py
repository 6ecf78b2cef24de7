"""The tables lesson in headless chromium at 1366x768: it trains on load, draws the loss curve and the
learned airport table as a map, and a clicked example trains again and joins the results table."""
import pytest

pytestmark = pytest.mark.browser


def test_tables_page_trains_draws_the_curve_and_the_map_and_keeps_runs(browser, app_url, shot):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(app_url.rstrip("/") + "/lessons/tables")
    page.get_by_text("Done in").first.wait_for()  # the worked example trained on load
    page.locator("#tb-loss .js-plotly-plot").wait_for()
    page.locator("#tb-map .js-plotly-plot").wait_for()
    page.get_by_text("rows of 8 learned numbers").first.wait_for()  # the dest map's title
    page.get_by_text("How much the task could teach").first.wait_for()
    page.get_by_role("button", name="penguins: which species?").click()
    page.get_by_text("Validation accuracy").first.wait_for()
    # run 2 (penguins, target species) joined run 1 (flights, air_time) in the results table
    page.wait_for_function("""() => { const t = document.querySelector('#tb-results')?.innerText || '';
        return t.includes('species') && t.includes('air_time'); }""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(page, "lesson-tables-penguins")
    context.close()
