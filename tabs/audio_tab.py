"""Audio tab: sounds -> pictures, vectors, similarity heatmap, playable neighbours."""
from __future__ import annotations

import gradio as gr

from encoders import encoders_for, get_encoder
from gallery.manifest import items_of
from lab.audio_views import audio_view
from lab.inputs import collect
from lab.service import embed_items, neighbours, similarity
from tabs.common import explain, neighbour_table, top_label_rows, user_errors, warn
from tabs.figures import audio_pictures, similarity_heatmap

DEFAULT_PICKS = ["dog", "cats-sound-gc-cat", "rooster", "speech-tp-dog"]
MAX_PICTURES = 4


def gallery_choices() -> list[tuple[str, str]]:
    return [(item.caption, item.id) for item in items_of("audio")]


@user_errors
def run_audio(files, recording, picks, encoder_key: str, k: float):
    uploads = list(files or []) + ([recording] if recording else [])
    items = collect("audio", None, uploads, picks, warn=warn)
    emb = embed_items("audio", items, encoder_key)
    info = get_encoder(emb.encoder).info
    if len(items) > MAX_PICTURES:
        warn(f"Pictures are drawn for the first {MAX_PICTURES} sounds only; all {len(items)} are compared.")
    pics = audio_pictures(emb.labels[:MAX_PICTURES], [audio_view(it.value) for it in items[:MAX_PICTURES]])
    heat = similarity_heatmap(emb.labels, similarity(emb), f"Cosine similarity in {info.space}")
    labels = top_label_rows(emb.items, emb.top_labels)
    nb_html = neighbour_table("audio", emb.items, neighbours(emb, int(k)))
    summary = (f"**{len(items)} sounds** embedded with **{info.label}** into {info.dim} dimensions. The model "
               "listens to 0.96-second windows of the log-mel spectrogram; a sound's vector is the average "
               "over its windows.")
    return summary, pics, heat, labels, nb_html


def build() -> None:
    with gr.Column(elem_id="tab-audio"):
        explain(
            "### Sounds become vectors\n"
            "Upload or record sounds, or pick some from the gallery. First we draw what the model *hears*: "
            "the waveform, the **log-mel spectrogram** (which frequencies are loud, over time, on a scale "
            "close to human hearing) and the **MFCCs** (a compact summary of the spectrum's shape). The "
            "network turns the spectrogram into a vector of 1024 numbers; similar sounds get similar vectors."
        )
        with gr.Row():
            with gr.Column(scale=3):
                files = gr.File(label="Upload sounds (WAV, FLAC, OGG, MP3)", file_count="multiple",
                                file_types=["audio"], height=110)
                recording = gr.Audio(sources=["microphone", "upload"], type="filepath",
                                     label="…or record one")
                picks = gr.Dropdown(choices=gallery_choices(), value=DEFAULT_PICKS, multiselect=True,
                                    label="…and/or pick gallery sounds")
            with gr.Column(scale=1):
                encoder = gr.Dropdown(choices=[(get_encoder(k).info.label, k) for k in encoders_for("audio")],
                                      value="yamnet", label="Audio model")
                k = gr.Slider(1, 6, value=3, step=1, label="Neighbours per sound")
                go = gr.Button("Embed and compare", variant="primary")
        summary = gr.Markdown()
        pics = gr.Plot(label="What the model hears")
        heat = gr.Plot(label="Similarity matrix")
        labels = gr.Dataframe(headers=["sound", "top label", "2nd", "3rd"], label="What YAMNet hears (AudioSet classes)",
                              interactive=False, wrap=True)
        gr.Markdown("**Nearest gallery sounds** (each row: your sound, then its closest gallery sounds; press play)")
        nb = gr.HTML()
        gr.Examples([[["dog", "cats-sound-gc-cat", "cow", "sheep"]],
                     [["speech-tp-dog", "speech-tp-horse", "bells-sound-sc-bell-toll", "water-sound-sc-water-running"]]],
                    inputs=[picks], label="Example picks")
        go.click(run_audio, [files, recording, picks, encoder, k], [summary, pics, heat, labels, nb],
                 api_visibility="private")
