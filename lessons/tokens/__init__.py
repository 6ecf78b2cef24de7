"""Lesson: tokens. How text is cut into pieces, and the vector each piece looks up."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.tokens import compute, view
from lessons.tokens.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="tokens",
    title="Tokens: how text is cut into pieces",
    summary="The same text cut four ways (words, WordPiece, byte-level BPE, characters), with each piece's id, "
            "the unknown rate, and the row of the table each piece looks up.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.tokenize, "tokenize",
                        example='c.predict(text="unbelievably", api_name="/tokenize")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("glove", "minilm"),
    part="Text",
)
