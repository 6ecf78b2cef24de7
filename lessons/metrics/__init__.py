"""Lesson: similarity measures. Cosine, dot product and Euclidean distance on raw and normalised vectors."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.metrics import compute, view
from lessons.metrics.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="metrics",
    title="Similarity measures: cosine, dot product, distance",
    summary="One query ranked by cosine, dot product and Euclidean distance on vectors whose lengths differ, then "
            "on the same vectors scaled to length 1, where all three agree.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.metrics, "metrics",
                        example='c.predict(vectors="glove", query=12260, k=10, api_name="/metrics")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("glove", "efficientnet"),
    part="Using vectors",
)
