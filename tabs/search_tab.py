"""Search tab: text <-> image, text <-> audio in one shared space, zero-shot labels, the map."""
from __future__ import annotations

import os

import gradio as gr

from gallery.manifest import ASSETS_DIR
from lab.search import search, space_map, zero_shot
from tabs.common import esc, explain, media_html, user_errors, warn
from tabs.figures import probability_bars, space_map_figure

TARGET_CHOICES = [("images", "images"), ("sounds", "sounds"), ("texts", "texts"), ("all of them", "all")]
SPACE_CHOICES = [("auto (best available)", "auto"), ("CLIP (image + text)", "clip"),
                 ("CLAP (audio + text)", "clap"), ("label bridge (offline)", "bridge")]
EXAMPLES = [
    ["text", "a dog barking", "sounds"],
    ["text", "a cup of coffee", "images"],
    ["text", "a rooster crowing", "sounds"],
    ["text", "a rocket in space", "images"],
    ["text", "a telephone ringing", "all"],
]


def results_html(result) -> str:
    rows = []
    for rank, (i, score) in enumerate(result.ranked, 1):
        c = result.candidates[i]
        media = media_html(c.modality, c.path, c.caption) if c.path else ""
        origin = " <span class='tag'>your upload</span>" if c.origin == "upload" else ""
        rows.append(f"<tr><td class='rank'>#{rank}</td><td><div class='nb-cap'>{esc(c.caption)}{origin}"
                    f" <span class='muted'>({c.modality})</span></div>{media}</td>"
                    f"<td class='nb-score'>{score:.3f}</td></tr>")
    return ("<table class='nb-table results'><tr><th>rank</th><th>item</th><th>cosine</th></tr>"
            + "".join(rows) + "</table>")


def map_figure(result, method: str, three_d: bool, k: int):
    m = space_map(result, method, 3 if three_d else 2, k)
    labels = [c.caption for c in result.candidates] + [f"query: {result.query_label}"]
    modalities = [c.modality for c in result.candidates] + [result.query_modality]
    fig = space_map_figure(labels, modalities, m["coords"], m["query_index"], m["true"],
                           f"{result.space_label}: {method.upper()} picture of {len(labels)} points")
    note = (f"**Does the picture tell the truth?** Of the query's {m['k']} nearest items in the full "
            f"{result.vectors.shape[1]}-dimensional space (joined to the star by dotted lines), **{m['kept']}** "
            f"are also among its {m['k']} nearest points in this picture. Squeezing hundreds of dimensions "
            "into 2 or 3 always distorts distances: trust the scores, use the picture for the big shape.")
    return fig, note


@user_errors
def run_search(query_modality, query_text, query_image, query_audio, target, space, k, files, method, three_d,
               progress=gr.Progress()):
    progress(0.1, desc="Loading models and gallery vectors (the first search takes longer)…")
    query_file = query_image if query_modality == "image" else query_audio
    result = search(query_modality, query_text, query_file, target, int(k), files or [], space, warn=warn)
    progress(0.8, desc="Drawing the map…")
    fig, note = map_figure(result, method, three_d, int(k))
    header = (f"Searched **{len(result.candidates)} items** in **{result.space_label}**.\n\n"
              f"*{result.note}*")
    return header, results_html(result), fig, note


@user_errors
def run_zero_shot(path, labels, space, progress=gr.Progress()):
    progress(0.1, desc="Embedding the item and the labels…")
    z = zero_shot(path, labels, space, warn=warn)
    fig = probability_bars(z.labels, z.probabilities, f"Zero-shot labels in {z.space_label}")
    text = (f"Each label is written as a caption (\"a photo of a …\" / \"the sound of …\") and embedded; "
            f"probability = softmax({z.scale:g} × cosine). The factor {z.scale:g} is the *temperature*: "
            "larger makes the winner take more.")
    return fig, text


def toggle_inputs(modality):
    return (gr.update(visible=modality == "text"), gr.update(visible=modality == "image"),
            gr.update(visible=modality == "audio"))


def build() -> None:
    with gr.Column(elem_id="tab-search"):
        explain(
            "### One space for words, pictures and sounds\n"
            "Type a description and find the pictures or sounds it describes, or start from a picture or a "
            "sound and find the captions that fit. This works when all of them live in **one shared space**. "
            "*CLIP* and *CLAP* were trained on millions of pictures or sounds paired with captions. The "
            "offline *label bridge* was not: it names what a classifier sees and embeds those names as text."
        )
        with gr.Row():
            with gr.Column(scale=3):
                modality = gr.Radio([("text", "text"), ("image", "image"), ("sound", "audio")], value="text",
                                    label="Search with")
                query_text = gr.Textbox(label="Describe what you are looking for", value="a dog barking")
                query_image = gr.Image(type="filepath", label="Query image", visible=False, height=220)
                query_audio = gr.Audio(type="filepath", sources=["upload", "microphone"], label="Query sound",
                                       visible=False)
                files = gr.File(label="Your own collection to search too (optional: images, sounds, .txt)",
                                file_count="multiple", height=130)
            with gr.Column(scale=2):
                target = gr.Radio(TARGET_CHOICES, value="sounds", label="Find")
                space = gr.Dropdown(SPACE_CHOICES, value="auto", label="Shared space")
                k = gr.Slider(1, 15, value=5, step=1, label="How many results")
                with gr.Row():
                    method = gr.Radio([("PCA", "pca"), ("UMAP", "umap")], value="pca", label="Map projection")
                    three_d = gr.Checkbox(value=False, label="3-D map")
                go = gr.Button("Search", variant="primary")
        header = gr.Markdown()
        with gr.Row():
            with gr.Column(scale=1):
                results = gr.HTML()
            with gr.Column(scale=1):
                space_plot = gr.Plot(label="The shared space, squeezed into a picture")
                map_note = gr.Markdown()
        gr.Examples(EXAMPLES, inputs=[modality, query_text, target], label="Examples: click one, then Search")
        modality.change(toggle_inputs, modality, [query_text, query_image, query_audio], api_visibility="private")
        go.click(run_search, [modality, query_text, query_image, query_audio, target, space, k, files, method,
                              three_d], [header, results, space_plot, map_note], api_visibility="private")

        gr.Markdown("### Zero-shot labels\nGive an image or a sound and a few labels *you* choose; the model "
                    "was never trained on your labels, it just compares vectors.")
        with gr.Row():
            with gr.Column():
                zs_file = gr.File(label="An image or a sound", file_count="single", height=130)
                zs_labels = gr.Textbox(label="Candidate labels (comma separated)", value="dog, cat, bird, car, music")
                zs_space = gr.Dropdown(SPACE_CHOICES, value="auto", label="Shared space")
                zs_go = gr.Button("Label it", variant="primary")
            with gr.Column():
                zs_plot = gr.Plot(label="Probabilities")
                zs_note = gr.Markdown()
        gr.Examples([[os.path.join(ASSETS_DIR, "images", "cat.jpg"), "a dog, a cat, a car, a rocket, a cup of coffee"],
                     [os.path.join(ASSETS_DIR, "sounds", "rooster.wav"), "rooster, dog, car horn, music, speech"],
                     [os.path.join(ASSETS_DIR, "images", "astronaut.jpg"), "astronaut, firefighter, chef, pilot"]],
                    inputs=[zs_file, zs_labels], label="Examples: click one, then Label it")
        zs_go.click(run_zero_shot, [zs_file, zs_labels, zs_space], [zs_plot, zs_note], api_visibility="private")
