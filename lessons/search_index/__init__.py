"""Lesson: fast nearest-neighbour search. Exact vs HNSW vs IVF: recall@10 against queries per second."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.search_index import compute, view
from lessons.search_index.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="search-index",
    title="Fast search: exact, HNSW and IVF indexes",
    summary="GloVe's word vectors (up to all 400,000) and the gallery searched exactly, with an HNSW graph and with "
            "IVF cells: recall@10 against queries per second as you move ef and nprobe.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.ann_search, "ann",
                        example='c.predict(index="hnsw", ef=64, queries="200", vectors="glove-100k", api_name="/ann")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("glove", "efficientnet"),
    part="Using vectors",
)
