"""The objectives lesson: corpus, word2vec losses and neighbours, InfoNCE, the miniature CLIP.

Training runs here are tiny (one CBOW epoch at dim 10, a few dozen contrastive steps); the
examples' full runs are covered by the generic lesson tests.
"""
import math

import numpy as np
import pytest
import torch

from lessons.objectives import build_corpus, compute, contrastive, word2vec
from lessons.objectives import corpus as corpus_mod
from media.errors import InputError


# -- corpus ----------------------------------------------------------------------------------------------
def test_corpus_is_the_committed_shakespeare_with_a_disjoint_heldout_part():
    corp = corpus_mod.load()
    assert len(corp.train) + len(corp.heldout) == 31_352
    assert corp.train_words + corp.heldout_words == 830_553
    assert len(corp.heldout) == 31_352 // corpus_mod.HELDOUT_EVERY
    assert corp.train[0][:4] == ("now", "fair", "hippolyta", "our")  # A Midsummer Night's Dream, I.1
    words = {w for s in corp.train[:2000] for w in s}
    assert all(w == w.lower() and w[0].isalpha() for w in words)


def test_build_corpus_keeps_speech_and_drops_names_headings_and_directions():
    md = ("# Hamlet\n\n## ACT I\n\n### SCENE I. Elsinore.\n\n_FRANCISCO at his post. Enter to him\nBERNARDO_\n\n"
          "**BERNARDO**  \nWho's there?\n\n**FRANCISCO**  \nNay, answer me: stand, and unfold yourself.  \n"
          "__\\[Aside]_ 'Tis bitter cold,\n\n*Enter King Edward, Derby, and \nArtois.*\n\n**HAMLET**  \nO\u2019er the hill\\--go.")
    assert build_corpus.speeches_of(md) == [
        ["who's", "there"], ["nay", "answer", "me", "stand", "and", "unfold", "yourself", "tis", "bitter", "cold"],
        ["o'er", "the", "hill", "go"]]


# -- word2vec --------------------------------------------------------------------------------------------
def _log_sigmoid(x: float) -> float:
    return math.log(1.0 / (1.0 + math.exp(-x)))


def test_negative_sampling_loss_equals_the_formula_by_hand_and_torch():
    v = np.array([[0.5, -1.0], [2.0, 0.0]])  # [2, 2]
    u_pos = np.array([[1.0, 0.5], [0.5, 0.5]])
    u_neg = np.array([[[0.0, 1.0], [1.0, 1.0]], [[-1.0, 0.0], [0.0, 2.0]]])  # [2, 2 negatives, 2]
    by_hand = np.mean([
        -_log_sigmoid(0.5 * 1.0 - 1.0 * 0.5) - _log_sigmoid(-(-1.0)) - _log_sigmoid(-(0.5 - 1.0)),
        -_log_sigmoid(2.0 * 0.5) - _log_sigmoid(-(-2.0)) - _log_sigmoid(-0.0)])
    assert word2vec.negative_sampling_loss(v, u_pos, u_neg) == pytest.approx(by_hand, abs=1e-12)
    pos = torch.einsum("nd,nd->n", torch.tensor(v), torch.tensor(u_pos))
    neg = torch.einsum("nd,nkd->nk", torch.tensor(v), torch.tensor(u_neg))
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    ref = (bce(pos, torch.ones_like(pos), reduction="none")
           + bce(neg, torch.zeros_like(neg), reduction="none").sum(1)).mean()
    assert word2vec.negative_sampling_loss(v, u_pos, u_neg) == pytest.approx(float(ref), abs=1e-12)


@pytest.mark.parametrize("objective", word2vec.OBJECTIVES)
def test_vectorised_eval_loss_equals_a_plain_loop(objective):
    rng = np.random.default_rng(0)
    vocab = word2vec.vocabulary()
    w_in = rng.normal(size=(len(vocab.words), 8)) * 0.3  # [vocab, 8]
    w_out = rng.normal(size=(len(vocab.words), 8)) * 0.3
    ev = word2vec.eval_sets(objective)[1]
    n = 40
    losses = []
    for i in range(n):
        if objective == "skip-gram":
            v = w_in[ev.inputs[i]]
        else:
            v = np.mean([w_in[c] for c in ev.inputs[i] if c >= 0], axis=0)
        loss = -_log_sigmoid(float(w_out[ev.targets[i]] @ v))
        loss -= sum(_log_sigmoid(-float(w_out[k] @ v)) for k in ev.negatives[i])
        losses.append(loss)
    small = word2vec.EvalSet(ev.inputs[:n], ev.targets[:n], ev.negatives[:n])
    assert word2vec.eval_loss(objective, w_in, w_out, small) == pytest.approx(np.mean(losses), rel=1e-10)


def test_eval_pairs_are_words_within_the_window():
    vocab = word2vec.vocabulary()
    speech = ("my", "father", "bids", "you", "come", "to", "supper")
    pairs = corpus_mod.window_pairs([speech], vocab.index, word2vec.WINDOW)
    names = {(vocab.words[a], vocab.words[b]) for a, b in pairs}
    assert ("bids", "supper") in names and ("supper", "bids") in names  # 4 apart: inside the window
    assert ("father", "supper") not in names  # 5 apart
    centres, contexts = corpus_mod.context_windows([speech], vocab.index, word2vec.WINDOW)
    first = [vocab.words[c] for c in contexts[0] if c >= 0]
    assert vocab.words[centres[0]] == "my" and first == ["father", "bids", "you", "come"]


@pytest.fixture(scope="module")
def tiny_run():
    return list(word2vec.train_epochs("cbow", 1, 10, 3, ["king", "night"], k=5))


def test_loss_starts_at_six_ln_two_and_falls(tiny_run):
    start, end = tiny_run
    assert start.loss_train == pytest.approx(6 * math.log(2), abs=1e-5)  # output vectors start at zero
    assert start.loss_heldout == pytest.approx(6 * math.log(2), abs=1e-5)
    assert end.loss_train < start.loss_train - 0.5 and end.loss_heldout < start.loss_heldout - 0.5


def test_same_seed_same_numbers_other_seed_other_numbers(tiny_run):
    again = list(word2vec.train_epochs("cbow", 1, 10, 3, ["king", "night"], k=5))
    assert again == tiny_run  # losses, neighbours, cosines (timings are not compared)
    other = list(word2vec.train_epochs("cbow", 1, 10, 4, ["king", "night"], k=5))
    assert other[1].loss_train != tiny_run[1].loss_train


def test_neighbours_equal_gensim_most_similar_on_the_centred_vectors():
    from gensim.models import KeyedVectors

    model = word2vec.new_model("cbow", 10, 5)
    model.train(corpus_mod.load().train[:3000], total_examples=3000, epochs=1)
    vocab = word2vec.vocabulary()
    unit = word2vec.centred_unit(model.wv.vectors)
    kv = KeyedVectors(10)
    kv.add_vectors(list(vocab.words), (model.wv.vectors - model.wv.vectors.mean(axis=0)).astype(np.float32))
    for word in ("king", "night", "thou"):
        ours = word2vec.nearest(unit, vocab.index, vocab.words, word, 8)
        theirs = kv.most_similar(word, topn=8)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([c for _, c in ours], [c for _, c in theirs], atol=1e-4)


def test_word_settings_are_checked_before_any_work():
    for bad in (dict(epochs=0), dict(epochs=compute.MAX_EPOCHS + 1), dict(epochs=2.5), dict(dim=5), dict(dim=1000),
                dict(seed=-1), dict(objective="glove"), dict(words=""), dict(words="king, zzzq"),
                dict(words="a, b, c, d, e, f, g")):
        with pytest.raises(InputError):
            compute.check_word_settings(**{**dict(objective="cbow", epochs=1, dim=10, seed=0, words="king"), **bad})
    assert compute.parse_words("King,  NIGHT; king") == ["king", "night"]


# -- contrastive ------------------------------------------------------------------------------------------
def test_info_nce_equals_the_hand_computed_value_and_open_clip():
    logits = torch.tensor([[2.0, 0.0], [1.0, 3.0]])
    rows = -(math.log(math.exp(2) / (math.exp(2) + 1)) + math.log(math.exp(3) / (math.exp(1) + math.exp(3)))) / 2
    cols = -(math.log(math.exp(2) / (math.exp(2) + math.exp(1))) + math.log(math.exp(3) / (1 + math.exp(3)))) / 2
    assert float(contrastive.info_nce(logits)) == pytest.approx((rows + cols) / 2, abs=1e-6)

    from open_clip.loss import ClipLoss

    g = torch.Generator().manual_seed(0)
    img = torch.nn.functional.normalize(torch.randn(6, 5, generator=g), dim=1)
    txt = torch.nn.functional.normalize(torch.randn(6, 5, generator=g), dim=1)
    scale = torch.tensor(14.3)
    assert float(contrastive.info_nce(scale * img @ txt.T)) == pytest.approx(float(ClipLoss()(img, txt, scale)), abs=1e-6)


def test_info_nce_with_shared_captions_spreads_the_target_over_them():
    logits = torch.tensor([[2.0, 1.0, 0.0], [0.5, 1.5, -1.0], [0.0, 1.0, 3.0]])
    same = contrastive.same_caption(["a windmill", "a windmill", "a fish"])
    p_rows = torch.softmax(logits, dim=1)
    p_cols = torch.softmax(logits.T, dim=1)
    by_hand = 0.0
    for p in (p_rows, p_cols):
        by_hand += -(0.5 * math.log(p[0, 0]) + 0.5 * math.log(p[0, 1]) + 0.5 * math.log(p[1, 0])
                     + 0.5 * math.log(p[1, 1]) + math.log(p[2, 2])) / 3
    assert float(contrastive.info_nce(logits, same)) == pytest.approx(by_hand / 2, abs=1e-6)
    unique = contrastive.same_caption(["x", "y", "z"])
    assert float(contrastive.info_nce(logits, unique)) == pytest.approx(float(contrastive.info_nce(logits)), abs=1e-6)
    assert contrastive.loss_floor(["a windmill", "a windmill", "a fish"]) == pytest.approx(2 * math.log(2) / 3)
    assert contrastive.loss_floor(["x", "y"]) == 0.0


def test_blind_model_scores_ln_n():
    assert float(contrastive.info_nce(torch.zeros(7, 7))) == pytest.approx(math.log(7), abs=1e-6)


def test_split_is_fixed_disjoint_and_spread_over_groups():
    groups = tuple(["cats"] * 8 + ["cars"] * 5 + ["fish"] * 3 + ["moon"])
    train, held = contrastive.split(groups)
    again = contrastive.split(groups)
    assert np.array_equal(train, again[0]) and np.array_equal(held, again[1])
    assert sorted(train.tolist() + held.tolist()) == list(range(len(groups)))
    assert len(held) == len(groups) // contrastive.HELDOUT_EVERY
    assert {groups[i] for i in held} >= {"cats", "cars"}


def test_accuracy_counts_top1_hits_and_group_hits():
    sim = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.1], [0.0, 0.1, 0.7]])
    acc = contrastive.accuracy(sim, ["a", "a", "b"], ["x", "y", "z"])
    assert acc.image_to_text == pytest.approx(2 / 3, abs=1e-4)  # image 1 picks caption 0
    assert acc.text_to_image == pytest.approx(1.0)  # column argmax: 0, 1, 2
    assert acc.image_to_text_group == pytest.approx(1.0)  # caption 0 is in image 1's group
    assert acc.chance == pytest.approx(1 / 3, abs=1e-4)
    assert acc.chance_group == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3, abs=1e-4)
    shared = contrastive.accuracy(sim, ["a", "a", "b"], ["x", "x", "z"])  # images 0 and 1 share a caption
    assert shared.image_to_text == 1.0 and shared.chance == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3, abs=1e-4)


@pytest.fixture(scope="module")
def clip_run():
    return list(compute.contrastive_run(steps=60, dim=32, seed=0))


def test_contrastive_loss_falls_and_heldout_retrieval_beats_chance(clip_run):
    first, last = clip_run[0][0], clip_run[-1][0]
    assert last.step == 60 and last.loss_train < 0.5 * first.loss_train
    assert last.train.image_to_text == 1.0 and last.train.text_to_image == 1.0
    held = (last.heldout.image_to_text + last.heldout.text_to_image) / 2
    assert held > last.heldout.chance, "held-out pairs: the heads learned something beyond the training pairs"
    # the similarity matrix is the heads' cosine: symmetric loss recomputed from it
    pairs = contrastive.gallery_pairs()
    held_captions = [pairs.captions[i] for i in contrastive.split(pairs.groups)[1]]
    scale = 1 / last.temperature
    loss = float(contrastive.info_nce(torch.tensor(scale * last.sim_heldout), contrastive.same_caption(held_captions)))
    assert loss == pytest.approx(last.loss_heldout, abs=2e-3)


def test_contrastive_same_seed_same_numbers(clip_run):
    pairs = contrastive.gallery_pairs()
    again = list(contrastive.train_steps(pairs, 60, 32, 0, compute.snapshot_steps(60)))
    np.testing.assert_array_equal(again[-1].sim_heldout, clip_run[-1][0].sim_heldout)
    assert again[-1].loss_train == clip_run[-1][0].loss_train


def test_contrastive_settings_and_parameter_count():
    for bad in (dict(steps=0), dict(steps=compute.MAX_STEPS + 1), dict(dim=1), dict(dim=129), dict(seed=-2)):
        with pytest.raises(InputError):
            compute.check_contrastive_settings(**{**dict(steps=10, dim=8, seed=0), **bad})
    pairs = contrastive.gallery_pairs()
    heads = contrastive.Heads(pairs.images.shape[1], pairs.texts.shape[1], 32)
    assert heads.parameter_count() == contrastive.parameter_count(pairs, 32) == 1280 * 32 + 384 * 32 + 1


def test_masked_example_uses_the_real_wordpiece_pieces():
    ex = compute.masked_example()
    assert ex["pieces"] == ["the", "king", "drew", "his", "sword", "at", "night", "."]
    assert ex["masked"] == [False] * 4 + [True] + [False] * 3 and ex["vocab_size"] == 30522


@pytest.mark.api
def test_train_contrastive_through_the_api_equals_the_function(client):
    got = client.predict(steps=30, dim=8, api_name="/train_contrastive")
    want = compute.train_contrastive(steps=30, dim=8)
    assert got["pairs"] == want["pairs"] and len(got["history"]) == len(want["history"])
    np.testing.assert_allclose(got["heldout"]["similarity"], want["heldout"]["similarity"], atol=1e-5)
    assert got["history"][-1]["accuracy_heldout"] == want["history"][-1]["accuracy_heldout"]
