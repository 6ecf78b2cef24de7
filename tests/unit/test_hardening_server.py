"""server/: the fair heavy-work limit, the temp-folder janitor, the allocator and user-error logging."""
import json
import logging
import os
import subprocess
import sys
import threading
import time

import pytest

from server.janitor import Janitor
from server.limiter import FairLimiter, ServerBusy
from tests.conftest import ROOT


# -- the process-wide limit --------------------------------------------------------------------
def test_round_robin_order_between_waiting_clients():
    limiter = FairLimiter(slots=1, wait_s=30)
    order, lock = [], threading.Lock()
    started = []

    def request(client, i):
        started.append(client)
        with limiter.slot(client):
            with lock:
                order.append(client)
            time.sleep(0.01)

    with limiter.slot("holder"):
        threads = []
        for client, n in (("A", 6), ("B", 2), ("C", 2)):  # A queues first, with the most
            for i in range(n):
                t = threading.Thread(target=request, args=(client, i))
                t.start()
                threads.append(t)
                time.sleep(0.01)
        while limiter.waiting() < 10:
            time.sleep(0.01)
    for t in threads:
        t.join(timeout=30)
    assert len(order) == 10
    # B and C are done within the first six turns although A queued all six of its requests first
    assert max(i for i, c in enumerate(order) if c in "BC") <= 5, order
    assert order[:3].count("A") == 1, order


def test_slot_is_reentrant_and_limits_concurrency():
    limiter = FairLimiter(slots=2, wait_s=30)
    running, peak, lock = [0], [0], threading.Lock()

    def work():
        with limiter.slot():
            with limiter.slot():  # nested: no second slot, no deadlock
                with lock:
                    running[0] += 1
                    peak[0] = max(peak[0], running[0])
                time.sleep(0.05)
                with lock:
                    running[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert peak[0] == 2 and limiter.held() == 0


def test_waiting_too_long_gives_a_clear_busy_error():
    limiter = FairLimiter(slots=1, wait_s=0.2)
    with limiter.slot("holder"):
        errors = []

        def late():
            try:
                with limiter.slot("late"):
                    pass
            except ServerBusy as exc:
                errors.append(str(exc))

        t = threading.Thread(target=late)
        t.start()
        t.join(timeout=10)
    assert errors and "busy" in errors[0] and limiter.waiting() == 0


def test_idle_callback_runs_when_the_last_holder_leaves():
    calls = []
    limiter = FairLimiter(slots=2, wait_s=5, on_idle=lambda: calls.append(1))
    with limiter.slot("a"):
        with limiter.slot("a"):  # re-entrant: still the same holder
            pass
        assert calls == []
    assert calls == [1]


# -- the janitor ---------------------------------------------------------------------------
def _touch(path, size=0, age=0.0):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"x" * size)
    t = time.time() - age
    os.utime(path, (t, t))
    return path


def test_janitor_deletes_partial_uploads_empty_and_old_files_and_keeps_the_rest(tmp_path):
    root = str(tmp_path)
    partial_old = _touch(os.path.join(root, "tmpabc123"), 1000, age=300)  # an aborted upload
    partial_new = _touch(os.path.join(root, "tmpdef456"), 1000, age=5)  # an upload in progress
    empty_old = _touch(os.path.join(root, "cache", "tmpzzz"), 0, age=300)
    old_upload = _touch(os.path.join(root, "a" * 64, "cat.jpg"), 2000, age=4000)
    fresh_upload = _touch(os.path.join(root, "b" * 64, "dog.jpg"), 2000, age=10)
    kept_example = _touch(os.path.join(root, "c" * 64, "example.wav"), 2000, age=9999)
    forgotten = []
    jan = Janitor(root, max_age_s=1800, stray_age_s=120, keep=lambda: [kept_example], forget=forgotten.extend)
    rep = jan.sweep()
    assert not os.path.exists(partial_old) and not os.path.exists(empty_old) and not os.path.exists(old_upload)
    assert os.path.exists(partial_new) and os.path.exists(fresh_upload) and os.path.exists(kept_example)
    assert rep.deleted == 3 and set(rep.reasons) == {"partial upload", "empty", "old"}
    assert set(forgotten) == {partial_old, empty_old, old_upload}
    assert not os.path.exists(os.path.join(root, "a" * 64))  # emptied folders go too once stale


def test_janitor_keeps_size_and_count_under_their_caps_oldest_first(tmp_path):
    root = str(tmp_path)
    paths = [_touch(os.path.join(root, f"{i:064d}", f"f{i}.bin"), 1000, age=100 - i) for i in range(50)]
    jan = Janitor(root, max_bytes=20_000, max_files=1000, max_age_s=10_000)
    jan.sweep()
    left = [p for p in paths if os.path.exists(p)]
    assert sum(os.path.getsize(p) for p in left) <= 20_000 * 0.8
    assert left == paths[-len(left):]  # the newest survive
    jan2 = Janitor(root, max_bytes=10 ** 9, max_files=5, max_age_s=10_000)
    jan2.sweep()
    assert sum(os.path.exists(p) for p in paths) <= 5


def test_make_room_evicts_old_files_or_says_no(tmp_path):
    root = str(tmp_path)
    for i in range(10):
        _touch(os.path.join(root, f"{i:064d}", "f.bin"), 1000, age=1000 - i)
    jan = Janitor(root, max_bytes=10_000, max_files=1000, max_age_s=10 ** 6)
    jan.sweep()
    assert jan.make_room(5_000)  # evicts the oldest to fit
    assert jan.bytes <= 10_000
    assert not jan.make_room(50_000)  # more than the whole cap


# -- the allocator -------------------------------------------------------------------------
_ALLOC = r"""
import json, os, sys, threading
sys.path.insert(0, {root!r})
os.environ["EMBEDDING_LAB_MALLOC"] = {malloc!r}
from server import memory
settings = memory.configure_allocator()
import numpy as np
def rss():
    return memory.rss_bytes() / 2**20
base = rss()
def work(seed):
    rng = np.random.default_rng(seed)
    keep = []
    for i in range(60):
        big = np.ones(int(rng.integers(300_000, 3_000_000)), dtype=np.float32)  # 1.2-12 MB
        keep.append(np.ones(64, dtype=np.float64))  # small, long-lived: pins the heap top
        del big
    return keep
pins = []
def run(seed):
    pins.append(work(seed))
# the same request shape three times, 4 threads at once (as Gradio's worker threads)
for rnd in range(3):
    ts = [threading.Thread(target=run, args=(rnd * 10 + k,)) for k in range(4)]
    [t.start() for t in ts]; [t.join() for t in ts]
    big = [np.ones(8_000_000, dtype=np.float32) for _ in range(4)]  # 128 MB in one go
    del big
memory.trim()
print(json.dumps({{"settings": settings, "base_mb": base, "after_mb": rss()}}))
"""


def test_allocator_settings_return_memory_after_heavy_work():
    out = {}
    for malloc in ("1", "0"):
        proc = subprocess.run([sys.executable, "-c", _ALLOC.format(root=ROOT, malloc=malloc)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[malloc] = json.loads(proc.stdout.strip().splitlines()[-1])
    if not out["1"]["settings"]:
        pytest.skip("not glibc: the allocator is left alone")
    from server import memory

    assert out["1"]["settings"]["M_MMAP_THRESHOLD"] == memory.MMAP_THRESHOLD
    assert out["1"]["after_mb"] - out["1"]["base_mb"] < 40, out  # glibc's defaults keep ~70 MB here


# -- user errors: one line; unexpected errors: traceback -----------------------------------------
def test_input_errors_log_one_line_and_unexpected_errors_keep_their_traceback(caplog):
    import gradio as gr

    from media.errors import InputError
    from tabs.common import user_errors

    @user_errors
    def bad_input():
        raise InputError("'<b>x</b>.png' is not an image\nwe can read")

    @user_errors(heavy=False)
    def broken():
        raise RuntimeError("a bug")

    caplog.set_level(logging.INFO, logger="embedding_lab")
    with pytest.raises(gr.Error) as err:
        bad_input()
    assert err.value.print_exception is False  # Gradio prints no traceback for it either
    assert err.value.message.startswith("'&lt;b&gt;x&lt;/b&gt;.png'")  # shown as text, not cut as HTML
    (record,) = [r for r in caplog.records if r.name == "embedding_lab"]
    assert record.exc_info is None and "\n" not in record.getMessage() and record.levelno == logging.INFO
    caplog.clear()
    with pytest.raises(gr.Error) as err:
        broken()
    assert "reference" in err.value.message
    (record,) = [r for r in caplog.records if r.name == "embedding_lab"]
    assert record.exc_info is not None and record.levelno == logging.ERROR


def test_a_request_yields_its_slot_between_files_when_others_wait():
    """One slot; A's request has 5 files, B arrives with one small request while A is on its first file:
    B is served after A's first file, not after all five."""
    limiter = FairLimiter(slots=1, wait_s=30)
    order, lock = [], threading.Lock()
    b_may_start = threading.Event()

    def a_request():
        with limiter.slot("A"):
            for i in range(5):
                limiter.yield_turn()  # what the decoders do before each file
                with lock:
                    order.append(f"A{i}")
                b_may_start.set()
                time.sleep(0.05)

    def b_request():
        b_may_start.wait(10)
        with limiter.slot("B"):
            with lock:
                order.append("B")

    threads = [threading.Thread(target=a_request), threading.Thread(target=b_request)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert order.index("B") <= 2, order
    assert limiter.held() == 0 and limiter.stats.get("yields", 0) >= 1


def test_a_client_of_big_requests_waits_behind_a_client_of_small_ones():
    """Turns go to the client with the least slot time lately: after one big request of H (0.3 s),
    L's three small ones (0.01 s) all run before H's next big one."""
    limiter = FairLimiter(slots=1, wait_s=30)
    order, lock = [], threading.Lock()

    def request(client, seconds):
        with limiter.slot(client):
            with lock:
                order.append(client)
            time.sleep(seconds)

    threads = []
    with limiter.slot("holder"):
        for client, seconds in [("H", 0.3), ("L", 0.01)] * 3:  # H and L queue alternately
            t = threading.Thread(target=request, args=(client, seconds))
            t.start()
            threads.append(t)
            while limiter.waiting() < len(threads):
                time.sleep(0.005)
    for t in threads:
        t.join(timeout=30)
    assert order == ["H", "L", "L", "L", "H", "H"], order
