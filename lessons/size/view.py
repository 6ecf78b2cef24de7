"""Size lesson page: recall@10 as vectors are cut short and stored with fewer bits. Gradio only."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from lessons.size import compute
from lessons.size.examples import EXAMPLES, LABELS
from lessons.ui import show_plot
from lessons.vector_sets import available_sets
from space.stats import bytes_per_vector
from tabs.common import esc, user_errors

FONT = dict(size=15)
SETS = ("glove", "glove-100k", "glove-20k", "efficientnet-images", "minilm-texts", "yamnet-sounds", "glove-texts",
        "bridge-images", "bridge-sounds", "clip-images", "clip-texts", "clap-sounds", "clap-texts")
KIND_NAMES = {"float32": "float32 (4 bytes a number)", "float16": "float16 (2 bytes)", "int8": "int8 (1 byte)",
              "binary": "binary (1 bit)"}
COLOURS = {"prefix": "#d97706", "pca": "#2563eb"}


def cut_figure(r: compute.SizeResult) -> go.Figure:
    fig = go.Figure()
    for method, values, name in (("prefix", r.prefix, "first d numbers"), ("pca", r.pca, "first d after a PCA rotation")):
        fig.add_trace(go.Scatter(x=r.grid, y=values, mode="lines+markers", name=name,
                                 line=dict(color=COLOURS[method], width=3), marker=dict(size=8),
                                 hovertemplate="%{x} numbers: recall %{y:.3f}<extra>" + name + "</extra>"))
    at = r.at_dims["float32"]
    fig.add_trace(go.Scatter(x=[r.dims, r.dims], y=list(at), mode="markers", name=f"your cut: {r.dims}",
                             marker=dict(size=18, symbol="circle-open", color="#dc2626", line=dict(width=3)),
                             hovertemplate="%{x} numbers: recall %{y:.3f}<extra>your cut</extra>"))
    fig.add_vline(x=r.dims, line=dict(color="#dc2626", width=1, dash="dot"))
    fig.update_layout(title=f"Cutting vectors short ({r.p.dim} numbers in full)", font=FONT, height=420,
                      margin=dict(l=10, r=10, t=60, b=40), legend=dict(orientation="h", y=-0.22),
                      xaxis=dict(title="numbers kept (d)", type="log" if r.p.dim > 64 else "linear",
                                 tickvals=[g for g in r.grid if g == r.p.dim or (g & (g - 1)) == 0] if r.p.dim > 64 else None),
                      yaxis=dict(title="recall@10 vs the full vectors", range=[0, 1.03]))
    return fig


def bytes_figure(r: compute.SizeResult) -> go.Figure:
    """Recall against bytes per vector for every way of shrinking: one curve per storage type (PCA cut)."""
    fig = go.Figure()
    d = r.p.dim
    fig.add_trace(go.Scatter(x=[bytes_per_vector("float32", g) for g in r.grid], y=r.pca, mode="lines+markers",
                             name="float32, PCA cut to d", line=dict(color=COLOURS["pca"], width=2),
                             hovertemplate="%{x} bytes: recall %{y:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[bytes_per_vector(k, d) for k in compute.KINDS], y=[r.full[k] for k in compute.KINDS],
        mode="markers+text", text=list(compute.KINDS), textposition="top center", name=f"all {d} numbers, stored as",
        marker=dict(size=13, symbol="diamond", color="#16a34a"),
        hovertemplate="%{text}: %{x} bytes, recall %{y:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[bytes_per_vector(k, r.dims) for k in compute.KINDS], y=[r.at_dims[k][1] for k in compute.KINDS],
        mode="markers+text", text=list(compute.KINDS), textposition="bottom center",
        name=f"PCA cut to {r.dims}, stored as", marker=dict(size=13, symbol="circle-open", color="#dc2626",
                                                             line=dict(width=3)),
        hovertemplate="%{text}: %{x} bytes, recall %{y:.3f}<extra></extra>"))
    fig.update_layout(title="What each byte buys", font=FONT, height=420, margin=dict(l=10, r=10, t=60, b=40),
                      legend=dict(orientation="h", y=-0.22),
                      xaxis=dict(title="bytes per vector (log scale)", type="log", dtick=1, tickformat=",.0f"),
                      yaxis=dict(title="recall@10 vs the full vectors", range=[-0.08, 1.1]))
    return fig


def table_html(r: compute.SizeResult) -> str:
    rows = []
    for kind in compute.KINDS:
        b_full, b_cut = bytes_per_vector(kind, r.p.dim), bytes_per_vector(kind, r.dims)
        prefix, pca = r.at_dims[kind]
        rows.append(f"<tr><td style='padding:3px 8px'>{esc(KIND_NAMES[kind])}</td>"
                    f"<td style='padding:3px 8px;text-align:right'>{r.full[kind]:.1%}</td>"
                    f"<td style='padding:3px 8px;text-align:right'>{b_full:,} B · {b_full:,} MB</td>"
                    f"<td style='padding:3px 8px;text-align:right'>{prefix:.1%}</td>"
                    f"<td style='padding:3px 8px;text-align:right'>{pca:.1%}</td>"
                    f"<td style='padding:3px 8px;text-align:right'>{b_cut:,} B · {b_cut:,} MB</td></tr>")
    th = "style='padding:3px 8px;text-align:right'"
    return ("<table style='border-collapse:collapse;font-size:0.95rem'>"
            f"<tr><th style='text-align:left;padding:3px 8px'>stored as</th><th {th}>all {r.p.dim}: recall@10</th>"
            f"<th {th}>per vector · per 1M vectors</th><th {th}>first {r.dims}: recall</th>"
            f"<th {th}>PCA {r.dims}: recall</th><th {th}>per vector · per 1M</th></tr>" + "".join(rows) + "</table>")


def summary_md(r: compute.SizeResult) -> str:
    p = r.p
    sample = (f"Measured on a fixed random sample of {p.n:,} of the {p.n_total:,} rows" if p.n < p.n_total
              else f"Measured on all {p.n:,} rows")
    prefix, pca = r.at_dims["float32"]
    lines = [f"{sample}: for {len(p.queries)} query rows, the share of their 10 nearest other rows (cosine on all "
             f"{p.dim} numbers) still found after the change.",
             f"**Cut to {r.dims} of {p.dim} numbers**: the first {r.dims} keep **{prefix:.0%}** of the true "
             f"neighbours; after a PCA rotation, **{pca:.0%}**. The full vectors keep them all, by definition.",
             ("If your vectors come from a Matryoshka-trained model, its prefixes were trained to work alone and the "
              "plain cut should hold up; otherwise expect the loss measured above." if p.name == "upload" else
              "The model behind these vectors was **not trained to be cut**: nothing made its first numbers the most "
              "important. Matryoshka-trained models are (their prefixes are trained to work alone); for this one the "
              "curve is the measured price of cutting.")]
    best = max(("float16", "int8", "binary"), key=lambda k: r.full[k])
    lines.append(f"**Fewer bits instead**: storing all {p.dim} numbers as int8 keeps **{r.full['int8']:.0%}** at a "
                 f"quarter of the memory; float16 **{r.full['float16']:.0%}** at half; binary (1 bit a number) "
                 f"**{r.full['binary']:.0%}** at 1/32. Best of the three here: {best}.")
    return "\n\n".join(lines)


@user_errors
def run(vectors: str, dims: float, file):
    result = compute.measure(vectors, file, int(dims))
    return (summary_md(result), show_plot(cut_figure(result)), show_plot(bytes_figure(result)), table_html(result),
            gr.update(maximum=result.p.dim))


@user_errors
def run_new_set(vectors: str, file):
    p = compute.prepared(vectors, file)
    dims = max(1, min(p.dim, round(p.dim * 0.64)))  # about two thirds, like 32 of 50
    return run.__wrapped__(vectors, dims, file)[:-1] + (gr.update(value=dims, maximum=p.dim),)


def build(page: gr.Blocks) -> None:
    first = EXAMPLES[0]
    with gr.Row():
        vectors = gr.Dropdown(choices=available_sets(SETS), value=first["vectors"], label="Vectors", scale=3)
        dims = gr.Slider(1, 50, value=first["dims"], step=1, label="Cut to d numbers", scale=2)
        file = gr.File(label="…or your own vectors (.npy / .csv)", file_count="single",
                       file_types=[".npy", ".csv", ".tsv", ".txt"], height=90, scale=2)
    examples = gr.Examples([[e["vectors"], e["dims"]] for e in EXAMPLES], inputs=[vectors, dims],
                           example_labels=list(LABELS), label="Examples that teach (click one)")
    summary = gr.Markdown()
    with gr.Row():
        cut_plot = gr.Plot(label="Cutting", visible=False)
        bytes_plot = gr.Plot(label="Bytes", visible=False)
    table = gr.HTML()
    outputs = [summary, cut_plot, bytes_plot, table, dims]
    dims.release(run, [vectors, dims, file], outputs, api_visibility="private")
    gr.on([vectors.input, file.upload], run_new_set, [vectors, file], outputs, api_visibility="private")
    examples.load_input_event.then(run, [vectors, dims, file], outputs, api_visibility="private")
    page.load(run, [vectors, dims, file], outputs, api_visibility="private")
