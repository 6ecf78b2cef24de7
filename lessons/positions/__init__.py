"""Lesson: positions. Learned, sinusoidal, RoPE and ALiBi side by side on the same length."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.positions import compute, view
from lessons.positions.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="positions",
    title="Positions: how a transformer knows the order",
    summary="MiniLM's learned position table, Vaswani's sinusoids, RoPE's rotations and ALiBi's distance penalty "
            "side by side: heatmaps, similarity by offset, and what happens past the training length.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.positions, "positions",
                        example='c.predict(kind="sinusoidal", length=64, dim=32, api_name="/positions")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("minilm",),
    part="Text",
)
