"""Numbers and sentences the playground pages show, checked against references.

- raw vector lengths (before normalising): scaled to length 1 they are exactly encode()'s vectors, and
  MiniLM's raw pooled vector equals sentence-transformers' Transformer + Pooling modules (no Normalize);
- per-modality rankings, the modality-gap means, the "most similar pair" sentence: against brute force;
- the label bridge's "cannot know" check: against a loop over the class-name prompts;
- the sentences computed from the input (GloVe's unknown words, MiniLM's 256-piece cut).
"""
import os

import numpy as np
import pytest

from encoders import get_encoder, l2_normalise
from lab.inputs import Item, collect
from lab.service import embed_items, raw_norms, raw_vectors, text_notes
from tests.conftest import ASSETS

SENTENCES = ["A dog runs in the park.", "The stock market fell.", "Le chat dort sur le canapé."]


def test_minilm_raw_pooled_vector_equals_sentence_transformers_pooling():
    import torch
    from sentence_transformers import SentenceTransformer

    from encoders.minilm import model_path

    st = SentenceTransformer(model_path(), device="cpu")
    features = st.tokenize(SENTENCES)
    with torch.inference_mode():
        pooled = st[1](st[0](features))["sentence_embedding"].numpy()  # Transformer + Pooling, no Normalize
    ours = raw_vectors("minilm", SENTENCES)
    np.testing.assert_allclose(ours, pooled, atol=1e-5)
    np.testing.assert_allclose(l2_normalise(ours), get_encoder("minilm").encode("text", SENTENCES), atol=1e-5)


def test_glove_raw_vector_is_the_mean_of_known_word_rows():
    enc = get_encoder("glove")
    enc.ensure_loaded()
    text = "The king and the qwzxv queen"
    words = ["the", "king", "and", "the", "queen"]  # qwzxv is not in the vocabulary
    expected = np.mean([enc.word_vector(w, unit=False) for w in words], axis=0)
    ours = raw_vectors("glove", [text])[0]
    np.testing.assert_allclose(ours, expected, atol=1e-6)
    np.testing.assert_allclose(l2_normalise(ours)[0], enc.encode("text", [text])[0], atol=1e-6)


@pytest.mark.parametrize("modality,key,files", [
    ("image", "efficientnet", ["cat.jpg", "coffee.jpg", "rocket.jpg"]),
    ("audio", "yamnet", ["dog.wav", "cow.wav"]),
])
def test_classifier_raw_vectors_scale_to_the_encoded_vectors(modality, key, files):
    folder = "images" if modality == "image" else "sounds"
    items = collect(modality, None, [os.path.join(ASSETS, folder, f) for f in files])
    emb = embed_items(modality, items, key)
    raw = raw_vectors(key, [it.value for it in items])
    np.testing.assert_allclose(l2_normalise(raw), emb.vectors, atol=1e-5)
    norms = raw_norms(emb)
    np.testing.assert_allclose(norms, np.linalg.norm(raw, axis=1), rtol=1e-6)
    assert all(n > 1.0 for n in norms)  # these models' pooled features are not unit length


def test_bridge_has_no_raw_norm_to_show():
    items = [Item("a cat", "a cat")]
    assert raw_norms(embed_items("text", items, "bridge")) is None


def test_text_notes_name_glove_unknown_words_and_minilm_cut():
    glove = embed_items("text", [Item("the qwzxv cat", "the qwzxv cat")], "glove")
    notes = text_notes(glove)
    assert len(notes) == 1 and "“qwzxv”" in notes[0] and "Sentence 1" in notes[0]
    long = " ".join(["word"] * 300)  # 300 pieces + [CLS] + [SEP]
    minilm = embed_items("text", [Item("short", "short"), Item(long, long)], "minilm")
    notes = text_notes(minilm)
    assert len(notes) == 1 and notes[0].startswith("Sentence 2 has 302 WordPiece pieces")
    assert text_notes(embed_items("text", [Item("short", "short")], "minilm")) == []


def test_pair_sentence_names_the_extreme_pairs():
    from tabs.common import pair_sentence

    labels = ["a", "b", "c"]
    m = np.array([[1, 0.2, 0.9], [0.2, 1, -0.3], [0.9, -0.3, 1]])
    s = pair_sentence(labels, m)
    assert "“a” and “c” (0.90)" in s and "“b” and “c” (-0.30)" in s


def test_search_all_gives_one_ranking_per_kind_and_gap_means():
    from lab.search import modality_stats, search

    r = search("text", "a dog barking", None, "all", 4, (), "bridge")
    assert list(r.by_modality) == ["image", "audio", "text"]
    sims = r.vectors @ r.query_vector
    for modality, rows in r.by_modality.items():
        idx = [i for i, c in enumerate(r.candidates) if c.modality == modality]
        best = sorted(idx, key=lambda i: -sims[i])[:4]
        assert [i for i, _ in rows] == best
        np.testing.assert_allclose([s for _, s in rows], sims[best], atol=1e-6)
    stats = modality_stats(r)
    mods = np.array([c.modality for c in r.candidates])
    for m in ("image", "audio", "text"):
        np.testing.assert_allclose(stats["to_query"][m], sims[mods == m].mean(), atol=1e-6)
        block = r.vectors[mods == m] @ r.vectors[mods == m].T
        n = block.shape[0]
        np.testing.assert_allclose(stats["within"][m], (block.sum() - n) / (n * (n - 1)), atol=1e-4)
    across = r.vectors[mods == "audio"] @ r.vectors[mods == "image"].T
    np.testing.assert_allclose(stats["across"][("audio", "image")], across.mean(), atol=1e-6)
    # why an item scored: every gallery picture and sound carries the classifier's top labels
    assert all(i in r.terms for i, c in enumerate(r.candidates) if c.modality != "text")
    assert set(r.coverage) == {"image", "audio"}
    out = r.as_json()
    assert [row["id"] for row in out["by_modality"]["audio"]] == [r.candidates[i].id for i, _ in r.by_modality["audio"]]


def test_bridge_coverage_is_the_best_cosine_to_a_class_prompt():
    from encoders.bridge import TEMPLATES
    from lab.search import KNOWS_THRESHOLD, bridge_coverage

    bridge = get_encoder("bridge")
    bridge.ensure_loaded()
    names = bridge.classifiers["image"].class_names()
    q = get_encoder("minilm").encode("text", ["democracy"])[0]
    prompts = get_encoder("minilm").encode("text", [TEMPLATES["image"].format(n) for n in names])
    sims = prompts @ q
    c = bridge_coverage(["democracy"], "image")[0]
    np.testing.assert_allclose(c.best, sims.max(), atol=1e-5)
    assert c.nearest[0][0] == names[int(np.argmax(sims))]
    assert c.knows == (c.best >= KNOWS_THRESHOLD["image"])


def test_gallery_quality_sentence_is_read_off_the_report():
    from gallery.quality import QualityReport, NeighbourScore
    from lab.gallery_quality import sentence

    loo = NeighbourScore("leave-one-out", 55, 51, 51 / 55, [], [], 0.5, 0.2)
    held = NeighbourScore("held out", 16, 10, 10 / 16, [], [], 0.5, 0.2)
    s = sentence(QualityReport("yamnet", "audio", loo, held), "YAMNet")
    assert "**51 of 55** (leave-one-out 0.93; goal 0.80" in s
    assert "**10 of 16** (0.62), below the goal: 6 new sounds of a known kind land nearest to another group" in s
