"""The class board in headless chromium: the board updates by itself when a student adds from another browser."""
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def contexts(browser, app_url):
    opened = []

    def new(width, height):
        context = browser.new_context(viewport={"width": width, "height": height})
        opened.append(context)
        pg = context.new_page()
        pg.set_default_timeout(120_000)
        return pg

    yield new
    for context in opened:
        context.close()


@pytest.mark.parametrize("present", [False, True], ids=["plain", "presentation"])
def test_the_board_updates_by_itself_when_a_student_adds(contexts, app_url, client, present, shot):
    room = client.predict(kind="text", api_name="/room_create")
    code = room["code"]
    base = app_url.rstrip("/")
    board = contexts(1366, 768)
    board.goto(f"{base}/board-show?code={code}" + ("&present=1" if present else ""))
    board.locator(".board-code").wait_for()
    board.locator("text=Waiting for the first item").wait_for()
    assert board.evaluate("document.documentElement.classList.contains('present')") == present

    phone = contexts(412, 860)
    phone.goto(room["join_url"].replace(room["join_url"].split("/board-join")[0], base))
    phone.locator(f"text=Board {code}").first.wait_for()  # the code came from the link
    phone.get_by_label("Your name").fill("Kim")
    sentence = "A sleepy cat curled up on the sofa."
    box = phone.get_by_label("Your sentence")
    box.fill(sentence)
    box.press("Enter")
    phone.locator("text=Added #1").wait_for()

    # no reload, no click: the board's timer brings the item in
    board.locator("g.textpoint", has_text="A sleepy cat curled up").wait_for(timeout=30_000)
    board.locator(".board-facts", has_text="1 item").wait_for()
    width = board.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"the board scrolls sideways ({width}px)"
    shot(board, f"board-{'present' if present else 'plain'}")


def test_teacher_creates_a_board_and_sees_its_code_and_qr(contexts, app_url):
    page = contexts(1366, 768)
    page.goto(app_url.rstrip("/") + "/board")
    page.locator("text=Example board").wait_for()  # the worked example before any board exists
    page.get_by_role("button", name="Create a board").click()
    page.locator("img.board-qr").wait_for()
    code = page.locator(".board-code").inner_text().replace("\u202f", "").replace(" ", "")
    assert len(code) == 6 and code.isalpha()
    page.locator("text=Teacher controls").wait_for()
