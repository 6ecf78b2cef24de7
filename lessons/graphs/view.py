"""Graphs lesson page: message passing one round at a time, training on the karate club, pooling. Gradio only."""
from __future__ import annotations

import gradio as gr
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lessons.graphs import compute, data, train
from lessons.graphs.examples import EXAMPLES, LABELS
from lessons.ui import hide_plot, show_plot
from media.errors import InputError
from tabs.common import esc, streamed, user_errors

FONT = dict(size=15)
GROUP_COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#4b5563")
TYPED = "typed"
GRAPH_CHOICES = [("Zachary's karate club (34 members)", "karate"), ("Les Misérables (77 characters)", "les-miserables"),
                 ("Florentine families (15)", "florentine"), ("A triangle", "triangle"),
                 ("Two triangles (one graph)", "two-triangles"), ("Your edges (type or upload below)", TYPED)]
RULE_CHOICES = [("GCN: D^-½(A+I)D^-½ H", "gcn"), ("mean of neighbours", "mean"), ("sum of neighbours", "sum"),
                ("GAT (attention)", "gat")]
FEATURE_CHOICES = [("one-hot (node i = unit vector i)", "onehot"), ("random (16 numbers)", "random"),
                   ("one-hot of the degree", "degree")]
WEIGHT_CHOICES = [("none: pure propagation", "none"), ("random W + tanh (untrained GNN)", "random")]
SIDES = ("Mr. Hi", "Officer")
FRAME_PACE_S = 0.06  # pause between training frames so a class can watch the plots move


def group_colours(groups) -> dict[str, str]:
    return {g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(sorted(set(groups)))}


def short_name(name: str, n: int = 14) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


# -- message passing figures ------------------------------------------------------------------------
def graph_figure(pw: compute.PageWalk, r: compute.Reach, k: int) -> go.Figure:
    """The graph as drawn by networkx's spring layout; colour: each node's share in the followed node."""
    g, w, xy = pw.walk.graph, pw.walk, pw.layout
    fig = go.Figure()
    att = w.attention[k - 1] if (w.rule == "gat" and k >= 1) else None
    if att is None:
        xs, ys = [], []
        for i, j in g.edges:
            xs += [xy[i, 0], xy[j, 0], None]
            ys += [xy[i, 1], xy[j, 1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#9ca3af", width=1.5), hoverinfo="skip"))
    else:  # line width: the two directions' attention averaged, in four bands
        bands = [(0.0, 0.1, 1), (0.1, 0.2, 2.5), (0.2, 0.35, 4.5), (0.35, 1.01, 7)]
        for low, high, width in bands:
            xs, ys = [], []
            for i, j in g.edges:
                a = 0.5 * (att[i, j] + att[j, i])
                if low <= a < high:
                    xs += [xy[i, 0], xy[j, 0], None]
                    ys += [xy[i, 1], xy[j, 1], None]
            if xs:
                fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#a78bfa", width=width),
                                         hoverinfo="skip"))
        f = r.node
        nbrs = [j for j in range(g.n) if att[f, j] > 0 and j != f]
        if len(nbrs) <= 8:  # write the followed node's incoming weights on its edges (more would overlap)
            fig.add_trace(go.Scatter(
                x=[xy[f, 0] + 0.6 * (xy[j, 0] - xy[f, 0]) for j in nbrs],
                y=[xy[f, 1] + 0.6 * (xy[j, 1] - xy[f, 1]) for j in nbrs],
                mode="text", text=[f"{att[f, j]:.2f}" for j in nbrs], textfont=dict(size=13, color="#5b21b6"),
                hoverinfo="skip"))
    share = r.share
    reached = share > 0
    logs = np.log10(np.clip(share, 1e-3, 1.0))
    hover = [f"<b>{esc(g.names[i])}</b><br>{esc(g.groups[i])}<br>{pw.hops[r.node, i] if pw.hops[r.node, i] >= 0 else 'no'} "
             f"hop(s) from {esc(g.names[r.node])}<br>share of its start in {esc(g.names[r.node])}: {share[i]:.4f}"
             + (f"<br>attention {esc(g.names[r.node])} ← it: {att[r.node, i]:.3f}" if att is not None and att[r.node, i] > 0
                else "")
             for i in range(g.n)]
    labelled = g.n <= 20  # small graphs: every node's name on the drawing
    mode = "markers+text" if labelled else "markers"
    names = [short_name(v) for v in g.names]
    idx = np.flatnonzero(~reached)
    if len(idx):
        fig.add_trace(go.Scatter(x=xy[idx, 0], y=xy[idx, 1], mode=mode, name="not reached yet",
                                 text=[names[i] for i in idx], textposition="top center", textfont=dict(size=13),
                                 marker=dict(size=13, color="#e5e7eb", line=dict(color="#6b7280", width=1)),
                                 hovertext=[hover[i] for i in idx], hoverinfo="text"))
    idx = np.flatnonzero(reached)
    fig.add_trace(go.Scatter(
        x=xy[idx, 0], y=xy[idx, 1], mode=mode, text=[names[i] if i != r.node else "" for i in idx],
        textposition="top center", textfont=dict(size=13),
        marker=dict(size=15, color=logs[idx], colorscale="YlOrRd", cmin=-3, cmax=0, line=dict(color="#374151", width=1),
                    colorbar=dict(title="share", tickvals=[-3, -2, -1, 0], ticktext=["≤0.001", "0.01", "0.1", "1"],
                                  thickness=14)),
        hovertext=[hover[i] for i in idx], hoverinfo="text"))
    f = r.node
    fig.add_trace(go.Scatter(x=[xy[f, 0]], y=[xy[f, 1]], mode="markers+text", text=[short_name(g.names[f])],
                             textposition="top center", textfont=dict(size=15),
                             marker=dict(symbol="star", size=24, color="#111827"), hovertext=[hover[f]],
                             hoverinfo="text"))
    title = f"Round {k}: who has reached {short_name(g.names[f], 16)}"
    if att is not None:
        title += " · width: attention"
    fig.update_layout(title=title, font=FONT, showlegend=False, height=430, margin=dict(l=10, r=10, t=50, b=10),
                      xaxis=dict(visible=False, range=[-1.1, 1.1]), yaxis=dict(visible=False, range=[-1.12, 1.22]),
                      plot_bgcolor="white")
    return fig


def map_figure(pw: compute.PageWalk, k: int, focus: int) -> go.Figure:
    """The node vectors of round k, each scaled to length 1, through one PCA fitted on all rounds."""
    w = pw.walk
    g, c = w.graph, w.coords
    colours = group_colours(g.groups)
    fig = go.Figure()
    for group, colour in colours.items():
        idx = [i for i in range(g.n) if g.groups[i] == group]
        fig.add_trace(go.Scatter(
            x=c[k, idx, 0], y=c[k, idx, 1], mode="markers", name=group,
            marker=dict(size=13, color=colour, line=dict(color="white", width=1)),
            hovertext=[f"<b>{esc(g.names[i])}</b><br>{esc(group)}" for i in idx], hoverinfo="text"))
    fig.add_trace(go.Scatter(x=[c[k, focus, 0]], y=[c[k, focus, 1]], mode="markers", showlegend=False,
                             marker=dict(symbol="star", size=22, color="#111827"), hoverinfo="skip"))
    pad = 0.08
    lo, hi = c.min(axis=(0, 1)), c.max(axis=(0, 1))  # the same axes for every round
    span = np.maximum(hi - lo, 1e-6)
    fig.update_layout(
        title=f"Round {k}: node vectors (length 1), fixed axes", font=FONT, height=430,
        margin=dict(l=10, r=10, t=80, b=40), legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=14)),
        xaxis=dict(title=f"PC1 ({w.explained[0]:.0%} of variance)", range=[lo[0] - pad * span[0], hi[0] + pad * span[0]],
                   zeroline=False),
        yaxis=dict(title=f"PC2 ({w.explained[1]:.0%})", range=[lo[1] - pad * span[1], hi[1] + pad * span[1]],
                   zeroline=False))
    return fig


def strips_figure(pw: compute.PageWalk, k: int) -> go.Figure:
    """Every node's vector at round k (scaled to length 1) as a row of colours, rows grouped by colour group."""
    w = pw.walk
    g = w.graph
    order = sorted(range(g.n), key=lambda i: (g.groups[i], i))
    cols = order if w.features == "onehot" else list(range(len(w.columns)))
    z = w.unit[k][np.ix_(order, cols)]  # [n, d], rows and (one-hot) columns in group order
    rows = [f"{short_name(g.names[i])} · {g.groups[i]}" if g.n <= 40 else g.names[i] for i in order]
    colnames = [w.columns[j] for j in cols]
    fig = go.Figure(go.Heatmap(
        z=z, y=rows, x=[short_name(cn, 12) for cn in colnames], colorscale="RdBu_r", zmin=-1, zmax=1,
        colorbar=dict(title="value", tickvals=[-1, 0, 1], thickness=14),
        customdata=np.array([[c for c in colnames] for _ in rows]),
        hovertemplate="%{y}<br>%{customdata}: %{z:.3f}<extra></extra>"))
    ylabel = dict(autorange="reversed", showticklabels=g.n <= 40, tickfont=dict(size=12))
    what = "column j: share of node j's start" if w.features == "onehot" else f"{len(cols)} numbers ({w.features})"
    fig.update_layout(title=f"Round {k}: every node's vector, length 1",
                      font=FONT, height=min(1300, 190 + 15 * g.n), margin=dict(l=10, r=10, t=50, b=10),
                      yaxis=ylabel, xaxis=dict(title=what, showticklabels=len(cols) <= 40, tickfont=dict(size=11),
                                               side="bottom"))
    return fig


def smoothing_figure(pw: compute.PageWalk, k: int) -> go.Figure:
    w = pw.walk
    rounds = list(range(w.steps + 1))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=rounds, y=w.edge_cosine, mode="lines+markers", name="between neighbours",
                             line=dict(color="#ea580c", width=3)))
    fig.add_trace(go.Scatter(x=rounds, y=w.mean_cosine, mode="lines+markers", name="between all pairs",
                             line=dict(color="#dc2626", width=3, dash="dot")))
    fig.add_vline(x=k, line=dict(color="#111827", width=2, dash="dash"))
    fig.update_layout(title="Over-smoothing: mean cosine per round", font=FONT, height=430,
                      margin=dict(l=10, r=10, t=50, b=40), legend=dict(orientation="h", y=-0.22, font=dict(size=14)),
                      xaxis=dict(title="round"), yaxis=dict(title="cosine (−1..1)", range=[-1.02, 1.02]))
    return fig


def summary_markdown(pw: compute.PageWalk, r: compute.Reach, k: int) -> str:
    w = pw.walk
    g = w.graph
    name = g.names[r.node]
    parts = [f"**Round {k} of {w.steps}** on {esc(g.title)} ({g.n} nodes, {len(g.edges)} edges). "]
    if r.same:
        parts.append(f"**{esc(name)}** now holds a share of the starting vectors of **{r.mixed} of {g.n} nodes**: "
                     f"exactly the nodes within {k} hop{'s' if k != 1 else ''} of it (networkx counts {r.within}).")
    else:
        parts.append(f"**{esc(name)}** holds a non-zero share of {r.mixed} nodes' starting vectors; networkx counts "
                     f"{r.within} nodes within {k} hops (the rest are shares too small for a float64).")
    parts.append(f" Mean cosine between neighbours **{w.edge_cosine[k]:.3f}** (round 0: {w.edge_cosine[0]:.3f}), "
                 f"between all pairs of nodes **{w.mean_cosine[k]:.3f}** (round 0: {w.mean_cosine[0]:.3f}).")
    norms = np.linalg.norm(w.h[k], axis=1)
    norms0 = np.linalg.norm(w.h[0], axis=1)
    if w.rule == "sum" and w.weights == "none" and k:
        parts.append(f" With sum, vectors grow: the longest is now {norms.max() / norms0.max():,.0f} times as long as "
                     "at round 0 (the map and strips scale every vector to length 1).")
    if w.rule == "gat":
        parts.append(" GAT's attention weights into each node (its neighbours and itself) are a softmax, so they sum "
                     "to 1; with weights 'none' the attention vector is random (untrained), the same every round.")
    if w.weights == "random":
        parts.append(" Each round multiplies by a new random W and applies tanh: an untrained GNN. The colours on the "
                     "graph show the propagation's mixing, W aside.")
    parts.append(f"\n\n*{esc(g.group_note)}.*")
    return "".join(parts)


def focus_index(g: data.Graph, focus: str | None, default: int) -> int:
    return g.names.index(focus) if focus in g.names else default


@user_errors
def render(graph_key, edges_text, features, rule, weights, seed, step, focus):
    source = edges_text if graph_key == TYPED else graph_key
    if graph_key == TYPED and not str(edges_text or "").strip():
        raise InputError("Type some edges in the box, one 'u v' per line (e.g. 'a b'), or upload an edge list.")
    pw = compute.page_walk(str(source), features, rule, compute.check_int(seed, "seed", 0, compute.MAX_SEED), weights)
    g = pw.walk.graph
    k = compute.check_int(step, "round", 0, compute.PAGE_STEPS)
    f = focus_index(g, focus, pw.focus)
    r = compute.reach(pw, f, k)
    return (summary_markdown(pw, r, k), show_plot(graph_figure(pw, r, k)), show_plot(map_figure(pw, k, f)),
            show_plot(strips_figure(pw, k)), show_plot(smoothing_figure(pw, k)),
            gr.update(choices=list(g.names), value=g.names[f]))


def moved_js(delta: int | None) -> str:
    """Step (+1), Back (-1) or Reset (None): the next round, computed in the browser (no round trip)."""
    if delta is None:
        return "(k) => 0"
    return f"(k) => Math.min({compute.PAGE_STEPS}, Math.max(0, Math.round(Number(k) || 0) + ({delta})))"


@user_errors(heavy=False)
def upload_edges(file):
    if file is None:
        return gr.update(), gr.update()
    path = file if isinstance(file, str) else getattr(file, "name", None) or file.get("path")
    return data.read_edge_file(path), TYPED


# -- training figures -------------------------------------------------------------------------------
def curve_figure(frame: train.Frame) -> go.Figure:
    epochs = [h[0] for h in frame.history]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=epochs, y=[h[1] for h in frame.history], mode="lines", name="training loss",
                             line=dict(color="#6b7280", width=3)), secondary_y=False)
    fig.add_trace(go.Scatter(x=epochs, y=[h[2] for h in frame.history], mode="lines+markers",
                             name="accuracy on the other 30", line=dict(color="#16a34a", width=3)), secondary_y=True)
    what = "GCN trained on 4 labels" if frame.method == "gcn" else "GRACE (no labels), probed with 4 labels"
    fig.update_layout(title=f"{what}: epoch {frame.epoch} of {frame.epochs}", font=FONT, height=420,
                      margin=dict(l=10, r=10, t=50, b=40), legend=dict(orientation="h", y=-0.2, font=dict(size=14)),
                      xaxis=dict(title="epoch", range=[0, frame.epochs]))
    fig.update_yaxes(title_text="loss", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text="accuracy (0..1)", range=[0, 1.02], secondary_y=True, showgrid=False, color="#16a34a")
    return fig


def training_map_figure(frame: train.Frame) -> go.Figure:
    g, labels = train.karate_labels()
    c = frame.coords
    fig = go.Figure()
    for side, colour in zip((0, 1), GROUP_COLOURS):
        idx = [i for i in range(g.n) if labels[i] == side and i not in frame.labelled]
        wrong = [i for i in idx if frame.predicted[i] != labels[i]]
        fig.add_trace(go.Scatter(
            x=c[idx, 0], y=c[idx, 1], mode="markers", name=f"{SIDES[side]}'s side",
            marker=dict(size=14, color=colour, line=dict(color="white", width=1)),
            hovertext=[f"<b>{esc(g.names[i])}</b><br>joined {SIDES[side]}<br>predicted "
                       f"{SIDES[frame.predicted[i]]}" for i in idx], hoverinfo="text"))
        if wrong:
            fig.add_trace(go.Scatter(x=c[wrong, 0], y=c[wrong, 1], mode="markers", legendgroup="wrong",
                                     showlegend=not any(t.legendgroup == "wrong" for t in fig.data),
                                     name="predicted wrong", hoverinfo="skip",
                                     marker=dict(symbol="x-thin-open", size=20, color="#111827", line=dict(width=3))))
    lab = list(frame.labelled)
    fig.add_trace(go.Scatter(
        x=c[lab, 0], y=c[lab, 1], mode="markers+text", name="labelled (given)", text=[short_name(g.names[i]) for i in lab],
        textposition="top center", textfont=dict(size=14),
        marker=dict(symbol="diamond", size=20, color=[GROUP_COLOURS[labels[i]] for i in lab],
                    line=dict(color="#111827", width=2)),
        hovertext=[f"<b>{esc(g.names[i])}</b><br>label given: {SIDES[labels[i]]}" for i in lab], hoverinfo="text"))
    fig.update_layout(title="The members as the network sees them", font=FONT, height=420,
                      margin=dict(l=10, r=10, t=50, b=40), legend=dict(orientation="h", y=-0.12, font=dict(size=14)),
                      xaxis=dict(range=[-1.15, 1.15], zeroline=False), yaxis=dict(range=[-1.15, 1.25], zeroline=False))
    return fig


def training_markdown(frame: train.Frame, first: train.Frame) -> str:
    right = int(round(frame.accuracy * 30))
    text = (f"Epoch **{frame.epoch}** of {frame.epochs} · loss {frame.loss:.3f} · accuracy on the 30 members whose "
            f"side was not given: **{frame.accuracy:.2f}** ({right} of 30). Labelled: "
            f"{', '.join(esc(train.karate_labels()[0].names[i]) for i in frame.labelled)}.")
    if frame.final:
        text += (f"\n\nBefore training (epoch 0) the same {'network' if frame.method == 'gcn' else 'probe'} scored "
                 f"{first.accuracy:.2f}. Trained in {frame.seconds:.1f} s (the page shows frames a little slower so "
                 f"you can watch). Map: {frame.map_note}.")
        if frame.baseline is not None:
            text += (f" The same probe on the raw one-hot features (no graph) scores {frame.baseline:.2f}: "
                     "4 labelled one-hot rows say nothing about the other members.")
    return text


def train_frames(method, labelled, seed):
    seed = compute.check_int(seed, "seed", 0, compute.MAX_SEED)
    first = None
    for frame in train.STEPPERS[method](seed, labelled):
        first = first or frame
        yield (show_plot(curve_figure(frame)), show_plot(training_map_figure(frame)), training_markdown(frame, first))


# -- pooling ----------------------------------------------------------------------------------------
TRIANGLES_SVG = (
    "<svg width='230' height='70' viewBox='0 0 230 70' role='img' aria-label='a triangle, and two triangles'>"
    "<g stroke='#374151' stroke-width='2' fill='#93c5fd'>"
    "<polygon points='30,8 8,60 52,60' fill='none'/><circle cx='30' cy='8' r='6'/><circle cx='8' cy='60' r='6'/>"
    "<circle cx='52' cy='60' r='6'/>"
    "<polygon points='130,8 108,60 152,60' fill='none'/><circle cx='130' cy='8' r='6'/><circle cx='108' cy='60' r='6'/>"
    "<circle cx='152' cy='60' r='6'/>"
    "<polygon points='200,8 178,60 222,60' fill='none'/><circle cx='200' cy='8' r='6'/><circle cx='178' cy='60' r='6'/>"
    "<circle cx='222' cy='60' r='6'/></g>"
    "<line x1='80' y1='4' x2='80' y2='66' stroke='#9ca3af' stroke-dasharray='4 3'/></svg>")


def vec(v) -> str:
    return "[" + ", ".join(f"{x:.2f}" for x in v) + "]"


@user_errors(heavy=False)
def pooling_html() -> str:
    pair = compute.pooling_pair()
    rows = "".join(
        f"<tr><td><b>{r.name}</b></td><td><code>{vec(r.one)}</code></td><td><code>{vec(r.two)}</code></td>"
        f"<td class='{'pool-same' if r.same else 'pool-diff'}'>{'no: the same vector' if r.same else 'yes'}</td></tr>"
        for r in pair.rows)
    nodes = ", ".join(vec(v) for v in pair.node_vectors)
    a1 = " / ".join(f"{a:.2f}" for a in pair.attention_one)
    a2 = " / ".join(f"{a:.2f}" for a in pair.attention_two[:3])
    return (f"<div class='pool-pair'>{TRIANGLES_SVG}<div>Left: one triangle. Right: two copies of it, as one graph. "
            f"Node vectors (4 random numbers each): {nodes}, the same three in each copy; any message-passing "
            "network would give a copy's nodes the same vectors, since each copy looks like the triangle from "
            "inside.</div></div>"
            "<table class='pool-table'><tr><th>pooling</th><th>one triangle</th><th>two triangles</th>"
            f"<th>tells them apart?</th></tr>{rows}</table>"
            f"<p>Attention pooling (PyG <code>AttentionalAggregation</code>, an untrained gate) weights the triangle's "
            f"nodes {a1}; with two copies each weight halves ({a2}, twice), so the weighted sum is the same vector.</p>")


# -- page -------------------------------------------------------------------------------------------
def example_rows():
    rows = []
    for e in EXAMPLES:
        key = e["edges"] if e["edges"] in data.BUNDLED else TYPED
        rows.append([key, "" if key != TYPED else e["edges"], e["features"], e["rule"], e["weights"], e["seed"],
                     e["steps"]])
    return rows


def build(page: gr.Blocks) -> None:
    first = EXAMPLES[0]
    gr.Markdown("## 1. Message passing, one round at a time")
    with gr.Row():
        graph_key = gr.Dropdown(GRAPH_CHOICES, value=first["edges"], label="Graph", scale=2)
        features = gr.Radio(FEATURE_CHOICES, value=first["features"], label="Starting vectors", scale=3)
        seed = gr.Number(value=first["seed"], precision=0, minimum=0, label="Seed", scale=1, min_width=90)
    with gr.Row():
        rule = gr.Radio(RULE_CHOICES, value=first["rule"], label="Rule (each adds a self-loop)", scale=3)
        weights = gr.Radio(WEIGHT_CHOICES, value=first["weights"], label="Weights", scale=2)
    with gr.Accordion("Your own graph: type edges or upload an edge list", open=False):
        with gr.Row():
            edges_text = gr.Textbox(label="Edges, one 'u v' per line (then pick 'Your edges' above)", lines=4,
                                    placeholder="alice bob\nbob carol\ncarol alice", scale=3,
                                    max_length=data.MAX_TEXT_CHARS)
            upload = gr.UploadButton("Upload an edge list (.txt, .csv)", file_types=[".txt", ".csv", ".tsv", ".edgelist"],
                                     scale=1)
            use_typed = gr.Button("Use these edges", scale=1)
    step = gr.Slider(0, compute.PAGE_STEPS, value=first["steps"], step=1, label="Round k", elem_id="graphs-round")
    examples = gr.Examples(example_rows(), inputs=[graph_key, edges_text, features, rule, weights, seed, step],
                           example_labels=list(LABELS), label="Examples that teach (click one)")
    with gr.Row():
        back = gr.Button("◀ Back", scale=1, min_width=90)
        forward = gr.Button("Step ▶", variant="primary", scale=2, min_width=120, elem_id="graphs-step")
        reset = gr.Button("Reset to round 0", scale=1, min_width=120)
        focus = gr.Dropdown(choices=[], value=None, label="Follow this node (the star)", scale=2,
                            allow_custom_value=False)
    summary = gr.Markdown(elem_classes=["graphs-summary"])
    with gr.Row(equal_height=False):
        graph_plot = gr.Plot(label="The graph", visible=False, elem_id="graphs-graph")
        map_plot = gr.Plot(label="Node map", visible=False, elem_id="graphs-map")
    with gr.Row(equal_height=False):
        strips_plot = gr.Plot(label="Node vectors as colour strips", visible=False)
        smooth_plot = gr.Plot(label="Over-smoothing", visible=False, elem_id="graphs-smoothing")
    inputs = [graph_key, edges_text, features, rule, weights, seed, step, focus]
    outputs = [summary, graph_plot, map_plot, strips_plot, smooth_plot, focus]
    gr.on([graph_key.input, features.input, rule.input, weights.input, seed.submit, step.release, focus.input],
          render, inputs, outputs, api_visibility="private")
    for button, delta in ((forward, +1), (back, -1), (reset, None)):  # the new round is set in the browser
        button.click(None, step, step, js=moved_js(delta), api_visibility="private").then(
            render, inputs, outputs, api_visibility="private")
    upload.upload(upload_edges, upload, [edges_text, graph_key], api_visibility="private").then(
        render, inputs, outputs, api_visibility="private")
    use_typed.click(lambda: TYPED, None, graph_key, api_visibility="private").then(
        render, inputs, outputs, api_visibility="private")
    examples.load_input_event.then(render, inputs, outputs, api_visibility="private")

    gr.Markdown("## 2. Train it on the karate club\nThe club split in two. Give the network the side of only "
                "**4 members** (or none at all) and see whether it finds the sides of the other 30 from the ties.")
    with gr.Row():
        method = gr.Radio([("GCN trained with 4 labels", "gcn"), ("GRACE: no labels, then a linear probe", "grace")],
                          value="gcn", label="Training", scale=3)
        labelled = gr.Radio([("leaders: 0, 2, 32, 33", "leaders"), ("2 random per side (seed)", "random")],
                            value="leaders", label="The 4 labelled members", scale=2)
        train_seed = gr.Number(value=0, precision=0, minimum=0, label="Seed", scale=1, min_width=90)
        train_btn = gr.Button("Train", variant="primary", scale=1, min_width=110, elem_id="graphs-train")
    train_note = gr.Markdown("Press **Train**: the curve and the map update as it learns.")
    with gr.Row(equal_height=False):
        curve_plot = gr.Plot(label="Training curve", visible=False, elem_id="graphs-curve")
        members_plot = gr.Plot(label="Members map", visible=False, elem_id="graphs-members")
    train_btn.click(streamed(train_frames, pace=FRAME_PACE_S), [method, labelled, train_seed],
                    [curve_plot, members_plot, train_note], api_visibility="private")

    gr.Markdown("## 3. One vector for the whole graph: pooling")
    pool_out = gr.HTML(elem_classes=["graphs-pool"])
    # one load event for the whole page (the worked example and the pooling table)
    page.load(lambda *args: (*render(*args), pooling_html()), inputs, outputs + [pool_out], api_visibility="private")
