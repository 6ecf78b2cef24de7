"""Text tab: sentences -> vectors, similarity heatmap, nearest gallery sentences."""
from __future__ import annotations

import gradio as gr

from encoders import encoders_for, get_encoder
from lab.inputs import collect
from lab.service import embed_items, neighbours, similarity
from tabs.common import explain, user_errors
from tabs.figures import similarity_heatmap, vector_strips

EXAMPLES = [
    "A dog is playing fetch in the park.\nThe puppy chases a ball on the grass.\nThe stock market fell sharply today.\nInvestors sold shares after the news.",
    "I love this film.\nI do not love this film.\nThis movie is wonderful.\nThe weather is cold today.",
    "The bank raised interest rates.\nWe sat on the bank of the river.\nThe river flooded the fields.\nMy savings account earns interest.",
    "king\nqueen\nman\nwoman\napple\nbanana",
]
NEIGHBOUR_COLUMNS = ["your sentence", "rank", "nearest gallery sentence", "cosine"]


@user_errors
def run_text(text: str, txt_file, encoder_key: str, k: float):
    items = collect("text", text, txt_file)
    emb = embed_items("text", items, encoder_key)
    space = get_encoder(emb.encoder).info.space
    heat = similarity_heatmap(emb.labels, similarity(emb), f"Cosine similarity in {space}")
    strips = vector_strips(emb.labels, emb.vectors, f"Each sentence as a {emb.vectors.shape[1]}-number vector")
    rows = []
    for label, nbs in zip(emb.labels, neighbours(emb, int(k))):
        rows += [[label, r + 1, nb.item.text, round(nb.score, 3)] for r, nb in enumerate(nbs)]
    summary = (f"**{len(items)} sentences** embedded with **{get_encoder(emb.encoder).info.label}** "
               f"into {emb.vectors.shape[1]} dimensions. Every vector has length 1, so cosine similarity "
               f"is simply the dot product of two rows.")
    return summary, heat, strips, rows


def build() -> None:
    with gr.Column(elem_id="tab-text"):
        explain(
            "### Sentences become vectors\n"
            "Type a few sentences, **one per line** (or upload a .txt file). The model turns each one into a "
            "list of numbers, a *vector*. Sentences that mean similar things get vectors that point in "
            "similar directions: their **cosine similarity** is close to 1. Try sentences that share words "
            "but not meaning, and the reverse. *GloVe* averages one fixed vector per word; *MiniLM* reads "
            "the whole sentence, so word order and context matter."
        )
        with gr.Row():
            with gr.Column(scale=3):
                text = gr.Textbox(label="Sentences (one per line)", lines=6, value=EXAMPLES[0])
                txt_file = gr.File(label="…or upload a .txt file (one sentence per line)", file_types=[".txt"],
                                   file_count="single", height=130)
            with gr.Column(scale=1):
                encoder = gr.Dropdown(choices=[(get_encoder(k).info.label, k) for k in encoders_for("text")],
                                      value="minilm", label="Text model")
                k = gr.Slider(1, 10, value=3, step=1, label="Nearest gallery sentences to show")
                go = gr.Button("Embed and compare", variant="primary")
        summary = gr.Markdown()
        heat = gr.Plot(label="Similarity matrix")
        strips = gr.Plot(label="The vectors")
        table = gr.Dataframe(headers=NEIGHBOUR_COLUMNS, label="Nearest sentences in the bundled gallery",
                             wrap=True, interactive=False)
        gr.Examples([[e, "minilm"] for e in EXAMPLES] + [[EXAMPLES[3], "glove"]],
                    inputs=[text, encoder], label="Examples: click one, then press the button")
        go.click(run_text, [text, txt_file, encoder, k], [summary, heat, strips, table],
                 api_visibility="private")
