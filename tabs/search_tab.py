"""Search page: text <-> image, text <-> audio in one shared space, zero-shot labels, the map."""
from __future__ import annotations

import os

import gradio as gr

from encoders import get_encoder
from encoders.about import about
from gallery.manifest import ASSETS_DIR
from lab.search import CLASS_SET, KNOWS_THRESHOLD, modality_stats, search, space_map, zero_shot
from tabs.common import Notes, esc, explain, media_html, on_page_load, user_errors, warnings_box, wire_run
from tabs.figures import LABEL_POINTS_UP_TO, MODALITY_NAMES, probability_bars, space_map_figure

TARGET_CHOICES = [("images", "images"), ("sounds", "sounds"), ("texts", "texts"), ("all of them", "all")]
SPACE_CHOICES = [("auto (best available)", "auto"), ("CLIP (image + text)", "clip"),
                 ("CLAP (audio + text)", "clap"), ("label bridge (offline)", "bridge")]
IMAGES = os.path.join(ASSETS_DIR, "images")
SOUNDS = os.path.join(ASSETS_DIR, "sounds")
# (search with, words, picture, sound, find, space)
EXAMPLES = [
    ["text", "a dog barking", None, None, "sounds", "auto"],
    ["text", "a cup of coffee", None, None, "images", "auto"],
    ["text", "a telephone ringing", None, None, "all", "auto"],
    ["text", "democracy", None, None, "images", "bridge"],
    ["image", "", os.path.join(IMAGES, "cat.jpg"), None, "texts", "auto"],
    ["audio", "", None, os.path.join(SOUNDS, "rooster.wav"), "all", "auto"],
]
EXAMPLE_LABELS = ["Words → sounds: a dog barking", "Words → pictures: a cup of coffee",
                  "Words → everything: one list per kind", "A word no class name is near: democracy",
                  "A picture → captions", "A sound → everything"]
KIND_TITLES = {"image": "Pictures", "audio": "Sounds", "text": "Texts"}


def terms_html(terms) -> str:
    if not terms:
        return ""
    chips = " · ".join(f"{esc(n)} {p:.0%}" for n, p in terms)
    return f"<div class='why'>seen as: {chips}</div>"


def coverage_html(result, modality: str) -> str:
    c = result.coverage.get(modality)
    if c is None:
        return ""
    nearest = ", ".join(f"“{esc(n)}” {s:.2f}" for n, s in c.nearest)
    if c.knows:
        return (f"<div class='why'>Nearest {CLASS_SET[modality]} class names to your words: {nearest} (the bridge "
                f"trusts a match from {c.threshold:.2f}).</div>")
    return (f"<div class='cannot'><b>The label bridge cannot know “{esc(result.query_label)}” for "
            f"{MODALITY_NAMES[modality]}:</b> no {CLASS_SET[modality]} class name is near it (closest: {nearest}; "
            f"the bridge trusts a match from {c.threshold:.2f}). The list below is ranked anyway, but its order is "
            f"close to noise. {'CLIP' if modality == 'image' else 'CLAP'} would know more words (how to get it: "
            "<i>Jointly trained spaces</i> at the bottom of this page).</div>")


def one_list_html(result, modality: str) -> str:
    rows = []
    for rank, (i, score) in enumerate(result.by_modality[modality], 1):
        c = result.candidates[i]
        media = media_html(c.modality, c.path, c.caption) if c.path else ""
        origin = " <span class='tag'>your upload</span>" if c.origin == "upload" else ""
        rows.append(f"<tr><td class='rank'>#{rank}</td><td><div class='nb-cap'>{esc(c.caption)}{origin}</div>"
                    f"{media}{terms_html(result.terms.get(i))}</td><td class='nb-score'>{score:.3f}</td></tr>")
    cover = coverage_html(result, modality)
    noise = " noise" if result.coverage.get(modality) is not None and not result.coverage[modality].knows else ""
    return (f"<div class='result-list'><h4>{KIND_TITLES[modality]}</h4>{cover}"
            f"<table class='nb-table results{noise}'><tr><th>rank</th><th>item</th><th>cosine</th></tr>"
            + "".join(rows) + "</table></div>")


def results_html(result) -> str:
    """One ranked list per kind of item: scores are comparable within a list, not across lists."""
    lists = "".join(one_list_html(result, m) for m in result.by_modality)
    query = ""
    if result.query_terms:
        query = (f"<div class='why query-why'>The bridge sees in your {'picture' if result.query_modality == 'image' else 'sound'}: "
                 + " · ".join(f"{esc(n)} {p:.0%}" for n, p in result.query_terms) + "</div>")
    return f"{query}<div class='result-lists n{len(result.by_modality)}'>{lists}</div>"


def gap_sentence(result, stats) -> str:
    """The modality gap, read off this search's numbers (only when several kinds are searched)."""
    if len(result.by_modality) < 2:
        return ""
    means = ", ".join(f"{MODALITY_NAMES[m]} {v:.2f}" for m, v in stats["to_query"].items())
    return (f"**One list per kind.** The query's mean cosine to all items of each kind here: {means}. A whole kind "
            "can sit nearer to the query than another, whatever the items show (the *modality gap*), so a score "
            "is comparable only with scores in the same list.")


def islands_sentence(stats) -> str:
    within, across = stats["within"], stats["across"]
    if not across:
        return ""
    w = ", ".join(f"{MODALITY_NAMES[m]} {v:.2f}" for m, v in within.items())
    a = ", ".join(f"{MODALITY_NAMES[x]}–{MODALITY_NAMES[y]} {v:.2f}" for (x, y), v in across.items())
    if within and min(within.values()) > max(across.values()):
        verdict = ("Two items of the same kind are closer, on average, than any two items of different kinds, "
                   "so each kind gathers in its own island, even in one shared space: the *modality gap*.")
    else:
        verdict = "Here some kinds are about as close to each other as to themselves, so the islands overlap."
    return f"**Why islands?** Mean cosine within a kind: {w}; between kinds: {a}. {verdict}"


def map_figure(result, method: str, three_d: bool, k: int):
    m = space_map(result, method, 3 if three_d else 2, k)
    labels = [c.caption for c in result.candidates] + [f"query: {result.query_label}"]
    modalities = [c.modality for c in result.candidates] + [result.query_modality]
    marks = {i: f"#{r}" for rows in result.by_modality.values() for r, (i, _) in enumerate(rows, 1)}
    fig = space_map_figure(labels, modalities, m["coords"], m["query_index"], m["true"],
                           f"{result.space_label}: {method.upper()} map of {len(labels)} points", method, marks)
    note = (f"**Does the picture tell the truth?** Of the query's {m['k']} nearest items in the full "
            f"{result.vectors.shape[1]}-dimensional space (joined to the star by dotted lines), **{m['kept']}** "
            f"are also among its {m['k']} nearest points in this picture. Squeezing hundreds of dimensions "
            "into 2 or 3 always distorts distances: trust the scores, use the picture for the big shape. "
            + ("Every point carries its name." if len(labels) <= LABEL_POINTS_UP_TO else
               "#1, #2, … mark the results (their rank in the list of their colour); hover a point for its name."))
    return fig, note


def space_header(result) -> str:
    lines = [f"Searched **{len(result.candidates)} items** in **{esc(result.space_label)}**.", f"*{result.note}*"]
    if result.space == "bridge":
        joint = "CLIP" if {"image"} & {result.query_modality, *result.by_modality} else "CLAP"
        lines.append(f"The bridge is the offline space; {joint} was trained for this and would know more words "
                     "(how to get it: *Jointly trained spaces* at the bottom of this page).")
    return "\n\n".join(lines)


@user_errors
def run_search(query_modality, query_text, query_image, query_audio, target, space, k, files, method, three_d,
               progress=gr.Progress()):
    notes = Notes()
    progress(0.1, desc="Loading models and gallery vectors (the first search after start-up takes longer)…")
    query_file = query_image if query_modality == "image" else query_audio
    result = search(query_modality, query_text, query_file, target, int(k), files or [], space, warn=notes)
    progress(0.7, desc="Drawing the map…")
    fig, note = map_figure(result, method, three_d, int(k))
    stats = modality_stats(result)
    header = "\n\n".join(s for s in (space_header(result), gap_sentence(result, stats)) if s)
    map_note = "\n\n".join(s for s in (note, islands_sentence(stats)) if s)
    return header, results_html(result), fig, map_note, notes.box()


def zero_shot_note(z) -> str:
    text = (f"Each label is written as a caption (“a photo of a …” / “the sound of …”) and embedded; "
            f"probability = softmax({z.scale:g} × cosine). The factor {z.scale:g} is the *temperature*: "
            "larger makes the winner take more.")
    if z.item_terms is not None:
        seen = ", ".join(f"{esc(n)} {p:.0%}" for n, p in z.item_terms)
        text += (f"\n\n**Why these scores (label bridge):** the bridge sees {CLASS_SET[z.modality]} classes in this "
                 f"{'picture' if z.modality == 'image' else 'sound'}: {seen}. A label scores high when its words are "
                 "near those class names.")
        unknown = [lab for lab, c in zip(z.labels, z.coverage or []) if not c.knows]
        if unknown:
            text += (f" **No {CLASS_SET[z.modality]} class name is near " + ", ".join(f"“{esc(u)}”" for u in unknown)
                     + f"** (best cosine below {KNOWS_THRESHOLD[z.modality]:.2f}): the bridge cannot know "
                     f"{'it' if len(unknown) == 1 else 'them'}, so "
                     f"{'its' if len(unknown) == 1 else 'their'} probability says little.")
    return text


@user_errors
def run_zero_shot(path, labels, space, progress=gr.Progress()):
    notes = Notes()
    progress(0.1, desc="Embedding the item and the labels…")
    z = zero_shot(path, labels, space, warn=notes)
    marks = None
    if z.coverage is not None:
        marks = ["" if c.knows else "(no class near)" for c in z.coverage]
    fig = probability_bars(z.labels, z.probabilities, f"Zero-shot labels in {z.space_label}", marks)
    return fig, zero_shot_note(z), notes.box()


def toggle_inputs(modality):
    return (gr.update(visible=modality == "text"), gr.update(visible=modality == "image"),
            gr.update(visible=modality == "audio"))


def joint_status_md() -> str:
    """Where CLIP and CLAP stand here, and the exact steps to get each one."""
    parts = ["CLIP (pictures + text) and CLAP (sounds + text) were trained on millions of captioned pictures or "
             "sounds, so their shared space knows far more words than the label bridge. Their weights do not "
             "come with the app."]
    for key in ("clip", "clap"):
        st = get_encoder(key).status()
        state = {"loaded": "loaded and in use", "available": "its weights were found (it loads on first use)",
                 "unavailable": "not available here"}.get(st["status"], st["status"])
        parts.append(f"**{esc(st['label'])}**: {state}.")
        if st["status"] != "loaded":
            parts.append(about(key).get_it or "")
    return "\n\n".join(p for p in parts if p)


def build() -> None:
    with gr.Column(elem_id="tab-search"):
        explain(
            "### One space for words, pictures and sounds\n"
            "Type a description and find the pictures or sounds it describes, or start from a picture or a "
            "sound and find the captions that fit. This works when all of them live in **one shared space**. "
            "*CLIP* and *CLAP* were trained on millions of pictures or sounds paired with captions. The "
            "offline *label bridge* was not: it names what a classifier sees and embeds those names as text."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=280):
                modality = gr.Radio([("words", "text"), ("a picture", "image"), ("a sound", "audio")], value="text",
                                    label="Search with")
                query_text = gr.Textbox(label="Describe what you are looking for (Enter searches)",
                                        value="a dog barking", lines=1, max_lines=1)
                query_image = gr.Image(type="filepath", label="Query picture", visible=False, height=220)
                query_audio = gr.Audio(type="filepath", sources=["upload", "microphone"], label="Query sound",
                                       visible=False)
                files = gr.File(label="Your own collection to search too (optional: pictures, sounds, .txt)",
                                file_count="multiple", height=110)
            with gr.Column(scale=2, min_width=240):
                target = gr.Radio(TARGET_CHOICES, value="sounds", label="Find")
                space = gr.Dropdown(SPACE_CHOICES, value="auto", label="Shared space")
                k = gr.Slider(1, 15, value=5, step=1, label="Results per list")
                with gr.Row():
                    method = gr.Radio([("PCA", "pca"), ("UMAP", "umap")], value="pca", label="Map")
                    three_d = gr.Checkbox(value=False, label="3-D map")
                go = gr.Button("Search", variant="primary")
        examples = gr.Examples(EXAMPLES, inputs=[modality, query_text, query_image, query_audio, target, space],
                               example_labels=EXAMPLE_LABELS, label="Examples that teach (click one: it runs)")
        box = warnings_box()
        header = gr.Markdown()
        results = gr.HTML()
        space_plot = gr.Plot(label="The shared space, squeezed into a picture", show_label=False)
        map_note = gr.Markdown()
        inputs = [modality, query_text, query_image, query_audio, target, space, k, files, method, three_d]
        outputs = [header, results, space_plot, map_note, box]
        modality.change(toggle_inputs, modality, [query_text, query_image, query_audio], api_visibility="private",
                        queue=False)
        wire_run(run_search, inputs, outputs, box, [go.click, query_text.submit], examples,
                 before=(toggle_inputs, modality, [query_text, query_image, query_audio]))

        gr.Markdown("### Zero-shot labels\nGive a picture or a sound and a few labels *you* choose; the model "
                    "was never trained on your labels, it just compares vectors.")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                zs_file = gr.File(label="A picture or a sound", file_count="single", height=110,
                                  value=os.path.join(IMAGES, "cat.jpg"))
                zs_labels = gr.Textbox(label="Candidate labels, comma separated (Enter runs)",
                                       value="a dog, a cat, a car, a rocket, a cup of coffee", lines=1, max_lines=1)
                zs_space = gr.Dropdown(SPACE_CHOICES, value="auto", label="Shared space")
                zs_go = gr.Button("Label it", variant="primary")
                zs_examples = gr.Examples(
                    [[os.path.join(IMAGES, "cat.jpg"), "a dog, a cat, a car, a rocket, a cup of coffee"],
                     [os.path.join(SOUNDS, "rooster.wav"), "rooster, dog, car horn, music, speech"],
                     [os.path.join(IMAGES, "astronaut.jpg"), "astronaut, firefighter, chef, pilot"],
                     [os.path.join(SOUNDS, "rooster.wav"), "radio static, rain, applause, speech"]],
                    inputs=[zs_file, zs_labels], label="Examples (click one: it runs)",
                    example_labels=["A cat picture", "A rooster", "An astronaut", "A rooster, none of the labels fit"])
            with gr.Column(min_width=280):
                zs_box = warnings_box()
                zs_plot = gr.Plot(label="Probabilities", show_label=False)
                zs_note = gr.Markdown()
        zs_inputs, zs_outputs = [zs_file, zs_labels, zs_space], [zs_plot, zs_note, zs_box]
        wire_run(run_zero_shot, zs_inputs, zs_outputs, zs_box, [zs_go.click, zs_labels.submit], zs_examples)

        with gr.Accordion("Jointly trained spaces: how to get CLIP and CLAP here", open=False):
            joint_status = gr.Markdown()
            on_page_load(joint_status_md, None, joint_status, queue=False)  # read again each time the page opens
