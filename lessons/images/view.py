"""Images page: EfficientNet's 7 x 7 feature map and its average, a ViT's patches, and a linear probe."""
from __future__ import annotations

import gradio as gr
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lessons.images import compute, probe
from lessons.images.examples import EXAMPLES, LABELS
from lessons.images.pictures import gallery_picture_ids
from lessons.ui import hide_plot, show_plot
from tabs.common import esc, user_errors

FONT = dict(size=15)
RELU6 = 6.0  # EfficientNet-Lite's activation is ReLU6: every feature-map value lies in 0..6
SCALE = "YlOrRd"  # one colour scale for every feature-map plot: pale = 0, dark red = 6
REP_COLOURS = {"pixels": "#9ca3af", "efficientnet": "#2563eb", "bridge": "#16a34a", "clip": "#9333ea"}


def _layout(fig: go.Figure, title: str, height: int, top: int = 70, **kw) -> go.Figure:
    fig.update_layout(title=title, height=height, font=FONT, margin=dict(l=10, r=10, t=top, b=10), **kw)
    return fig


# -- 1. the CNN ------------------------------------------------------------------------------------------
def png_source(pixels: np.ndarray) -> str:
    """[H, W, 3] uint8 as a PNG data URI for ``go.Image(source=...)``.

    Headless chromium drew the channel figure in 0.12-0.27 s this way and in 0.76-0.98 s with ``go.Image(z=...)``
    (plotly.js ``newPlot``, 3 runs each, /tmp script, busy machine); the pixels are the same.
    """
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def grid_shapes(n: int, step: int, colour: str, width: float, xref: str = "x", yref: str = "y") -> list[dict]:
    """The lines of an n x n grid of step-pixel squares over an image (plain dicts: one layout update, fast)."""
    end = n * step - 0.5
    lines = []
    for i in range(n + 1):
        v = i * step - 0.5
        lines.append(dict(type="line", x0=v, x1=v, y0=-0.5, y1=end, xref=xref, yref=yref,
                          line=dict(color=colour, width=width)))
        lines.append(dict(type="line", x0=-0.5, x1=end, y0=v, y1=v, xref=xref, yref=yref,
                          line=dict(color=colour, width=width)))
    return lines


def channel_figure(seen: np.ndarray, values: np.ndarray, channel: int, mean: float) -> go.Figure:
    """The crop the network sees with one channel's 7 x 7 values over it, and the same 49 numbers."""
    g, px = compute.GRID, compute.CELL_PIXELS
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.06,
                        subplot_titles=("where it fires on the 224 x 224 input", "its 49 values (colour 0..6)"))
    fig.add_trace(go.Image(source=png_source(seen), hoverinfo="skip"), row=1, col=1)
    centres = np.arange(g) * px + px / 2 - 0.5
    fig.add_trace(go.Heatmap(z=values, x=centres, y=centres, zmin=0, zmax=RELU6, colorscale=SCALE, opacity=0.55,
                             showscale=False, hovertemplate="%{z:.3f}<extra></extra>"),
                  row=1, col=1)
    fig.update_layout(shapes=grid_shapes(g, px, "white", 1.5))
    fig.add_trace(go.Heatmap(z=values.astype(np.float64), x=list(range(1, g + 1)), y=list(range(1, g + 1)), zmin=0,
                             zmax=RELU6, colorscale=SCALE, texttemplate="%{z:.1f}", textfont=dict(size=14),
                             xgap=1, ygap=1, colorbar=dict(title="value", thickness=14),
                             hovertemplate="cell row %{y}, column %{x}: %{z:.4f}<extra></extra>"),
                  row=1, col=2)
    fig.update_xaxes(visible=False, row=1, col=1)
    fig.update_yaxes(visible=False, row=1, col=1)
    fig.update_yaxes(autorange="reversed", title="row", dtick=1, row=1, col=2)
    fig.update_xaxes(title="column", dtick=1, side="bottom", row=1, col=2)
    return _layout(fig, f"Channel {channel} of 1280: one number per cell<br><sup>mean of these 49 numbers = "
                        f"{mean:.4f} = number {channel} of the pooled vector</sup>", 500, top=110)


def cells_figure(fm: compute.FeatureMap) -> go.Figure:
    """All 49 cells x 1280 channels, and under them their mean: the pooled vector."""
    g = compute.GRID
    labels = [f"cell {r + 1},{c + 1}" for r in range(g) for c in range(g)]
    fig = make_subplots(rows=2, cols=1, row_heights=[0.86, 0.14], shared_xaxes=True, vertical_spacing=0.04)
    fig.add_trace(go.Heatmap(z=fm.cells, y=labels, zmin=0, zmax=RELU6, colorscale=SCALE,
                             colorbar=dict(title="value", thickness=14),
                             hovertemplate="%{y}<br>channel %{x}: %{z:.3f}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Heatmap(z=fm.mean_of_cells[None].astype(np.float32), y=["mean = GAP"], zmin=0, zmax=RELU6,
                             colorscale=SCALE, showscale=False,
                             hovertemplate="mean of the 49 cells<br>channel %{x}: %{z:.4f}<extra></extra>"),
                  row=2, col=1)
    fig.update_yaxes(autorange="reversed", tickvals=labels[::g], row=1, col=1)
    fig.update_xaxes(title="channel (0..1279)", row=2, col=1)
    return _layout(fig, "The whole feature map: 49 cells x 1280 channels (colour fixed 0..6, ReLU6's range)<br>"
                        "<sup>the bottom row is their average, column by column: the image's vector</sup>", 560)


def gap_md(fm: compute.FeatureMap) -> str:
    top = ", ".join(f"{esc(name)} {p:.0%}" for name, p in fm.top_labels[:3])
    same = "the same numbers (float rounding)" if fm.gap_difference < 1e-4 else "NOT the same numbers"
    return (f"**{esc(fm.picture.label)}**: EfficientNet-Lite0's last feature map is **1280 channels x 7 x 7 cells**. "
            f"Each of the 49 cells is a 1280-number vector sitting over one 32 x 32-pixel square of the 224 x 224 "
            f"input (its receptive field is wider: each cell has seen much of the picture).\n\n"
            f"**Global average pooling** throws away *where*: the image's vector is the mean of the 49 cells. "
            f"Mean of the cells computed here vs the vector the encoder returns: largest difference "
            f"**{fm.gap_difference:.1e}**, {same}. Normalised to length 1 it is the vector `/embed` gives "
            f"(largest difference {fm.embed_difference:.1e}).\n\n"
            f"The ImageNet classifier sees only this one vector: its top classes here are {top}.")


# -- 2. the ViT ------------------------------------------------------------------------------------------
def patches_figure(t) -> go.Figure:
    from lessons.images import vit

    fig = go.Figure(go.Image(source=png_source(t.seen), hoverinfo="skip"))
    numbers = [dict(x=c * vit.PATCH + vit.PATCH / 2, y=r * vit.PATCH + vit.PATCH / 2, text=str(r * vit.GRID + c + 1),
                    showarrow=False, font=dict(size=14, color="black"), bgcolor="rgba(255,255,255,0.75)")
               for r in range(vit.GRID) for c in range(vit.GRID)]
    fig.update_layout(shapes=grid_shapes(vit.GRID, vit.PATCH, "yellow", 2), annotations=numbers)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return _layout(fig, "49 patches of 32 x 32 pixels<br><sup>token 0 is [CLS]; patch n is token n</sup>", 470)


def tokens_figure(t) -> go.Figure:
    lim = t.colour_limit
    rows = ["[CLS]"] + [f"patch {i}" for i in range(1, t.tokens.shape[0])]
    random = "" if t.stem.trained else "RANDOM weights: "
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.03)
    captions = ("projected patches<br>(row 0: the [CLS] vector)", "+ position rows", "= the transformer's input")
    for j, (z, caption) in enumerate(zip((t.projected, t.position, t.tokens), captions), start=1):
        fig.add_trace(go.Heatmap(z=z.astype(np.float32), y=rows, zmin=-lim, zmax=lim, colorscale="RdBu_r",
                                 showscale=(j == 3), colorbar=dict(title="value", thickness=14),
                                 hovertemplate="%{y}, number %{x}: %{z:.3f}<extra></extra>"), row=1, col=j)
        fig.update_xaxes(title=caption, row=1, col=j)
    fig.update_yaxes(autorange="reversed", tickvals=rows[::7], row=1, col=1)
    return _layout(fig, f"{random}50 tokens x 768 numbers (one column per number)<br><sup>colour saturates at "
                        f"±{lim:.2f} (99th percentile of the three tables)</sup>", 560)


def vit_md(t) -> str:
    s = t.stem
    norms = t.as_json()["token_norms"]
    head = (f"**{esc(s.label)}.** " + (f"{esc(s.note)}\n\n" if s.note else "\n\n"))
    return head + (
        f"A ViT-B/32 cuts the 224 x 224 picture into a 7 x 7 grid of 32 x 32 patches: 49 patches of "
        f"3 x 32 x 32 = **3,072 numbers** each. One linear map (a 768 x 3,072 matrix; in code a 32 x 32 convolution "
        f"with stride 32, `conv1`) turns each patch into **768 numbers**; here the convolution and the explicit matrix "
        f"product (both in 64-bit floats) differ by at most {t.conv_difference:.1e}. A learned **[CLS]** vector goes "
        f"in front (50 tokens), and "
        f"row *p* of a learned **position table** (50 x 768) is added to token *p*, so the model knows where each "
        f"patch was. These 50 x 768 numbers go through a LayerNorm and 12 transformer layers; CLIP's picture vector "
        f"is read from the [CLS] token at the end. Unlike the CNN, no average over places: attention lets "
        f"[CLS] gather what it needs from every patch.\n\n"
        f"In these tables the projected patches have a median length of {np.median(norms['projected'][1:]):.2f} and "
        f"the position rows {np.median(norms['position']):.2f}"
        + (": with random weights the positions barely change the tokens." if
           np.median(norms['position']) < 0.5 * np.median(norms['projected'][1:]) else "."))


# -- 3. the probe ------------------------------------------------------------------------------------------
def accuracy_figure(r: probe.ProbeResult) -> go.Figure:
    names = [s.label + f" ({s.dim}-d)" for s in r.scores]
    fig = go.Figure(go.Bar(
        y=names, x=[s.accuracy for s in r.scores], orientation="h",
        marker_color=[REP_COLOURS.get(s.name, "#6b7280") for s in r.scores],
        text=[f"{s.accuracy:.2f} ({s.correct}/{r.test_n})" for s in r.scores], textposition="outside",
        textfont=dict(size=15), hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    fig.add_vline(x=r.chance, line=dict(color="#dc2626", dash="dash", width=2))
    fig.add_annotation(x=r.chance, y=1.0, yref="paper", text=f"chance 1/{len(r.groups)}", showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(size=14, color="#dc2626"))
    fig.update_xaxes(range=[0, 1.12], title="accuracy on held-out pictures (fixed scale 0..1)")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, f"Linear probe: {len(r.groups)} groups, trained on {r.train_n} gallery pictures, "
                        f"tested on {r.test_n} set aside", 120 + 70 * len(r.scores))


def confusion_figure(r: probe.ProbeResult, name: str) -> go.Figure:
    score = next((s for s in r.scores if s.name == name), r.scores[0])
    top = max(r.test_counts) if r.test_counts else 1
    fig = go.Figure(go.Heatmap(
        z=score.confusion, x=r.titles, y=r.titles, zmin=0, zmax=top, colorscale="Blues",
        text=score.confusion, texttemplate="%{text}", textfont=dict(size=14),
        colorbar=dict(title="pictures", thickness=14, dtick=1),
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title="true group", automargin=True)
    fig.update_xaxes(title="predicted group", tickangle=-35, automargin=True)
    return _layout(fig, f"Confusion matrix: {score.label}<br><sup>diagonal = right; colour 0..{top} "
                        "(the most held-out pictures in one group)</sup>", 260 + 30 * len(r.groups))


def probe_md(r: probe.ProbeResult) -> str:
    lines = [f"Chance for {len(r.groups)} groups is **{r.chance:.2f}**; always answering the commonest group scores "
             f"{r.majority:.2f} on these held-out pictures."]
    for s in r.scores:
        lines.append(f"- **{esc(s.label)}** ({s.dim} numbers; {esc(probe.WHAT[s.name])}): held-out accuracy "
                     f"**{s.accuracy:.2f}** "
                     f"({s.correct}/{r.test_n}), training accuracy {s.train_accuracy:.2f}, fitted in "
                     f"{s.fit_seconds:.2f} s.")
    for name, reason in r.unavailable.items():
        lines.append(f"- {esc(probe.LABELS[name])}: not available here ({esc(reason[:160])}).")
    lines.append(f"\nWith {r.test_n} held-out pictures, one picture is {1 / max(r.test_n, 1):.0%} of the score: "
                 "differences of a few points are noise.")
    return "\n".join(lines)


# -- handlers -----------------------------------------------------------------------------------------------
@user_errors
def run(gallery_id: str, upload: str | None):
    fm = compute.feature_map(compute.load_picture(gallery_id, upload))
    k = fm.strongest_channel()
    t = compute.vit.tokens(fm.picture.image)
    state = {"seen": fm.seen, "cells": fm.cells, "mean": fm.mean_of_cells}
    return (gap_md(fm), gr.update(value=k),
            show_plot(channel_figure(fm.seen, fm.channel_cells(k), k, float(fm.mean_of_cells[k]))),
            show_plot(cells_figure(fm)), vit_md(t), show_plot(patches_figure(t)), show_plot(tokens_figure(t)), state)


@user_errors(heavy=False)
def show_channel(channel: float, state: dict | None):
    if not state:
        return hide_plot()
    k = compute.check_channel(int(channel))
    if k is None:
        k = int(np.argmax(state["mean"]))
    cells = np.asarray(state["cells"])
    return show_plot(channel_figure(np.asarray(state["seen"]), cells[:, k].reshape(compute.GRID, compute.GRID), k,
                                    float(np.asarray(state["mean"])[k])))


@user_errors
def run_probe(groups: list[str], name: str):
    r = probe.run_probe(groups)
    names = [s.name for s in r.scores]
    name = name if name in names else ("efficientnet" if "efficientnet" in names else names[0])
    choices = [(s.label, s.name) for s in r.scores]
    return (show_plot(accuracy_figure(r)), probe_md(r), gr.update(choices=choices, value=name),
            show_plot(confusion_figure(r, name)), r)


@user_errors(heavy=False)
def show_confusion(name: str, r):
    if r is None:
        return hide_plot()
    return show_plot(confusion_figure(r, name))


def build(page: gr.Blocks) -> None:
    gr.Markdown("### 1. A CNN: a grid of cell vectors, then their average")
    choices = [(f"{caption} ({gid})", gid) for gid, caption in gallery_picture_ids()]
    with gr.Row():
        picture = gr.Dropdown(choices=choices, value=EXAMPLES[0]["gallery_id"], label="Gallery picture", scale=3)
        upload = gr.Image(type="filepath", label="…or upload a picture (it wins over the gallery)", scale=2,
                          sources=["upload", "clipboard"], height=180)
        go_btn = gr.Button("Look inside", variant="primary", scale=1, min_width=140)
    examples = gr.Examples([[e["gallery_id"]] for e in EXAMPLES], inputs=[picture], example_labels=list(LABELS),
                           label="Pictures that teach (click one)")
    gap = gr.Markdown()
    channel = gr.Slider(0, compute.CHANNELS - 1, step=1, value=0, label="Channel to show cell by cell "
                        "(set to the picture's strongest channel on every new picture)")
    channel_plot = gr.Plot(label="One channel", visible=False, show_label=False)
    cells_plot = gr.Plot(label="Feature map", visible=False, show_label=False)
    gr.Markdown("### 2. A Vision Transformer: patches, a projection, positions and [CLS]")
    vit_note = gr.Markdown()
    with gr.Row():
        patch_plot = gr.Plot(label="Patches", visible=False, show_label=False, scale=2)
        token_plot = gr.Plot(label="Tokens", visible=False, show_label=False, scale=5)
    state = gr.State()
    outputs = [gap, channel, channel_plot, cells_plot, vit_note, patch_plot, token_plot, state]
    gr.on([go_btn.click, picture.input, upload.upload], run, [picture, upload], outputs, api_visibility="private")
    examples.load_input_event.then(lambda: None, None, upload, api_visibility="private", queue=False).then(
        run, [picture, upload], outputs, api_visibility="private")
    # release: the handle let go; input: a number typed in the box (Enter). Only the newest request counts.
    gr.on([channel.release, channel.input], show_channel, [channel, state], channel_plot, trigger_mode="always_last",
          api_visibility="private")

    gr.Markdown("### 3. A linear probe: how much do the frozen vectors already know?\nA logistic regression learns "
                "one weight per number of the vector and group; the encoder itself stays frozen. It trains on the "
                "gallery's pictures of the groups you tick and is scored on pictures **set aside before the gallery "
                "was chosen**. The same probe on raw pixels shows what the network adds.")
    group_choices = probe.group_choices()
    with gr.Row():
        groups = gr.CheckboxGroup(choices=group_choices, value=[k for _, k in group_choices],
                                  label="Groups the probe tells apart", scale=5)
        train_btn = gr.Button("Train the probes", variant="primary", scale=1, min_width=140)
    accuracy_plot = gr.Plot(label="Probe accuracy", visible=False, show_label=False)
    probe_note = gr.Markdown()
    which = gr.Radio(choices=[(probe.LABELS["efficientnet"], "efficientnet")], value="efficientnet",
                     label="Confusion matrix of")
    confusion_plot = gr.Plot(label="Confusion matrix", visible=False, show_label=False)
    result = gr.State()
    probe_outputs = [accuracy_plot, probe_note, which, confusion_plot, result]
    train_btn.click(run_probe, [groups, which], probe_outputs, api_visibility="private")
    which.input(show_confusion, [which, result], confusion_plot, api_visibility="private")
    # One after the other: the first request of a fresh server loads models (and imports) one at a time.
    page.load(run, [picture, upload], outputs, api_visibility="private").then(
        run_probe, [groups, which], probe_outputs, api_visibility="private")
