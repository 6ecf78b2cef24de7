"""Static vs contextual page: one word's cosine between sentences, GloVe (flat 1) vs MiniLM layer by layer."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from lessons.context import compute
from lessons.context.examples import EXAMPLES, LABELS
from lessons.ui import show_plot
from tabs.common import esc, user_errors
from tabs.figures import similarity_heatmap

PAIR_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777")
LAST = 6


def sentences_html(r: compute.ContextResult) -> str:
    """The sentences, numbered, with the followed occurrence of the word marked and its pieces."""
    rows = []
    for i, (s, (a, b), pieces, count) in enumerate(zip(r.sentences, r.spans, r.pieces, r.occurrences), 1):
        more = f" <span class='muted'>(used {count} times: the first is followed)</span>" if count > 1 else ""
        chips = " + ".join(f"<code>{esc(p)}</code>" for p in pieces)
        rows.append(f"<li><b>S{i}</b>: {esc(s[:a])}<mark>{esc(s[a:b])}</mark>{esc(s[b:])}{more}"
                    f" <span class='ctx-pieces'>pieces: {chips}</span></li>")
    return "<ol class='ctx-sentences'>" + "".join(rows) + "</ol>"


def summary_md(r: compute.ContextResult) -> str:
    """Sentences that are true for this input: how the word vector is formed, and what the numbers did."""
    lines = []
    if r.split:
        cut = next(p for p in r.pieces if len(p) > 1)
        lines.append(f"WordPiece cuts **{esc(r.word)}** into {' + '.join(f'`{p}`' for p in cut)}: at every layer the "
                     f"word's vector is the **mean of its {len(cut)} pieces' vectors**.")
    else:
        lines.append(f"**{esc(r.word)}** is a single WordPiece piece in every sentence: its vector at each layer is "
                     "that piece's hidden state.")
    lines.append(f"**GloVe** looks up one row (row {r.glove_row:,} of 400,000) for every occurrence: cosine "
                 f"{r.static_cosine.min():.3f} for every pair, whatever the sentence.")
    rows = ["| pair | layer 0 | layer 6 | change |", "|---|---|---|---|"]
    for i, j in r.pairs():
        a, b = r.contextual_cosine[0][i, j], r.contextual_cosine[LAST][i, j]
        rows.append(f"| S{i + 1}–S{j + 1} | {a:.2f} | {b:.2f} | {b - a:+.2f} |")
    lines.append("**MiniLM**, cosine between the word's vectors:\n\n" + "\n".join(rows))
    same = [(i, j) for i, j in r.pairs()
            if r.positions[i] == r.positions[j] and round(float(r.contextual_cosine[0][i, j]), 6) == 1.0]
    if same:
        names = ", ".join(f"S{i + 1}–S{j + 1}" for i, j in same)
        lines.append(f"{names}: the word sits at the same position, so at layer 0 (token row + position row) the "
                     "vectors are identical; only the layers above tell the sentences apart.")
    return "\n\n".join(lines)


def curves_figure(r: compute.ContextResult) -> go.Figure:
    """Cosine of each pair of occurrences, layer 0..6 (MiniLM), against GloVe's flat 1."""
    layers = list(range(r.layers))
    low = min(0.0, float(r.contextual_cosine.min()))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=layers, y=[float(r.static_cosine.min())] * len(layers), mode="lines",
                             name="GloVe, every pair", line=dict(color="#111", width=3, dash="dash")))
    for n, (i, j) in enumerate(r.pairs()):
        fig.add_trace(go.Scatter(
            x=layers, y=[float(r.contextual_cosine[k][i, j]) for k in layers], mode="lines+markers",
            name=f"MiniLM S{i + 1}–S{j + 1}", line=dict(color=PAIR_COLOURS[n % len(PAIR_COLOURS)], width=3),
            marker=dict(size=9), hovertemplate=f"S{i + 1}–S{j + 1}, layer %{{x}}: cosine %{{y:.3f}}<extra></extra>"))
    fig.update_layout(
        title=f"Cosine between the occurrences of '{r.word}', layer by layer", height=440, font=dict(size=15),
        margin=dict(l=10, r=10, t=60, b=10), legend=dict(font=dict(size=14)),
        xaxis=dict(title="layer (0 = embedding output)", tickvals=layers, range=[-0.2, layers[-1] + 0.2]),
        yaxis=dict(title="cosine (fixed scale)", range=[-1.0 if low < 0 else 0.0, 1.03]))
    return fig


def layer_figures(r: compute.ContextResult, layer: int) -> tuple[go.Figure, go.Figure]:
    labels = [f"S{i + 1}" for i in range(len(r.sentences))]  # the sentences are listed above the plots
    glove = similarity_heatmap(labels, r.static_cosine, f"GloVe (static): '{r.word}' in each sentence")
    layer = max(0, min(int(layer), r.layers - 1))
    name = "layer 0, embedding output" if layer == 0 else f"layer {layer}"
    minilm = similarity_heatmap(labels, r.contextual_cosine[layer], f"MiniLM (contextual), {name}")
    for fig in (glove, minilm):
        fig.update_layout(height=400, xaxis=dict(tickangle=0))
    return glove, minilm


def nearest_md(r: compute.ContextResult) -> str:
    words = ", ".join(f"{esc(w)} ({c:.2f})" for w, c in r.nearest)
    return (f"**GloVe's nearest words to its one vector for '{esc(r.word)}'** (cosine): {words}. It is the same "
            "list for every sentence, because it is the same vector.\n\n"
            "**Why no nearest GloVe words for MiniLM's vectors?** MiniLM's vectors have 384 numbers in MiniLM's own "
            "space; GloVe's have 50 numbers in a different space learned separately. A cosine between a MiniLM "
            "vector and a GloVe vector is not defined (the lengths differ), and even a projection between the two "
            "would be a new model, not either of these. So this page compares MiniLM's vectors only with each other.")


@user_errors
def run(word: str, sentences: str, layer: int):
    r = compute.compare(word, sentences)
    glove, minilm = layer_figures(r, layer)
    return (sentences_html(r), summary_md(r), show_plot(curves_figure(r)), show_plot(glove), show_plot(minilm),
            nearest_md(r), r)


@user_errors
def show_layer(r: compute.ContextResult | None, layer: int):
    if r is None:
        return gr.update()
    return show_plot(layer_figures(r, layer)[1])


def build(page: gr.Blocks) -> None:
    with gr.Row():
        word = gr.Textbox(label="Word", value=EXAMPLES[0]["word"], scale=1, max_length=compute.MAX_WORD_CHARS)
        sentences = gr.Textbox(label=f"Sentences that use it, one per line (2 to {compute.MAX_SENTENCES})",
                               value=EXAMPLES[0]["sentences"], lines=3, scale=4)
        go_btn = gr.Button("Compare", variant="primary", scale=1, min_width=140)
    examples = gr.Examples([[e["word"], e["sentences"]] for e in EXAMPLES], inputs=[word, sentences],
                           example_labels=list(LABELS), label="Examples that teach (click one)")
    listing = gr.HTML()
    curves = gr.Plot(label="Cosine between occurrences, layer by layer", visible=False)
    summary = gr.Markdown()
    layer = gr.Slider(0, LAST, value=LAST, step=1, label="MiniLM layer for the right-hand matrix (0 = embedding output)")
    with gr.Row():
        glove_plot = gr.Plot(label="GloVe: one vector per word", visible=False)
        minilm_plot = gr.Plot(label="MiniLM: one vector per occurrence", visible=False)
    nearest = gr.Markdown()
    state = gr.State(None)
    inputs = [word, sentences, layer]
    outputs = [listing, summary, curves, glove_plot, minilm_plot, nearest, state]
    gr.on([go_btn.click, word.submit], run, inputs, outputs, api_visibility="private")
    examples.load_input_event.then(run, inputs, outputs, api_visibility="private")  # a click on an example runs it
    layer.change(show_layer, [state, layer], minilm_plot, api_visibility="private", show_progress="hidden")
    page.load(run, inputs, outputs, api_visibility="private")
