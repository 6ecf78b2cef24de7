"""All lessons, in the order of the study note. Add a new lesson's ``LESSON`` here."""
from __future__ import annotations

from lessons.collapse import LESSON as COLLAPSE
from lessons.contract import Lesson
from lessons.context import LESSON as CONTEXT
from lessons.graphs import LESSON as GRAPHS
from lessons.images import LESSON as IMAGES
from lessons.metrics import LESSON as METRICS
from lessons.objectives import LESSON as OBJECTIVES
from lessons.pooling import LESSON as POOLING
from lessons.positions import LESSON as POSITIONS
from lessons.search_index import LESSON as SEARCH_INDEX
from lessons.size import LESSON as SIZE
from lessons.sounds import LESSON as SOUNDS
from lessons.tables import LESSON as TABLES
from lessons.tokens import LESSON as TOKENS

LESSONS: list[Lesson] = [
    TOKENS,
    CONTEXT,
    POOLING,
    POSITIONS,
    OBJECTIVES,
    IMAGES,
    SOUNDS,
    TABLES,
    GRAPHS,
    SIZE,
    METRICS,
    SEARCH_INDEX,
    COLLAPSE,
]


def lesson(key: str) -> Lesson:
    for item in LESSONS:
        if item.key == key:
            return item
    raise KeyError(key)
