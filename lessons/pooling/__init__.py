"""Lesson: pooling. From a sentence's token vectors to one sentence vector, and what the average forgets."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.pooling import compute, view
from lessons.pooling.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="pooling",
    title="Pooling: from token vectors to one sentence vector",
    summary="MiniLM's token vectors and attention mask pooled three ways (masked mean, [CLS], max), the one the "
            "app uses, and how little a mean-pooled vector cares about word order.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.pooling, "pooling",
                        example='c.predict(text="The dog bit the man.", api_name="/pooling")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("minilm",),
    part="Text",
)
