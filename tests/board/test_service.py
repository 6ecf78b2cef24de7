"""The board's operations with the real MiniLM: neighbours, export files, uploads forgotten, the teacher's controls."""
import os

import numpy as np
import pytest

from board import service
from board.rooms import RoomGone, RoomStore
from media.errors import InputError


@pytest.fixture
def store():
    return RoomStore()


def test_two_cat_sentences_are_each_others_nearest(store):
    room = service.create("text", store=store)
    texts = ["A cat dozed on the warm windowsill.", "The stock market fell sharply today.",
             "My kitten naps in a patch of sunshine.", "Heavy rain is expected this evening."]
    ids = [service.add(room.code, f"s{i % 2}", text=t, store=store).id for i, t in enumerate(texts)]
    snap = service.board(room.code, store=store)
    assert snap.space == "minilm"
    assert snap.neighbours_of(snap.index_of(ids[0]))[0][0].id == ids[2]
    assert snap.neighbours_of(snap.index_of(ids[2]))[0][0].id == ids[0]
    from encoders import get_encoder

    ref = get_encoder("minilm").encode("text", texts)  # [4, 384]
    np.testing.assert_allclose(snap.vectors, ref, atol=1e-6)


def test_export_writes_the_board_vectors_only_when_asked(store):
    import pyarrow.parquet as pq

    room = service.create("text", store=store)
    for i, t in enumerate(["A red bicycle.", "A blue bicycle.", "A bowl of soup."]):
        service.add(room.code, "s", text=t, name=f"N{i}", store=store)
    with pytest.raises(InputError, match="does not match"):
        service.export(room.code, "wrong", store=store)
    paths = service.export(room.code, room.teacher_key, ["projector", "parquet"], store=store)
    names = sorted(os.path.basename(p) for p in paths)
    assert names == ["metadata.tsv", "vectors.parquet", "vectors.tsv"]
    snap = service.board(room.code, store=store)
    by_name = {os.path.basename(p): p for p in paths}
    np.testing.assert_allclose(np.loadtxt(by_name["vectors.tsv"], delimiter="\t"), snap.vectors, atol=1e-5)
    table = pq.read_table(by_name["vectors.parquet"]).to_pydict()
    assert table["label"] == ["A red bicycle.", "A blue bicycle.", "A bowl of soup."] and table["name"] == ["N0", "N1", "N2"]
    np.testing.assert_allclose(np.array(table["vector"]), snap.vectors, atol=1e-6)
    with open(by_name["metadata.tsv"], encoding="utf-8") as fh:
        assert fh.readline().split("\t")[:3] == ["label", "id", "modality"]


def test_an_upload_is_deleted_once_read_but_never_a_file_outside_the_upload_folder(tmp_path):
    from gradio.utils import get_upload_folder

    folder = os.path.join(get_upload_folder(), "board-test")
    os.makedirs(folder, exist_ok=True)
    upload = os.path.join(folder, "photo.jpg")
    with open(upload, "wb") as fh:
        fh.write(b"x")
    outside = tmp_path / "keep.jpg"
    outside.write_bytes(b"x")
    service.forget_upload(upload)
    service.forget_upload(str(outside))
    service.forget_upload(None)
    assert not os.path.exists(upload) and outside.exists()


def test_teacher_controls_and_their_messages(store):
    room = service.create("text", store=store)
    item = service.add(room.code, "s", text="Something to hide.", store=store)
    assert "hidden" in service.control(room.code, room.teacher_key, "hide", item.id, store=store)
    assert service.board(room.code, store=store).items == []
    service.control(room.code, room.teacher_key, "show", item.id, store=store)
    assert "locked" in service.control(room.code, room.teacher_key, "lock", store=store)
    with pytest.raises(InputError, match="locked"):
        service.add(room.code, "s", text="Too late.", store=store)
    service.control(room.code, room.teacher_key, "unlock", store=store)
    assert "re-arranged" in service.control(room.code, room.teacher_key, "refit", store=store)
    with pytest.raises(InputError, match="Unknown action"):
        service.control(room.code, room.teacher_key, "explode", store=store)
    service.control(room.code, room.teacher_key, "end", store=store)
    with pytest.raises(RoomGone):
        service.board(room.code, store=store)


def test_bad_inputs_get_clear_messages(store):
    room = service.create("text", store=store)
    with pytest.raises(InputError, match="Type a sentence"):
        service.add(room.code, "s", text="   ", store=store)
    with pytest.raises(InputError, match="at most 300"):
        service.add(room.code, "s", text="word " * 100, store=store)
    with pytest.raises(InputError, match="at most 40"):
        service.add(room.code, "s", text="Fine.", name="x" * 41, store=store)
    with pytest.raises(InputError, match="Unknown board kind"):
        service.create("video", store=store)


def test_one_items_neighbours_equal_its_row_of_the_board(store):
    room = service.create("text", store=store)
    texts = ["A cat naps.", "A dog barks.", "Stocks fell.", "A kitten sleeps.", "Rain tonight."]
    items = [service.add(room.code, "s", text=t, store=store) for t in texts]
    snap = service.board(room.code, store=store)
    for item in items:
        row = snap.neighbours_of(snap.index_of(item.id))
        one = service.item_neighbours(room.code, item.id, store=store)
        assert [nb.id for nb, _ in one] == [nb.id for nb, _ in row]
        np.testing.assert_allclose([c for _, c in one], [c for _, c in row], atol=1e-6)
