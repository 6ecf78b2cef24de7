"""Plotly figures: similarity heatmaps, vector strips, audio pictures, space maps, probability bars.

Colour scales are fixed where values are comparable between runs, and said so on the figure:

* cosine similarity: always -1..1, diverging around 0 (blue negative, white 0, red 1), in every heatmap;
* vector strips: each model's unit vectors on one fixed range, ``strip_limit(dim)`` (values beyond
  saturate), so the same model's strips can be compared from run to run.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tabs.common import short

FONT = dict(size=15)
COSINE_COLOURS = "RdBu_r"  # diverging: blue -1, white 0, red +1
COSINE_RANGE = (-1.0, 1.0)
COSINE_TICKS = [-1, -0.5, 0, 0.5, 1]
COSINE_SCALE_NOTE = "Colours: cosine on a fixed scale from −1 (blue) through 0 (white) to 1 (red), the same in every run."
LABEL_POINTS_UP_TO = 30  # maps write every point's name when they have at most this many points


def _unique_short(labels: Sequence[str], n: int) -> list[str]:
    out, seen = [], {}
    for lab in labels:
        s = short(lab, n)
        k = seen.get(s, 0)
        seen[s] = k + 1
        out.append(s if k == 0 else f"{s} #{k + 1}")
    return out


def cosine_colorbar(**extra) -> dict:
    return dict(title=dict(text="cosine", side="right"), tickvals=COSINE_TICKS,
                ticktext=["−1", "−0.5", "0", "0.5", "1"], thickness=16, len=0.9, **extra)


def similarity_heatmap(labels: Sequence[str], matrix: np.ndarray, title: str) -> go.Figure:
    """Cosine-similarity matrix on the fixed -1..1 diverging scale; values written when the matrix is small."""
    matrix = np.asarray(matrix, dtype=float)
    ticks = _unique_short(labels, 28)
    n = len(ticks)
    text = [[f"{v:.2f}" for v in row] for row in matrix] if n <= 14 else None
    hover = [[f"{labels[i]}<br>vs {labels[j]}<br>cosine {matrix[i, j]:.3f}" for j in range(n)] for i in range(n)]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=list(range(n)), y=list(range(n)), zmin=COSINE_RANGE[0], zmax=COSINE_RANGE[1], zmid=0,
        colorscale=COSINE_COLOURS, text=text, texttemplate="%{text}" if text else None,
        textfont=dict(size=14 if n <= 8 else 12), hovertext=hover, hoverinfo="text", xgap=1, ygap=1,
        colorbar=cosine_colorbar(),
    ))
    size = max(440, min(900, 170 + 50 * n))
    axis = dict(tickmode="array", tickvals=list(range(n)), ticktext=ticks, automargin=True, showgrid=False)
    fig.update_layout(title=dict(text=title), height=size, font=FONT, margin=dict(l=10, r=10, t=60, b=10),
                      yaxis=dict(autorange="reversed", **axis), xaxis=dict(tickangle=-35, **axis),
                      plot_bgcolor="white")
    return fig


def strip_limit(dim: int) -> float:
    """The fixed colour range (±) of a model's unit-vector strips: 4 / sqrt(dim), two significant digits.

    A unit vector's numbers have root-mean-square 1 / sqrt(dim); ±4 times that shows nearly all of them
    without letting one large value wash out the rest. Fixed per model, so runs can be compared.
    """
    return float(f"{4 / math.sqrt(max(1, dim)):.2g}")


def vector_strips(labels: Sequence[str], vectors: np.ndarray, title: str, max_dims: int = 384,
                  raw_norms: Sequence[float] | None = None) -> go.Figure:
    """Each unit vector as a row of coloured cells (blue negative, red positive), every row labelled.

    ``raw_norms``: each vector's length before it was scaled to 1, shown in its row label; None when the
    model gives no such length (its vectors come out with length 1), which the title then says.
    """
    vectors = np.asarray(vectors, dtype=float)
    n, dim = vectors.shape
    dims = min(dim, max_dims)
    names = _unique_short(labels, 26)
    if raw_norms is not None:
        ticks = [f"{s}  (length {r:.3g})" for s, r in zip(names, raw_norms)]
        how = "each row scaled to length 1; its length before that is in brackets"
    else:
        ticks = names
        how = "this model's vectors come out with length 1"
    if vectors.size and vectors.min() >= 0:
        how += "; no number here is negative"
    lim = strip_limit(dim)
    fig = go.Figure(go.Heatmap(
        z=vectors[:, :dims], x=np.arange(dims), y=list(range(n)), colorscale="RdBu_r", zmin=-lim, zmax=lim, zmid=0,
        colorbar=dict(title=dict(text="value", side="right"), tickvals=[-lim, 0, lim],
                      ticktext=[f"−{lim:g}", "0", f"{lim:g}"], thickness=16, len=0.9),
        customdata=[[names[i]] * dims for i in range(n)],
        hovertemplate="%{customdata}<br>dimension %{x}: %{z:.3f}<extra></extra>",
    ))
    shown = f"first {dims} of {dim}" if dims < dim else f"all {dims}"
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{shown} numbers per row; {how}; colours fixed at ±{lim:g} "
                        f"(beyond saturates)</sup>"),
        height=max(260, 130 + 30 * n), font=FONT, margin=dict(l=10, r=10, t=80, b=50),
        yaxis=dict(autorange="reversed", tickmode="array", tickvals=list(range(n)), ticktext=ticks, automargin=True),
        xaxis=dict(title="dimension"))
    return fig


def audio_pictures(names: Sequence[str], views: Sequence[dict]) -> go.Figure:
    """One row per sound: waveform, log-mel spectrogram, MFCCs (from lab.audio_views)."""
    rows = len(views)
    titles = []
    for name in names:
        titles += [f"{short(name, 22)}: waveform", "log-mel spectrogram", "MFCC"]
    fig = make_subplots(rows=rows, cols=3, subplot_titles=titles, horizontal_spacing=0.07,
                        vertical_spacing=min(0.12, 0.3 / rows))
    for r, v in enumerate(views, start=1):
        fig.add_trace(go.Scatter(x=v["time"], y=v["wave"], mode="lines", line=dict(width=1),
                                 showlegend=False, hovertemplate="%{x:.2f} s<extra></extra>"), row=r, col=1)
        fig.add_trace(go.Heatmap(z=v["mel_db"], x=v["frame_time"], colorscale="Magma", showscale=False,
                                 hovertemplate="%{x:.2f} s, mel band %{y}<br>%{z:.0f} dB<extra></extra>"), row=r, col=2)
        # coefficient 0 is overall loudness and would swamp the colours: show 1..12
        mfcc = v["mfcc"][1:]
        lim = float(np.abs(mfcc).max()) or 1.0
        fig.add_trace(go.Heatmap(z=mfcc, y=np.arange(1, mfcc.shape[0] + 1), x=v["frame_time"], colorscale="RdBu_r",
                                 zmin=-lim, zmax=lim, showscale=False,
                                 hovertemplate="%{x:.2f} s, coefficient %{y}<br>%{z:.1f}<extra></extra>"), row=r, col=3)
    fig.update_xaxes(title_text="seconds", row=rows)
    fig.update_layout(height=250 * rows + 70, font=dict(size=14), margin=dict(l=10, r=10, t=50, b=10))
    return fig


MODALITY_COLOURS = {"image": "#1f77b4", "audio": "#ff7f0e", "text": "#2ca02c", "query": "#d62728"}
MODALITY_NAMES = {"image": "images", "audio": "sounds", "text": "texts"}


def _padded_range(values: np.ndarray, pad: float = 0.12) -> list[float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    span = (hi - lo) or 1.0
    return [lo - pad * span, hi + pad * span]


def _query_text_position(coords: np.ndarray, query_index: int) -> str:
    """Put the query's name on the side of the star that faces the middle, so it stays inside the plot."""
    x, y = coords[query_index, 0], coords[query_index, 1]
    xs, ys = coords[:, 0], coords[:, 1]
    vertical = "top" if y <= (ys.min() + ys.max()) / 2 else "bottom"
    horizontal = "right" if x <= (xs.min() + xs.max()) / 2 else "left"
    return f"{vertical} {horizontal}"


def space_map_figure(labels: Sequence[str], modalities: Sequence[str], coords: np.ndarray, query_index: int,
                     true_neighbours: Sequence[int], title: str, method: str = "PCA",
                     marks: dict[int, str] | None = None) -> go.Figure:
    """Scatter of items coloured by modality, the query as a star, lines to its true nearest items.

    Every point carries its name when there are few of them (at most ``LABEL_POINTS_UP_TO``); otherwise
    only the points in ``marks`` carry their short mark (e.g. "#1" for the results), and hover shows
    every name. Axes are titled with the projection's components; the query's name is placed towards
    the middle so it stays inside.
    """
    coords = np.asarray(coords, dtype=float)
    n, dims = coords.shape
    scatter = go.Scatter3d if dims == 3 else go.Scatter
    if n <= LABEL_POINTS_UP_TO:
        point_text = {i: short(labels[i], 18) for i in range(n)}
    else:
        point_text = dict(marks or {})
    write_names = bool(point_text)
    fig = go.Figure()

    def xyz(idx):
        cols = {"x": coords[idx, 0], "y": coords[idx, 1]}
        if dims == 3:
            cols["z"] = coords[idx, 2]
        return cols

    for modality in ("image", "audio", "text"):
        idx = [i for i, m in enumerate(modalities) if m == modality and i != query_index]
        if not idx:
            continue
        fig.add_trace(scatter(mode="markers+text" if write_names else "markers", name=MODALITY_NAMES[modality],
                              **xyz(idx), text=[point_text.get(i, "") for i in idx] if write_names else None,
                              textposition="top center", textfont=dict(size=13, color="#111827"),
                              marker=dict(size=9 if dims == 2 else 4, color=MODALITY_COLOURS[modality], opacity=0.8),
                              hovertext=[labels[i] for i in idx], hoverinfo="text"))
    for k, nb in enumerate(true_neighbours):  # a line from the query to each of its true top-k neighbours
        pair = [query_index, nb]
        fig.add_trace(scatter(mode="lines", name="true nearest (full space)", showlegend=k == 0, hoverinfo="skip",
                              **xyz(pair), line=dict(color="rgba(214,39,40,0.5)", width=2, dash="dot")))
    star = dict(mode="markers+text", name="your query", **xyz([query_index]), text=[short(labels[query_index], 26)],
                textfont=dict(size=15, color=MODALITY_COLOURS["query"]), hovertext=[labels[query_index]],
                hoverinfo="text")
    method = method.upper()
    if dims == 2:
        fig.add_trace(go.Scatter(textposition=_query_text_position(coords, query_index), cliponaxis=False,
                                 marker=dict(size=18, color=MODALITY_COLOURS["query"], symbol="star"), **star))
        fig.update_layout(xaxis=dict(title=f"{method} 1", range=_padded_range(coords[:, 0]), zeroline=False),
                          yaxis=dict(title=f"{method} 2", range=_padded_range(coords[:, 1]), zeroline=False))
    else:
        fig.add_trace(go.Scatter3d(textposition="top center",
                                   marker=dict(size=7, color=MODALITY_COLOURS["query"], symbol="diamond"), **star))
        axes = {f"{a}axis": dict(title=dict(text=f"{method} {i + 1}"), range=_padded_range(coords[:, i], 0.08))
                for i, a in enumerate("xyz")}
        fig.update_layout(scene=dict(aspectmode="cube", camera=dict(eye=dict(x=1.55, y=1.55, z=1.05)), **axes))
    fig.update_layout(title=dict(text=title), height=640, font=FONT,
                      margin=dict(l=10, r=10, t=70, b=10) if dims == 2 else dict(l=0, r=0, t=70, b=0),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, font=dict(size=13)),
                      plot_bgcolor="white")
    if dims == 2:
        fig.update_xaxes(showgrid=True, gridcolor="#eee")
        fig.update_yaxes(showgrid=True, gridcolor="#eee")
    return fig


def probability_bars(labels: Sequence[str], probs: Sequence[float], title: str,
                     notes: Sequence[str] | None = None) -> go.Figure:
    """Horizontal bars of probabilities (0..1 on a fixed axis); ``notes`` are added to each bar's name."""
    order = np.argsort(probs)
    names = [labels[i] + (f" {notes[i]}" if notes and notes[i] else "") for i in order]
    fig = go.Figure(go.Bar(x=[probs[i] for i in order], y=names, orientation="h",
                           text=[f"{probs[i]:.0%}" for i in order], textposition="auto",
                           marker_color="#6366f1"))
    fig.update_layout(title=dict(text=title), height=max(280, 90 + 42 * len(labels)), font=FONT,
                      xaxis=dict(range=[0, 1], title="probability"), yaxis=dict(automargin=True),
                      margin=dict(l=10, r=10, t=60, b=10))
    return fig
