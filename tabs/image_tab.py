"""Images page: pictures -> vectors, similarity heatmap, nearest gallery pictures, what the model sees."""
from __future__ import annotations

import gradio as gr

from encoders import encoders_for, get_encoder
from lab.inputs import collect
from lab.service import embed_items, neighbours, raw_norms, similarity
from tabs import media_page
from tabs.common import explain, neighbour_table, Notes, wire_run, user_errors, warnings_box
from tabs.figures import similarity_heatmap, vector_strips
from tabs.picker import gallery_picker, picked_ids

DEFAULT_PICKS = ["cat", "cats-gc-erase-kitten", "coffee", "kitchen-gc-buffetset", "space-gc-solar-system-saturn",
                 "space-gc-solar-system-jupiter"]
EXAMPLES = [
    [",".join(DEFAULT_PICKS), "efficientnet"],
    ["birds-gc-scarlet-macaw,birds-tu-magpie,poultry-tu-rooster,poultry-tu-duck,farm-animals-gc-cow", "efficientnet"],
    ["fruit-tu-lemon,fruit-tu-strawberry,flowers-tu-flower3,flowers-tu-iris,windmills-gc-windmill1", "efficientnet"],
    ["astronaut,space-tu-spacewalk,rocket,space-tu-moon-full,instruments-tu-violin", "bridge"],
]
EXAMPLE_LABELS = ["Cats, cups and planets", "Wild birds, poultry and a cow", "Fruit, flowers and a windmill",
                  "Space pictures through the label bridge"]


# headings of the labels section: the model's own classes, the label bridge's class names
OWN_LABELS = ("### What the network sees\nIts three likeliest ImageNet classes per picture (softmax "
              "probabilities over all 1,000 classes).")
BRIDGE_LABELS = ("### The ImageNet class names the bridge mixes\nEach picture's vector is the weighted mean of "
                 "the MiniLM vectors of its likeliest ImageNet classes (EfficientNet's probabilities, top 3 shown).")


def model_md(key: str) -> str:
    return media_page.model_md(key, "image", "picture")


def upload_paths(files) -> list[str]:
    """gr.Gallery gives (path, caption) pairs; keep the paths."""
    return [f[0] if isinstance(f, (list, tuple)) else f for f in (files or [])]


@user_errors
def run_images(files, picks: str, encoder_key: str, k: float):
    notes = Notes()
    items = collect("image", None, upload_paths(files), picked_ids(picks), warn=notes)
    emb = embed_items("image", items, encoder_key, n_labels=3)
    info = get_encoder(emb.encoder).info
    matrix = similarity(emb)
    heat = similarity_heatmap(emb.labels, matrix, f"Cosine similarity in {info.space}")
    strips = vector_strips(emb.labels, emb.vectors, f"Each picture as {info.dim} numbers ({info.label})",
                           raw_norms=raw_norms(emb))
    shown = neighbour_table("image", emb.items, neighbours(emb, int(k)))
    head, table, visible = media_page.labels_section(emb, "image", "picture", OWN_LABELS, BRIDGE_LABELS)
    summary = media_page.summary_md(len(items), "picture", info, emb.labels, matrix)
    return (model_md(emb.encoder), summary, heat, head, gr.update(value=table, visible=visible), shown, strips,
            notes.box())


def build() -> None:
    with gr.Column(elem_id="tab-images"):
        explain(
            "### Pictures become vectors\n"
            "Upload pictures or pick some from the gallery below. A network turns each picture into a vector. "
            "If the model learned what things look like, pictures of the same kind of thing get vectors that "
            "point the same way (cosine close to 1), even when their pixels differ. Below: how similar your "
            "pictures are, their nearest gallery pictures, and what the model names in them."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=280):
                files = gr.Gallery(label="Your pictures (drop or click to upload; JPEG, PNG, GIF, WebP, BMP, TIFF)",
                                   type="filepath", interactive=True, file_types=["image"], columns=6,
                                   height=170, object_fit="contain", allow_preview=False)
            with gr.Column(scale=2, min_width=240):
                encoder = gr.Dropdown(choices=[(get_encoder(k).info.label, k) for k in encoders_for("image")],
                                      value="efficientnet", label="Image model")
                k = gr.Slider(1, 8, value=3, step=1, label="Nearest gallery pictures per picture")
                go = gr.Button("Embed and compare", variant="primary")
        gr.Markdown("**Gallery pictures**: click a picture to pick it, click again to drop it; the picked ones are listed on top.")
        picks = gallery_picker("image", DEFAULT_PICKS, "image-picker")
        examples = gr.Examples(EXAMPLES, inputs=[picks, encoder], example_labels=EXAMPLE_LABELS,
                               label="Examples that teach (click one: it runs)")
        about = gr.Markdown(model_md("efficientnet"), elem_classes=["model-about"])
        box = warnings_box()
        summary = gr.Markdown()
        heat = gr.Plot(label="Similarity matrix", show_label=False)
        labels_head = gr.Markdown()
        labels = gr.HTML()
        gr.Markdown("### Nearest gallery pictures\nEach row: your picture, then its closest gallery pictures "
                    "(never itself).")
        nbs = gr.HTML()
        strips = gr.Plot(label="The vectors", show_label=False)
        inputs = [files, picks, encoder, k]
        outputs = [about, summary, heat, labels_head, labels, nbs, strips, box]
        wire_run(run_images, inputs, outputs, box, [go.click], examples)
        encoder.change(model_md, encoder, about, api_visibility="private", queue=False)
