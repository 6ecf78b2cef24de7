"""Models tab: which encoders exist, which are loaded, dims, sources, licences."""
from __future__ import annotations

import gradio as gr

from encoders import get_encoder, list_encoders
from tabs.common import explain, user_errors

COLUMNS = ["model", "key", "modalities", "dim", "status", "source", "licence", "vector space", "note"]


def encoder_rows() -> list[list]:
    return [[e["label"], e["key"], ", ".join(e["modalities"]), e["dim"], e["status"], e["source"],
             e["licence"], e["space"], e["reason"] or e["description"]] for e in list_encoders()]


@user_errors
def load_all(progress=gr.Progress()):
    rows = list_encoders()
    for i, e in enumerate(rows):
        progress(i / len(rows), desc=f"Loading {e['label']}…")
        try:
            get_encoder(e["key"]).ensure_loaded()
        except Exception:
            pass  # its status now says why
    return encoder_rows()


def build() -> None:
    with gr.Tab("Models", id="models", elem_id="tab-models"):
        explain(
            "### The models behind the vectors\n"
            "Every model here is a real, pretrained network. The *bundled* ones come inside Python packages, "
            "so the app works with no internet. Each model puts its vectors in its **own space**: a MiniLM "
            "vector and an EfficientNet vector cannot be compared, even if they had the same length. "
            "Models load the first time you use them (a few seconds)."
        )
        table = gr.Dataframe(value=encoder_rows, headers=COLUMNS, interactive=False, wrap=True,
                             label="Encoders")
        with gr.Row():
            refresh = gr.Button("Refresh status")
            load = gr.Button("Load all models now", variant="primary")
        refresh.click(encoder_rows, None, table, api_visibility="private")
        load.click(load_all, None, table, api_visibility="private")
