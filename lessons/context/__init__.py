"""Lesson: static vs contextual. One word in several sentences: GloVe's one vector vs MiniLM's, layer by layer."""
import os

from lessons.context import compute, view
from lessons.context.examples import EXAMPLES, LABELS
from lessons.contract import Endpoint, Lesson

LESSON = Lesson(
    key="context",
    title="Static vs contextual: one word, many sentences",
    summary="One word in several sentences: GloVe gives it the same vector every time (cosine 1), MiniLM a "
            "different one in each sentence, followed from its embedding layer up through its 6 layers.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.contextual, "contextual",
                        example='c.predict(word="bank", sentences="by the river bank\\nmoney in the bank", '
                                'api_name="/contextual")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("glove", "minilm"),
    part="Text",
)
