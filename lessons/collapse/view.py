"""Collapse monitor page: spectrum, effective rank, mean cosine, spread; a control that collapses on purpose."""
from __future__ import annotations

import gradio as gr
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lessons.collapse import compute
from lessons.collapse.examples import EXAMPLES, LABELS
from lessons.ui import hide_plot, show_plot
from lessons.vector_sets import available_sets
from tabs.common import esc, user_errors

FONT = dict(size=15)
ACTION_NAMES = {"none": "nothing: just measure", "project": "project onto the top k directions",
                "no-negatives": "train without negatives (collapses)",
                "with-negatives": "train with negatives (InfoNCE)"}
BEFORE, AFTER = "#2563eb", "#dc2626"


def card(title: str, before: float, after: float | None, scale: str, fmt: str) -> str:
    value = f"{before:{fmt}}" if after is None else f"{before:{fmt}} → <span style='color:{AFTER}'>{after:{fmt}}</span>"
    return (f"<div style='flex:1 1 260px;border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px'>"
            f"<div style='font-size:0.95rem;color:#555'>{esc(title)}</div>"
            f"<div style='font-size:1.9rem;font-weight:700'>{value}</div>"
            f"<div style='font-size:0.85rem;color:#555'>{esc(scale)}</div></div>")


def cards_html(r: compute.CollapseResult) -> str:
    g, c = r.given, r.collapsed
    before = c.before if c else g
    after = c.after if c else None
    where = (f"{c.rows:,} rows ({'all' if c.rows == g.n else 'a fixed random sample'}), before → after"
             if c else f"all {g.n:,} rows")
    return ("<div style='display:flex;flex-wrap:wrap;gap:12px'>"
            + card(f"Effective rank (RankMe) · {where}", before.effective_rank, after and after.effective_rank,
                   f"1 = everything on one line, {g.dim} = all {g.dim} directions used equally", ".1f")
            + card("Mean cosine of two different rows", before.mean_cosine, after and after.mean_cosine,
                   "0 = spread out, 1 = all point the same way", "+.3f")
            + "</div>")


def summary_md(r: compute.CollapseResult) -> str:
    g, c = r.given, r.collapsed
    lines = [f"**{r.vset.label}**: {g.n:,} vectors of {g.dim} numbers. Effective rank **{g.effective_rank:.1f}** "
             f"of a possible {min(g.n, g.dim)}, mean cosine **{g.mean_cosine:+.3f}**."]
    if c is None:
        return "\n\n".join(lines)
    if c.action == "project":
        lines.append(f"Projected onto its top **{c.k}** direction{'s' if c.k > 1 else ''}: the rows keep only what "
                     f"those directions say. Effective rank {c.before.effective_rank:.1f} → **{c.after.effective_rank:.1f}**"
                     f" (it can be at most {c.k}), mean cosine {c.before.mean_cosine:+.3f} → **{c.after.mean_cosine:+.3f}**.")
    else:
        neg = c.action == "with-negatives"
        lines.append(f"A linear layer trained for **{c.steps} steps** to make two noisy copies of each row agree, "
                     f"{'with the batch’s other rows as negatives (InfoNCE)' if neg else 'with no negatives'}: "
                     f"effective rank {c.before.effective_rank:.1f} → **{c.after.effective_rank:.1f}**, mean cosine "
                     f"{c.before.mean_cosine:+.3f} → **{c.after.mean_cosine:+.3f}**.")
        fell = c.after.effective_rank < 0.5 * c.before.effective_rank or c.after.mean_cosine > 0.5
        if not neg and fell:
            lines.append("Nothing in this loss asks different rows to stay different, so sending them all to the "
                         "same place is the easiest way to make the copies agree: **collapse**.")
        elif neg and not fell:
            lines.append("The negatives push different rows apart, so agreement cannot be won by collapsing.")
    return "\n\n".join(lines)


def spectrum_figure(r: compute.CollapseResult) -> go.Figure:
    fig = go.Figure()
    series = [("as given" if r.collapsed is None else "before", r.collapsed.before if r.collapsed else r.given, BEFORE)]
    if r.collapsed is not None:
        series.append(("after", r.collapsed.after, AFTER))
    for name, h, colour in series:
        s = h.singular_values
        rel = s / s[0] if len(s) and s[0] > 0 else s
        fig.add_trace(go.Scatter(x=np.arange(1, len(s) + 1), y=np.maximum(rel, 1e-6), mode="lines+markers",
                                 name=f"{name}: effective rank {h.effective_rank:.1f}",
                                 line=dict(color=colour, width=3), marker=dict(size=5),
                                 hovertemplate="direction %{x}: %{y:.2e} of the largest<extra></extra>"))
    fig.update_layout(title="Singular values (each / the largest)", font=FONT, height=400,
                      margin=dict(l=10, r=10, t=60, b=40), legend=dict(orientation="h", y=-0.25),
                      xaxis=dict(title="direction k (largest first)"),
                      yaxis=dict(title="s_k / s_1 (log scale, 1e-6 to 1)", type="log", range=[-6, 0.1],
                                 exponentformat="power"))
    return fig


def spread_figure(r: compute.CollapseResult) -> go.Figure:
    fig = go.Figure()
    series = [("as given", r.given, BEFORE)] if r.collapsed is None else \
        [("before", r.collapsed.before, BEFORE), ("after", r.collapsed.after, AFTER)]
    for name, h, colour in series:
        spread = np.sort(h.spread)[::-1]
        fig.add_trace(go.Scatter(x=np.arange(1, len(spread) + 1), y=spread, mode="lines", name=name,
                                 line=dict(color=colour, width=3, shape="hv"),
                                 hovertemplate="%{x}: standard deviation %{y:.3g}<extra></extra>"))
    fig.update_layout(title="Spread of each dimension (sorted)", font=FONT, height=400,
                      margin=dict(l=10, r=10, t=60, b=40), legend=dict(orientation="h", y=-0.25),
                      xaxis=dict(title="dimension (widest first)"),
                      yaxis=dict(title="standard deviation over the rows", rangemode="tozero"))
    return fig


def history_figure(r: compute.CollapseResult) -> go.Figure:
    c = r.collapsed
    steps = [h["step"] for h in c.history]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=steps, y=[h["effective_rank"] for h in c.history], name="effective rank",
                             line=dict(color="#7c3aed", width=3)), secondary_y=False)
    fig.add_trace(go.Scatter(x=steps, y=[h["mean_cosine"] for h in c.history], name="mean cosine",
                             line=dict(color="#d97706", width=3, dash="dash")), secondary_y=True)
    fig.update_layout(title=f"During training ({ACTION_NAMES[c.action]})", font=FONT, height=380,
                      margin=dict(l=10, r=10, t=60, b=40), legend=dict(orientation="h", y=-0.3))
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(title_text="effective rank", range=[0, r.given.dim * 1.05], secondary_y=False)
    fig.update_yaxes(title_text="mean cosine (fixed -0.2 to 1)", range=[-0.2, 1.02], secondary_y=True)
    return fig


@user_errors
def run(vectors: str, file, action: str, k: float, steps: float, progress=gr.Progress()):
    def report(fraction: float, message: str) -> None:
        progress(fraction, desc=message)

    result = compute.monitor(vectors, file, action, int(k), int(steps), progress=report)
    trained = result.collapsed is not None and result.collapsed.history
    return (cards_html(result), summary_md(result), show_plot(spectrum_figure(result)),
            show_plot(spread_figure(result)), show_plot(history_figure(result)) if trained else hide_plot())


def build(page: gr.Blocks) -> None:
    first = EXAMPLES[0]
    with gr.Row():
        vectors = gr.Dropdown(choices=available_sets(), value=first["vectors"], label="Vectors", scale=3)
        file = gr.File(label="…or your own vectors (.npy / .csv)", file_count="single",
                       file_types=[".npy", ".csv", ".tsv", ".txt"], height=90, scale=2)
    with gr.Row():
        action = gr.Radio([(v, k) for k, v in ACTION_NAMES.items()], value=first["action"], label="Collapse it",
                          scale=3)
        k = gr.Slider(1, 50, value=first["k"], step=1, label="k: directions kept (project)", scale=1)
        steps = gr.Slider(10, compute.MAX_STEPS, value=first["steps"], step=10, label="training steps", scale=1)
        go_btn = gr.Button("Measure", variant="primary", scale=1, min_width=120)
    inputs = [vectors, file, action, k, steps]
    examples = gr.Examples([[e["vectors"], None, e["action"], e["k"], e["steps"]] for e in EXAMPLES], inputs=inputs,
                           example_labels=list(LABELS), label="Examples that teach (click one)")
    cards = gr.HTML()
    summary = gr.Markdown()
    with gr.Row():
        spectrum = gr.Plot(label="Spectrum", visible=False)
        spread = gr.Plot(label="Spread", visible=False)
    history = gr.Plot(label="Training", visible=False)
    outputs = [cards, summary, spectrum, spread, history]
    gr.on([go_btn.click, vectors.input, action.input, file.upload, k.release, steps.release], run, inputs, outputs,
          api_visibility="private")
    examples.load_input_event.then(run, inputs, outputs, api_visibility="private")
    page.load(run, inputs, outputs, api_visibility="private")
