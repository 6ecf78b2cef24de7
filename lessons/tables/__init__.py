"""Lesson: tables. How each column of a table becomes numbers, trained live on real flights."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.tables import compute, view
from lessons.tables.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="tables",
    title="Tables: how columns become vectors",
    summary="Categories become one-hot vectors or rows of a learned table, numbers become raw, standardised, "
            "bucketed or piecewise-linear codes; a small model trains live on 2013's New York flights and its "
            "learned airport table is drawn as a map.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(
        Endpoint(compute.tabular, "tabular",
                 example='c.predict(dataset="flights", target="air_time", categorical="onehot", api_name="/tabular")'),
        Endpoint(compute.encode_column, "encode_column",
                 example='c.predict(values=["17", "500", "2500"], column="distance", encoding="ple", '
                         'api_name="/encode_column")'),
    ),
    examples=EXAMPLES,
    example_labels=LABELS,
    part="Tables and graphs",
)
