"""Models tab: which encoders exist, which are loaded, dims, sources, licences."""
from __future__ import annotations

import gradio as gr

from encoders import get_encoder, list_encoders
from tabs.common import esc, explain, user_errors

BADGES = {"loaded": "#16a34a", "available": "#2563eb", "unavailable": "#dc2626"}


def encoder_html() -> str:
    rows = []
    for e in list_encoders():
        colour = BADGES.get(e["status"], "#555")
        reason = f"<div class='reason'>{esc(e['reason'])}</div>" if e["reason"] else ""
        rows.append(
            f"<tr><td><b>{esc(e['label'])}</b><div class='muted'>key <code>{esc(e['key'])}</code> · "
            f"{esc(e['family'])}</div><div>{esc(e['description'])}</div></td>"
            f"<td>{esc(', '.join(e['modalities']))}</td><td>{e['dim']}</td>"
            f"<td><span class='badge' style='background:{colour}'>{esc(e['status'])}</span>{reason}</td>"
            f"<td>{esc(e['space'])}</td><td>{esc(e['source'])}<div class='muted'>licence: {esc(e['licence'])}</div></td></tr>"
        )
    head = "<tr><th>model</th><th>embeds</th><th>dim</th><th>status</th><th>vector space</th><th>source</th></tr>"
    return f"<table class='nb-table models'>{head}{''.join(rows)}</table>"


@user_errors
def load_all(progress=gr.Progress()):
    rows = list_encoders()
    for i, e in enumerate(rows):
        progress(i / len(rows), desc=f"Loading {e['label']}…")
        try:
            get_encoder(e["key"]).ensure_loaded()
        except Exception:
            pass  # its status now says why
    return encoder_html()


def build() -> None:
    with gr.Column(elem_id="tab-models"):
        explain(
            "### The models behind the vectors\n"
            "Every model here is a real, pretrained network. The *bundled* ones come inside Python packages, "
            "so the app works with no internet. The *joint* ones (CLIP, CLAP) come from the Hugging Face hub "
            "when it can be reached. Each model puts its vectors in its **own space**: a MiniLM vector and an "
            "EfficientNet vector cannot be compared, even if they had the same length. "
            "Models load the first time you use them (a few seconds)."
        )
        table = gr.HTML(encoder_html)
        with gr.Row():
            refresh = gr.Button("Refresh status")
            load = gr.Button("Load all models now", variant="primary")
        refresh.click(encoder_html, None, table, api_visibility="private")
        load.click(load_all, None, table, api_visibility="private")
