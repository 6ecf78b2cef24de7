"""Where the app listens, and the board's warning when its join link only opens on the teacher's computer."""
import pytest


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("SPACE_ID", raising=False)
    return monkeypatch


def test_listens_on_this_computer_unless_asked(no_env):
    from server.addresses import server_name

    assert server_name() == "127.0.0.1"
    assert server_name("0.0.0.0") == "0.0.0.0"
    no_env.setenv("SPACE_ID", "someone/embedding-lab")
    assert server_name() == "0.0.0.0"  # a Space must listen on every interface
    no_env.setenv("GRADIO_SERVER_NAME", "10.0.0.5")
    assert server_name() == "10.0.0.5"


def test_board_warns_when_its_join_link_is_loopback():
    from tabs.board_pages import loopback_note

    assert "--host 0.0.0.0" in loopback_note("http://127.0.0.1:7860/board-join?code=ABCDEF")
    assert "--host 0.0.0.0" in loopback_note("http://localhost:7860/board-join?code=ABCDEF")
    assert loopback_note("http://192.168.1.20:7860/board-join?code=ABCDEF") == ""
    assert loopback_note("https://someone-embedding-lab.hf.space/board-join?code=ABCDEF") == ""
