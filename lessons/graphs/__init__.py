"""Lesson: graphs. Message passing one round at a time, training on the karate club, and pooling."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.graphs import compute, view
from lessons.graphs.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="graphs",
    title="Graphs: vectors by message passing",
    summary="Watch each node mix its neighbours' vectors one round at a time (GCN, mean, sum, attention) until "
            "over-smoothing makes them alike, train a GCN with 4 labels and a contrastive model with none on the "
            "karate club, and see why sum pooling tells a triangle from two triangles when mean cannot.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(
        Endpoint(compute.graph, "graph",
                 example='c.predict(edges="karate", features="onehot", rule="gcn", steps=2, api_name="/graph")'),
        Endpoint(compute.train_graph, "graph_train",
                 example='c.predict(method="gcn", seed=0, api_name="/graph_train")'),
    ),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=(),
    part="Tables and graphs",
)
