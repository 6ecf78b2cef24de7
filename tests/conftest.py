import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# Never reach for a model hub in tests; keep the gallery cache inside the test run.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("EMBEDDING_LAB_WARMUP", "0")
ASSETS = os.path.join(ROOT, "assets")


# --- the real app, launched once per test session (API and browser tests) ---
import socket
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    import app

    port = free_port()
    started = time.perf_counter()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    print(f"app launched at {url} in {time.perf_counter() - started:.1f}s")
    yield url
    app.demo.close()


@pytest.fixture(scope="session")
def client(app_url):
    from gradio_client import Client

    # ssl_verify=False: gradio_client otherwise builds an SSL context (loading the CA bundle) for
    # every request, ~100 ms each, even over plain http to 127.0.0.1 (bench/app.py).
    return Client(app_url, verbose=False, ssl_verify=False)
