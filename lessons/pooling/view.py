"""Pooling page: the batch's attention mask, the sentence's token vectors, three poolings, and word order."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from lessons.pooling import compute
from lessons.pooling.examples import EXAMPLES, LABELS
from lessons.ui import hide_plot, show_plot
from tabs.common import esc, user_errors

NAMES = {"mean": "masked mean (what the app uses)", "cls": "[CLS] vector", "max": "max"}
ROLES = {"reordered": "same words, other order", "paraphrase": "paraphrase"}
ROLE_COLOURS = {"reordered": "#dc2626", "paraphrase": "#2563eb"}
TOKEN_LIMIT = 1.5  # colour scale of the token vectors: fixed, values beyond ±1.5 saturate
UNIT_LIMIT = 0.15  # colour scale of the normalised pooled vectors: fixed, values beyond ±0.15 saturate


def order_md(r: compute.PoolingResult) -> str:
    """What the numbers on screen say about word order; every comparison is computed, never assumed."""
    by_role = {c.role: c for c in r.comparisons}
    re_, para = by_role.get("reordered"), by_role.get("paraphrase")
    lines = []
    if re_ and para:
        a, b = re_.cosine["mean"], para.cosine["mean"]
        if a > b:
            lines.append(f"With the masked mean (what the app uses), **the same words in another order score {a:.3f}, "
                         f"higher than the paraphrase ({b:.3f})**. The mean-pooled vector barely notices the order; "
                         "saying the same thing with other words moves it more.")
        else:
            lines.append(f"With the masked mean (what the app uses), the paraphrase scores {b:.3f} and the same words "
                         f"in another order {a:.3f}: here the order change moved the vector at least as much as "
                         "the rewording.")
        others = [n for n in ("cls", "max") if re_.cosine[n] > para.cosine[n]]
        if others:
            lines.append(f"{' and '.join(NAMES[n] for n in others)} pooling also put{'s' if len(others) == 1 else ''} "
                         "the reordered sentence above the paraphrase.")
    for c in (re_, para):
        if c:
            lines.append(f"*{ROLES[c.role]}*: “{esc(c.text)}”: cosine " +
                         ", ".join(f"{NAMES[n]} {c.cosine[n]:.3f}" for n in compute.POOLINGS) + ".")
    if re_ is not None:
        lines.append("The reordered sentence has exactly the same WordPiece pieces as yours." if re_.same_pieces else
                     "Note: the reordered sentence does not have exactly the same WordPiece pieces as yours.")
    return "\n\n".join(lines) or "Add a reordered sentence or a paraphrase to compare."


def product_md(r: compute.PoolingResult) -> str:
    if r.product_difference < 1e-5:
        lines = [f"**The app's vector is the masked mean.** `/embed` (MiniLM) for “{esc(r.text)}” and the masked mean "
                 f"here differ by at most {r.product_difference:.1e} over the 384 numbers (float rounding): the same "
                 "vector."]
    else:
        lines = [f"`/embed` (MiniLM) for “{esc(r.text)}” differs from the masked mean here by up to "
                 f"{r.product_difference:.1e}."]
    lines.append("Cosine between the three poolings of your sentence: " + ", ".join(
        f"{k.replace('-', ' vs ').replace('cls', '[CLS]')} {v:.3f}" for k, v in r.between.items()) +
        ". They are different vectors; a model is trained for one of them.")
    if r.padding:
        lines.append(f"In this batch your sentence got **{r.padding} [PAD] token{'s' if r.padding > 1 else ''}** (mask 0). "
                     f"Averaging them in too would give a vector with cosine {r.unmasked_cosine:.3f} to the masked "
                     "mean: the mask is what keeps a sentence's vector the same whatever it is batched with.")
    else:
        lines.append("Your sentence is the longest in the batch, so it got no padding; the others did (mask 0 "
                     "above), and their padding is left out of their means.")
    return "\n\n".join(lines)


def comparison_figure(r: compute.PoolingResult) -> go.Figure:
    fig = go.Figure()
    x = [NAMES[n] for n in compute.POOLINGS]
    low = 0.0
    for c in r.comparisons:
        y = [c.cosine[n] for n in compute.POOLINGS]
        low = min(low, *y)
        fig.add_trace(go.Bar(x=x, y=y, name=f"{ROLES[c.role]}: {c.text}", marker_color=ROLE_COLOURS[c.role],
                             text=[f"{v:.3f}" for v in y], textposition="outside", textfont=dict(size=15)))
    fig.update_layout(title=f"Cosine with “{r.text}”, per pooling", barmode="group", height=430,
                      font=dict(size=15), margin=dict(l=10, r=10, t=60, b=10),
                      yaxis=dict(title="cosine (fixed scale)", range=[-1.0 if low < 0 else 0.0, 1.1]),
                      legend=dict(orientation="h", y=-0.15, font=dict(size=14)))
    return fig


def mask_figure(r: compute.PoolingResult) -> go.Figure:
    labels = ["your sentence"] + [ROLES[c.role] for c in r.comparisons]
    mask = r.attention_mask
    fig = go.Figure(go.Heatmap(
        z=mask, y=labels, x=list(range(mask.shape[1])), text=r.batch_tokens, texttemplate="%{text}",
        textfont=dict(size=14), colorscale=[[0, "#e5e7eb"], [1, "#86efac"]], zmin=0, zmax=1, xgap=2, ygap=2,
        colorbar=dict(title="mask", tickvals=[0, 1], ticktext=["0 pad", "1 real"], thickness=14),
        hovertemplate="%{y}, position %{x}: %{text}<br>mask %{z}<extra></extra>"))
    fig.update_layout(title="The batch and its attention mask (1 = real token, 0 = [PAD])",
                      height=110 + 55 * len(labels), font=dict(size=15), margin=dict(l=10, r=10, t=50, b=40),
                      yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(title="position", dtick=1))
    return fig


def tokens_figure(r: compute.PoolingResult) -> go.Figure:
    mask = r.attention_mask[0]
    ticks = [f"{i}. {t}" + ("  (mask 0)" if not m else "") for i, (t, m) in enumerate(zip(r.batch_tokens[0], mask))]
    fig = go.Figure(go.Heatmap(
        z=r.token_vectors, y=ticks, colorscale="RdBu_r", zmin=-TOKEN_LIMIT, zmax=TOKEN_LIMIT,
        colorbar=dict(title="value", thickness=14), hovertemplate="%{y}<br>dimension %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(title=f"Token vectors of your sentence: MiniLM's last layer, {r.token_vectors.shape[1]} numbers "
                            f"each (colour fixed at ±{TOKEN_LIMIT:g})",
                      height=max(280, 110 + 30 * len(ticks)), font=dict(size=15),
                      margin=dict(l=10, r=10, t=50, b=45), yaxis=dict(autorange="reversed", automargin=True),
                      xaxis=dict(title="dimension"))
    return fig


def pooled_figure(r: compute.PoolingResult) -> go.Figure:
    names = [NAMES[n] for n in compute.POOLINGS]
    fig = go.Figure(go.Heatmap(
        z=[r.pooled[n] for n in compute.POOLINGS], y=names, colorscale="RdBu_r", zmin=-UNIT_LIMIT, zmax=UNIT_LIMIT,
        colorbar=dict(title="value", thickness=14), hovertemplate="%{y}<br>dimension %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(title=f"Three poolings of your sentence, each normalised to length 1 (colour fixed at ±{UNIT_LIMIT:g})",
                      height=250, font=dict(size=15), margin=dict(l=10, r=10, t=50, b=45),
                      yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(title="dimension"))
    return fig


@user_errors
def run(text: str, reordered: str, paraphrase: str):
    r = compute.compare(text, reordered, paraphrase)
    return (order_md(r), show_plot(comparison_figure(r)) if r.comparisons else hide_plot(),
            show_plot(mask_figure(r)), show_plot(tokens_figure(r)), show_plot(pooled_figure(r)), product_md(r))


def build(page: gr.Blocks) -> None:
    first = EXAMPLES[0]
    with gr.Row():
        text = gr.Textbox(label="Your sentence", value=first["text"], scale=2, max_length=compute.MAX_CHARS)
        reordered = gr.Textbox(label="Same words, another order", value=first["reordered"], scale=2,
                               max_length=compute.MAX_CHARS)
        paraphrase = gr.Textbox(label="A paraphrase (same meaning, other words)", value=first["paraphrase"], scale=2,
                                max_length=compute.MAX_CHARS)
        go_btn = gr.Button("Pool", variant="primary", scale=1, min_width=120)
    inputs = [text, reordered, paraphrase]
    examples = gr.Examples([[e["text"], e["reordered"], e["paraphrase"]] for e in EXAMPLES], inputs=inputs,
                           example_labels=list(LABELS), label="Examples that teach (click one)")
    verdict = gr.Markdown(elem_classes=["pool-verdict"])
    compare_plot = gr.Plot(label="Word order vs paraphrase", visible=False)
    gr.Markdown("### Inside: from token vectors to one vector")
    mask_plot = gr.Plot(label="Attention mask", visible=False)
    tokens_plot = gr.Plot(label="Token vectors", visible=False)
    pooled_plot = gr.Plot(label="Pooled vectors", visible=False)
    product = gr.Markdown()
    outputs = [verdict, compare_plot, mask_plot, tokens_plot, pooled_plot, product]
    gr.on([go_btn.click, text.submit, reordered.submit, paraphrase.submit], run, inputs, outputs,
          api_visibility="private")
    examples.load_input_event.then(run, inputs, outputs, api_visibility="private")  # a click on an example runs it
    page.load(run, inputs, outputs, api_visibility="private")
