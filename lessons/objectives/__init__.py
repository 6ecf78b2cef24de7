"""Lesson: training objectives, live. Word2vec (skip-gram, CBOW) and a miniature CLIP trained while you watch."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.objectives import compute, view
from lessons.objectives.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="objectives",
    title="Training objectives: watch vectors learn",
    summary="Real training runs drawn while they train: skip-gram and CBOW word vectors on Shakespeare's plays, "
            "whose nearest neighbours turn sensible epoch by epoch, and a miniature CLIP whose image-caption "
            "similarity matrix lights up along its diagonal as the InfoNCE loss falls.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(
        Endpoint(compute.train_word_vectors, "train_word_vectors",
                 example='c.predict(objective="cbow", epochs=3, words="king, night", api_name="/train_word_vectors")'),
        Endpoint(compute.train_contrastive, "train_contrastive",
                 example='c.predict(steps=150, dim=32, api_name="/train_contrastive")'),
    ),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("efficientnet", "minilm"),
    part="Text",
)
