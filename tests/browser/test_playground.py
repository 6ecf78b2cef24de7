"""The playground pages as a class sees them at 1366x768 (a school laptop) and 800 px wide.

Fails on: a page that opens without its worked example, sideways scrolling, a heatmap whose colour range
changes between two runs, an example that does not run, Enter that does not search, a gallery pick that
does not count.
"""
import pytest

pytestmark = pytest.mark.browser

# page -> (what shows that its worked example ran without a click, text of one clickable example or None)
PAGES = {
    "text": ("#tab-text >> text=4 sentences", "Single words with GloVe"),
    "images": ("#tab-images table.nb-image img", "Wild birds, poultry and a cow"),
    "audio": ("#tab-audio table.nb-audio audio", "Water and bells"),
    "search": ("#tab-search table.results", "Words → everything: one list per kind"),
    "gallery": ("#tab-gallery .g-group", None),
    "models": ("#tab-models table.models", None),
}


@pytest.fixture
def laptop(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    pg.set_default_timeout(240_000)
    pg.base = app_url.rstrip("/")
    yield pg
    context.close()


def sideways(pg) -> int:
    """How many pixels the page scrolls sideways (0 when it fits)."""
    return pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def heatmap_scale(pg, tab: str, rows: int):
    """The drawn heatmap's (type, zmin, zmax, zmid, colour scale), once it shows ``rows`` rows."""
    plot = f"document.querySelector('#tab-{tab} .js-plotly-plot')"
    pg.wait_for_function(f"() => {plot} && {plot}.layout && {plot}.layout.yaxis.ticktext.length === {rows}")
    return pg.evaluate(f"""(() => {{ const d = {plot}.data[0];
        return [d.type, d.zmin, d.zmax, d.zmid, JSON.stringify(d.colorscale)]; }})()""")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_opens_with_its_worked_example_and_never_scrolls_sideways(laptop, shot, name):
    ready, _ = PAGES[name]
    laptop.goto(f"{laptop.base}/{name}")
    laptop.wait_for_selector(ready)  # no click: the page shows a worked example on first load
    laptop.wait_for_timeout(1000)
    assert sideways(laptop) == 0, f"{name} scrolls sideways at 1366x768"
    shot(laptop, f"playground-{name}-1366")
    laptop.set_viewport_size({"width": 800, "height": 900})
    laptop.wait_for_timeout(1500)
    assert sideways(laptop) == 0, f"{name} scrolls sideways at 800 px"


def test_heatmap_colour_range_is_fixed_between_runs(laptop):
    laptop.goto(f"{laptop.base}/text")
    laptop.wait_for_selector("#tab-text >> text=4 sentences")
    first = heatmap_scale(laptop, "text", 4)
    laptop.get_by_text(PAGES["text"][1]).click()  # six single words with GloVe: other values entirely
    laptop.wait_for_selector("#tab-text >> text=6 sentences")
    second = heatmap_scale(laptop, "text", 6)
    assert first[0] == "heatmap" and first[1:4] == [-1, 1, 0]
    assert first == second


@pytest.mark.parametrize("name", ["images", "audio", "search"])
def test_an_example_click_runs_it(laptop, name):
    ready, example = PAGES[name]
    laptop.goto(f"{laptop.base}/{name}")
    laptop.wait_for_selector(ready)
    laptop.get_by_text(example).click()
    after = {"images": "#tab-images >> text=5 pictures",
             "audio": "#tab-audio .js-plotly-plot >> text=a church bell tolling",  # drawn only by a run
             "search": "#tab-search .result-lists.n3"}[name]  # one list per kind: pictures, sounds, texts
    laptop.wait_for_selector(after)


def test_enter_searches_and_gallery_pictures_are_picked_from_thumbnails(laptop):
    laptop.goto(f"{laptop.base}/search")
    laptop.wait_for_selector("#tab-search table.results")
    box = laptop.get_by_label("Describe what you are looking for")
    box.fill("a rooster crowing")
    box.press("Enter")
    first = laptop.locator("#tab-search table.results tr").nth(1)
    laptop.wait_for_function("() => document.querySelector('#tab-search table.results tr:nth-child(2)')"
                             " && document.querySelector('#tab-search table.results tr:nth-child(2)')"
                             ".innerText.includes('rooster')")
    assert "rooster" in first.inner_text()

    laptop.goto(f"{laptop.base}/images")
    laptop.wait_for_selector("#tab-images >> text=6 pictures")
    laptop.locator("#image-picker .pk-card[data-id='fruit-tu-lemon']").click()
    laptop.wait_for_selector("#image-picker >> text=7 picked")
    laptop.get_by_role("button", name="Embed and compare").click()
    laptop.wait_for_selector("#tab-images >> text=7 pictures")
