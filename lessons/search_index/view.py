"""Search-index lesson page: the recall-vs-speed curve with the current setting marked, builds, missed words."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from lessons.search_index import compute
from lessons.search_index.examples import EXAMPLES, LABELS
from lessons.ui import show_plot
from lessons.vector_sets import available_sets
from tabs.common import esc, short, user_errors

FONT = dict(size=15)
NAMES = {"exact": "Exact (faiss flat: every row)", "hnsw": "HNSW (hnswlib graph)", "ivf": "IVF (faiss cells)"}
COLOURS = {"exact": "#111827", "hnsw": "#2563eb", "ivf": "#d97706"}
MISS = "background:#fecaca"
PAGE_QUERIES = "200"  # the curve's queries: 200 random rows of the set (fixed seed)
WORDS = "king, frog, paris, guitar"
GALLERY_ROWS = "0, 5, 10"  # gallery sets: row numbers (captions may contain commas)


def default_words(vectors: str) -> str:
    return WORDS if vectors in compute.GLOVE_SIZES else GALLERY_ROWS


def curve_figure(state: compute.Prepared, points: list[compute.Point], current: compute.Point) -> go.Figure:
    fig = go.Figure()
    for kind in ("hnsw", "ivf"):
        pts = [p for p in points if p.index == kind]
        name = "ef" if kind == "hnsw" else "nprobe"
        fig.add_trace(go.Scatter(
            x=[p.recall for p in pts], y=[p.qps for p in pts], mode="lines+markers+text", name=NAMES[kind],
            text=[str(p.param) if i % 2 == 0 else "" for i, p in enumerate(pts)], textposition="top center",
            textfont=dict(size=12, color=COLOURS[kind]), customdata=[p.param for p in pts],
            line=dict(color=COLOURS[kind], width=2), marker=dict(size=8),
            hovertemplate=f"{name} %{{customdata}}: recall %{{x:.3f}}, %{{y:,.0f}} queries/s<extra></extra>"))
    exact = next(p for p in points if p.index == "exact")
    fig.add_trace(go.Scatter(x=[exact.recall], y=[exact.qps], mode="markers+text", name=NAMES["exact"],
                             text=["exact"], textposition="bottom center",
                             marker=dict(size=14, symbol="square", color=COLOURS["exact"]),
                             hovertemplate="exact: recall %{x:.3f}, %{y:,.0f} queries/s<extra></extra>"))
    fig.add_trace(go.Scatter(x=[current.recall], y=[current.qps], mode="markers", name="your setting",
                             marker=dict(size=26, symbol="circle-open", color="#dc2626", line=dict(width=4)),
                             hovertemplate="your setting: recall %{x:.3f}, %{y:,.0f} queries/s<extra></extra>"))
    low = min(p.recall for p in points + [current])
    fig.update_layout(
        title=f"Recall vs speed: {state.n:,} rows, {compute.K} nearest, one query at a time, one thread",
        font=FONT, height=470, margin=dict(l=10, r=10, t=60, b=40), legend=dict(orientation="h", y=-0.2),
        xaxis=dict(title="recall@10 (share of the true 10 nearest found)", range=[max(0.0, low - 0.05), 1.02]),
        yaxis=dict(title="queries per second (log scale)", type="log", dtick=1, tickformat=",.0f"))
    fig.add_annotation(x=1.0, y=1.0, xref="paper", yref="paper", xanchor="right", showarrow=False,
                       text="better: up and to the right", font=dict(size=13, color="#555"))
    return fig


def summary_md(result: compute.AnnResult) -> str:
    p, e, built = result.point, result.exact, result.state.built[result.index]
    head = NAMES[result.index].split(" (")[0]
    setting = {"hnsw": f" with ef = {result.param}", "ivf": f" searching {result.param} of "
               f"{result.state.nlist} cells"}.get(result.index, "")
    lines = [f"**{head}{setting}** on {result.state.label}: found **{p.recall:.1%}** of the true 10 nearest "
             f"(over {result.queries} query rows) at **{p.qps:,.0f} queries/s**, "
             f"**{p.qps / e.qps:.1f}x** exact search ({e.qps:,.0f} queries/s, recall {e.recall:.0%})."]
    if e.qps >= 2_000:
        lines.append(f"**At this scale exact search is the right answer:** {result.state.n:,} rows are compared in "
                     f"{1e6 / e.qps:,.0f} microseconds, nothing is ever missed, and there is no index to build or "
                     "keep up to date.")
    return "\n\n".join(lines)


def builds_html(state: compute.Prepared) -> str:
    rows = []
    for kind in compute.INDEXES:
        b = state.built[kind]
        how = ("kept in memory" if kind == "exact" else "loaded from this server's cache (built earlier)"
               if b.loaded_from_disk else "built when this page first needed it")
        if kind == "hnsw":
            conf = f"M = {b.config['M']}, efConstruction = {b.config['ef_construction']}"
        elif kind == "ivf":
            conf = f"{b.config['nlist']:,} cells (k-means on {b.config['train_size']:,} rows)"
        else:
            conf = "every row, every query"
        rows.append(f"<tr><td style='padding:3px 8px'><b>{esc(NAMES[kind])}</b></td><td style='padding:3px 8px'>{conf}</td>"
                    f"<td style='padding:3px 8px;text-align:right'>{b.build_seconds:,.1f} s</td>"
                    f"<td style='padding:3px 8px;text-align:right'>{b.bytes / 1e6:,.1f} MB</td>"
                    f"<td style='padding:3px 8px;color:#555'>{how}</td></tr>")
    return ("<table style='border-collapse:collapse;font-size:0.95rem'><tr><th style='text-align:left;padding:3px 8px'>"
            "index</th><th style='text-align:left;padding:3px 8px'>settings</th><th style='padding:3px 8px'>build</th>"
            "<th style='padding:3px 8px'>memory</th><th></th></tr>" + "".join(rows) + "</table>")


def words_html(state: compute.Prepared, lists, kind: str, param: int) -> str:
    if not lists:
        return ""
    what = {"hnsw": f"HNSW ef={param}", "ivf": f"IVF nprobe={param}", "exact": "exact"}[kind]
    rows = []
    for row, exact, got in lists:
        truth = set(exact)
        cells = "".join(
            f"<span style='display:inline-block;margin:1px 3px;padding:0 4px;{'' if g in truth else MISS}'>"
            f"{esc(short(state.labels[g], 18)) if g >= 0 else '—'}</span>" for g in got)
        missed = [state.labels[x] for x in exact if x not in set(got)]
        miss = (f"<br><small style='color:#b91c1c'>missed: {esc(', '.join(short(m, 18) for m in missed))}</small>"
                if missed else "<br><small style='color:#15803d'>all 10 found</small>")
        rows.append(f"<tr><td style='padding:3px 8px;vertical-align:top'><b>{esc(short(state.labels[row], 24))}</b></td>"
                    f"<td style='padding:3px 8px'>{cells}{miss}</td></tr>")
    return (f"<div style='font-size:0.95rem'>What <b>{esc(what)}</b> returns for your queries "
            f"(<span style='{MISS};padding:0 4px'>red</span>: not among the true 10 nearest)</div>"
            f"<table style='border-collapse:collapse;font-size:0.95rem'>{''.join(rows)}</table>")


@user_errors
def run(vectors: str, index: str, ef: float, nprobe: float, words: str, progress=gr.Progress()):
    def report(fraction: float, message: str) -> None:
        progress(fraction, desc=message)

    state = compute.prepared(vectors, report)
    param = compute.check_param(state, index, int(ef), min(int(nprobe), state.nlist))
    rows, key, _ = compute.query_rows(state, PAGE_QUERIES)
    points = compute.curve(state, rows, key, report)
    result = compute.run_ann(index, int(ef), min(int(nprobe), state.nlist), PAGE_QUERIES, vectors)
    word_rows = compute.query_rows(state, words)[0] if (words or "").strip() else []
    lists = compute.neighbour_lists(state, index, param, word_rows) if len(word_rows) else []
    return (summary_md(result), show_plot(curve_figure(state, points, result.point)), builds_html(state),
            words_html(state, lists, index, param), gr.update(maximum=state.nlist), words)


@user_errors
def run_new_set(vectors: str, index: str, ef: float, nprobe: float, progress=gr.Progress()):
    return run.__wrapped__(vectors, index, ef, nprobe, default_words(vectors), progress)


def build(page: gr.Blocks) -> None:
    first = EXAMPLES[0]
    with gr.Row():
        vectors = gr.Dropdown(choices=available_sets(compute.SETS), value=compute.DEFAULT_SET, label="Vectors", scale=3)
        index = gr.Radio([("exact", "exact"), ("HNSW", "hnsw"), ("IVF", "ivf")], value=first["index"],
                         label="Index", scale=2)
    with gr.Row():
        ef = gr.Slider(compute.K, max(compute.EF_GRID), value=first["ef"], step=1, scale=2,
                       label="HNSW ef: candidates kept while searching")
        nprobe = gr.Slider(1, max(compute.NPROBE_GRID), value=first["nprobe"], step=1, scale=2,
                           label="IVF nprobe: cells searched")
        words = gr.Textbox(label="Queries to look at (comma separated, press Enter)", value=WORDS, scale=2)
        go_btn = gr.Button("Search", variant="primary", scale=1, min_width=120)
    page_examples = [[e["vectors"], e["index"], e["ef"], e["nprobe"],
                      e["queries"] if not e["queries"].isdigit() else default_words(e["vectors"])] for e in EXAMPLES]
    examples = gr.Examples(page_examples, inputs=[vectors, index, ef, nprobe, words], example_labels=list(LABELS),
                           label="Examples that teach (click one)")
    summary = gr.Markdown()
    plot = gr.Plot(label="Recall vs speed", visible=False)
    with gr.Row():
        with gr.Column(scale=1):
            gr.Markdown("**Building the indexes** (once; then kept)")
            builds = gr.HTML()
        with gr.Column(scale=1):
            lists = gr.HTML()
    inputs = [vectors, index, ef, nprobe, words]
    outputs = [summary, plot, builds, lists, nprobe, words]
    gr.on([go_btn.click, words.submit, index.input, ef.release, nprobe.release], run, inputs, outputs,
          api_visibility="private")
    vectors.input(run_new_set, [vectors, index, ef, nprobe], outputs, api_visibility="private")
    examples.load_input_event.then(run, inputs, outputs, api_visibility="private")
    page.load(run, inputs, outputs, api_visibility="private")
