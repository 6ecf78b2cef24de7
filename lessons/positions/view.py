"""Positions page: one scheme's table and P @ P.T large, then all four side by side, RoPE's offset
property, and what happens past the training length."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lessons.positions import compute
from lessons.positions.examples import EXAMPLES, LABELS
from lessons.ui import show_plot
from tabs.common import user_errors

FONT = dict(size=15)
KIND_NAMES = {"sinusoidal": "Sinusoidal (Vaswani et al.)", "learned": "Learned (MiniLM's table)",
              "rope": "RoPE (rotation)", "alibi": "ALiBi (distance penalty)"}
KIND_COLOURS = {"sinusoidal": "#2563eb", "learned": "#dc2626", "rope": "#16a34a", "alibi": "#9333ea"}
START_COLOURS = ("#111827", "#f59e0b", "#06b6d4")
START_DASHES = ("solid", "dash", "dot")
HEADS = 8


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title=title, height=height, font=FONT, margin=dict(l=10, r=10, t=60, b=10))
    return fig


def table_figure(r: compute.Positions) -> go.Figure:
    if r.kind == "alibi":
        low = float(r.by_offset[-1]) if r.length > 1 else -1.0
        fig = go.Figure(go.Heatmap(
            z=compute.display_matrix(r).astype("float32"), colorscale="Purples_r", zmin=min(low, -1e-9), zmax=0,
            colorbar=dict(title="bias"), hovertemplate="query %{y}, key %{x}<br>bias %{z:.3f}<extra></extra>"))
        fig.update_layout(yaxis=dict(autorange="reversed", title="query position i"),
                          xaxis=dict(title="key position j (blank: masked, j > i)"))
        return _layout(fig, f"ALiBi bias, head {r.head} of {len(r.slopes)}<br><sup>slope {r.slopes[r.head - 1]:.4g}; "
                            "blank above the diagonal: masked</sup>", 520)
    lim = compute.learned_limits()[0] if r.kind == "learned" else 1.0
    fig = go.Figure(go.Heatmap(
        z=r.matrix.astype("float32"), colorscale="RdBu_r", zmin=-lim, zmax=lim, colorbar=dict(title="value"),
        hovertemplate="position %{y}, dimension %{x}<br>%{z:.3f}<extra></extra>"))
    fig.update_layout(yaxis=dict(autorange="reversed", title="position p"), xaxis=dict(title="dimension"))
    scale = "colour fixed at ±1" if r.kind != "learned" else f"colour saturates at ±{lim:.2f}"
    return _layout(fig, f"{KIND_NAMES[r.kind].split(' (')[0]}: table P, {r.length} x {r.dim}<br><sup>{scale}</sup>", 520)


def similarity_figure(r: compute.Positions) -> go.Figure:
    if r.kind == "alibi":
        zmin, zmax, title = 0.0, 1.0, "Attention the bias alone gives<br><sup>softmax of each row, colour fixed 0..1</sup>"
        colours = "Purples"
    elif r.kind == "learned":
        lim = compute.learned_limits()[1]
        zmin, zmax, title, colours = -lim, lim, f"P @ Pᵀ<br><sup>colour saturates at ±{lim:.2f}</sup>", "RdBu_r"
    else:
        peak = compute.facts(r)["peak"]  # every row has the same length: its square
        zmin, zmax, title, colours = -peak, peak, f"P @ Pᵀ<br><sup>colour fixed at ±{peak:.3g} = |row|²</sup>", "RdBu_r"
    fig = go.Figure(go.Heatmap(z=r.similarity.astype("float32"), colorscale=colours, zmin=zmin, zmax=zmax,
                               colorbar=dict(title="value"),
                               hovertemplate="position %{y} vs %{x}<br>%{z:.3f}<extra></extra>"))
    fig.update_layout(yaxis=dict(autorange="reversed", title="position"), xaxis=dict(title="position"))
    return _layout(fig, title, 520)


def note_md(r: compute.Positions) -> str:
    """Facts about the table on screen, computed from it."""
    f = compute.facts(r)
    if r.kind == "learned":
        extra = (f" Row 0 (always the [CLS] token's position) has length {f['first_norm']:.2f}; the median row has "
                 f"{f['median_norm']:.2f}." if r.length > 2 else "")
        return (f"Rows 0–{r.length - 1} of MiniLM's trained position table (512 rows x 384 numbers); row *p* is added "
                f"to the token vector at position *p* before the first layer.{extra} Mean cosine between rows 1 apart: "
                f"{r.by_offset[1]:.2f}" + (f"; 50 apart: {r.by_offset[50]:.2f}." if r.length > 50 else "."))
    if r.kind == "sinusoidal":
        return (f"Vaswani et al.'s formula with d = {r.dim}: even dimensions sin, odd cos. The first pair turns once "
                f"every {f['fastest']:.1f} positions, the last once every {f['slowest']:,.0f}. Every row has the same "
                f"length (√(d/2) = {f['row_length']:.2f}), and P @ Pᵀ depends only on the offset (largest spread along "
                f"a diagonal: {f['diagonal_spread']:.1e}).")
    if r.kind == "rope":
        return ("RoPE adds nothing to the token vectors: it turns each pair of a query's and a key's dimensions by "
                "position × its frequency. Shown: the vector (1, 0, 1, 0, …)/√(d/2) turned for each position. "
                "The dot products depend only on the offset: the largest spread along any diagonal of P @ Pᵀ is "
                f"{f['diagonal_spread']:.1e} (rounding).")
    return (f"Head {r.head} of {len(r.slopes)}: query *i*'s score for key *j* gets −{f['slope']:.4g} × (i − j); a key "
            f"10 positions back gets {f['ten_back']:.3g}. Slopes of the {len(r.slopes)} heads: "
            + ", ".join(f"{s:.4g}" for s in r.slopes) + ". Above the diagonal is masked: a causal model never looks "
            "ahead. Nothing is added to the token vectors.")


def curves_figure(o: compute.Overview) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        "Tables: mean cosine of rows p and p + k", "ALiBi: bias added at distance k (8 heads)"))
    k = list(range(o.length))
    for kind in ("sinusoidal", "rope", "learned"):
        dash = "dot" if kind == "rope" else "solid"
        width = 384 if kind == "learned" else o.dim
        fig.add_trace(go.Scatter(x=k, y=o.curves[kind], mode="lines", name=f"{KIND_NAMES[kind]}, {width} dims",
                                 line=dict(color=KIND_COLOURS[kind], width=3, dash=dash)), row=1, col=1)
    for h, slope in enumerate(o.slopes):
        fig.add_trace(go.Scatter(x=k, y=o.alibi_by_offset[h], mode="lines", showlegend=h == 0,
                                 name="ALiBi heads (slopes 1/2 … 1/256)", legendgroup="alibi",
                                 line=dict(color=KIND_COLOURS["alibi"], width=2), opacity=1 - h / (len(o.slopes) + 2),
                                 hovertemplate=f"head {h + 1}, slope {slope:.4g}<br>distance %{{x}}: %{{y:.2f}}<extra></extra>"),
                      row=1, col=2)
    fig.update_yaxes(title_text="cosine (fixed scale)", range=[-1, 1.05], row=1, col=1)
    fig.update_yaxes(title_text="bias", row=1, col=2)
    fig.update_xaxes(title_text="offset k (positions apart)", row=1, col=1)
    fig.update_xaxes(title_text="distance k = i − j", row=1, col=2)
    fig.update_layout(legend=dict(orientation="h", y=-0.22, font=dict(size=14)))
    fig.update_annotations(font=dict(size=16))
    return _layout(fig, f"All four on {o.length} positions", 470)


def offset_figure(o: compute.Overview) -> go.Figure:
    c = o.check
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        "RoPE: q rotated for m, k rotated for m + offset", "Sinusoids added: (q + PEₘ)·(k + PEₘ₊ₒ)"))
    for s, m in enumerate(c.starts):
        colour = START_COLOURS[s % len(START_COLOURS)]
        fig.add_trace(go.Scatter(x=c.offsets, y=c.rope[s], mode="lines", name=f"query at m = {m}",
                                 legendgroup=str(m), line=dict(color=colour, width=4, dash=START_DASHES[s % 3])),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=c.offsets, y=c.additive[s], mode="lines", showlegend=False, legendgroup=str(m),
                                 line=dict(color=colour, width=3, dash=START_DASHES[s % 3])), row=1, col=2)
    fig.update_xaxes(title_text="offset n − m")
    fig.update_yaxes(title_text="score (dot product)", row=1, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.22, font=dict(size=14)))
    fig.update_annotations(font=dict(size=16))
    return _layout(fig, f"The same random query and key ({c.dim} dims), the pair placed at different positions", 440)


def curves_md(o: compute.Overview) -> str:
    same = (f"The sinusoidal and RoPE curves lie on top of each other (largest difference {o.sin_rope_gap:.1e}): "
            "RoPE turns by the same angles the sinusoids use. What differs is where they act (next plot)."
            if o.sin_rope_gap < 1e-6 else
            f"The sinusoidal and RoPE curves differ by up to {o.sin_rope_gap:.2f}.")
    return (f"{same} The learned table's curve is MiniLM's own: nobody wrote a formula for it. ALiBi has no table: "
            "its penalty grows in a straight line with the distance, steeply for head 1 and gently for head 8.")


def offset_md(o: compute.Overview) -> str:
    c = o.check
    return (f"Left, RoPE: the three curves lie on top of each other; over all offsets the scores for different "
            f"starting positions differ by at most {c.rope_spread:.1e} (floating-point rounding). Right, sinusoids "
            f"*added* to the same query and key: the score also depends on where the pair sits (differences up to "
            f"{c.additive_spread:.2f}).")


def past_figure(o: compute.Overview) -> go.Figure:
    fig = go.Figure()
    learned = o.past["learned"]
    sin = o.past["sinusoidal"]
    fig.add_trace(go.Scatter(x=list(range(len(sin))), y=sin, mode="lines", name=f"Sinusoidal, {o.dim} dims",
                             line=dict(color=KIND_COLOURS["sinusoidal"], width=2)))
    fig.add_trace(go.Scatter(x=list(range(len(learned))), y=learned, mode="lines", name="Learned (MiniLM)",
                             line=dict(color=KIND_COLOURS["learned"], width=2)))
    fig.add_vline(x=len(learned) - 0.5, line=dict(color="#111", dash="dash"))
    fig.add_annotation(x=len(learned), y=0.95, text=f"no row {len(learned)}: the learned table ends", showarrow=False,
                       xanchor="left", font=dict(size=15))
    fig.update_layout(xaxis=dict(title="position p"), yaxis=dict(title="cosine with row 0 (fixed scale)", range=[-1, 1.05]),
                      legend=dict(orientation="h", y=-0.2, font=dict(size=14)))
    return _layout(fig, "Past the training length: each row's cosine with position 0's row", 420)


@user_errors
def run(kind: str, length: int, dim: int, head: int):
    dim = int(dim) // 2 * 2
    r = compute.compute(kind, int(length), None if kind in ("learned", "alibi") else dim, HEADS, int(head))
    o = compute.overview(int(length), dim, HEADS)
    return (note_md(r), show_plot(table_figure(r)), show_plot(similarity_figure(r)), show_plot(curves_figure(o)),
            curves_md(o), show_plot(offset_figure(o)), offset_md(o), show_plot(past_figure(o)))


def build(page: gr.Blocks) -> None:
    first = EXAMPLES[0]
    with gr.Row():
        kind = gr.Radio(list(compute.KINDS), value=first["kind"], label="Scheme shown large", scale=3)
        length = gr.Slider(2, compute.MAX_LENGTH, value=first["length"], step=1, label="Positions (length)", scale=2)
        dim = gr.Slider(2, 256, value=first["dim"], step=2, label="Dimensions (sinusoidal, RoPE)", scale=2)
        head = gr.Slider(1, HEADS, value=1, step=1, label=f"ALiBi head (of {HEADS})", scale=2)
        go_btn = gr.Button("Show", variant="primary", scale=1, min_width=100)
    inputs = [kind, length, dim, head]
    examples = gr.Examples([[e["kind"], e["length"], e.get("dim", first["dim"]), e.get("head", 1)] for e in EXAMPLES],
                           inputs=inputs, example_labels=list(LABELS), label="Examples that teach (click one)")
    note = gr.Markdown()
    with gr.Row():
        table = gr.Plot(label="The table", visible=False)
        similarity = gr.Plot(label="P @ P.T", visible=False)
    gr.Markdown("### All four side by side")
    curves = gr.Plot(label="Similarity by offset", visible=False)
    curves_note = gr.Markdown()
    gr.Markdown("### Relative positions: RoPE's score depends only on the offset")
    offsets = gr.Plot(label="RoPE offset property", visible=False)
    offset_note = gr.Markdown()
    gr.Markdown("### Past the training length")
    past = gr.Plot(label="Past the training length", visible=False)
    gr.Markdown("The sinusoid keeps going: the formula has a value at every position. MiniLM's learned table has "
                "512 rows, so a 513th position has no vector at all (the API says so if you ask for it). Whether a "
                "model *can use* positions longer than it was trained on is a different question: see the last "
                "paragraph of the explanation above (Press et al. 2022).")
    outputs = [note, table, similarity, curves, curves_note, offsets, offset_note, past]
    gr.on([go_btn.click, kind.input, length.release, dim.release, head.release], run, inputs, outputs, api_visibility="private")
    examples.load_input_event.then(run, inputs, outputs, api_visibility="private")  # a click on an example runs it
    page.load(run, inputs, outputs, api_visibility="private")
