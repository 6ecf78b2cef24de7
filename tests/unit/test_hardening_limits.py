"""Issue 8, findings 3, 6 and 7: every limit is checked before the work it limits.

Where possible the test proves "before" directly (the expensive step is replaced by one
that fails the test if it is reached); the label test also keeps a generous time bound
because the finding was a time (116 s of CPU for a 1.1 MB labels string).
"""
import time

import pytest

from media.errors import InputError
from media.limits import LIMITS


def _labels(n: int) -> str:
    return ", ".join(f"label number {i}" for i in range(n))


@pytest.mark.timeout(30)
def test_100k_labels_are_refused_in_under_a_second():
    from lab.search import parse_labels

    text = _labels(100_000)  # 1.9 MB
    started = time.perf_counter()
    with pytest.raises(InputError, match="limit"):
        parse_labels(text)
    assert time.perf_counter() - started < 1.0


@pytest.mark.timeout(30)
def test_many_labels_under_the_character_limit_are_counted_before_deduplication():
    """10,000 characters of short distinct labels: refused by count, also as a list."""
    from lab.search import parse_labels

    started = time.perf_counter()
    with pytest.raises(InputError, match="labels; the limit is 50"):
        parse_labels(",".join(f"l{i}" for i in range(2000))[:LIMITS.max_labels_text])
    with pytest.raises(InputError, match="the limit is 50"):
        parse_labels([f"label {i}" for i in range(100_000)])
    assert time.perf_counter() - started < 1.0


def test_labels_keep_order_drop_duplicates_and_blanks():
    from lab.search import parse_labels

    assert parse_labels("dog, cat,dog,\n  big   cat ,, cat") == ["dog", "cat", "big cat"]
    assert parse_labels(["a", "b", "a"]) == ["a", "b"]
    assert len(parse_labels(",".join(["x" * 500, "y"]))[0]) == LIMITS.max_label_chars
    with pytest.raises(InputError, match="at least two"):
        parse_labels("dog, dog")


def _fail_if_reached(*args, **kwargs):
    raise AssertionError("the expensive step ran before the limit was checked")


def test_search_candidate_totals_are_capped_before_anything_is_embedded(tmp_path, monkeypatch):
    """Sixteen .txt files of 64 long captions (1,024 captions) took one request 77-136 s."""
    import lab.search as search

    files = []
    for f in range(16):
        path = tmp_path / f"captions{f}.txt"
        path.write_text("\n".join(f"caption {f}-{i} " + "word " * 150 for i in range(64)), encoding="utf-8")
        files.append(str(path))
    monkeypatch.setattr(search, "get_encoder", _fail_if_reached)
    monkeypatch.setattr(search, "gallery_vectors", _fail_if_reached)
    with pytest.raises(InputError, match="limit is"):
        search.search("text", "a dog", None, "texts", 5, files, "bridge")
    # the caption characters count too: 4 files of 64 lines x 400 characters (102,400 characters)
    with pytest.raises(InputError, match="characters"):
        search._uploaded_candidates(files[:4], ("text",))
    decoded = []
    monkeypatch.setattr(search, "decode_file", lambda *a, **k: decoded.append(1) or ["x"])
    with pytest.raises(InputError, match="candidate files"):
        search.search("text", "a dog", None, "texts", 5, files * 2, "bridge")
    assert decoded == []  # 32 files: refused before the first one was decoded


@pytest.mark.parametrize("k", [0, -3, 10_000, "many"])
def test_search_k_is_checked_first(k, monkeypatch):
    import lab.search as search

    monkeypatch.setattr(search, "_load_query", _fail_if_reached)
    with pytest.raises(InputError, match="k"):
        search.search("text", "a dog", None, "images", k, [], "bridge")


def test_search_query_length_is_checked_first(monkeypatch):
    import lab.search as search

    monkeypatch.setattr(search, "_load_query", _fail_if_reached)
    with pytest.raises(InputError, match="characters"):
        search.search("text", "word " * 1_000_000, None, "images", 5, [], "bridge")


def test_file_and_gallery_counts_are_checked_before_decoding(monkeypatch):
    import media.decode
    from lab.inputs import collect

    monkeypatch.setattr(media.decode, "decode_file", _fail_if_reached)
    with pytest.raises(InputError, match="10000 files; the limit is 16"):
        collect("image", None, [f"/nowhere/{i}.png" for i in range(10_000)])
    with pytest.raises(InputError, match="gallery items; the limit is"):
        collect("image", None, [], ["cat"] * 10_000)
