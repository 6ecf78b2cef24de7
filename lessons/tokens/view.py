"""Tokens lesson page: coloured pieces with their ids, counts, unknown rate, and each piece's table row."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from lessons.tokens import compute
from lessons.tokens.examples import EXAMPLES, LABELS
from lessons.ui import hide_plot, show_plot
from tabs.common import esc, user_errors

PALETTE = ("#dbeafe", "#fef3c7", "#dcfce7", "#fce7f3", "#ede9fe", "#cffafe")


def pieces_html(result: compute.TokenizeResult) -> str:
    """One block per tokenizer: its numbers, then the pieces as coloured chips with their ids."""
    blocks = []
    for t in result.tokenizers:
        chips = []
        for i, (shown, tid, unk) in enumerate(zip(t.display, t.ids, t.unknown)):
            if unk:
                chips.append(f"<span class='tok tok-unk' title='not in the vocabulary'>{esc(shown)}"
                             f"<small>[UNK]</small></span>")
            else:
                colour = PALETTE[i % len(PALETTE)]
                chips.append(f"<span class='tok' style='background:{colour}'>{esc(shown)}<small>{tid}</small></span>")
        unk = (f"<b class='unk'>{t.unknown_count} unknown ({t.unknown_rate:.0%})</b>" if t.unknown_count
               else "0 unknown")
        blocks.append(
            f"<div class='tok-block'><div class='tok-head'><b>{esc(t.label)}</b> · vocabulary "
            f"{t.vocab_size:,} · <b>{t.count} piece{'s' if t.count != 1 else ''}</b> · {unk}</div>"
            f"<div class='tok-row'>{''.join(chips)}</div></div>")
    return "".join(blocks)


def strips_figure(t: compute.Tokenization) -> go.Figure:
    """Each piece's row of the embedding table as a strip of colours (one fixed scale per table)."""
    ticks = [f"{i + 1}. {p}{' [UNK]' if u and p != '[UNK]' else ''}" for i, (p, u) in enumerate(zip(t.display, t.unknown))]
    lim = t.colour_limit or 1.0
    fig = go.Figure(go.Heatmap(
        z=t.vectors, y=ticks, colorscale="RdBu_r", zmin=-lim, zmax=lim,
        colorbar=dict(title="value", thickness=14, len=1.0, lenmode="fraction", tickvals=[-lim, 0, lim],
                      ticktext=[f"{-lim:.2g}", "0", f"{lim:.2g}"]),
        hovertemplate="%{y}<br>dimension %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(
        title=f"{t.label}: one row of {t.vectors.shape[1]} numbers per piece",
        height=max(260, 120 + 32 * len(ticks)), font=dict(size=15),
        margin=dict(l=10, r=10, t=50, b=45), yaxis=dict(autorange="reversed", automargin=True),
        xaxis=dict(title="dimension"))
    return fig


def unknown_note(word: compute.Tokenization, piece: compute.Tokenization) -> str:
    """What happened to the unknowns of this very text (it differs from text to text)."""
    parts = []
    if word.unknown_count:
        parts.append(f"**{word.unknown_count} of {word.count} words have no row** in GloVe's table: their strips "
                     "stay empty, the model knows nothing about them.")
    else:
        parts.append("Every word has a row in GloVe's table.")
    if piece.unknown_count:
        parts.append(f"WordPiece turned **{piece.unknown_count} piece{'s' if piece.unknown_count > 1 else ''} into "
                     "[UNK]**: one shared row for anything it cannot spell, so those inputs all look the same.")
    else:
        parts.append("WordPiece spelled everything with pieces from its table.")
    parts.append("Byte-level BPE never needs [UNK]; its table needs CLIP's weights, which this app does not bundle. "
                 "Characters have no table of their own here.")
    return " ".join(parts)


@user_errors
def run(text: str):
    result = compute.tokenize_all(text, with_vectors=True)
    by_name = {t.name: t for t in result.tokenizers}
    word, piece = by_name["word"], by_name["wordpiece"]
    note = unknown_note(word, piece)
    return (pieces_html(result), note,
            show_plot(strips_figure(word)) if word.count else hide_plot(),
            show_plot(strips_figure(piece)) if piece.count else hide_plot())


def build(page: gr.Blocks) -> None:
    with gr.Row():
        text = gr.Textbox(label="Text to cut into tokens (press Enter)", value=EXAMPLES[0]["text"], scale=4,
                          max_length=compute.MAX_CHARS)
        go_btn = gr.Button("Cut into tokens", variant="primary", scale=1, min_width=160)
    examples = gr.Examples([[e["text"]] for e in EXAMPLES], inputs=[text], example_labels=list(LABELS),
                           label="Examples that teach (click one)")
    pieces = gr.HTML(elem_classes=["tokens-out"])
    gr.Markdown("### From pieces to vectors\nEach row below is one piece's learned vector: the row of the "
                "embedding table its id points to (red positive, blue negative).")
    note = gr.Markdown()
    word_plot = gr.Plot(label="Word vectors (GloVe)", visible=False, show_label=False)
    piece_plot = gr.Plot(label="WordPiece vectors (MiniLM's input table)", visible=False, show_label=False)
    outputs = [pieces, note, word_plot, piece_plot]
    gr.on([go_btn.click, text.submit], run, text, outputs, api_visibility="private")
    examples.load_input_event.then(run, text, outputs, api_visibility="private")  # a click on an example runs it
    page.load(run, text, outputs, api_visibility="private")
