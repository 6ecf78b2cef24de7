"""Models page: which encoders exist, which are loaded (or loading), dims, sources, licences, how to get the rest."""
from __future__ import annotations

import time

import gradio as gr

from encoders import get_encoder, list_encoders
from encoders.about import about, weights_source
from lab import warmup
from tabs.common import esc, explain, on_page_load, user_errors

BADGES = {"loaded": "#16a34a", "loading": "#d97706", "waiting": "#6b7280", "available": "#2563eb",
          "unavailable": "#dc2626"}
REFRESH_S = 2.0


def shown_status(e: dict, state: dict) -> tuple[str, str]:
    """(badge, sentence) for one encoder, including what the warm-up is doing with it."""
    key, status = e["key"], e["status"]
    if status == "loaded":
        return "loaded", "in memory, ready"
    if status == "unavailable":
        return "unavailable", ""
    if state["running"] and state["current"] and state["current"].startswith(key + "/"):
        return "loading", "the start-up warm-up is loading it now"
    if state["running"]:
        return "waiting", "the start-up warm-up will load it (this page refreshes itself)"
    source = weights_source(key)
    return "available", (f"loads on first use from {source}" if source else "loads on first use (a few seconds)")


def encoder_html() -> str:
    state = warmup.snapshot()
    rows = []
    for e in list_encoders():
        badge, sentence = shown_status(e, state)
        colour = BADGES.get(badge, "#555")
        detail = f"<div class='muted'>{esc(sentence)}</div>" if sentence else ""
        if badge == "unavailable":
            fix = about(e["key"]).get_it
            detail = (f"<div class='reason'>Not available here: {esc(e['reason'])}</div>"
                      + (f"<div class='fix'>{fix_html(fix)}</div>" if fix else ""))
        rows.append(
            f"<tr><td><b>{esc(e['label'])}</b><div class='muted'>key <code>{esc(e['key'])}</code> · "
            f"{esc(e['family'])}</div><div>{esc(e['description'])}</div></td>"
            f"<td>{esc(', '.join(e['modalities']))}</td><td>{e['dim']}</td>"
            f"<td><span class='badge' style='background:{colour}'>{esc(badge)}</span>{detail}</td>"
            f"<td>{esc(e['space'])}</td><td>{esc(e['source'])}<div class='muted'>licence: {esc(e['licence'])}</div></td></tr>"
        )
    head = "<tr><th>model</th><th>embeds</th><th>dim</th><th>status</th><th>vector space</th><th>source</th></tr>"
    return f"<div class='table-wrap'><table class='nb-table models'>{head}{''.join(rows)}</table></div>"


def fix_html(md: str) -> str:
    """The tiny Markdown of the 'how to get it' facts (**bold**, `code`) as HTML."""
    import re

    out = esc(md)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def warmup_md() -> str:
    s = warmup.snapshot()
    if s["running"]:
        now = s["current"] or "…"
        return (f"**Start-up warm-up is running** ({time.time() - s['started']:.0f} s so far; now: {esc(now)}). "
                "Models load one after another; this page refreshes itself every few seconds until it is done.")
    if s["finished"]:
        took = s["finished"] - s["started"]
        failed = "".join(f" {esc(k)} could not be prepared ({esc(v)})." for k, v in s["failed"].items())
        return f"Start-up warm-up finished in {took:.0f} s.{failed}"
    return ("The start-up warm-up did not run (it is off: `EMBEDDING_LAB_WARMUP=0`), so each model loads the first "
            "time it is used, or press *Load all models now*.")


def current_status():
    """The encoders table and the warm-up line, as the page shows them now."""
    return encoder_html(), warmup_md()


def tick():
    return *current_status(), gr.Timer(active=warmup.running())


@user_errors
def load_all(progress=gr.Progress()):
    rows = list_encoders()
    for i, e in enumerate(rows):
        progress(i / len(rows), desc=f"Loading {e['label']}…")
        try:
            get_encoder(e["key"]).ensure_loaded()
        except Exception:
            pass  # its status now says why
    return current_status()


def build() -> None:
    with gr.Column(elem_id="tab-models"):
        explain(
            "### The models behind the vectors\n"
            "Every model here is a real, pretrained network. The *bundled* ones come inside Python packages, "
            "so the app works with no internet. The *joint* ones (CLIP, CLAP) need weights from the Hugging "
            "Face hub: the table says where they would come from, or what to do when they cannot. Each model "
            "puts its vectors in its **own space**: a MiniLM vector and an EfficientNet vector cannot be "
            "compared, even if they had the same length."
        )
        status = gr.Markdown()
        table = gr.HTML()
        with gr.Row():
            refresh = gr.Button("Refresh status")
            load = gr.Button("Load all models now", variant="primary")
        on_page_load(current_status, None, [table, status], queue=False)
        timer = gr.Timer(REFRESH_S, active=True)
        timer.tick(tick, None, [table, status, timer], api_visibility="private", queue=False)
        refresh.click(current_status, None, [table, status], api_visibility="private",
                      queue=False)
        load.click(load_all, None, [table, status], api_visibility="private")
