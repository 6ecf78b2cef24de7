"""The grouped gallery: complete credits, held-out items kept apart, and neighbours that teach.

The accuracy tests are real measurements with the bundled models (gallery vectors are cached on
disk by gallery/index.py, so a second run is quick). Goals from issue 7: leave-one-out
nearest-neighbour group accuracy images >= 0.90, sounds >= 0.80, texts >= 0.90.
"""
import hashlib
import json
import os

import numpy as np
import pytest

from gallery import quality
from gallery.manifest import ASSETS_DIR, HELDOUT_DIR, heldout_items, items_of, load_groups
from tests.conftest import ASSETS

MODALITIES = ("image", "audio", "text")
SECTIONS = {"image": "images", "audio": "sounds", "text": "texts"}
PRIMARY = {"image": "efficientnet", "audio": "yamnet", "text": "minilm"}
# Floors for the held-out items (set aside before the gallery was chosen); measured when this
# test was written: images 0.89 (33/37), sounds 0.62 (10/16), texts 0.97 (35/36). Sounds
# generalise poorly; the floor only guards against a broken pipeline.
HELD_OUT_FLOOR = {"image": 0.80, "audio": 0.50, "text": 0.90}


def _manifest(folder):
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as fh:
        return json.load(fh)


def _content_hash(item) -> str:
    if item.modality == "text":
        return hashlib.sha256(" ".join(item.text.lower().split()).encode()).hexdigest()
    with open(item.path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


# -- the measurement itself, on vectors we can check by hand ----------------------------------
def test_leave_one_out_and_held_out_on_hand_made_vectors():
    v = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.8, 0.6]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    groups = ["a", "a", "b", "b", "b"]
    r = quality.leave_one_out(v, groups, ["a1", "a2", "b1", "b2", "b3"])
    # b3 = (0.8, 0.6) is nearest to a2 = (0.9, 0.1): the only miss
    assert (r.correct, r.n) == (4, 5) and r.accuracy == pytest.approx(0.8)
    assert [(m.id, m.nearest_id) for m in r.misses] == [("b3", "a2")]
    assert {g.group: (g.correct, g.n) for g in r.per_group} == {"a": (2, 2), "b": (2, 3)}
    sims = v @ v.T
    assert r.mean_within == pytest.approx(np.mean([sims[0, 1], sims[2, 3], sims[2, 4], sims[3, 4]]), abs=1e-6)
    q = np.array([[1, 0.05], [0.2, 1]], dtype=np.float32)
    h = quality.held_out(v, groups, q / np.linalg.norm(q, axis=1, keepdims=True), ["a", "a"])
    assert (h.correct, h.n) == (1, 2) and h.misses[0].nearest_group == "b"


def test_groups_of_one_item_are_not_scored():
    v = np.eye(3, dtype=np.float32)
    r = quality.leave_one_out(v, ["a", "a", "lonely"])
    assert r.n == 2


# -- the manifest: groups, credits, licences ----------------------------------------------------
@pytest.mark.parametrize("folder", [ASSETS_DIR, HELDOUT_DIR])
def test_every_item_has_group_caption_source_licence_and_credit(folder):
    data = _manifest(folder)
    group_keys = {g["key"] for g in data["groups"]}
    for section in ("images", "sounds", "texts"):
        assert data[section], f"{folder}: no {section}"
        for e in data[section]:
            where = f"{folder} {section} {e['id']}"
            assert e["group"] in group_keys, where
            assert (e.get("caption") or e.get("text")), where
            for key in ("source", "licence", "credit", "licence_file"):
                assert e.get(key), f"{where} lacks {key}"
            assert os.path.isfile(os.path.join(folder, e["licence_file"])), f"{where}: no {e['licence_file']}"
            if e.get("licence_also"):
                assert os.path.isfile(os.path.join(folder, e["licence_also_file"])), where
            if section != "texts":
                assert os.path.isfile(os.path.join(folder, e["file"])), where
                assert e.get("package") and e.get("package_path"), where
            if e["licence"].startswith("GPL"):  # the untouched original ships beside the converted file
                assert e.get("original") and os.path.isfile(os.path.join(folder, e["original"])), where


def test_credits_and_licence_texts_ship_with_the_assets():
    with open(os.path.join(ASSETS, "CREDITS.md"), encoding="utf-8") as fh:
        credits = fh.read()
    for item in items_of("image") + items_of("audio") + heldout_items("image") + heldout_items("audio"):
        rel = os.path.relpath(item.path, ASSETS)
        assert f"`{rel}`" in credits, rel
    for name in os.listdir(os.path.join(ASSETS, "licences")):
        assert os.path.getsize(os.path.join(ASSETS, "licences", name)) > 200, name


def test_groups_are_big_enough_to_teach():
    groups = load_groups()
    image_groups = [g for g in groups if g.images >= 6]
    assert len(image_groups) >= 10, [(g.key, g.images) for g in groups]
    assert all(g.images == 0 or g.images >= 6 for g in groups)
    assert all(g.sounds == 0 or g.sounds >= 4 for g in groups)
    assert all(g.texts >= 3 for g in groups), "every group has sentences"
    for modality in MODALITIES:  # the counts in the group table are the items' own
        counted = {}
        for it in items_of(modality):
            counted[it.group] = counted.get(it.group, 0) + 1
        assert counted == {g.key: getattr(g, SECTIONS[modality]) for g in groups
                           if getattr(g, SECTIONS[modality])}


def test_pairs_point_at_the_same_subject_in_the_other_modality():
    images = {it.id: it for it in items_of("image")}
    sounds = {it.id: it for it in items_of("audio")}
    pairs = [(i, i.pair) for i in images.values() if i.pair]
    assert pairs, "the sources give some picture + sound pairs"
    for image, sound_id in pairs:
        assert sounds[sound_id].pair == image.id and sounds[sound_id].group == image.group


def test_no_committed_file_is_large():
    total = {"images": 0, "sounds": 0}
    for root, _, files in os.walk(ASSETS):
        for name in files:
            size = os.path.getsize(os.path.join(root, name))
            assert size < 8 * 2**20, name
            for key in total:
                if os.path.basename(root) == key:
                    total[key] += size
    assert total["images"] < 2 * 2**20 and total["sounds"] < 12 * 2**20, total


# -- held out means held out ---------------------------------------------------------------------
@pytest.mark.parametrize("modality", MODALITIES)
def test_held_out_items_are_not_in_the_gallery(modality):
    gallery, held = items_of(modality), heldout_items(modality)
    assert held, f"no held-out {modality} items"
    assert not {it.id for it in gallery} & {it.id for it in held}
    assert not {_content_hash(it) for it in gallery} & {_content_hash(it) for it in held}
    assert {it.group for it in held} <= {it.group for it in gallery}


# -- the measurement with the real bundled models --------------------------------------------------
@pytest.mark.parametrize("modality", MODALITIES)
def test_leave_one_out_accuracy_meets_the_goal(modality):
    report = quality.measure(PRIMARY[modality], modality)
    loo, held = report.leave_one_out, report.held_out
    print(f"\n{report.line()}")
    for m in loo.misses:
        print(f"  leave-one-out miss: {m.id} ({m.group}) -> {m.nearest_id} ({m.nearest_group}) {m.cosine:.2f}")
    assert loo.n == len(items_of(modality))
    assert loo.accuracy >= quality.GOALS[modality], report.line()
    assert loo.mean_within > loo.mean_between
    assert held.n == len(heldout_items(modality))
    assert held.accuracy >= HELD_OUT_FLOOR[modality], report.line()
