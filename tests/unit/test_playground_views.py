"""The playground's figures: fixed colour scales, every row labelled, maps with axis titles and names."""
import numpy as np

from tabs import figures


def test_every_heatmap_uses_the_fixed_cosine_scale():
    for m in (np.array([[1.0, 0.1], [0.1, 1.0]]), np.array([[1.0, -0.8, 0.2], [-0.8, 1.0, 0.0], [0.2, 0.0, 1.0]])):
        trace = figures.similarity_heatmap(["a", "b", "c"][: len(m)], m, "t").data[0]
        assert (trace.zmin, trace.zmax, trace.zmid) == (-1, 1, 0)
        assert list(trace.colorbar.tickvals) == figures.COSINE_TICKS


def test_vector_strips_label_every_row_with_its_raw_length():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((12, 384))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    labels = [f"sentence number {i}" for i in range(12)]
    fig = figures.vector_strips(labels, v, "t", raw_norms=list(range(1, 13)))
    ticks = fig.layout.yaxis.ticktext
    assert len(ticks) == 12 and list(fig.layout.yaxis.tickvals) == list(range(12))
    assert ticks[0].endswith("(length 1)") and ticks[11].endswith("(length 12)")
    trace = fig.data[0]
    assert trace.zmax == figures.strip_limit(384) == 0.2 and trace.zmin == -0.2
    assert "unit length" not in fig.layout.title.text
    unit = figures.vector_strips(labels, v, "t")
    assert "come out with length 1" in unit.layout.title.text


def test_map_has_axis_titles_names_when_few_and_marks_when_many():
    rng = np.random.default_rng(1)
    few = rng.standard_normal((6, 2))
    fig = figures.space_map_figure([f"item {i}" for i in range(6)], ["image"] * 5 + ["text"], few, 5, [0, 1],
                                   "t", "pca")
    assert fig.layout.xaxis.title.text == "PCA 1" and fig.layout.yaxis.title.text == "PCA 2"
    assert list(fig.data[0].text) == [f"item {i}" for i in range(5)]
    lo, hi = fig.layout.xaxis.range
    assert lo < few[:, 0].min() and hi > few[:, 0].max()  # room for the query's name inside
    many = rng.standard_normal((80, 3))
    fig3 = figures.space_map_figure([f"x{i}" for i in range(80)], ["audio"] * 79 + ["text"], many, 79, [3],
                                    "t", "umap", marks={3: "#1"})
    assert fig3.layout.scene.aspectmode == "cube" and fig3.layout.scene.xaxis.title.text == "UMAP 1"
    texts = [t for t in fig3.data[0].text if t]
    assert texts == ["#1"]


def test_query_name_faces_the_middle():
    coords = np.array([[0.0, 0.0], [1.0, 1.0], [0.95, 0.95]])
    assert figures._query_text_position(coords, 2) == "bottom left"
    assert figures._query_text_position(coords, 0) == "top right"
