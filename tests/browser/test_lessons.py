"""Each lesson opened by its pasteable URL in headless chromium: the worked example draws on load."""
import pytest

from lessons.registry import LESSONS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.key)
def test_lesson_opens_by_url_and_shows_its_worked_example(small_page, app_url, lesson, shot):
    small_page.goto(app_url.rstrip("/") + lesson.url)
    small_page.wait_for_selector(f"text={lesson.title}")
    small_page.locator(".js-plotly-plot").first.wait_for()  # the example ran on load and drew its plot
    width = small_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"{lesson.key}: the page scrolls sideways ({width}px)"
    shot(small_page, f"lesson-{lesson.key}")


def test_lessons_index_links_every_lesson(small_page, app_url):
    small_page.goto(app_url.rstrip("/") + "/lessons")
    for lesson in LESSONS:
        small_page.locator(f"a[href='{lesson.path}']").first.wait_for()


def test_clicking_a_tokens_example_runs_it(small_page, app_url):
    small_page.goto(app_url.rstrip("/") + "/lessons/tokens")
    small_page.locator(".tok-block").first.wait_for()
    small_page.get_by_role("button", name="emoji").click()
    small_page.locator("text=2 unknown").first.wait_for()
