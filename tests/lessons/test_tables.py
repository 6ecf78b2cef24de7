"""Tables lesson: every encoding against hand-computed values, UNK for unseen categories, training
beats a trivial baseline, same seed same numbers, upload limits and the API (the page in a browser:
tests/browser/test_tables_page.py)."""
import math
import os

import numpy as np
import pandas as pd
import pytest
import torch

from lessons.tables import analysis, compute, data
from lessons.tables import encoding as enc
from lessons.tables.design import fit_design
from lessons.tables.model import TabularNet, train
from media.errors import InputError

SMALL = dict(sample=6000, epochs=3)  # a few seconds of training


# -- encoders against values worked out by hand ---------------------------------------------------------
EDGES = np.array([0.0, 10.0, 20.0, 40.0])  # b_0 < b_1 < b_2 < b_3: three bins
X = np.array([-5.0, 0.0, 5.0, 10.0, 15.0, 30.0, 40.0, 50.0])


def test_ple_is_the_papers_formula_by_hand():
    want = np.array([
        [0, 0, 0],  # -5: below b_0, clipped
        [0, 0, 0],  # 0 = b_0
        [0.5, 0, 0],  # 5: half of bin 1
        [1, 0, 0],  # 10 = b_1: bin 1 full
        [1, 0.5, 0],  # 15: half of bin 2
        [1, 1, 0.5],  # 30: (30 - 20) / (40 - 20)
        [1, 1, 1],  # 40 = b_3
        [1, 1, 1],  # 50: above b_3, clipped
    ])
    np.testing.assert_allclose(enc.ple(X, EDGES), want, atol=1e-7)


def test_ple_matches_the_definition_component_by_component():
    rng = np.random.default_rng(0)
    x = rng.normal(500, 300, 200)
    edges = enc.quantile_edges(x, 6)
    got = enc.ple(x, edges)
    for i, v in enumerate(x):
        for t in range(1, len(edges)):
            lo, hi = edges[t - 1], edges[t]
            want = 0.0 if v < lo else 1.0 if v >= hi else (v - lo) / (hi - lo)
            assert got[i, t - 1] == pytest.approx(want, abs=1e-6)


def test_buckets_by_hand_and_quantile_edges():
    assert enc.bucket_index(X, EDGES).tolist() == [0, 0, 0, 1, 1, 2, 2, 2]
    assert enc.one_hot(enc.bucket_index(np.array([15.0]), EDGES), 3).tolist() == [[0, 1, 0]]
    # quantiles of 1..8 at 0, 1/4, 1/2, 3/4, 1 (linear interpolation): 1, 2.75, 4.5, 6.25, 8
    np.testing.assert_allclose(enc.quantile_edges(np.arange(1, 9), 4), [1, 2.75, 4.5, 6.25, 8])
    # repeated quantiles merge: four 1s and a 2 give the two edges 1 and 2 (one bin)
    np.testing.assert_allclose(enc.quantile_edges(np.array([1, 1, 1, 1, 2]), 4), [1, 2])
    assert enc.quantile_edges(np.array([3.0, 3.0]), 4).tolist() == [3.0, 4.0]  # a constant column


def test_standardise_by_hand_and_like_sklearn():
    from sklearn.preprocessing import StandardScaler

    x = np.array([1.0, 2.0, 3.0, 4.0])
    s = enc.Scaler.fit(x)
    assert s.mean == 2.5 and s.std == pytest.approx(math.sqrt(1.25))
    np.testing.assert_allclose(s.transform(x), [-1.3416408, -0.4472136, 0.4472136, 1.3416408], rtol=1e-6)
    np.testing.assert_allclose(s.transform(x), StandardScaler().fit_transform(x[:, None])[:, 0], rtol=1e-6)


def test_vocabulary_folds_rare_categories_into_unk_and_one_hot():
    v = enc.Vocabulary.fit(["a", "a", "a", "b", "b", "c", None], min_count=2)
    assert v.names() == ["UNK", "a", "b"] and v.counts == [3, 2]
    assert v.folded == 2 and v.unk_count == 2  # 'c' and the missing cell, one row each
    assert v.index(["a", "b", "c", "never seen", None]).tolist() == [1, 2, 0, 0, 0]
    assert enc.one_hot(v.index(["b", "zzz"]), v.size).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert enc.Vocabulary.fit([7.0, 7.0, 3], 1).categories == ["7", "3"]  # 7.0 is the category '7'


def test_hashed_cross_is_feature_hashers_index_and_collisions_are_counted():
    from sklearn.feature_extraction import FeatureHasher

    tokens = enc.cross_tokens(["AA", "AA", "UA", "DL", "B6"], [7, 8, 7, 12.0, 5])
    assert tokens == ["AA×7", "AA×8", "UA×7", "DL×12", "B6×5"]
    hashed = FeatureHasher(n_features=16, input_type="string", alternate_sign=False).transform([[t] for t in tokens])
    assert enc.hash_bucket(tokens, 16).tolist() == hashed.tocsr().indices.tolist()
    many = [f"c{i}×h{j}" for i in range(16) for j in range(19)]  # 304 pairs into 64 buckets must collide
    stats = enc.cross_stats(many, 64)
    buckets = enc.hash_bucket(many, 64)
    sizes = np.bincount(buckets, minlength=64)
    assert stats.pairs == 304 and stats.used == int((sizes > 0).sum())
    assert stats.collisions == 304 - stats.used > 0
    assert stats.shared_buckets == int((sizes > 1).sum()) and stats.colliding_pairs == int(sizes[sizes > 1].sum())


def test_embedding_size_rules():
    assert enc.fastai_dim(105) == 22  # 1.6 * 105 ** 0.56 = 21.7
    assert enc.fastai_dim(4000) == round(1.6 * 4000 ** 0.56) and enc.fastai_dim(10 ** 7) == 600
    assert enc.fourth_root_dim(105) == 3 and enc.fourth_root_dim(4000) == 8 and enc.fourth_root_dim(1) == 1


def test_one_hot_times_weights_is_the_row_lookup_the_model_uses():
    net = TabularNet(0, [5], [], outputs=1)
    idx = torch.tensor([0, 3, 4, 3])
    weights = net.onehot[0].weight  # [5, hidden]
    dense_one_hot = torch.from_numpy(enc.one_hot(idx.numpy(), 5))  # [4, 5]
    torch.testing.assert_close(net.onehot[0](idx), dense_one_hot @ weights)


# -- the bundled data -------------------------------------------------------------------------------------
def test_flights_come_from_the_package_offline():
    t = data.flights()
    assert len(t.frame) == data.FLIGHTS_WITH_ARRIVAL  # 336,776 flights, 327,346 with an arrival time
    assert t.frame["carrier"].nunique() == 16 and t.frame["origin"].nunique() == 3
    assert t.frame["dest"].nunique() == 104 and t.frame["tailnum"].nunique() > 4000
    assert data.airports().loc["LAX", "tzone"] == "America/Los_Angeles"
    assert len(data.penguins().frame) == 344


def test_great_circle_distance_matches_the_flights_own_distance_column():
    ap = data.airports()
    miles = analysis.great_circle_miles(ap.loc[["JFK", "LAX"], "lat"].to_numpy(), ap.loc[["JFK", "LAX"], "lon"].to_numpy())
    recorded = data.flights().frame.query("origin == 'JFK' and dest == 'LAX'")["distance"].iloc[0]  # 2475 miles
    assert miles[0, 1] == pytest.approx(recorded, rel=0.01)


def test_the_split_is_fixed_and_disjoint():
    t = data.penguins()
    a, b = data.sample_split(t, "species", 1000), data.sample_split(t, "species", 1000)
    pd.testing.assert_frame_equal(a.validation, b.validation)
    assert len(a.train) + len(a.validation) == 344 and len(a.validation) == 69


# -- unseen categories, training, determinism -----------------------------------------------------------------
def test_unseen_category_at_validation_time_maps_to_unk():
    train_rows = pd.DataFrame({"city": ["a"] * 30 + ["b"] * 30 + ["rare"] * 2, "x": np.arange(62.0),
                               "y": ["yes", "no"] * 31})
    val_rows = pd.DataFrame({"city": ["a", "never seen in training", "rare"], "x": [1.0, 2.0, 3.0], "y": ["yes", "no", "yes"]})
    kinds = {"city": "categorical", "x": "numeric", "y": "categorical"}
    design = fit_design(train_rows, kinds, "y", ["city", "x"], "embedding", "ple", min_count=5)
    _, _, emb = design.inputs(val_rows)
    assert emb[:, 0].tolist() == [1, 0, 0]  # 'a' has its row; the unseen and the rare city get UNK (row 0)
    run = train(design, train_rows, val_rows, epochs=2, seed=0)  # no crash, a score
    assert 0.0 <= run.validation <= 1.0
    out = compute.encode_column(values=["LAX", "JFK", "XYZ"], column="dest", encoding="onehot")
    assert out["index"][0] > 0 and out["index"][1:] == [0, 0]  # JFK is never a destination in this data
    assert out["category"][1:] == ["UNK", "UNK"] and sum(out["rows"][1]) == 1 and out["rows"][1][0] == 1


def test_a_short_run_beats_the_trivial_baseline_on_validation():
    out = compute.train_summary(compute.Settings(**SMALL))
    assert out["metric"] == "rmse" and out["target"] == "air_time"
    assert out["validation"] < 0.5 * out["baseline"], out  # minutes in the air: far better than the mean
    assert out["validation_loss"] < out["baseline_loss"]
    pen = compute.train_summary(compute.Settings(dataset="penguins", epochs=8))
    assert pen["metric"] == "accuracy" and pen["validation"] > pen["baseline"] + 0.3, pen


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = compute.train_summary(compute.Settings(seed=3, **SMALL))
    b = compute.train_summary(compute.Settings(seed=3, **SMALL))
    c = compute.train_summary(compute.Settings(seed=4, **SMALL))
    assert a["history"] == b["history"] and a["validation"] == b["validation"]
    assert a["history"] != c["history"]


def test_tabular_reports_columns_widths_and_history():
    out = compute.tabular(categorical="onehot", numeric="buckets", bins=5, cross="carrier x hour", cross_buckets=32,
                          encodings={"distance": "raw"}, **SMALL)
    cols = {c["name"]: c for c in out["columns"]}
    carriers = data.sample_split(data.flights(), "air_time", 6000).train["carrier"].value_counts()
    assert cols["carrier"]["encoding"] == "onehot"
    assert cols["carrier"]["width"] == 1 + int((carriers >= 20).sum())  # carriers seen 20+ times, and UNK
    assert cols["hour"]["encoding"] == "buckets" and cols["hour"]["width"] <= 5
    assert cols["distance"] == {"name": "distance", "kind": "numeric", "encoding": "raw", "width": 1}
    assert cols["carrier×hour"]["kind"] == "cross" and cols["carrier×hour"]["width"] == 32
    assert out["width"] == sum(c["width"] for c in out["columns"])
    assert [h["epoch"] for h in out["history"]] == [1, 2, 3]
    assert out["rows"]["train"] + out["rows"]["validation"] == 6000


def test_encode_column_numbers_follow_the_returned_edges():
    out = compute.encode_column(values=["17", "500", "2500", "4983"], column="distance", encoding="ple")
    edges = out["edges"]
    for v, row in zip(out["values"], out["rows"]):
        for t in range(1, len(edges)):
            lo, hi = edges[t - 1], edges[t]
            want = 0.0 if v < lo else 1.0 if v >= hi else (v - lo) / (hi - lo)
            assert row[t - 1] == pytest.approx(want, abs=1e-5)
    std = compute.encode_column(values=[100, 1000], column="distance", encoding="standardise")
    assert std["rows"][0][0] == pytest.approx((100 - std["mean"]) / std["std"], abs=1e-5)
    b = compute.encode_column(values=[5, 23], column="hour", encoding="buckets")
    assert b["bucket"] == [0, b["width"] - 1] and b["rows"][0][0] == 1


@pytest.mark.parametrize("kwargs,message", [
    ({"target": "nope"}, "no column"),
    ({"columns": ["air_time"], "target": "late"}, "gives 'late' away"),
    ({"categorical": "bag"}, "categorical must be"),
    ({"embedding_dim": 0}, "between 1 and 64"),
    ({"sample": 10}, "sample must be"),
    ({"cross": "carrier hour"}, "two column names"),
    ({"dataset": "titanic"}, "Unknown dataset"),
])
def test_bad_settings_get_a_sentence(kwargs, message):
    with pytest.raises(InputError, match=message):
        compute.tabular(**kwargs)


# -- what the learned table shows -------------------------------------------------------------------------------
def test_numpy_helpers_equal_scipy_and_sklearn():
    from scipy.stats import spearmanr
    from sklearn.decomposition import PCA
    from sklearn.metrics import pairwise_distances
    from sklearn.metrics.pairwise import haversine_distances

    rng = np.random.default_rng(1)
    rows = rng.normal(size=(40, 8)) * np.array([5, 3, 1, 1, 0.5, 0.5, 0.1, 0.1])
    xy, share = analysis.pca_2d(rows)
    pca = PCA(n_components=2).fit(rows)
    np.testing.assert_allclose(xy, pca.transform(rows), atol=1e-9)
    assert share == pytest.approx(pca.explained_variance_ratio_.sum())
    np.testing.assert_allclose(analysis.row_distances(rows), pairwise_distances(rows), atol=1e-9)
    lat, lon = rng.uniform(-60, 60, 12), rng.uniform(-180, 180, 12)
    np.testing.assert_allclose(analysis.great_circle_miles(lat, lon),
                               haversine_distances(np.radians(np.stack([lat, lon], 1))) * analysis.EARTH_RADIUS_MILES,
                               rtol=1e-9, atol=1e-6)
    a, b = rng.integers(0, 5, 50).astype(float), rng.normal(size=50)  # ties in a
    assert analysis.spearman(a, b) == pytest.approx(spearmanr(a, b).statistic, abs=1e-12)


def test_map_measure_finds_geography_when_it_is_there():
    ap = data.airports().loc[["ATL", "LAX", "ORD", "DEN", "SEA", "MIA", "BOS", "DFW", "PHX", "MSP"]]
    table = np.stack([ap["lat"].to_numpy(), ap["lon"].to_numpy()], 1)  # rows that *are* the coordinates
    geo = analysis.great_circle_miles(ap["lat"].to_numpy(), ap["lon"].to_numpy())
    assert analysis.pair_correlation(analysis.row_distances(table), geo) > 0.9
    noise = np.random.default_rng(0).normal(size=table.shape)
    assert abs(analysis.pair_correlation(analysis.row_distances(noise), geo)) < 0.5


def test_map_sweep_and_reuse_on_penguins():
    settings = compute.Settings(dataset="penguins", epochs=6)
    prep, run = None, None
    for step in compute.train_iter(settings):
        prep, run = (step, run) if isinstance(step, compute.Prepared) else (prep, step)
    m = compute.embedding_map(prep, run, "island")
    assert set(m.names) == {"Biscoe", "Dream", "Torgersen"} and m.xy.shape == (3, 2)
    reuse = compute.reuse_scores(prep, run.tables())
    assert {(r["features"], r["model"].split()[0]) for r in reuse.rows} == {
        ("one-hot", "k-nearest"), ("one-hot", "logistic"), ("learned embeddings", "k-nearest"),
        ("learned embeddings", "logistic")}
    assert all(0 <= r["validation"] <= 1 for r in reuse.rows)
    sweep = list(compute.size_sweep_iter(settings, "island", dims=(1, 4)))[-1]
    assert [p.dim for p in sweep.points] == [1, 4] and sweep.categories == 4  # 3 islands + UNK
    assert [p.table_parameters for p in sweep.points] == [4, 16]
    assert sweep.fastai == enc.fastai_dim(4) and sweep.fourth_root == 1


# -- uploads --------------------------------------------------------------------------------------------------
def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_an_uploaded_csv_trains(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    colour = rng.choice(["red", "green", "blue"], n)
    size = rng.normal(10, 3, n)
    label = np.where((colour == "red") | (size > 12), "big", "small")
    path = tmp_path / "shapes.csv"
    pd.DataFrame({"colour": colour, "size": size, "label": label}).to_csv(path, index=False)
    out = compute.train_summary(compute.Settings(csv_path=str(path), csv_name="shapes.csv", epochs=10))
    assert out["dataset"] == "upload" and out["target"] == "label" and out["metric"] == "accuracy"
    assert {c["name"] for c in out["columns"]} == {"colour", "size"}
    assert out["validation"] > out["baseline"]


def test_upload_limits_are_checked_before_parsing(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="MB"):
        monkeypatch.setattr(data, "MAX_UPLOAD_BYTES", 100)
        data.read_upload(_write(tmp_path, "big.csv", "a,b\n" + "1,2\n" * 100))
    monkeypatch.setattr(data, "MAX_UPLOAD_BYTES", 8 * 1024 * 1024)
    with pytest.raises(InputError, match="columns"):
        data.read_upload(_write(tmp_path, "wide.csv", ",".join(f"c{i}" for i in range(41)) + "\n" + ",".join("1" * 41) + "\n"))
    with pytest.raises(InputError, match="rows"):
        monkeypatch.setattr(data, "MAX_UPLOAD_ROWS", 50)
        data.read_upload(_write(tmp_path, "long.csv", "a,b\n" + "1,2\n" * 60))
    with pytest.raises(InputError, match="at least 20"):
        data.read_upload(_write(tmp_path, "short.csv", "a,b\n1,2\n"))
    with pytest.raises(InputError, match="two columns"):
        data.read_upload(_write(tmp_path, "one.csv", "a\n" + "1\n" * 30))
    with pytest.raises(InputError, match="empty"):
        data.read_upload(_write(tmp_path, "empty.csv", ""))
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x89PNG\x00\x00" * 50)
    with pytest.raises(InputError, match="CSV"):
        data.read_upload(str(binary))


# -- through the API -------------------------------------------------------------------------------------------
@pytest.mark.api
def test_api_keyword_arguments_and_an_uploaded_csv(client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    out = client.predict(values=["LAX", "ZZZ"], column="dest", encoding="onehot", api_name="/encode_column")
    assert out["unk"] == [False, True]
    path = tmp_path / "tiny.csv"
    pd.DataFrame({"g": ["x", "y"] * 20, "v": np.arange(40.0), "t": ["p", "q"] * 20}).to_csv(path, index=False)
    got = client.predict(csv=handle_file(str(path)), target="t", epochs=3, api_name="/tabular")
    assert got["dataset"] == "upload" and got["metric"] == "accuracy" and len(got["history"]) == 3
    with pytest.raises(AppError, match="was not uploaded"):
        client.predict(csv={"path": os.path.abspath(__file__)}, api_name="/tabular")
