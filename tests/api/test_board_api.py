"""The class board through gradio_client against the launched app: two students, the board, isolation, caps."""
import os

import numpy as np
import pytest
from gradio_client import Client, handle_file

pytestmark = pytest.mark.api
ASSETS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "assets")
CATS = ("A cat dozed on the warm windowsill.", "My kitten naps in a patch of sunshine.")
OTHERS = ("Interest rates rose again this quarter.", "The train left the station five minutes late.",
          "She scored a goal in the final minute.")


def student(app_url) -> Client:
    return Client(app_url, verbose=False, ssl_verify=False)  # each Client is its own session: one student


@pytest.fixture(scope="module")
def room(client):
    return client.predict(kind="text", api_name="/room_create")


@pytest.fixture(scope="module")
def filled(app_url, room):
    """Two students add sentences to one board; returns {label: id}."""
    ana, ben = student(app_url), student(app_url)
    ids = {}
    for i, text in enumerate(CATS + OTHERS):
        who = ana if i % 2 == 0 else ben
        out = who.predict(code=room["code"], text=text, name="Ana" if who is ana else "", api_name="/room_add")
        ids[text] = out["id"]
    return ids


def test_room_create_gives_a_code_a_key_and_a_join_link(room):
    assert len(room["code"]) == 6 and room["code"].isalpha() and room["code"].isupper()
    assert len(room["teacher_key"]) >= 20
    assert room["join_url"].endswith(f"/board-join?code={room['code']}")
    assert room["join_url"].startswith("http")
    assert room["space"] == "MiniLM text space"


def test_the_board_shows_both_students_with_the_right_neighbours(client, room, filled):
    board = client.predict(code=room["code"], api_name="/room_board")
    assert board["space"] == "MiniLM text space" and board["count"] == 5
    by_label = {it["label"]: it for it in board["items"]}
    assert set(by_label) == set(CATS + OTHERS)
    assert by_label[CATS[0]]["name"] == "Ana" and by_label[CATS[1]]["name"] == ""
    # the two cat sentences are each other's nearest item
    assert by_label[CATS[0]]["neighbours"][0]["id"] == filled[CATS[1]]
    assert by_label[CATS[1]]["neighbours"][0]["id"] == filled[CATS[0]]
    # every cosine is MiniLM's own: recompute them with the encoder
    from encoders import get_encoder

    labels = list(by_label)
    vectors = get_encoder("minilm").encode("text", labels)  # [5, 384]
    cos = vectors @ vectors.T
    for i, label in enumerate(labels):
        nbs = by_label[label]["neighbours"]
        assert len(nbs) == 3
        want = sorted((j for j in range(len(labels)) if j != i), key=lambda j: -cos[i, j])[:3]
        assert [n["label"] for n in nbs] == [labels[j] for j in want]
        np.testing.assert_allclose([n["cosine"] for n in nbs], [cos[i, j] for j in want], atol=1e-4)
    # nothing private about a student is in the board
    assert all(set(it) <= {"id", "modality", "label", "name", "x", "y", "neighbours", "read_as"}
               for it in board["items"])


def test_another_room_never_shows_them(client, room, filled):
    other = client.predict(kind="text", api_name="/room_create")
    assert other["code"] != room["code"]
    assert client.predict(code=other["code"], api_name="/room_board")["items"] == []
    client.predict(code=other["code"], text="Only in the other room.", api_name="/room_add")
    labels = [it["label"] for it in client.predict(code=room["code"], api_name="/room_board")["items"]]
    assert "Only in the other room." not in labels and len(labels) == 5


def test_a_wrong_teacher_key_cannot_remove_and_the_right_one_can(app_url, client):
    room = client.predict(kind="text", api_name="/room_create")
    out = client.predict(code=room["code"], text="Remove me later.", api_name="/room_add")
    other_key = client.predict(kind="text", api_name="/room_create")["teacher_key"]
    for key in ("", "not-the-key", other_key):
        with pytest.raises(Exception, match="does not match"):
            student(app_url).predict(code=room["code"], teacher_key=key, id=out["id"], api_name="/room_remove")
    assert client.predict(code=room["code"], api_name="/room_board")["count"] == 1
    done = client.predict(code=room["code"], teacher_key=room["teacher_key"], id=out["id"], api_name="/room_remove")
    assert done == {"removed": out["id"], "count": 0}


def test_a_wrong_code_is_refused_clearly(app_url):
    c = student(app_url)
    with pytest.raises(Exception, match="no board with the code"):
        c.predict(code="KMRTXY", api_name="/room_board")
    with pytest.raises(Exception, match="not a board code"):
        c.predict(code="12", text="hello", api_name="/room_add")


def test_per_student_cap_holds_through_the_api(app_url, client):
    from board.rooms import LIMITS

    room = client.predict(kind="text", api_name="/room_create")
    sam = student(app_url)
    for i in range(LIMITS.max_per_student):
        sam.predict(code=room["code"], text=f"Sentence number {i} about the sea.", api_name="/room_add")
    with pytest.raises(Exception, match=f"added {LIMITS.max_per_student} items"):
        sam.predict(code=room["code"], text="One too many.", api_name="/room_add")
    student(app_url).predict(code=room["code"], text="Another student still can.", api_name="/room_add")
    assert client.predict(code=room["code"], api_name="/room_board")["count"] == LIMITS.max_per_student + 1


def test_a_text_board_refuses_a_picture_and_a_mixed_board_takes_it(client):
    text_room = client.predict(kind="text", api_name="/room_create")
    with pytest.raises(Exception, match="takes sentences, not pictures"):
        client.predict(code=text_room["code"], file=handle_file(os.path.join(ASSETS, "images", "cat.jpg")),
                       api_name="/room_add")
    mixed = client.predict(kind="all", api_name="/room_create")
    assert mixed["space"].startswith("label-bridge space")
    out = client.predict(code=mixed["code"], file=handle_file(os.path.join(ASSETS, "images", "cat.jpg")),
                         api_name="/room_add")
    client.predict(code=mixed["code"], text="A cat looks up at the camera.", api_name="/room_add")
    board = client.predict(code=mixed["code"], api_name="/room_board")
    picture = next(it for it in board["items"] if it["id"] == out["id"])
    assert picture["modality"] == "image" and picture["label"].startswith(f"picture {out['id']} (")
    assert picture["read_as"]  # the bridge says which class names it was read as


def test_a_student_upload_with_an_examples_bytes_leaves_the_example_alone(client):
    """Gradio stores uploads by content hash, so uploading the gallery's cat.jpg lands on the very file the
    Search page's "A cat picture" example uses. The board deletes uploads once read: never that one."""
    import server

    janitor = server.STATE["janitor"]
    examples = [p for p in janitor.keep() if os.path.basename(p) == "cat.jpg"]
    assert examples, "no example uses cat.jpg any more: pick another example file for this test"
    room = client.predict(kind="all", api_name="/room_create")
    client.predict(code=room["code"], file=handle_file(os.path.join(ASSETS, "images", "cat.jpg")),
                   api_name="/room_add")
    assert all(os.path.exists(p) for p in examples)
