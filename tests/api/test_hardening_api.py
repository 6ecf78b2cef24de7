"""Issue 8 through the launched app: request limits at the door, fair queue caps, temp-file hygiene,
error text. Loopback only, bounded in time. The app is the session's (tests/conftest.py), so
``server.STATE`` holds its janitor and fair queue.
"""
import json
import os
import socket
import threading
import time
import urllib.parse

import httpx
import pytest

from tests.conftest import ASSETS

pytestmark = pytest.mark.api
CAT = os.path.join(ASSETS, "images", "cat.jpg")


def _temp_files(root):
    out = []
    for folder, _, names in os.walk(root):
        out += [os.path.join(folder, n) for n in names]
    return out


def _join(app_url, api_name, data, session="hardening-test"):
    """POST /gradio_api/queue/join for a named endpoint, as gradio_client does."""
    from gradio_client import Client  # noqa: F401 - only to make sure the package is there

    config = httpx.get(app_url + "config").json()
    fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name)
    body = {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None}
    return httpx.post(app_url + "gradio_api/queue/join", json=body, timeout=60)


def test_10000_file_references_are_refused_at_the_door(app_url):
    import server

    root = server.STATE["janitor"].root
    before = set(_temp_files(root))
    ref = {"path": "c"}  # short, so that 10,000 of them stay under the 1 MiB body limit wherever the clone lives
    started = time.perf_counter()
    r = _join(app_url, "embed", ["image", "", [ref] * 10_000, ""])
    seconds = time.perf_counter() - started
    assert r.status_code == 422, r.text[:300]
    assert "10,000 files" in json.dumps(r.json()) and seconds < 5
    assert set(_temp_files(root)) - before == set()  # not one temp file for it


def test_5_mb_of_text_is_refused_before_it_is_parsed(client):
    """(tests/unit/test_hardening_media.py sends 50 MB to split_lines itself.)"""
    from gradio_client.exceptions import AppError

    started = time.perf_counter()
    with pytest.raises(Exception) as err:
        client.predict("text", "word " * 1_000_000, [], "", api_name="/embed")
    assert time.perf_counter() - started < 10
    assert not isinstance(err.value, AppError)  # refused before our code ran
    assert "limit" in str(err.value) and "bytes" in str(err.value)
    assert client.predict("text", "still serving", [], "", api_name="/embed")["items"][0]["label"] == "still serving"


def test_gr_file_inputs_leave_no_empty_temp_files(app_url):
    """Gradio 6's File.preprocess made one empty temp file per file reference (17,015 in one test run)."""
    import gradio as gr
    from gradio.data_classes import FileData, ListFiles
    from gradio.utils import get_upload_folder

    root = get_upload_folder()
    before = set(_temp_files(root))
    component = gr.File(file_count="multiple")
    paths = component.preprocess(ListFiles(root=[FileData(path=CAT)] * 300))
    assert paths == [CAT] * 300
    single = gr.File(file_count="single", file_types=[".jpg"]).preprocess(FileData(path=CAT))
    assert single == CAT and single.name == CAT
    assert set(_temp_files(root)) - before == set()


def _count_outcomes(futures, timeout=60):
    ok, refused, other = 0, 0, []
    for f in futures:
        try:
            f.result(timeout=timeout)
            ok += 1
        except Exception as exc:  # noqa: BLE001 - sorted below
            if "queue is full" in str(exc).lower() or type(exc).__name__ == "QueueError":
                refused += 1
            else:
                other.append(f"{type(exc).__name__}: {exc}")
    return ok, refused, other


def test_one_session_cannot_fill_the_queue_and_others_are_served(app_url):
    """One client sends 12 at once while the work slots are busy: 6 admitted (the cap), 6 refused at once;
    a second client is admitted and served. (Before: all 12 waited; a flood filled the queue.)"""
    from gradio_client import Client

    import server

    heavy = server.STATE["limiter"]
    per_session = server.STATE["fair_queue"].per_session
    flooder = Client(app_url, verbose=False, ssl_verify=False)
    other = Client(app_url, verbose=False, ssl_verify=False)
    release = threading.Event()
    holders = []
    for i in range(heavy.slots):  # occupy every heavy-work slot, as long-running requests would
        ready = threading.Event()

        def hold(ready=ready, i=i):
            with heavy.slot(f"test-holder-{i}"):
                ready.set()
                release.wait(60)

        t = threading.Thread(target=hold, daemon=True)
        t.start()
        ready.wait(10)
        holders.append(t)
    try:
        flood = [flooder.submit("text", f"flood {i}", [], "", api_name="/embed") for i in range(12)]
        time.sleep(1.0)
        mine = other.submit("text", "a normal user", [], "", api_name="/embed")
        time.sleep(0.5)
    finally:
        release.set()
    ok, refused, errors = _count_outcomes(flood)
    assert errors == []
    assert ok == per_session and refused == 12 - per_session
    assert mine.result(timeout=60)["items"][0]["label"] == "a normal user"
    for t in holders:
        t.join(timeout=10)


def test_error_text_quoting_html_is_escaped_not_cut(client):
    """Gradio renders error text as sanitised HTML: a message quoting '<b>...' would lose that part."""
    with pytest.raises(Exception) as err:
        client.predict("text", "a cat", [], "<b>bold</b> & <i>x", api_name="/embed")
    message = str(err.value)
    assert "Unknown encoder '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;x'" in message
    assert "<b>" not in message


def _raw_upload(app_url, body_size, sent_size, filename="big.bin"):
    """Start a multipart upload that promises ``body_size`` bytes, send ``sent_size``, then hang up."""
    url = urllib.parse.urlparse(app_url)
    boundary = "----hardening"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    request = (f"POST /gradio_api/upload HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
               f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {body_size}\r\n\r\n").encode()
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(request + head + b"x" * (sent_size - len(head)))
        time.sleep(0.5)  # let the server write what it got
    return


def test_aborted_upload_leaves_no_partial_file_behind(app_url):
    import server

    jan = server.STATE["janitor"]
    before = set(_temp_files(jan.root))
    _raw_upload(app_url, body_size=5_000_000, sent_size=1_000_000)
    time.sleep(0.5)
    partial = [p for p in set(_temp_files(jan.root)) - before if os.path.dirname(p) == jan.root]
    assert partial, "the aborted upload left nothing to clean (did Gradio change?)"
    jan.sweep(now=time.time() + jan.stray_age_s + 1)  # as the janitor's next sweep after the stray age
    assert not any(os.path.exists(p) for p in partial)


def test_uploads_over_the_request_limit_are_refused(app_url):
    from media.limits import LIMITS

    url = urllib.parse.urlparse(app_url)
    request = (f"POST /gradio_api/upload HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
               "Content-Type: multipart/form-data; boundary=x\r\n"
               f"Content-Length: {LIMITS.max_upload_request_bytes + 1}\r\n\r\n").encode()
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(request + b"--x\r\n")
        answer = b""
        while chunk := s.recv(4096):  # headers and body may come in separate packets; the server closes
            answer += chunk
        answer = answer.decode("latin-1")
    assert answer.startswith("HTTP/1.1 413") and "limit" in answer


def test_temp_folder_stays_under_its_cap_during_an_upload_flood(app_url, monkeypatch):
    import server

    jan = server.STATE["janitor"]
    jan.sweep()
    cap = jan.bytes + 3_000_000  # room for three of the 1 MB files below
    monkeypatch.setattr(jan, "max_bytes", cap)
    sizes, statuses = [], []
    for i in range(12):
        content = os.urandom(1_000_000)
        r = httpx.post(app_url + "gradio_api/upload", files={"files": (f"flood{i}.bin", content)})
        statuses.append(r.status_code)
        sizes.append(sum(os.path.getsize(p) for p in _temp_files(jan.root) if os.path.exists(p)))
    assert max(sizes) <= cap + 1_100_000, sizes  # never more than the cap plus the request in flight
    assert statuses.count(200) >= 3  # the oldest are evicted to make room while the newest fit
