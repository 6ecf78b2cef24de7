"""tabs.common.streamed: user_errors for generator handlers (the tables, graphs and objectives pages)."""
import inspect
import logging

import pytest


def test_streamed_yields_frames_then_turns_a_bad_input_into_a_clear_error(caplog):
    import gradio as gr

    from media.errors import InputError
    from tabs.common import streamed

    @streamed
    def frames(n, stop_with=None):
        for i in range(n):
            yield i
        if stop_with is not None:
            raise stop_with

    assert inspect.isgeneratorfunction(frames)  # Gradio streams only generator functions
    assert frames.__name__ == "frames"
    assert list(frames(3)) == [0, 1, 2]
    assert list(frames(2, stop_with=None)) == [0, 1]  # keyword arguments reach the handler
    caplog.set_level(logging.INFO, logger="embedding_lab")
    got = []
    with pytest.raises(gr.Error) as err:
        for frame in frames(2, stop_with=InputError("<b>bad</b> edge list")):
            got.append(frame)
    assert got == [0, 1]  # the frames before the mistake were shown
    assert err.value.message == "&lt;b&gt;bad&lt;/b&gt; edge list"
    assert any("input error in frames" in r.getMessage() for r in caplog.records)  # logged under its own name
    with pytest.raises(gr.Error, match="reference"):
        list(frames(1, stop_with=RuntimeError("a bug")))


def test_streamed_paces_frames(monkeypatch):
    import tabs.common as common

    slept = []
    monkeypatch.setattr(common.time, "sleep", slept.append)

    def frames():
        yield "a"
        yield None  # a frame may be None (not the end of the stream)
        yield "c"

    assert list(common.streamed(frames, pace=0.06)()) == ["a", None, "c"]
    assert slept == [0.06, 0.06, 0.06]
    slept.clear()
    assert list(common.streamed(frames)()) == ["a", None, "c"] and slept == []
