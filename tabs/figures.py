"""Plotly figures: similarity heatmaps, vector strips, audio pictures."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tabs.common import short

FONT = dict(size=15)


def _unique_short(labels: Sequence[str], n: int) -> list[str]:
    out, seen = [], {}
    for lab in labels:
        s = short(lab, n)
        k = seen.get(s, 0)
        seen[s] = k + 1
        out.append(s if k == 0 else f"{s} #{k + 1}")
    return out


def similarity_heatmap(labels: Sequence[str], matrix: np.ndarray, title: str) -> go.Figure:
    """Cosine-similarity matrix with readable labels; values written when small."""
    ticks = _unique_short(labels, 32)
    n = len(ticks)
    text = [[f"{v:.2f}" for v in row] for row in matrix] if n <= 14 else None
    hover = [[f"{labels[i]}<br>vs {labels[j]}<br>cosine {matrix[i, j]:.3f}" for j in range(n)] for i in range(n)]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=ticks, y=ticks, zmin=-1 if matrix.min() < 0 else 0, zmax=1,
        colorscale="Viridis", text=text, texttemplate="%{text}" if text else None,
        textfont=dict(size=13), hovertext=hover, hoverinfo="text",
        colorbar=dict(title="cosine"),
    ))
    size = max(420, min(900, 120 + 48 * n))
    fig.update_layout(title=title, height=size, font=FONT, margin=dict(l=10, r=10, t=60, b=10),
                      yaxis=dict(autorange="reversed"), xaxis=dict(tickangle=-35))
    return fig


def vector_strips(labels: Sequence[str], vectors: np.ndarray, title: str, max_dims: int = 384) -> go.Figure:
    """Each vector as a row of coloured cells (blue negative, red positive), with its norm."""
    dims = min(vectors.shape[1], max_dims)
    norms = np.linalg.norm(vectors, axis=1)
    ticks = [f"{s}  |v|={n:.2f}" for s, n in zip(_unique_short(labels, 28), norms)]
    limit = float(np.abs(vectors[:, :dims]).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=vectors[:, :dims], y=ticks, colorscale="RdBu_r", zmin=-limit, zmax=limit,
        colorbar=dict(title="value"), hovertemplate="dimension %{x}<br>value %{z:.3f}<extra></extra>",
    ))
    shown = f"first {dims} of {vectors.shape[1]}" if dims < vectors.shape[1] else f"all {dims}"
    fig.update_layout(title=f"{title} ({shown} dimensions)", height=max(220, 90 + 34 * len(ticks)),
                      font=FONT, margin=dict(l=10, r=10, t=60, b=40), yaxis=dict(autorange="reversed"),
                      xaxis=dict(title="dimension"))
    return fig


def audio_pictures(names: Sequence[str], views: Sequence[dict]) -> go.Figure:
    """One row per sound: waveform, log-mel spectrogram, MFCCs (from lab.audio_views)."""
    rows = len(views)
    titles = []
    for name in names:
        titles += [f"{short(name, 24)}: waveform", "log-mel spectrogram", "MFCC"]
    fig = make_subplots(rows=rows, cols=3, subplot_titles=titles, horizontal_spacing=0.06,
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
    fig.update_layout(height=260 * rows + 60, font=dict(size=13), margin=dict(l=10, r=10, t=50, b=10))
    return fig


MODALITY_COLOURS = {"image": "#1f77b4", "audio": "#ff7f0e", "text": "#2ca02c", "query": "#d62728"}
MODALITY_NAMES = {"image": "images", "audio": "sounds", "text": "texts"}


def space_map_figure(labels: Sequence[str], modalities: Sequence[str], coords: np.ndarray, query_index: int,
                     true_neighbours: Sequence[int], title: str) -> go.Figure:
    """Scatter of items coloured by modality, the query as a star, lines to its true nearest items."""
    dims = coords.shape[1]
    scatter = go.Scatter3d if dims == 3 else go.Scatter
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
        fig.add_trace(scatter(mode="markers", name=MODALITY_NAMES[modality], **xyz(idx),
                              marker=dict(size=9 if dims == 2 else 5, color=MODALITY_COLOURS[modality], opacity=0.8),
                              hovertext=[labels[i] for i in idx], hoverinfo="text"))
    for n in true_neighbours:  # a line from the query to each of its true top-k neighbours
        pair = [query_index, n]
        fig.add_trace(scatter(mode="lines", showlegend=False, hoverinfo="skip", **xyz(pair),
                              line=dict(color="rgba(214,39,40,0.45)", width=2, dash="dot")))
    fig.add_trace(scatter(mode="markers+text", name="your query", **xyz([query_index]),
                          text=[short(labels[query_index], 30)], textposition="top center",
                          marker=dict(size=18 if dims == 2 else 8, color=MODALITY_COLOURS["query"],
                                      symbol="star" if dims == 2 else "diamond"),
                          hovertext=[labels[query_index]], hoverinfo="text"))
    fig.update_layout(title=title, height=620, font=FONT, margin=dict(l=10, r=10, t=60, b=10),
                      legend=dict(orientation="h", y=-0.05))
    return fig


def probability_bars(labels: Sequence[str], probs: Sequence[float], title: str) -> go.Figure:
    order = np.argsort(probs)
    fig = go.Figure(go.Bar(x=[probs[i] for i in order], y=[labels[i] for i in order], orientation="h",
                           text=[f"{probs[i]:.0%}" for i in order], textposition="auto",
                           marker_color="#6366f1"))
    fig.update_layout(title=title, height=max(260, 70 + 40 * len(labels)), font=FONT,
                      xaxis=dict(range=[0, 1], title="probability"), margin=dict(l=10, r=10, t=60, b=10))
    return fig
