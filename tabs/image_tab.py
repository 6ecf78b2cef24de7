"""Images tab: photos -> vectors, similarity heatmap, neighbours, predicted labels."""
from __future__ import annotations

import gradio as gr

from encoders import encoders_for, get_encoder
from gallery.manifest import items_of
from lab.inputs import collect
from lab.service import embed_items, neighbours, similarity
from tabs.common import explain, neighbour_table, top_label_rows, user_errors
from tabs.figures import similarity_heatmap, vector_strips

DEFAULT_PICKS = ["cat", "coffee", "rocket", "astronaut"]


def gallery_choices() -> list[tuple[str, str]]:
    return [(item.caption, item.id) for item in items_of("image")]


@user_errors
def run_images(files, picks, encoder_key: str, k: float):
    items = collect("image", None, files, picks)
    emb = embed_items("image", items, encoder_key)
    info = get_encoder(emb.encoder).info
    heat = similarity_heatmap(emb.labels, similarity(emb), f"Cosine similarity in {info.space}")
    strips = vector_strips(emb.labels, emb.vectors, f"Each image as a {info.dim}-number vector")
    shown = neighbour_table("image", emb.items, neighbours(emb, int(k)))
    labels = top_label_rows(emb.items, emb.top_labels)
    summary = (f"**{len(items)} images** embedded with **{info.label}** into {info.dim} dimensions. "
               "The labels come from the same network's last layer (the 1000 ImageNet classes); the vector is "
               "the layer just before it.")
    return summary, heat, strips, shown, labels


def build() -> None:
    with gr.Column(elem_id="tab-images"):
        explain(
            "### Pictures become vectors\n"
            "Upload images or pick some from the bundled gallery. A convolutional network looks at each "
            "picture and produces a vector of 1280 numbers. Pictures of similar things land close together, "
            "even when their pixels are very different. Below you see the similarity of your images, their "
            "nearest neighbours in the gallery, and what the network thinks each picture shows."
        )
        with gr.Row():
            with gr.Column(scale=3):
                files = gr.File(label="Upload images (JPEG, PNG, GIF, WebP, BMP, TIFF)", file_count="multiple",
                                file_types=["image"], height=110)
                picks = gr.Dropdown(choices=gallery_choices(), value=DEFAULT_PICKS, multiselect=True,
                                    label="…and/or pick gallery images")
            with gr.Column(scale=1):
                encoder = gr.Dropdown(choices=[(get_encoder(k).info.label, k) for k in encoders_for("image")],
                                      value="efficientnet", label="Image model")
                k = gr.Slider(1, 8, value=3, step=1, label="Neighbours per image")
                go = gr.Button("Embed and compare", variant="primary")
        summary = gr.Markdown()
        with gr.Row():
            heat = gr.Plot(label="Similarity matrix")
        labels = gr.Dataframe(headers=["image", "top label", "2nd", "3rd"], label="What the network sees",
                              interactive=False, wrap=True)
        gr.Markdown("**Nearest gallery images** (each row: your image, then its closest gallery images)")
        nbs = gr.HTML()
        strips = gr.Plot(label="The vectors")
        gr.Examples([[["cat", "cats-tu-tiger", "coffee", "kitchen-tu-mug"]],
                     [["astronaut", "rocket", "space-tu-moon-full", "space-gc-solar-system-saturn"]]],
                    inputs=[picks], label="Example picks")
        go.click(run_images, [files, picks, encoder, k], [summary, heat, strips, nbs, labels],
                 api_visibility="private")
