"""Retrieval quality of the offline label bridge over the bundled (grouped) gallery.

The queries and their expected groups were written before looking at any score
(rewritten for the grouped gallery of assets/manifest.json). A hit is any item of the
expected group. The test prints recall@1 and recall@3 and asserts a bar.
"""
import numpy as np
import pytest

from encoders import get_encoder
from gallery.index import gallery_vectors

IMAGE_QUERIES = {
    "a cat": "cats",
    "a cup of coffee": "kitchen",
    "a rocket": "space",
    "an astronaut": "space",
    "the planet Saturn": "space",
    "a flower": "flowers",
    "a horse": "farm animals",
    "a cow": "farm animals",
    "a fish": "fish",
    "a parrot": "birds",
    "a hen": "poultry",
    "a banana": "fruit",
    "a car": "vehicles",
    "a castle": "buildings",
    "a violin": "instruments",
    "a hammer": "tools",
    "a windmill": "windmills",
}
SOUND_QUERIES = {
    "a dog barking": "dogs",
    "a cat meowing": "cats",
    "a cow mooing": "farm animals",
    "a sheep bleating": "farm animals",
    "a rooster crowing": "poultry",
    "a duck quacking": "poultry",
    "birds singing": "birds",
    "an owl hooting": "birds",
    "a person speaking": "speech",
    "a drum beat": "instruments",
    "a flute": "instruments",
    "a car engine": "vehicles",
    "rain falling": "water",
    "running water": "water",
    "a church bell": "bells",
}


def recall(queries: dict, modality: str) -> tuple[float, float, list[str]]:
    items, vecs = gallery_vectors("bridge", modality)
    q = get_encoder("bridge").encode("text", list(queries))
    order = np.argsort(-(q @ vecs.T), axis=1)
    hits1 = hits3 = 0
    report = []
    for row, (text, want) in zip(order, queries.items()):
        ranked = [items[j] for j in row[:3]]
        hits1 += ranked[0].group == want
        hits3 += any(it.group == want for it in ranked)
        report.append(f"{text!r:24} want {want:14} got {[f'{it.id} ({it.group})' for it in ranked]}")
    n = len(queries)
    return hits1 / n, hits3 / n, report


@pytest.mark.parametrize("modality,queries", [("image", IMAGE_QUERIES), ("audio", SOUND_QUERIES)])
def test_bridge_recall(modality, queries):
    assert len(queries) >= 10
    r1, r3, report = recall(queries, modality)
    print(f"\nlabel bridge, text -> {modality}: recall@1 {r1:.2f}, recall@3 {r3:.2f} ({len(queries)} queries)")
    print("\n".join(report))
    assert r3 >= 0.8, report
    assert r1 >= 0.5, report
