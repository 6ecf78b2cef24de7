"""Cross-modal search and zero-shot labels on the bundled (offline) label bridge."""
import os

import numpy as np
import pytest

from gallery.manifest import items_of
from lab.search import check_target, choose_space, parse_labels, search, space_map, zero_shot
from media.errors import InputError
from tests.conftest import ASSETS


def test_text_to_sounds_finds_the_dog():
    r = search("text", "a dog barking", target="sounds", k=3, space="bridge")
    assert r.space == "bridge" and len(r.ranked) == 3
    dogs = {g.id for g in items_of("audio") if g.group == "dogs"}
    assert r.candidates[r.ranked[0][0]].id in dogs
    assert all(r.candidates[i].modality == "audio" for i, _ in r.ranked)


def test_image_to_texts_gives_captions_about_it():
    r = search("image", query_file=os.path.join(ASSETS, "images", "coffee.jpg"), target="texts", k=5,
               space="bridge")
    top_texts = [r.candidates[i].caption.lower() for i, _ in r.ranked]
    assert any(w in t for t in top_texts for w in ("coffee", "espresso", "cup", "tea", "mug")), top_texts


def test_uploaded_candidates_are_searched_and_other_kinds_skipped(tmp_path):
    notes = []
    txt = tmp_path / "mine.txt"
    txt.write_text("a ginger kitten\nan old tractor\n", encoding="utf-8")
    r = search("image", query_file=os.path.join(ASSETS, "images", "cat.jpg"), target="texts", k=50,
               candidate_files=[str(txt), os.path.join(ASSETS, "sounds", "dog.wav")], space="bridge",
               warn=notes.append)
    uploaded = [c for c in r.candidates if c.origin == "upload"]
    assert [c.caption for c in uploaded] == ["a ginger kitten", "an old tractor"]
    ranks = {r.candidates[i].caption: n for n, (i, _) in enumerate(r.ranked)}
    assert ranks["a ginger kitten"] < ranks["an old tractor"]
    assert notes and "dog.wav" in notes[0]


def test_all_targets_use_the_bridge_offline_and_map_is_consistent():
    r = search("text", "a rooster crowing", target="all", k=5)
    assert r.space == "bridge"  # no joint model covers text + image + audio
    assert {c.modality for c in r.candidates} == {"image", "audio", "text"}
    m = space_map(r, "pca", 2, 5)
    assert m["coords"].shape == (len(r.candidates) + 1, 2)
    assert 0 <= m["kept"] <= m["k"] == 5


def test_choose_space_refuses_a_space_that_cannot_hold_the_request():
    with pytest.raises(InputError, match="cannot embed"):
        choose_space("text", ("audio",), "clip")
    with pytest.raises(InputError, match="Unknown space"):
        choose_space("text", ("audio",), "nope")
    with pytest.raises(InputError):
        check_target("videos")


def test_zero_shot_probabilities():
    z = zero_shot(os.path.join(ASSETS, "images", "cat.jpg"), "dog, cat, car, rocket", "bridge")
    assert z.space == "bridge"
    assert abs(sum(z.probabilities) - 1) < 1e-6
    assert z.labels[int(np.argmax(z.probabilities))] == "cat"
    z = zero_shot(os.path.join(ASSETS, "sounds", "dog.wav"), ["a cat", "a dog", "a car engine"], "bridge")
    assert z.labels[int(np.argmax(z.probabilities))] == "a dog"


def test_parse_labels():
    assert parse_labels("dog, cat,\n cat , bird") == ["dog", "cat", "bird"]
    with pytest.raises(InputError):
        parse_labels("dog")
