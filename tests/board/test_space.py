"""The board's map, neighbours, groups and label placement, checked against scikit-learn and plain numpy."""
import numpy as np
import pytest

from board.labels import place_labels
from board.space import AUTO_FIT_SIZES, StableMap, assign, cluster, neighbours
from encoders.base import l2_normalise


def blobs(n_per=8, centres=3, dim=24, spread=0.15, seed=0):
    rng = np.random.default_rng(seed)
    c = l2_normalise(rng.normal(size=(centres, dim)))
    x = np.concatenate([c[k] + spread * rng.normal(size=(n_per, dim)) for k in range(centres)])
    return l2_normalise(x), np.repeat(np.arange(centres), n_per)


def test_first_fit_is_plain_pca_and_new_points_are_its_transform():
    from sklearn.decomposition import PCA

    x, _ = blobs(10)
    ids = [str(i) for i in range(30)]
    m = StableMap()
    m.sync(ids[:3], x[:3])
    np.testing.assert_allclose(m.positions(ids[:3]), PCA(2).fit_transform(x[:3]), atol=1e-5)
    for n in range(4, 31):  # grow one item at a time through the automatic refits
        m.sync(ids[:n], x[:n])
    assert m.fitted_on == AUTO_FIT_SIZES[-1] and m.fits == len(AUTO_FIT_SIZES)
    # the last six were placed by the model fitted on 24 items, through the same rotation as the rest
    ref = PCA(2).fit(x[:24])
    raw = ref.transform(x)  # [30, 2]
    rot, scale, mean, target = m._affine
    np.testing.assert_allclose(m.positions(ids), (raw - mean) @ rot * scale + target, atol=1e-4)


def test_refits_keep_the_orientation_of_the_previous_layout():
    x, _ = blobs(10, seed=1)
    ids = [str(i) for i in range(30)]
    m = StableMap()
    m.sync(ids[:24], x[:24])
    before = m.positions(ids[:24])
    m.refit(ids[:24], x[:24])  # same items, same data: the picture must not flip or turn
    np.testing.assert_allclose(m.positions(ids[:24]), before, atol=1e-4)
    m.refit(ids, x)  # more items: old ones move a little, the picture does not mirror
    moved = m.positions(ids[:24])
    assert np.corrcoef(before[:, 0], moved[:, 0])[0, 1] > 0.9
    assert np.corrcoef(before[:, 1], moved[:, 1])[0, 1] > 0.9


@pytest.mark.slow  # numba compiles UMAP's code on first use: about a minute on 2 idle cores
def test_umap_refit_then_transform_keeps_old_points():
    x, _ = blobs(8, seed=2)
    ids = [str(i) for i in range(24)]
    m = StableMap()
    m.sync(ids[:20], x[:20])
    m.refit(ids[:20], x[:20], "umap")
    assert m.used_method == "umap"
    old = m.positions(ids[:20]).copy()
    m.sync(ids[:23], x[:23])  # under 24: no automatic refit (the model was fitted on 20)
    np.testing.assert_array_equal(m.positions(ids[:20]), old)
    assert np.isfinite(m.positions(ids[:23])).all()


def test_tiny_boards():
    m = StableMap()
    x, _ = blobs(2, centres=1)
    m.sync(["a"], x[:1])
    np.testing.assert_array_equal(m.positions(["a"]), [[0.0, 0.0]])
    m.sync(["a", "b"], x[:2])
    d = np.linalg.norm(m.positions(["a"]) - m.positions(["b"]))
    assert d == pytest.approx(np.linalg.norm(x[0] - x[1]), rel=1e-5)
    m.sync([], x[:0])
    assert m.coords == {}


def test_neighbours_match_sklearn():
    from sklearn.neighbors import NearestNeighbors

    x, _ = blobs(7, seed=3)
    idx, cos = neighbours(x, 3)
    nn = NearestNeighbors(n_neighbors=4, metric="cosine").fit(x)
    dist, ref = nn.kneighbors(x)
    np.testing.assert_array_equal(idx, ref[:, 1:])  # the first is the item itself
    np.testing.assert_allclose(cos, 1 - dist[:, 1:], atol=1e-5)
    assert neighbours(x[:1], 3)[0].shape == (1, 0)


def test_kmeans_groups_are_named_by_their_most_central_item():
    from sklearn.cluster import KMeans

    x, truth = blobs(8, centres=3, seed=4)
    result = cluster(x, k=0)
    assert result.chosen and result.k == 3  # the silhouette score finds the three blobs
    ref = KMeans(n_clusters=3, n_init=10, random_state=0).fit(x)
    # same partition as scikit-learn (group numbers may differ)
    pairs = {(a, b) for a, b in zip(result.labels.tolist(), ref.labels_.tolist())}
    assert len(pairs) == 3
    for g, c in enumerate(result.central):
        members = np.flatnonzero(result.labels == g)
        centroid = x[members].mean(axis=0)
        centroid /= np.linalg.norm(centroid)
        assert c == members[np.argmax(x[members] @ centroid)]
    # new items join the nearest group by cosine
    np.testing.assert_array_equal(assign(x, result.centroids), result.labels)
    assert cluster(x, k=2).k == 2 and cluster(x[:2]).k == 1


def test_labels_never_cover_each_other():
    rng = np.random.default_rng(5)
    pts = rng.normal(size=(40, 2))
    extent = ((pts[:, 0].min() - 0.5, pts[:, 0].max() + 0.5), (pts[:, 1].min() - 0.5, pts[:, 1].max() + 0.5))
    texts = [f"sentence number {i}" for i in range(40)]
    spots = place_labels(pts, texts, extent)
    assert 5 < sum(s is not None for s in spots) < 40
    # rebuild the chosen boxes and check them pairwise
    from board import labels as L

    (x0, x1), (y0, y1) = extent
    w, h = L.PLOT_PX
    boxes = []
    for (x, y), t, s in zip(pts, texts, spots):
        if s is None:
            continue
        px, py, tw, line, r = (x - x0) / (x1 - x0) * w, (y1 - y) / (y1 - y0) * h, len(t) * L.CHAR_PX * 16, 20, L.MARKER_PX
        boxes.append({"top center": (px - tw / 2, py - r - line, px + tw / 2, py - r),
                      "bottom center": (px - tw / 2, py + r, px + tw / 2, py + r + line),
                      "middle right": (px + r, py - line / 2, px + r + tw, py + line / 2),
                      "middle left": (px - r - tw, py - line / 2, px - r, py + line / 2)}[s])
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    assert place_labels(pts, texts, extent) == spots  # the same board draws the same labels on every refresh


def test_the_board_figure_is_a_valid_plotly_figure():
    import plotly.graph_objects as go

    from board.rooms import RoomStore
    from tabs.board_pages import board_figure

    store = RoomStore()
    room = store.create("text", "minilm")
    x, _ = blobs(4, seed=6)
    for i in range(12):
        with store.reserve(room, "s", "text"):
            store.commit(room, "s", modality="text", label=f"sentence {i} <b>not bold</b>", vector=x[i])
    spec = board_figure(store.board(room))
    fig = go.Figure(spec)  # plotly's validators accept every key of the hand-built spec
    assert len(fig.data[0].x) == 12 and "&lt;b&gt;" in fig.data[0].hovertext[0]
