"""Images lesson: every number checked against a reference.

- GAP: the mean of the 49 feature-map cells (numpy) equals the library's own pooling layer
  (``AdaptiveAvgPool2d``), the encoder's pooled vector and, normalised, ``/embed``'s vector; the
  library's full forward (pool + classifier) gives the logits of the classifier applied to that mean.
- ViT: the lesson's 50 x 768 tokens equal what open_clip's ``VisionTransformer._embeds`` feeds its
  ``ln_pre`` (same seed, same architecture), and conv1 equals the explicit matrix product per patch.
- Linear probe: beats chance on the gallery's classes, scored on held-out pictures only; its accuracy,
  confusion matrix and baselines equal direct computations.
"""
import numpy as np
import pytest
import torch

from lessons.images import compute, probe, vit
from lessons.images.pictures import load_picture
from media.errors import InputError


@pytest.fixture(scope="module")
def cat():
    return load_picture("cat")


@pytest.fixture(scope="module")
def cat_map(cat):
    return compute.feature_map(cat)


def test_gap_equals_the_mean_of_the_feature_map_cells(cat, cat_map):
    from encoders import get_encoder
    from encoders.efficientnet import preprocess

    enc = get_encoder("efficientnet")
    x = torch.from_numpy(preprocess([cat.image]))  # [1, 3, 224, 224]
    with torch.inference_mode():
        fmap = enc.model.extract_features(x)  # [1, 1280, 7, 7]
        library_pool = enc.model._avg_pooling(fmap).flatten(1)[0].numpy()  # AdaptiveAvgPool2d(1): [1280]
        library_logits = enc.model(x)[0].numpy()  # the library's own forward: pool, dropout (off), classifier
        logits_of_mean = enc.model._fc(torch.from_numpy(cat_map.mean_of_cells.astype(np.float32))[None])[0].numpy()
    cells = fmap[0].numpy().reshape(1280, 49).T  # [49, 1280]
    np.testing.assert_allclose(cat_map.cells, cells, atol=1e-5)
    np.testing.assert_allclose(cat_map.mean_of_cells, cells.astype(np.float64).mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(cat_map.mean_of_cells, library_pool, atol=1e-5)
    np.testing.assert_allclose(cat_map.pooled, library_pool, atol=1e-5)
    np.testing.assert_allclose(logits_of_mean, library_logits, atol=1e-4)  # the classifier sees only the mean
    embed = enc.encode("image", [cat.image])[0]
    np.testing.assert_allclose(cat_map.mean_of_cells / np.linalg.norm(cat_map.mean_of_cells), embed, atol=1e-6)
    assert cat_map.gap_difference == pytest.approx(float(np.abs(cat_map.mean_of_cells - cat_map.pooled).max()))
    assert cat_map.gap_difference < 1e-5 and cat_map.embed_difference < 1e-6
    assert cat_map.cells.min() >= 0.0 and cat_map.cells.max() <= 6.0  # ReLU6: the page's fixed colour range


def test_image_features_endpoint_reports_the_equality_and_the_cells(cat_map):
    out = compute.image_features("cat", channel=-1, cells=True)
    assert out["feature_map"]["shape"] == [1280, 7, 7]
    cells = np.asarray(out["feature_map"]["cells"])  # [49, 1280]
    np.testing.assert_allclose(cells, cat_map.cells, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out["pooled"]), cells.mean(axis=0), atol=1e-5)  # the API shows GAP
    assert out["gap_max_abs_difference"] < 1e-5
    np.testing.assert_allclose(out["feature_map"]["cell_norms"], np.linalg.norm(cells, axis=1).reshape(7, 7), atol=1e-4)
    k = out["channel"]["index"]
    assert k == int(np.argmax(cells.mean(axis=0)))
    np.testing.assert_allclose(out["channel"]["cells"], cells[:, k].reshape(7, 7), atol=1e-5)
    assert out["channel"]["mean"] == pytest.approx(out["channel"]["pooled"], abs=1e-5)
    assert "cells" not in compute.image_features("cat", channel=3)["feature_map"]
    assert compute.image_features("cat", channel=3)["channel"]["index"] == 3


def test_image_features_refuses_bad_input():
    with pytest.raises(InputError, match="no gallery picture"):
        compute.image_features("no-such-picture")
    with pytest.raises(InputError, match="channels 0 to 1279"):
        compute.image_features("cat", channel=1280)
    with pytest.raises(InputError, match="not uploaded"):
        compute.image_features(file={"path": "/etc/passwd"})


def test_vit_tokens_equal_open_clip_embeds(cat):
    t = vit.tokens(cat.image)
    assert t.tokens.shape == (50, 768) and t.projected.shape == (50, 768)
    assert t.conv_difference < 1e-9  # a 32 x 32 stride-32 convolution is one matrix per patch (float64 here)
    if t.stem.trained:
        pytest.skip("CLIP's weights loaded: the random-tower comparison does not apply")
    visual = vit.random_visual()  # open_clip's own ViT-B-32, random weights, the same seed
    np.testing.assert_array_equal(t.stem.conv_weight, visual.conv1.weight.detach().numpy())
    np.testing.assert_array_equal(t.stem.positional_embedding, visual.positional_embedding.detach().numpy())
    seen = {}
    visual.ln_pre.register_forward_hook(lambda mod, args, out: seen.setdefault("input", args[0].detach()))
    x = torch.from_numpy(vit.preprocess(cat.image, t.stem))[None]  # [1, 3, 224, 224]
    with torch.inference_mode():
        visual._embeds(x)  # conv1, [CLS] in front, + positions, then ln_pre
    np.testing.assert_allclose(t.tokens, seen["input"][0].numpy(), atol=1e-5)
    np.testing.assert_allclose(t.projected[0], visual.class_embedding.detach().numpy(), atol=0)
    assert "RANDOM" in t.stem.label and "random weights" in t.stem.note  # labelled as such on screen and in the API


def test_patches_are_numbered_row_by_row():
    x = np.zeros((3, 224, 224), np.float32)
    x[:, 32:64, 64:96] = 1.0  # grid row 1, column 2
    p = vit.patches_of(x)  # [49, 3072]
    assert np.flatnonzero(p.sum(axis=1)).tolist() == [1 * 7 + 2]


def test_linear_probe_beats_chance_on_the_gallery_classes():
    r = probe.run_probe()
    from gallery.manifest import heldout_items, items_of

    assert r.train_n == len(items_of("image")) and r.test_n == len(heldout_items("image"))
    assert not {i.id for i in items_of("image")} & {i.id for i in heldout_items("image")}  # never trained on
    assert r.chance == pytest.approx(1 / len(r.groups))
    by_name = {s.name: s for s in r.scores}
    for name in ("efficientnet", "bridge"):
        s = by_name[name]
        assert s.accuracy > 3 * r.chance and s.accuracy > r.majority, (name, s.accuracy)
    assert by_name["pixels"].accuracy > r.chance
    assert by_name["efficientnet"].accuracy > by_name["pixels"].accuracy
    for s in r.scores:
        assert s.confusion.sum() == r.test_n and np.trace(s.confusion) == s.correct
        assert s.accuracy == pytest.approx(np.trace(s.confusion) / r.test_n)


def test_probe_equals_a_direct_scikit_learn_fit_on_chosen_groups():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import confusion_matrix
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from gallery.index import gallery_vectors
    from gallery.manifest import HELDOUT_DIR

    groups = ["cats", "fish", "windmills"]
    out = probe.probe(groups=groups, representations=["efficientnet", "pixels"])
    manifest_order = [key for _, key in probe.group_choices()]
    assert out["groups"] == [g for g in manifest_order if g in groups]
    assert [r["name"] for r in out["results"]] == ["pixels", "efficientnet"]
    tr_items, tr = gallery_vectors("efficientnet", "image")
    te_items, te = gallery_vectors("efficientnet", "image", HELDOUT_DIR)
    tr_keep = [i for i, it in enumerate(tr_items) if it.group in groups]
    te_keep = [i for i, it in enumerate(te_items) if it.group in groups]
    y_tr = [tr_items[i].group for i in tr_keep]
    y_te = [te_items[i].group for i in te_keep]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)).fit(tr[tr_keep], y_tr)
    pred = model.predict(te[te_keep])
    got = next(r for r in out["results"] if r["name"] == "efficientnet")
    assert got["accuracy"] == pytest.approx(float(np.mean(pred == np.asarray(y_te))))
    assert got["confusion"] == confusion_matrix(y_te, pred, labels=out["groups"]).tolist()
    assert out["test_n"] == len(y_te) and out["chance"] == pytest.approx(1 / 3)
    most = max(out["groups"], key=lambda g: (y_tr.count(g), -out["groups"].index(g)))
    assert out["majority"] == pytest.approx(y_te.count(most) / len(y_te))


def test_pixel_vectors_are_the_shrunk_picture(cat):
    v = probe.pixel_vector(cat.image)
    from PIL import Image

    small = np.asarray(cat.image.convert("RGB").resize((16, 16), Image.BILINEAR), dtype=np.float32) / 255.0
    np.testing.assert_allclose(v, small.reshape(-1), atol=1e-7)


def test_probe_refuses_bad_groups():
    with pytest.raises(InputError, match="at least two groups"):
        probe.probe(groups=["cats"])
    with pytest.raises(InputError, match="not a picture group"):
        probe.probe(groups=["cats", "dragons"])
    with pytest.raises(InputError, match="Unknown representation"):
        probe.probe(representations=["sift"])


def test_page_figures_show_exactly_the_computed_numbers(cat_map):
    """The page's plots carry the numbers checked above: the picture's pixels, the channel's 49 cells, the mean."""
    import base64
    import io

    from PIL import Image

    from lessons.images import view

    k = cat_map.strongest_channel()
    fig = view.channel_figure(cat_map.seen, cat_map.channel_cells(k), k, float(cat_map.mean_of_cells[k]))
    png = fig.data[0].source.split(",", 1)[1]
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(base64.b64decode(png)))), cat_map.seen)  # lossless
    np.testing.assert_allclose(np.asarray(fig.data[2].z), cat_map.cells[:, k].reshape(7, 7), atol=1e-6)
    assert f"{cat_map.mean_of_cells[k]:.4f}" in fig.layout.title.text
    cells = view.cells_figure(cat_map)
    np.testing.assert_allclose(np.asarray(cells.data[1].z)[0], cat_map.mean_of_cells, atol=1e-5)  # the GAP row
