"""Where the app listens, and the addresses to print for people (no Gradio here)."""
from __future__ import annotations

import os


def server_name(host: str | None = None) -> str:
    """Where to listen: this computer only (127.0.0.1), unless asked for the network.

    ``--host 0.0.0.0`` (or ``GRADIO_SERVER_NAME``) lets phones and laptops on the same network reach it,
    e.g. for the class board; a Hugging Face Space (``SPACE_ID`` set) always listens on every interface.
    """
    if host:
        return host
    if os.environ.get("GRADIO_SERVER_NAME"):
        return os.environ["GRADIO_SERVER_NAME"]
    return "0.0.0.0" if os.environ.get("SPACE_ID") else "127.0.0.1"


def print_addresses(host: str, port: int) -> None:
    """Gradio prints http://0.0.0.0:port when listening on every interface; that address does not open in a
    browser on Windows, so say which ones do."""
    if host != "0.0.0.0" or os.environ.get("SPACE_ID"):
        return
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the interface of the default route
            lan = s.getsockname()[0]
    except OSError:
        lan = None
    print(f"* Open http://127.0.0.1:{port} on this computer"
          + (f", or http://{lan}:{port} from another device on this network" if lan else ""), flush=True)
