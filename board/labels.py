"""Where to put each point's label on the board so that labels do not cover each other. No Gradio.

A greedy placement: items are taken in the order they were added (older items get the first pick),
and each label takes the first of four spots (above, below, right, left of its point) whose box
overlaps no point, picture or label placed so far; a label with no free spot is left off (the point
still shows it on hover). The same board always gets the same labels. Boxes are estimated in pixels for an assumed plot size, which is
smaller than a projector's, so what fits here fits there.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

SPOTS = ("top center", "bottom center", "middle right", "middle left")
PLOT_PX = (1000.0, 520.0)  # assumed width and height of the plotting area
CHAR_PX = 0.56  # average character width as a fraction of the font size
MARKER_PX = 11.0  # marker radius plus a little air


def _overlaps(box: np.ndarray, boxes: list[np.ndarray]) -> bool:
    if not boxes:
        return False
    b = np.array(boxes)  # [m, 4] x0, y0, x1, y1
    return bool(np.any((b[:, 0] < box[2]) & (box[0] < b[:, 2]) & (b[:, 1] < box[3]) & (box[1] < b[:, 3])))


def place_labels(coords: np.ndarray, texts: Sequence[str], extent, font_px: float = 16.0,
                 pictures: Sequence[bool] = (), picture_frac: float = 0.08) -> list[str | None]:
    """A textposition from ``SPOTS`` for each point, or None where its label would cover another.

    ``coords`` [n, 2] in data units, ``extent`` ((x0, x1), (y0, y1)) the axis ranges; ``pictures`` marks
    points drawn as thumbnails of ``picture_frac`` of the larger axis span, standing on their point (they get
    no label).
    """
    n = len(texts)
    (x0, x1), (y0, y1) = extent
    w, h = PLOT_PX
    px = (np.asarray(coords[:, 0], dtype=np.float64) - x0) / max(x1 - x0, 1e-12) * w  # [n]
    py = (y1 - np.asarray(coords[:, 1], dtype=np.float64)) / max(y1 - y0, 1e-12) * h  # [n], screen y grows down
    pictures = list(pictures) or [False] * n
    side = picture_frac * max(x1 - x0, y1 - y0)  # a picture's box in data units, then in pixels
    pic_w, pic_h = side / max(x1 - x0, 1e-12) * w / 2, side / max(y1 - y0, 1e-12) * h / 2
    taken: list[np.ndarray] = []
    for i in range(n):  # every point is an obstacle from the start, and so is a picture standing above it
        top = py[i] - MARKER_PX - 2 * pic_h if pictures[i] else py[i] - MARKER_PX
        hw = pic_w if pictures[i] else MARKER_PX
        taken.append(np.array([px[i] - hw, top, px[i] + hw, py[i] + MARKER_PX]))
    out: list[str | None] = []
    line = font_px * 1.25
    for i, text in enumerate(texts):
        if pictures[i] or not text:
            out.append(None)
            continue
        tw = len(text) * CHAR_PX * font_px
        r = MARKER_PX
        boxes = {
            "top center": [px[i] - tw / 2, py[i] - r - line, px[i] + tw / 2, py[i] - r],
            "bottom center": [px[i] - tw / 2, py[i] + r, px[i] + tw / 2, py[i] + r + line],
            "middle right": [px[i] + r, py[i] - line / 2, px[i] + r + tw, py[i] + line / 2],
            "middle left": [px[i] - r - tw, py[i] - line / 2, px[i] - r, py[i] + line / 2],
        }
        own = taken[i]
        others = [b for j, b in enumerate(taken) if b is not own]
        chosen = None
        for spot in SPOTS:
            box = np.array(boxes[spot])
            inside = box[0] >= 0 and box[2] <= w and box[1] >= 0 and box[3] <= h
            if inside and not _overlaps(box, others):
                chosen = spot
                taken.append(box)
                break
        out.append(chosen)
    return out
