"""Lesson: collapse monitor. Singular values, effective rank (RankMe), mean cosine; collapse on purpose."""
import os

from lessons.collapse import compute, view
from lessons.collapse.examples import EXAMPLES, LABELS
from lessons.contract import Endpoint, Lesson

LESSON = Lesson(
    key="collapse",
    title="Collapse monitor: are the vectors still spread out?",
    summary="The singular values, effective rank (RankMe) and mean pairwise cosine of a set of vectors, and what "
            "happens to them when the set is projected onto a few directions or trained without negatives.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.collapse, "collapse",
                        example='c.predict(vectors="glove", api_name="/collapse")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("glove", "minilm", "efficientnet"),
    part="Using vectors",
)
