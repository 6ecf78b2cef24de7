"""Graphs lesson: every round against a dense numpy computation, GAT's attention, k-hop mixing,
over-smoothing measures, pooling, the karate club trained with 4 labels, and bad inputs."""
import json
import os

import networkx as nx
import numpy as np
import pytest
import torch

from lessons.graphs import compute, data, propagate, train
from media.errors import InputError

SMALL = "a b\nb c\nc a\nc d\nd e\ne f\nd f\nf g"  # 7 nodes: two triangles joined by a path, and a tail


def dense(edges: str):
    g = data.load(edges)
    a = nx.to_numpy_array(g.nx(), nodelist=range(g.n))  # [n, n] networkx's own adjacency
    return g, a


def reference_matrix(a: np.ndarray, rule: str) -> np.ndarray:
    a_hat = a + np.eye(len(a))
    deg = a_hat.sum(1)
    if rule == "gcn":
        return np.diag(deg ** -0.5) @ a_hat @ np.diag(deg ** -0.5)
    if rule == "mean":
        return np.diag(1.0 / deg) @ a_hat
    return a_hat


@pytest.mark.parametrize("edges", [SMALL, "karate"])
@pytest.mark.parametrize("rule", ["gcn", "mean", "sum"])
@pytest.mark.parametrize("features", ["onehot", "random", "degree"])
def test_rounds_equal_dense_numpy(edges, rule, features):
    g, a = dense(edges)
    w = propagate.walk(g, features, rule, steps=4, seed=3, weights="none", project=False)
    p = reference_matrix(a, rule)
    h = w.h[0]
    for k in range(1, 5):
        h = p @ h
        np.testing.assert_allclose(w.h[k], h, rtol=1e-12, atol=1e-12)


def test_one_gcn_round_through_the_endpoint_is_exactly_the_formula():
    g, a = dense(SMALL)
    out = compute.graph(SMALL, features="onehot", rule="gcn", steps=1, weights="none")
    deg = (a + np.eye(g.n)).sum(1)
    want = np.diag(deg ** -0.5) @ (a + np.eye(g.n)) @ np.diag(deg ** -0.5) @ np.eye(g.n)
    assert out["nodes"] == list("abcdefg")
    np.testing.assert_array_equal(np.array(out["steps"][0]["embeddings"]), np.eye(g.n))
    np.testing.assert_allclose(np.array(out["steps"][1]["embeddings"]), want, rtol=0, atol=1e-15)


@pytest.mark.parametrize("rule", ["gcn", "mean", "sum"])
def test_random_weights_are_the_rule_times_w_then_tanh(rule):
    g, a = dense(SMALL)
    x, _ = propagate.node_features(g, "random", 0)
    gen = torch.Generator().manual_seed(5)
    layer = propagate.Layer(rule, x.shape[1], "random", gen)
    w_mat = (layer.conv.lin.weight if rule == "gcn" else layer.lin).detach().numpy()  # [d_out, d_in]
    got, _ = layer(torch.from_numpy(x), propagate.edge_index(g))
    np.testing.assert_allclose(got.numpy(), np.tanh(reference_matrix(a, rule) @ x @ w_mat.T), rtol=1e-12, atol=1e-12)


def dense_gat(x, a, w_mat, att_src, att_dst, slope=0.2):
    """GAT (Velickovic et al. 2018), one head, by hand: alpha_ij = softmax_j LeakyReLU(a_dst.Wh_i + a_src.Wh_j)."""
    wh = x @ w_mat.T  # [n, d]
    s = (wh @ att_dst)[:, None] + (wh @ att_src)[None, :]  # [n, n] score of edge j -> i
    s = np.where(s > 0, s, slope * s)
    mask = (a + np.eye(len(a))) > 0
    s = np.where(mask, s, -np.inf)
    alpha = np.exp(s - s.max(1, keepdims=True))
    alpha /= alpha.sum(1, keepdims=True)
    return alpha @ wh, alpha


@pytest.mark.parametrize("weights", ["none", "random"])
@pytest.mark.parametrize("features", ["onehot", "random"])
def test_gat_equals_dense_numpy_and_attention_sums_to_one(weights, features):
    g, a = dense(SMALL if features == "onehot" else "karate")
    x, _ = propagate.node_features(g, features, 1)
    gen = torch.Generator().manual_seed(2)
    layer = propagate.Layer("gat", x.shape[1], weights, gen)
    got, alpha = layer(torch.from_numpy(x), propagate.edge_index(g))
    att = propagate.attention_matrix(g.n, alpha)
    w_mat = layer.conv.lin.weight.detach().numpy()
    want, want_alpha = dense_gat(x, a, w_mat, layer.conv.att_src.detach().numpy()[0, 0],
                                 layer.conv.att_dst.detach().numpy()[0, 0])
    if weights == "random":
        want = np.tanh(want)
    np.testing.assert_allclose(att, want_alpha, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(att.sum(1), np.ones(g.n), atol=1e-12)  # each node's incoming weights sum to 1
    assert ((att > 0) == ((a + np.eye(g.n)) > 0)).all()  # only along edges and self-loops


def test_gat_attention_in_the_api_sums_to_one_per_node():
    out = compute.graph("karate", rule="gat", steps=3)
    edges = np.array(out["attention"]["edges"])  # [2E+n, 2] (source, target)
    assert len(edges) == 2 * 78 + 34
    for weights in out["attention"]["weights"]:
        totals = np.bincount(edges[:, 1], weights=weights, minlength=34)
        np.testing.assert_allclose(totals, np.ones(34), atol=1e-12)


@pytest.mark.parametrize("rule", propagate.RULES)
def test_after_k_rounds_a_node_has_mixed_exactly_its_k_hop_ball(rule):
    g = data.bundled("karate")
    pw = compute.PageWalk(propagate.walk(g, "onehot", rule, 6, 0, "none", project=False),
                          propagate.hop_distances(g), np.zeros((g.n, 2)), 0)
    lengths = dict(nx.all_pairs_shortest_path_length(g.nx()))
    for k in range(7):
        for node in range(g.n):
            r = compute.reach(pw, node, k)
            ball = {j for j, d in lengths[node].items() if d <= k}
            assert r.same and r.mixed == len(ball) == r.within
            assert set(np.flatnonzero(pw.walk.h[k][node] > 0)) == ball  # one-hot: the vector's support itself


def test_oversmoothing_measures_match_their_definitions_and_grow_with_rounds():
    from sklearn.metrics.pairwise import cosine_similarity

    g, a = dense("karate")
    w = propagate.walk(g, "onehot", "gcn", 30, 0, "none", project=False)
    for k in (0, 1, 5, 30):
        h = w.h[k]
        cos = cosine_similarity(h)
        assert w.mean_cosine[k] == pytest.approx(cos[np.triu_indices(g.n, 1)].mean(), abs=1e-12)
        deg = a.sum(1) + 1
        energy = sum(a[i, j] * np.sum((h[i] / np.sqrt(deg[i]) - h[j] / np.sqrt(deg[j])) ** 2)
                     for i in range(g.n) for j in range(i + 1, g.n)) / np.sum(h * h)
        assert w.energy[k] == pytest.approx(energy, abs=1e-12)
        edge_cos = np.mean([cos[i, j] for i, j in g.edges])
        assert w.edge_cosine[k] == pytest.approx(edge_cos, abs=1e-12)
    assert np.all(np.diff(w.mean_cosine) > 0), "each round makes the nodes more alike"
    assert np.all(np.array(w.edge_cosine) >= np.array(w.mean_cosine)), "neighbours are alike first"
    assert w.mean_cosine[0] == 0 and w.mean_cosine[2] < 0.5 and w.mean_cosine[30] > 0.99
    assert w.energy[30] < 0.01 < 0.5 < w.energy[0]


@pytest.mark.parametrize("rule", propagate.RULES)
def test_every_rule_oversmooths_the_karate_club(rule):
    w = propagate.walk(data.bundled("karate"), "onehot", rule, 32, 0, "none", project=False)
    assert w.edge_cosine[32] > 0.99 and w.mean_cosine[32] > 0.99
    assert w.edge_cosine[1] < 0.6 and w.mean_cosine[2] < 0.6


def test_map_projection_is_one_pca_for_every_round():
    from sklearn.decomposition import PCA

    g = data.bundled("florentine")
    w = propagate.walk(g, "random", "mean", 5, 0, "none")
    unit = w.h / np.linalg.norm(w.h, axis=2, keepdims=True)
    flat = unit.reshape(-1, unit.shape[2])
    want = PCA(n_components=2, svd_solver="full").fit(flat).transform(flat).reshape(6, g.n, 2)
    np.testing.assert_allclose(w.coords, want, atol=1e-10)


def test_sum_pooling_separates_the_triangle_pair_and_mean_does_not():
    pair = compute.pooling_pair()
    rows = {r.name: r for r in pair.rows}
    assert rows["sum"].same is False and np.allclose(rows["sum"].two, 2 * rows["sum"].one)
    for name in ("mean", "max", "attention"):
        assert rows[name].same, name
    x = pair.node_vectors
    np.testing.assert_allclose(rows["mean"].one, x.mean(0), atol=1e-12)
    np.testing.assert_allclose(rows["max"].one, x.max(0), atol=1e-12)
    np.testing.assert_allclose(rows["attention"].one, pair.attention_one @ x, atol=1e-12)
    np.testing.assert_allclose(pair.attention_two, np.tile(pair.attention_one, 2) / 2, atol=1e-12)
    # the same through the endpoint, with GCN rounds on degree features
    one = compute.graph("triangle", features="degree", rule="gcn", steps=2)["pooled"]
    two = compute.graph("two-triangles", features="degree", rule="gcn", steps=2)["pooled"]
    assert one["mean"] == pytest.approx(two["mean"]) and one["max"] == pytest.approx(two["max"])
    assert two["sum"] == pytest.approx([2 * v for v in one["sum"]]) and two["sum"] != pytest.approx(one["sum"])


def test_endpoint_pooled_vectors_are_numpy_mean_sum_max_of_the_last_round():
    out = compute.graph("les-miserables", features="random", rule="mean", steps=3, seed=4)
    h = np.array(out["steps"][-1]["embeddings"])
    np.testing.assert_allclose(out["pooled"]["mean"], h.mean(0), atol=1e-12)
    np.testing.assert_allclose(out["pooled"]["sum"], h.sum(0), atol=1e-10)
    np.testing.assert_allclose(out["pooled"]["max"], h.max(0), atol=0)


def test_karate_gcn_with_4_labels_gets_the_other_30_right():
    frame = train.run("gcn", seed=0, labelled_choice="leaders")
    assert frame.labelled == (0, 2, 32, 33) and frame.epoch == train.GCN_EPOCHS
    assert frame.accuracy >= 0.8, frame.accuracy
    assert frame.history[0][2] < frame.accuracy  # training helped
    again = train.run("gcn", seed=0, labelled_choice="leaders")
    assert again.history == frame.history  # same seed, same numbers
    _, labels = train.karate_labels()
    assert frame.accuracy == pytest.approx(np.mean([frame.predicted[i] == labels[i] for i in range(34)
                                                    if i not in frame.labelled]))


def test_grace_without_labels_beats_the_probe_on_raw_features():
    frame = train.run("grace", seed=0, labelled_choice="leaders")
    assert frame.baseline == pytest.approx(0.5)  # 4 one-hot rows cannot say anything about the other 30
    assert frame.accuracy > frame.baseline + 0.1, frame.accuracy
    assert np.isfinite([h[1] for h in frame.history]).all()


def test_train_endpoint_is_json_and_deterministic():
    out = compute.train_graph("gcn", seed=1, labelled="random")
    json.dumps(out)
    assert len(out["labelled"]) == 4 and sorted(out["truth"][i] for i in out["labelled"]) == [0, 0, 1, 1]
    assert out == compute.train_graph("gcn", seed=1, labelled="random")


def test_bundled_graphs_are_the_real_ones():
    karate = data.bundled("karate")
    assert (karate.n, len(karate.edges)) == (34, 78)
    assert karate.groups.count("Mr. Hi") == 17 and karate.groups[0] == "Mr. Hi" and karate.groups[33] == "Officer"
    lesmis = data.bundled("les-miserables")
    assert (lesmis.n, len(lesmis.edges)) == (77, 254) and "Valjean" in lesmis.names
    assert data.bundled("florentine").n == 15
    assert data.load("Karate") is karate and data.load("lesmis") is lesmis


def test_typed_edges_are_parsed_with_their_rules():
    g = data.parse_edges("# friends\nalice, bob\nbob\tcarol\ncarol alice\nalice bob\ndave dave\nerin\n")
    assert g.names == ("alice", "bob", "carol", "dave", "erin")
    assert g.edges == ((0, 1), (0, 2), (1, 2))  # repeats once, the self-loop only adds dave


@pytest.mark.parametrize("kwargs,message", [
    (dict(edges="petersen"), "no bundled graph called 'petersen'"),
    (dict(edges="a b c\nc d"), "Line 1 has 3 names"),
    (dict(edges="a a\nb b"), "no edges between two different nodes"),
    (dict(edges="   "), "Give a graph"),
    (dict(edges="\n".join(f"n{i} n{i + 1}" for i in range(data.MAX_NODES))), f"more than {data.MAX_NODES} nodes"),
    (dict(edges="x" * 41 + " y"), "longer than 40 characters"),
    (dict(edges="karate", steps=65), "'steps' is 65"),
    (dict(edges="karate", steps=2.5), "'steps' must be a whole number"),
    (dict(edges="karate", seed=-1), "'seed' is -1"),
    (dict(edges="karate", rule="sage"), "Unknown rule 'sage'"),
    (dict(edges="karate", features="pagerank"), "Unknown features"),
    (dict(edges="karate", weights="trained"), "Unknown weights"),
    (dict(edges="les-miserables", steps=30), "the limit is 150,000"),
])
def test_bad_requests_get_a_clear_message_before_any_work(kwargs, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compute.graph(**kwargs)


def test_too_many_edges_is_refused():
    nodes = [f"v{i}" for i in range(70)]
    lines = "\n".join(f"{u} {v}" for i, u in enumerate(nodes) for v in nodes[i + 1:])  # 2,415 edges
    with pytest.raises(InputError, match="more than 2,000 edges"):
        data.parse_edges(lines)


def test_uploaded_edge_files_are_checked(tmp_path):
    good = tmp_path / "club.txt"
    good.write_text("a b\nb c\n", encoding="utf-8")
    assert data.read_edge_file(str(good)) == "a b\nb c\n"
    for name, payload, message in [("bin.txt", b"a b\x00\x01", "not a text file"),
                                   ("latin.txt", "é è".encode("latin-1"), "not UTF-8"),
                                   ("big.txt", b"a b\n" * 20_000, "may be at most 60 kB"),
                                   ("three.csv", b"a,b,c\n", "Line 1 has 3 names")]:
        path = tmp_path / name
        path.write_bytes(payload)
        with pytest.raises(InputError, match=message):
            data.read_edge_file(str(path))
    assert os.path.exists(good)


def test_answer_size_counts_what_is_returned():
    for kwargs in (dict(edges="karate", rule="gat", steps=3), dict(edges="florentine", features="degree", steps=5)):
        out = compute.graph(**kwargs)
        numbers = sum(len(row) for s in out["steps"] for row in s["embeddings"]) + 3 * len(out["steps"])
        numbers += sum(len(v) for v in out["pooled"].values()) + 2 * len(out["edges"])
        if "attention" in out:
            numbers += 2 * len(out["attention"]["edges"]) + sum(len(v) for v in out["attention"]["weights"])
        g = data.load(kwargs["edges"])
        assert numbers == compute.answer_size(g, len(out["columns"]), kwargs.get("rule", "gcn"), kwargs["steps"])


@pytest.mark.api
def test_graph_endpoints_through_gradio_client_with_keyword_arguments(client):
    from gradio_client.exceptions import AppError

    out = client.predict(edges="a b\nb c", features="onehot", rule="gcn", steps=1, seed=0, weights="none",
                         api_name="/graph")
    a = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float) + np.eye(3)
    d = np.diag(a.sum(1) ** -0.5)
    np.testing.assert_allclose(out["steps"][1]["embeddings"], d @ a @ d, atol=1e-15)
    assert client.predict(api_name="/graph")["graph"] == "Zachary's karate club"  # every parameter has a default
    trained = client.predict(method="gcn", seed=0, labelled="leaders", api_name="/graph_train")
    assert trained["accuracy"] >= 0.8 and trained["labelled"] == [0, 2, 32, 33]
    with pytest.raises(AppError, match="no bundled graph called 'petersen'"):
        client.predict(edges="petersen", api_name="/graph")
