"""Retrieval quality of the offline label bridge over the bundled gallery.

The queries and their expected items were written before looking at any
score. The test prints recall@1 and recall@3 and asserts a bar.
"""
import numpy as np
import pytest

from encoders import get_encoder
from gallery.index import gallery_vectors

IMAGE_QUERIES = {
    "a cat": "cat",
    "a cup of coffee": "coffee",
    "a rocket": "rocket",
    "an astronaut": "astronaut",
    "the moon": "moon",
    "a flower": "flower",
    "a horse": "horse",
    "old coins": "coins",
    "a clock": "clock",
    "a brick wall": "bricks",
    "galaxies in space": "galaxies",
    "a temple": "temple",
    "a man with a camera": "cameraman",
    "a page of text": "page",
}
SOUND_QUERIES = {
    "a dog barking": "dog",
    "a cat meowing": "cat_meow",
    "a cow mooing": "cow",
    "a rooster crowing": "rooster",
    "a duck quacking": "duck",
    "a frog croaking": "frog",
    "a pig grunting": "pig",
    "a sheep bleating": "sheep",
    "an owl hooting": "owl",
    "a horse neighing": "horse_neigh",
    "a person speaking": "speech_hello",
    "a telephone ringing": "phone_ring",
    "an alarm clock": "alarm_clock",
    "white noise": "white_noise",
    "a camera shutter": "camera_shutter",
    "a drum beat": "drum_beat",
}
# a speech query is right if any synthesised speech clip is returned
EQUIVALENT = {"speech_hello": {"speech_hello", "speech_weather", "speech_counting", "speech_question",
                               "speech_french", "front_left"}}


def recall(queries: dict, modality: str) -> tuple[float, float, list[str]]:
    items, vecs = gallery_vectors("bridge", modality)
    q = get_encoder("bridge").encode("text", list(queries))
    order = np.argsort(-(q @ vecs.T), axis=1)
    hits1 = hits3 = 0
    report = []
    for row, (text, want) in zip(order, queries.items()):
        ok = EQUIVALENT.get(want, {want})
        ranked = [items[j].id for j in row[:3]]
        hits1 += ranked[0] in ok
        hits3 += bool(ok & set(ranked))
        report.append(f"{text!r:24} want {want:14} got {ranked}")
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
