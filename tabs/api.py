"""Public API endpoints for scripts and notebooks (gradio_client).

    from gradio_client import Client, handle_file
    c = Client("http://127.0.0.1:7860/")
    c.predict("text", "a cat\na dog", [], "", api_name="/embed")
    c.predict("image", "", [handle_file("cat.jpg")], "", api_name="/similarity")
    c.predict(api_name="/encoders")

The components live in a hidden column: they exist only to give each
endpoint typed parameters (and Gradio's own checks on uploaded files).
"""
from __future__ import annotations

import gradio as gr

from encoders import get_encoder, list_encoders
from lab.inputs import collect
from lab.inputs import file_paths
from lab.search import search, zero_shot
from lab.service import embed_items, similarity
from tabs.common import user_errors


def _embed(modality: str, texts: str | None, files, encoder: str | None):
    items = collect(modality, texts, files)
    return embed_items(modality, items, encoder)


@user_errors
def api_embed(modality: str, texts: str, files, encoder: str) -> dict:
    emb = _embed(modality, texts, files, encoder)
    info = get_encoder(emb.encoder).info
    out = {"modality": emb.modality, "encoder": emb.encoder, "space": info.space, "dim": info.dim,
           "items": [{"label": label, "vector": [float(x) for x in vec]}
                     for label, vec in zip(emb.labels, emb.vectors)]}
    if emb.top_labels:
        for entry, top in zip(out["items"], emb.top_labels):
            entry["top_labels"] = [{"label": name, "score": round(p, 5)} for name, p in top]
    return out


@user_errors
def api_similarity(modality: str, texts: str, files, encoder: str) -> dict:
    emb = _embed(modality, texts, files, encoder)
    info = get_encoder(emb.encoder).info
    return {"modality": emb.modality, "encoder": emb.encoder, "space": info.space, "labels": emb.labels,
            "matrix": [[round(float(x), 6) for x in row] for row in similarity(emb)]}


@user_errors
def api_encoders() -> list[dict]:
    return list_encoders()


def _single_path(f) -> str | None:
    paths = file_paths(f)
    return paths[0] if paths else None


@user_errors
def api_search(query_modality: str, query_text: str, query_file, target: str, k: float, candidates,
               space: str) -> dict:
    result = search(query_modality, query_text, _single_path(query_file), target, int(k or 5), file_paths(candidates),
                    space or "auto")
    return result.as_json()


@user_errors
def api_zero_shot(file, labels: str, space: str) -> dict:
    return zero_shot(_single_path(file), labels, space or "auto").as_json()


def build() -> None:
    with gr.Column(visible=False):
        modality = gr.Radio(["text", "image", "audio"], value="text", label="modality")
        texts = gr.Textbox(label="texts", info="one per line (modality text)")
        files = gr.File(file_count="multiple", label="files")
        encoder = gr.Textbox(label="encoder", info="encoder key; empty = the modality's default")
        out = gr.JSON(label="result")
        trigger = gr.Button("api")
    trigger.click(api_embed, [modality, texts, files, encoder], out, api_name="embed",
                  api_description="Embed texts, images or audio. Returns one unit vector per item.")
    trigger.click(api_similarity, [modality, texts, files, encoder], out, api_name="similarity",
                  api_description="Cosine-similarity matrix of the items.")
    trigger.click(api_encoders, None, out, api_name="encoders",
                  api_description="Every encoder with its metadata and status.")
    with gr.Column(visible=False):
        query_modality = gr.Radio(["text", "image", "audio"], value="text", label="query_modality")
        query_text = gr.Textbox(label="query_text")
        query_file = gr.File(file_count="single", label="query_file")
        target = gr.Radio(["images", "sounds", "texts", "all"], value="all", label="target")
        k = gr.Number(value=5, precision=0, minimum=1, maximum=200, label="k")
        candidates = gr.File(file_count="multiple", label="candidates")
        space = gr.Radio(["auto", "clip", "clap", "bridge"], value="auto", label="space")
        labels = gr.Textbox(label="labels", info="comma separated")
        out2 = gr.JSON()
        trigger2 = gr.Button("api2")
    trigger2.click(api_search, [query_modality, query_text, query_file, target, k, candidates, space], out2,
                   api_name="search", api_description="Ranked results for a text, image or audio query.")
    trigger2.click(api_zero_shot, [query_file, labels, space], out2, api_name="zero_shot",
                   api_description="Probabilities of user-given labels for an image or a sound.")
