"""Metrics lesson page: three rankings side by side, raw and normalised; row lengths; centring. Gradio only."""
from __future__ import annotations

import gradio as gr
import numpy as np
import plotly.graph_objects as go

from lessons.metrics import compute
from lessons.metrics.examples import EXAMPLES, LABELS, QUERIES
from lessons.ui import show_plot
from lessons.vector_sets import available_sets
from tabs.common import esc, short, user_errors

NAMES = {"cosine": "cosine (higher = nearer)", "dot": "dot product (higher)", "l2": "Euclidean distance (lower)"}
DIFF = "background:#fde68a;font-weight:600"  # a row the cosine list does not have
FONT = dict(size=15)


def ranking_table(result: compute.MetricsResult, rankings: list[compute.Ranking], title: str) -> str:
    """One table: a column per measure, a row per rank; rows missing from the cosine list are highlighted."""
    labels, norms = result.vset.labels, result.norms
    base = set(rankings[0].rows)  # cosine
    head = "".join(f"<th style='text-align:left;padding:4px 6px'>{esc(NAMES[r.metric])}</th>" for r in rankings)
    body = []
    for i in range(result.k):
        cells = []
        for r in rankings:
            row, value = r.rows[i], r.values[i]
            style = DIFF if row not in base else ""
            cells.append(f"<td style='padding:3px 6px;border-top:1px solid #e5e7eb;{style}' title='row {row}'>"
                         f"{esc(short(labels[row], 24))}<br><small style='color:#555'>{value:.3f} · "
                         f"length {norms[row]:.2f}</small></td>")
        body.append(f"<tr><td style='padding:3px 6px;color:#555'>{i + 1}</td>{''.join(cells)}</tr>")
    return (f"<div style='flex:1 1 560px;min-width:0'><h4 style='margin:0.2em 0'>{esc(title)}</h4>"
            f"<table style='width:100%;border-collapse:collapse;font-size:0.95rem;table-layout:fixed'>"
            f"<tr><th style='width:2.2em'>#</th>{head}</tr>{''.join(body)}</table></div>")


def rankings_html(result: compute.MetricsResult) -> str:
    q = result.query
    return (f"<div style='font-size:1.05rem;margin-bottom:0.4em'>Query: <b>{esc(result.vset.labels[q])}</b> "
            f"(row {q:,} of {result.vset.n:,}, length {result.norms[q]:.2f}) · its {result.k} nearest other rows"
            f" · <span style='{DIFF};padding:0 4px'>highlighted</span>: not in that table's cosine list</div>"
            f"<div style='display:flex;flex-wrap:wrap;gap:18px'>"
            f"{ranking_table(result, result.raw, 'Vectors as stored')}"
            f"{ranking_table(result, result.normalised, 'Every vector scaled to length 1')}</div>")


def summary_md(result: compute.MetricsResult) -> str:
    """What these very lists show (computed, not assumed)."""
    norms = result.norms
    cos, dot, l2 = result.raw
    lines = []
    spread = norms.max() / max(norms.min(), 1e-12)
    if np.allclose(norms, 1.0, atol=1e-3):
        lines.append(f"These vectors already have length 1 (all lengths between {norms.min():.3f} and "
                     f"{norms.max():.3f}), so the three measures rank alike even before normalising.")
    else:
        lines.append(f"Lengths in this set run from {norms.min():.2f} to {norms.max():.2f} "
                     f"(median {np.median(norms):.2f}).")
        for r, why in ((dot, "a . b = |a| |b| cos: a longer row scores higher in the same direction"),
                       (l2, "|a - b|^2 = |a|^2 + |b|^2 - 2 |a| |b| cos: rows much longer or shorter than the "
                            "query are pushed away")):
            extra = [row for row in r.rows if row not in set(cos.rows)]
            if extra:
                lines.append(f"**{NAMES[r.metric].split(' (')[0].capitalize()}**: {len(extra)} of its {result.k} "
                             f"are not in the cosine list; their mean length is {norms[extra].mean():.2f} "
                             f"(cosine list: {norms[cos.rows].mean():.2f}, query: {norms[result.query]:.2f}). "
                             f"Why: `{why}`.")
            else:
                lines.append(f"**{NAMES[r.metric].split(' (')[0].capitalize()}** lists the same rows as cosine here.")
    if result.agree_normalised:
        lines.append("**After scaling every vector to length 1, the three lists are identical**, because for unit "
                     "vectors `|a - b|^2 = 2 - 2 a . b`: a smaller distance is exactly a larger dot product, and "
                     "the dot product of unit vectors *is* the cosine.")
    else:  # only possible when two rows tie to the last bit
        lines.append("After scaling to length 1 the lists differ only where two rows score exactly alike.")
    return "\n\n".join(lines)


def norms_figure(result: compute.MetricsResult) -> go.Figure:
    counts, edges = result.norm_histogram()
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(go.Bar(x=centres, y=counts, width=np.diff(edges), marker_color="#94a3b8", name="rows",
                           hovertemplate="length %{x:.2f}: %{y:,} rows<extra></extra>"))
    top = max(counts.max(), 1)
    for r, colour in ((result.raw[0], "#2563eb"), (result.raw[1], "#d97706")):
        fig.add_trace(go.Scatter(x=result.norms[r.rows], y=[top * (1.04 if r.metric == "cosine" else 1.1)] * len(r.rows),
                                 mode="markers", marker=dict(size=10, color=colour, symbol="line-ns-open",
                                                             line=dict(width=3, color=colour)),
                                 name=f"{r.metric} top {result.k}",
                                 hovertext=[result.vset.labels[i] for i in r.rows], hoverinfo="text+x"))
    fig.add_vline(x=float(result.norms[result.query]), line=dict(color="#dc2626", width=2, dash="dash"),
                  annotation_text="query", annotation_font_color="#dc2626")
    fig.update_layout(title=f"Length of every row ({result.vset.n:,} rows)", font=FONT, height=380, bargap=0,
                      margin=dict(l=10, r=10, t=60, b=40), legend=dict(orientation="h", y=-0.25),
                      xaxis=dict(title="length |v|"), yaxis=dict(title="rows", rangemode="tozero"))
    return fig


def pairs_figure(result: compute.MetricsResult) -> go.Figure:
    p = result.pairwise
    edges = compute.COSINE_BINS
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure()
    for counts, mean, name, colour in ((p.counts_raw, p.mean_raw, "as stored", "#2563eb"),
                                       (p.counts_centred, p.mean_centred, "mean subtracted", "#16a34a")):
        share = 100.0 * counts / max(counts.sum(), 1)
        fig.add_trace(go.Scatter(x=centres, y=share, mode="lines", line=dict(shape="hvh", width=3, color=colour),
                                 name=f"{name}: mean {mean:+.3f}",
                                 hovertemplate="cosine %{x:.2f}: %{y:.2f}% of pairs<extra></extra>"))
        fig.add_vline(x=mean, line=dict(color=colour, width=1, dash="dot"))
    fig.update_layout(title=f"Cosine of {p.pairs:,} pairs of rows ({p.rows:,} rows sampled)", font=FONT,
                      height=380, margin=dict(l=10, r=10, t=60, b=40), legend=dict(orientation="h", y=-0.25),
                      xaxis=dict(title="cosine (fixed scale -1 to 1)", range=[-1, 1]),
                      yaxis=dict(title="% of pairs", rangemode="tozero"))
    return fig


def centring_md(result: compute.MetricsResult) -> str:
    p = result.pairwise
    return (f"**Mean-centring** (subtracting the set's mean vector from every row) moves the average cosine of "
            f"two rows from **{p.mean_raw:+.3f}** to **{p.mean_centred:+.3f}** here. A shared offset makes every "
            "pair look alike; removing it leaves only what tells rows apart.")


@user_errors
def run(vectors: str, query: str, k: float, file):
    result = compute.compare(vectors, file, query or None, int(k), with_pairs=True)
    return (result.vset.labels[result.query], rankings_html(result), summary_md(result),
            show_plot(norms_figure(result)), show_plot(pairs_figure(result)), centring_md(result))


@user_errors
def run_new_set(vectors: str, k: float, file):
    return run.__wrapped__(vectors, "", k, file)


def build(page: gr.Blocks) -> None:
    with gr.Row():
        vectors = gr.Dropdown(choices=available_sets(), value=EXAMPLES[0]["vectors"], label="Vectors", scale=3)
        query = gr.Textbox(label="Query: a word, a caption or a row number (press Enter)", value=QUERIES[0], scale=2)
        k = gr.Slider(1, compute.MAX_K, value=EXAMPLES[0]["k"], step=1, label="How many neighbours (k)", scale=1)
    with gr.Row():
        file = gr.File(label="…or your own vectors: .npy or .csv, one vector per row", file_count="single",
                       file_types=[".npy", ".csv", ".tsv", ".txt"], height=100, scale=3)
        go_btn = gr.Button("Rank", variant="primary", scale=1, min_width=160)
    examples = gr.Examples([[e["vectors"], q, e["k"]] for e, q in zip(EXAMPLES, QUERIES)], inputs=[vectors, query, k],
                           example_labels=list(LABELS), label="Examples that teach (click one)")
    table = gr.HTML()
    summary = gr.Markdown()
    with gr.Row():
        norms_plot = gr.Plot(label="Row lengths", visible=False)
        pairs_plot = gr.Plot(label="Centring", visible=False)
    centring = gr.Markdown()
    outputs = [query, table, summary, norms_plot, pairs_plot, centring]
    gr.on([go_btn.click, query.submit, k.release], run, [vectors, query, k, file], outputs, api_visibility="private")
    gr.on([vectors.input, file.upload], run_new_set, [vectors, k, file], outputs, api_visibility="private")
    examples.load_input_event.then(run, [vectors, query, k, file], outputs, api_visibility="private")
    page.load(run, [vectors, query, k, file], outputs, api_visibility="private")
