"""Lesson: how big should a vector be? Cutting (prefix, PCA) and quantising (float16, int8, binary), measured."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.size import compute, view
from lessons.size.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="size",
    title="Vector size: cutting and quantising",
    summary="Vectors cut to fewer numbers (plain and after a PCA rotation) or stored as float16, int8 or bits: "
            "how many of each row's 10 nearest neighbours survive, and the memory for 1 million vectors.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.size, "size",
                        example='c.predict(vectors="glove", dims=32, api_name="/size")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("glove", "minilm", "efficientnet"),
    part="Using vectors",
)
