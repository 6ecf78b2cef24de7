"""Plotly figures and HTML for the tables lesson (presentation only: no math, no Gradio)."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from lessons.tables.analysis import TableMap
from tabs.common import esc

FONT = dict(size=15)
TZ_COLOURS = {
    "America/New_York": "#1f77b4", "America/Chicago": "#2ca02c", "America/Denver": "#ff7f0e",
    "America/Phoenix": "#d62728", "America/Los_Angeles": "#9467bd", "America/Anchorage": "#8c564b",
    "Pacific/Honolulu": "#e377c2", "not in airports.csv": "#7f7f7f", "UNK": "#111111",
}
UNK_GROUP = "UNK"
TZ_NAMES = {"America/New_York": "Eastern", "America/Chicago": "Central", "America/Denver": "Mountain",
            "America/Phoenix": "Arizona", "America/Los_Angeles": "Pacific", "America/Anchorage": "Alaska",
            "Pacific/Honolulu": "Hawaii", "not in airports.csv": "not in airports.csv (Puerto Rico, Virgin Is.)",
            "UNK": "UNK (rare and unseen)"}


def loss_figure(history: list[dict], epochs: int, baseline_loss: float, loss_name: str,
                loss_detail: str = "") -> go.Figure:
    """Training and validation loss per epoch; the trivial model's loss as a dashed line."""
    x = [h["epoch"] for h in history]
    fig = go.Figure()
    fig.add_scatter(x=x, y=[h["train_loss"] for h in history], name="training rows", mode="lines+markers",
                    line=dict(color="#2563eb", width=3))
    fig.add_scatter(x=x, y=[h["validation_loss"] for h in history], name="validation rows", mode="lines+markers",
                    line=dict(color="#dc2626", width=3))
    fig.add_hline(y=baseline_loss, line=dict(color="#555", dash="dash"),
                  annotation_text="trivial baseline", annotation_position="top right")
    values = [baseline_loss] + [h["train_loss"] for h in history] + [h["validation_loss"] for h in history]
    log = min(values) > 0 and max(values) / min(values) > 8
    fig.update_layout(
        title=f"Loss while it trains (lower is better)<br><sup>{loss_detail}</sup>", height=360, font=FONT,
        margin=dict(l=10, r=10, t=50, b=45), legend=dict(orientation="h", y=1.02, x=1.0, xanchor="right", yanchor="bottom"),
        xaxis=dict(title="epoch (one pass over the training rows)", range=[0.5, max(epochs, 1) + 0.5], dtick=1),
        yaxis=dict(title=f"{loss_name}{', log scale' if log else ''}", type="log" if log else "linear",
                   automargin=True))
    return fig


def _short(name: str, n: int = 22) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def map_figure(m: TableMap, extra: dict[str, dict] | None = None) -> go.Figure:
    """The learned table's rows as points; airports coloured by time zone, others by their average target."""
    extra = extra or {}
    xy = m.xy
    labels = len(m.names) <= 120
    fig = go.Figure()
    axis = "axis" if m.method == "PCA" else "number"
    if any("tzone" in extra.get(n, {}) for n in m.names):
        groups: dict[str, list[int]] = {}
        for i, name in enumerate(m.names):
            zone = UNK_GROUP if m.rows[i] == 0 else extra.get(name, {}).get("tzone", "not in airports.csv")
            groups.setdefault(zone, []).append(i)
        order = [tz for tz in TZ_COLOURS if tz in groups] + [tz for tz in groups if tz not in TZ_COLOURS]
        for tz in order:
            idx = groups[tz]
            fig.add_scatter(
                x=xy[idx, 0], y=xy[idx, 1], mode="markers+text" if labels else "markers", name=TZ_NAMES.get(tz, tz),
                marker_symbol="x" if tz == UNK_GROUP else "circle",
                text=[m.names[i] for i in idx], textposition="top center", textfont=dict(size=12),
                marker=dict(size=10, color=TZ_COLOURS.get(tz, "#17becf"), line=dict(width=1, color="white")),
                customdata=[["(rare and unseen airports)" if m.rows[i] == 0 else extra.get(m.names[i], {}).get("name", ""),
                             m.counts[i]] for i in idx],
                hovertemplate="<b>%{text}</b> %{customdata[0]}<br>%{customdata[1]} training flights<extra></extra>")
    else:
        mean = np.array(m.target_mean, dtype=float)
        fig.add_scatter(
            x=xy[:, 0], y=xy[:, 1], mode="markers+text" if labels else "markers",
            text=[_short(n) for n in m.names], textposition="top center", textfont=dict(size=12),
            marker=dict(size=11, color=mean, colorscale="Viridis", showscale=True,
                        colorbar=dict(title=m.target_label, thickness=14), line=dict(width=1, color="white")),
            customdata=[[extra.get(n, {}).get("name", ""), c, v] for n, c, v in zip(m.names, m.counts, mean)],
            hovertemplate="<b>%{text}</b> %{customdata[0]}<br>%{customdata[1]} training rows<br>"
                          + esc(m.target_label) + ": %{customdata[2]:.3g}<extra></extra>", showlegend=False)
    title = (f"'{m.column}': {len(m.names)} rows of {m.dim} learned number{'s' if m.dim > 1 else ''}"
             + (f", PCA to 2-D ({m.explained:.0%} of the variance)" if m.method == "PCA" else ""))
    fig.update_layout(title=title, height=480, font=FONT, margin=dict(l=10, r=10, t=60, b=45),
                      legend=dict(title="time zone", orientation="v"),
                      xaxis=dict(title=f"{axis} 1", zeroline=False),
                      yaxis=dict(title=f"{axis} 2" if m.dim > 1 else "(one number per row)", zeroline=False))
    return fig


def table_rows_figure(names: list[str], rows: np.ndarray, column: str, limit: float) -> go.Figure:
    """The first rows of an embedding table as colour strips, on a fixed symmetric scale."""
    lim = limit or 1.0
    fig = go.Figure(go.Heatmap(
        z=rows, y=[f"{i}. {_short(n, 14)}" for i, n in enumerate(names)], colorscale="RdBu_r", zmin=-lim, zmax=lim,
        colorbar=dict(title="value", thickness=14, tickvals=[-lim, 0, lim], ticktext=[f"{-lim:.2g}", "0", f"{lim:.2g}"]),
        hovertemplate="%{y}<br>number %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(title=f"The table itself: '{column}', row by row (row 0 is UNK)", height=max(300, 110 + 24 * len(names)),
                      font=FONT, margin=dict(l=10, r=10, t=50, b=45),
                      yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(title="number in the row", dtick=1))
    return fig


def sweep_figure(points, column: str, categories: int, fastai: int, fourth: int, baseline_loss: float,
                 loss_name: str, dims) -> go.Figure:
    fig = go.Figure()
    xs = [p.dim for p in points]
    fig.add_scatter(x=xs, y=[p.validation_loss for p in points], name="validation loss", mode="lines+markers",
                    line=dict(color="#dc2626", width=3), marker=dict(size=10))
    fig.add_bar(x=xs, y=[p.table_parameters for p in points], name=f"'{column}' table: rows x size",
                yaxis="y2", marker=dict(color="rgba(37,99,235,0.25)"), width=[0.35 * d for d in xs])
    top = max(dims)
    for value, label, colour in ((fastai, "fastai rule", "#16a34a"), (fourth, "fourth-root rule", "#9333ea")):
        if value <= top:
            fig.add_vline(x=value, line=dict(color=colour, dash="dot", width=2), annotation_text=f"{label}: {value}",
                          annotation_position="top left" if label.startswith("fourth") else "top right")
    fig.update_layout(
        title=f"Embedding size for '{column}' ({categories:,} rows incl. UNK)", height=400, font=FONT,
        margin=dict(l=10, r=10, t=60, b=45), legend=dict(orientation="h", y=-0.25),
        xaxis=dict(title="numbers per row (log scale)", type="log", tickvals=list(dims), range=[-0.15, math.log10(top) + 0.15]),
        yaxis=dict(title=loss_name, automargin=True),
        yaxis2=dict(title="table parameters", overlaying="y", side="right", showgrid=False, rangemode="tozero"))
    return fig
