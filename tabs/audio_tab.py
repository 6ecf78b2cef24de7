"""Audio page: sounds -> pictures of what the model hears, vectors, similarity heatmap, playable neighbours."""
from __future__ import annotations

import gradio as gr

from encoders import encoders_for, get_encoder
from lab.audio_views import audio_view
from lab.inputs import collect, file_paths
from lab.service import embed_items, neighbours, similarity
from media.files import display_name
from tabs import media_page
from tabs.common import esc, explain, media_html, neighbour_table, Notes, wire_run, user_errors, warnings_box
from tabs.figures import audio_pictures, similarity_heatmap
from tabs.picker import gallery_picker, picked_ids

DEFAULT_PICKS = ["dog", "cats-sound-gc-cat", "rooster", "speech-tp-dog"]
MAX_PICTURES = 4
EXAMPLES = [
    [",".join(DEFAULT_PICKS), "yamnet"],
    ["dog,dogs-sound-gc-dog,speech-tp-dog,speech-tp-pig,farm-animals-sound-tu-cow", "yamnet"],
    ["water-sound-sc-water-running,water-sound-sc-bubbles,bells-sound-sc-bell-toll,"
     "bells-sound-gc-instruments-triangle", "yamnet"],
    ["cow,sheep,rooster,owl", "bridge"],
]
EXAMPLE_LABELS = ["A bark, a meow, a rooster and a voice", "Barking vs the word “dog”", "Water and bells",
                  "Farm sounds through the label bridge"]


# headings of the labels section: the model's own classes, the label bridge's class names
OWN_LABELS = ("### What the network hears\nIts three likeliest AudioSet classes per sound (each a separate "
              "yes/no probability, so they need not add up to 100 %).")
BRIDGE_LABELS = ("### The AudioSet class names the bridge mixes\nEach sound's vector is the weighted mean of the "
                 "MiniLM vectors of its likeliest AudioSet classes (YAMNet's probabilities, top 3 shown).")


def model_md(key: str) -> str:
    return media_page.model_md(key, "audio", "sound")


def uploads_html(files, recording) -> str:
    """A player for every uploaded or recorded sound, so the class hears what it sent."""
    paths = file_paths(files) + ([recording] if recording else [])
    if not paths:
        return ""
    cells = "".join(f"<div class='up-item'>{media_html('audio', p, display_name(p))}"
                    f"<div class='nb-cap'>{esc(display_name(p))}</div></div>" for p in paths)
    return f"<div class='up-list'>{cells}</div>"


@user_errors
def run_audio(files, recording, picks: str, encoder_key: str, k: float):
    notes = Notes()
    uploads = file_paths(files) + ([recording] if recording else [])
    items = collect("audio", None, uploads, picked_ids(picks), warn=notes)
    emb = embed_items("audio", items, encoder_key, n_labels=3)
    info = get_encoder(emb.encoder).info
    if len(items) > MAX_PICTURES:
        notes(f"Pictures are drawn for the first {MAX_PICTURES} sounds only; all {len(items)} are compared.")
    pics = audio_pictures(emb.labels[:MAX_PICTURES], [audio_view(it.value) for it in items[:MAX_PICTURES]])
    matrix = similarity(emb)
    heat = similarity_heatmap(emb.labels, matrix, f"Cosine similarity in {info.space}")
    head, table, visible = media_page.labels_section(emb, "audio", "sound", OWN_LABELS, BRIDGE_LABELS)
    nb_html = neighbour_table("audio", emb.items, neighbours(emb, int(k)))
    summary = media_page.summary_md(len(items), "sound", info, emb.labels, matrix)
    return (model_md(emb.encoder), summary, pics, heat, head, gr.update(value=table, visible=visible), nb_html,
            notes.box())


def build() -> None:
    with gr.Column(elem_id="tab-audio"):
        explain(
            "### Sounds become vectors\n"
            "Upload or record sounds, or pick some from the gallery below. First we draw what the model "
            "*hears*: the waveform, the **log-mel spectrogram** (which frequencies are loud, over time, on a "
            "scale close to human hearing) and the **MFCCs** (a compact summary of the spectrum's shape). The "
            "network turns the sound into a vector; if it learned what things sound like, similar sounds get "
            "vectors that point the same way."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=280):
                files = gr.File(label="Upload sounds (WAV, FLAC, OGG, MP3)", file_count="multiple",
                                file_types=["audio"], height=130)
                mine = gr.HTML()
                recording = gr.Audio(sources=["microphone", "upload"], type="filepath", label="…or record one")
            with gr.Column(scale=2, min_width=240):
                encoder = gr.Dropdown(choices=[(get_encoder(k).info.label, k) for k in encoders_for("audio")],
                                      value="yamnet", label="Audio model")
                k = gr.Slider(1, 6, value=3, step=1, label="Nearest gallery sounds per sound")
                go = gr.Button("Embed and compare", variant="primary")
        gr.Markdown("**Gallery sounds**: ▶ plays a sound; click its name to pick it, click again to drop it; "
                    "the picked ones are listed on top.")
        picks = gallery_picker("audio", DEFAULT_PICKS, "audio-picker")
        examples = gr.Examples(EXAMPLES, inputs=[picks, encoder], example_labels=EXAMPLE_LABELS,
                               label="Examples that teach (click one: it runs)")
        about = gr.Markdown(model_md("yamnet"), elem_classes=["model-about"])
        box = warnings_box()
        summary = gr.Markdown()
        pics = gr.Plot(label="What the model hears", show_label=False)
        heat = gr.Plot(label="Similarity matrix", show_label=False)
        labels_head = gr.Markdown()
        labels = gr.HTML()
        gr.Markdown("### Nearest gallery sounds\nEach row: your sound, then its closest gallery sounds (never "
                    "itself); press play.")
        nb = gr.HTML()
        inputs = [files, recording, picks, encoder, k]
        outputs = [about, summary, pics, heat, labels_head, labels, nb, box]
        wire_run(run_audio, inputs, outputs, box, [go.click], examples)
        encoder.change(model_md, encoder, about, api_visibility="private", queue=False)
        files.change(uploads_html, [files, recording], mine, api_visibility="private", queue=False)
