"""A person's path through the app in a real browser; screenshots go to test-artifacts/."""
import os

import pytest

from tests.conftest import ASSETS

pytestmark = pytest.mark.browser


PATHS = {"Text": "text", "Images": "images", "Audio": "audio", "Search": "search", "Models": "models"}


def open_tab(page, name):
    """Each playground tab is its own page now; the navbar links to it."""
    page.goto(page.url.split("/")[0] + "//" + page.url.split("/")[2] + "/" + PATHS[name])
    page.wait_for_selector(f"#tab-{PATHS[name]}")


def test_text_tab_draws_heatmap_and_neighbours(page, shot):
    open_tab(page, "Text")
    box = page.get_by_label("Sentences (one per line)")
    box.fill("A kitten naps in the sun.\nA cat sleeps on the sofa.\nThe rocket lifted off.")
    page.get_by_role("button", name="Embed and compare").first.click()
    page.wait_for_selector("text=3 sentences")
    heat = page.locator(".js-plotly-plot").first
    heat.wait_for()
    assert heat.locator("text=A kitten naps in the sun.").count() >= 1
    assert page.get_by_text("nearest gallery sentence").count() >= 1
    shot(page, "text-tab")


def test_upload_image_and_see_neighbours(page, shot):
    open_tab(page, "Images")
    tab = page.locator("#tab-images")
    tab.locator("input[type=file]").first.set_input_files(os.path.join(ASSETS, "images", "coffee.jpg"))
    page.wait_for_timeout(1000)
    tab.get_by_role("button", name="Embed and compare").click()
    page.wait_for_selector("#tab-images >> text=espresso")
    tab.locator(".js-plotly-plot").first.wait_for()
    thumbs = tab.locator("table.nb-image td img")
    thumbs.first.wait_for()
    assert thumbs.count() >= 3
    shot(page, "images-tab")


def test_audio_tab_shows_pictures_and_players(page, shot):
    open_tab(page, "Audio")
    tab = page.locator("#tab-audio")
    tab.get_by_role("button", name="Embed and compare").click()
    tab.locator("table.nb-audio audio").first.wait_for()
    tab.locator(".js-plotly-plot").first.wait_for()
    assert tab.locator("table.nb-audio audio").count() >= 4
    assert tab.locator("text=log-mel spectrogram").count() >= 1
    shot(page, "audio-tab")


def test_models_tab_lists_models(page, shot):
    open_tab(page, "Models")
    table = page.locator("#tab-models table.models")  # filled when the page opens
    table.wait_for()
    for key in ("minilm", "glove", "efficientnet", "yamnet", "bridge"):
        assert table.locator(f"code:text-is('{key}')").count() == 1, key
    shot(page, "models-tab")


def test_text_to_sound_search_shows_players_and_map(page, shot):
    open_tab(page, "Search")
    tab = page.locator("#tab-search")
    tab.get_by_label("Describe what you are looking for").fill("a dog barking")
    tab.get_by_role("button", name="Search", exact=True).click()
    tab.locator("table.results audio").first.wait_for()
    assert tab.locator("table.results audio").count() == 5
    assert "barking" in tab.locator("table.results tr").nth(1).inner_text()  # any of the gallery's dog clips
    tab.locator(".js-plotly-plot").first.wait_for()
    assert tab.locator("text=Does the picture tell the truth?").count() == 1
    shot(page, "search-tab")


def test_zero_shot_example_gives_probabilities(page, shot):
    open_tab(page, "Search")
    tab = page.locator("#tab-search")
    tab.get_by_text("A cat picture").first.click()  # the example runs when clicked
    tab.locator("text=probability = softmax").wait_for()
    plot = tab.locator(".js-plotly-plot").last
    plot.wait_for()
    assert plot.locator("text=a cat").count() >= 1
    shot(page, "zero-shot")
