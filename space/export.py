"""Write vectors in formats other tools open: Embedding Projector TSV, NumPy .npy, Parquet.

- TensorFlow Embedding Projector (projector.tensorflow.org, "Load"): ``vectors.tsv`` has one row per
  item, tab-separated numbers, no header; ``metadata.tsv`` has a header row (more than one column)
  and one row per item in the same order.
- ``vectors.npy``: float32 [n, dim], ``numpy.load`` reads it.
- ``vectors.parquet``: one row per item with a ``label`` column, a ``vector`` column (list<float32>)
  and any metadata columns; pandas, DuckDB and Apple's Embedding Atlas open it.
"""
from __future__ import annotations

import os
import tempfile
import uuid
from typing import Sequence

import numpy as np

FORMATS = ("projector", "npy", "parquet")


def export_dir() -> str:
    """A fresh folder inside Gradio's upload folder (cleaned with the rest of Gradio's cache)."""
    try:
        from gradio.utils import get_upload_folder

        root = os.path.join(get_upload_folder(), "exports")
    except Exception:  # gradio not installed: plain temp folder
        root = os.path.join(tempfile.gettempdir(), "embedding-lab-exports")
    path = os.path.join(root, uuid.uuid4().hex)
    os.makedirs(path, exist_ok=True)
    return path


def _cell(value) -> str:
    """A TSV cell: tabs and line breaks would break the row, so they become spaces."""
    return " ".join(str(value).split())


def write_vectors(vectors: np.ndarray, labels: Sequence[str], metadata: dict[str, Sequence] | None = None,
                  formats: Sequence[str] = FORMATS, folder: str | None = None) -> list[str]:
    """Write [n, dim] ``vectors`` with their ``labels`` (and optional metadata columns); return the paths."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(labels):
        raise ValueError(f"vectors {vectors.shape} do not match {len(labels)} labels")
    metadata = {k: list(v) for k, v in (metadata or {}).items()}
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format {unknown[0]!r}; use {', '.join(FORMATS)}")
    folder = folder or export_dir()
    paths = []
    if "projector" in formats:
        vec_path, meta_path = os.path.join(folder, "vectors.tsv"), os.path.join(folder, "metadata.tsv")
        np.savetxt(vec_path, vectors, delimiter="\t", fmt="%.6g")
        columns = ["label", *metadata]
        with open(meta_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\t".join(columns) + "\n")
            for i, label in enumerate(labels):
                fh.write("\t".join(_cell(v) for v in [label, *(metadata[c][i] for c in metadata)]) + "\n")
        paths += [vec_path, meta_path]
    if "npy" in formats:
        path = os.path.join(folder, "vectors.npy")
        np.save(path, vectors)
        paths.append(path)
    if "parquet" in formats:
        import pyarrow as pa
        import pyarrow.parquet as pq

        dim = vectors.shape[1]
        flat = pa.array(vectors.reshape(-1), type=pa.float32())
        table = pa.table({
            "label": pa.array([str(x) for x in labels], type=pa.string()),
            **{k: pa.array([str(x) for x in v], type=pa.string()) for k, v in metadata.items()},
            "vector": pa.FixedSizeListArray.from_arrays(flat, dim) if len(labels) else pa.array([], pa.list_(pa.float32(), dim)),
        })
        path = os.path.join(folder, "vectors.parquet")
        pq.write_table(table, path)
        paths.append(path)
    return paths
