"""Text page: sentences -> vectors, similarity heatmap, vector strips, nearest gallery sentences."""
from __future__ import annotations

import gradio as gr

from encoders import encoders_for, get_encoder
from encoders.about import explain_text_model
from lab.inputs import collect
from lab.service import embed_items, neighbours, raw_norms, similarity, text_notes
from tabs.common import Notes, esc, explain, pair_sentence, wire_run, user_errors, warnings_box
from tabs.figures import COSINE_SCALE_NOTE, similarity_heatmap, vector_strips

EXAMPLES = [
    ["A dog is playing fetch in the park.\nThe puppy chases a ball on the grass.\nThe stock market fell sharply "
     "today.\nInvestors sold shares after the news.", "minilm"],
    ["I love this film.\nI do not love this film.\nThis movie is wonderful.\nThe weather is cold today.", "minilm"],
    ["The bank raised interest rates.\nWe sat on the bank of the river.\nThe river flooded the fields.\n"
     "My savings account earns interest.", "minilm"],
    ["The cat is sleeping on the sofa.\nLe chat dort sur le canapé.\nA kitten naps on the couch.\n"
     "The stock market fell sharply today.", "minilm"],
    ["king\nqueen\nman\nwoman\napple\nbanana", "glove"],
]
EXAMPLE_LABELS = ["Same topic, different words", "A negation", "One word, two meanings (bank)",
                  "English and French (MiniLM is English-only)", "Single words with GloVe"]


def model_md(key: str) -> str:
    info = get_encoder(key).info
    return f"**{esc(info.label)}.** {explain_text_model(key)}"


def neighbours_html(labels, nb_lists) -> str:
    """Every sentence with its nearest gallery sentences: one table, every row shown."""
    rows = []
    for label, nbs in zip(labels, nb_lists):
        for r, nb in enumerate(nbs, 1):
            first = f"<td rowspan='{len(nbs)}' class='nb-q'>{esc(label)}</td>" if r == 1 else ""
            rows.append(f"<tr>{first}<td class='rank'>#{r}</td><td>{esc(nb.item.text)}"
                        f"<div class='muted'>group: {esc(nb.item.group)}</div></td>"
                        f"<td class='nb-score'>{nb.score:.2f}</td></tr>")
    head = "<tr><th>your sentence</th><th>rank</th><th>nearest gallery sentence</th><th>cosine</th></tr>"
    return f"<table class='nb-table nb-text'>{head}{''.join(rows)}</table>"


@user_errors
def run_text(text: str, txt_file, encoder_key: str, k: float):
    notes = Notes()
    items = collect("text", text, txt_file, warn=notes)
    emb = embed_items("text", items, encoder_key)
    for note in text_notes(emb):
        notes(note)
    info = get_encoder(emb.encoder).info
    matrix = similarity(emb)
    heat = similarity_heatmap(emb.labels, matrix, f"Cosine similarity in {info.space}")
    strips = vector_strips(emb.labels, emb.vectors, f"Each sentence as {info.dim} numbers ({info.label})",
                           raw_norms=raw_norms(emb))
    table = neighbours_html(emb.labels, neighbours(emb, int(k)))
    summary = (f"**{len(items)} sentence{'s' if len(items) != 1 else ''}** embedded with **{esc(info.label)}**, "
               f"{info.dim} numbers each. Every vector is scaled to length 1, so the cosine similarity of two "
               f"sentences is the dot product of their rows. {pair_sentence(emb.labels, matrix)}\n\n"
               f"*{COSINE_SCALE_NOTE}*")
    return model_md(emb.encoder), summary, heat, strips, table, notes.box()


def build() -> None:
    with gr.Column(elem_id="tab-text"):
        explain(
            "### Sentences become vectors\n"
            "Type a few sentences, **one per line** (or upload a .txt file). The model turns each one into a "
            "list of numbers, a *vector*. Sentences that mean similar things should get vectors that point in "
            "similar directions: their **cosine similarity** is close to 1. Try sentences that share words "
            "but not meaning, and the reverse."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=280):
                text = gr.Textbox(label="Sentences (one per line); Shift+Enter runs", lines=5, max_lines=12,
                                  value=EXAMPLES[0][0])
                txt_file = gr.File(label="…or upload a .txt file (one sentence per line)", file_types=[".txt"],
                                   file_count="single", height=110)
            with gr.Column(scale=2, min_width=240):
                encoder = gr.Dropdown(choices=[(get_encoder(k).info.label, k) for k in encoders_for("text")],
                                      value="minilm", label="Text model")
                k = gr.Slider(1, 10, value=3, step=1, label="Nearest gallery sentences to show")
                go = gr.Button("Embed and compare", variant="primary")
        examples = gr.Examples(EXAMPLES, inputs=[text, encoder], example_labels=EXAMPLE_LABELS,
                               label="Examples that teach (click one: it runs)")
        about = gr.Markdown(model_md("minilm"), elem_classes=["model-about"])
        box = warnings_box()
        summary = gr.Markdown()
        heat = gr.Plot(label="Similarity matrix", show_label=False)
        gr.Markdown("### Nearest sentences in the bundled gallery")
        table = gr.HTML()
        strips = gr.Plot(label="The vectors", show_label=False)
        inputs = [text, txt_file, encoder, k]
        outputs = [about, summary, heat, strips, table, box]
        wire_run(run_text, inputs, outputs, box, [go.click, text.submit], examples)
        encoder.change(model_md, encoder, about, api_visibility="private", queue=False)
