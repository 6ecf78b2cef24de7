"""The public API through the real gradio_client against the launched app."""
import os

import numpy as np
import pytest
from gradio_client import handle_file

from tests import badinputs
from tests.conftest import ASSETS

pytestmark = pytest.mark.api
IMAGES = [os.path.join(ASSETS, "images", f) for f in ("cat.jpg", "coffee.jpg", "rocket.jpg")]
SOUNDS = [os.path.join(ASSETS, "sounds", f) for f in ("dog.wav", "cow.wav")]


def test_encoders_lists_every_encoder_with_status(client):
    rows = client.predict(api_name="/encoders")
    keys = {r["key"] for r in rows}
    assert {"minilm", "glove", "efficientnet", "yamnet"} <= keys
    for r in rows:
        assert r["status"] in {"loaded", "available", "unavailable"} and r["dim"] > 0


def test_embed_text_gives_unit_vectors(client):
    out = client.predict("text", "a cat\na dog\nthe stock market", [], "", api_name="/embed")
    assert out["encoder"] == "minilm" and out["dim"] == 384
    vecs = np.array([item["vector"] for item in out["items"]])
    assert vecs.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert [i["label"] for i in out["items"]] == ["a cat", "a dog", "the stock market"]


def test_embed_text_from_uploaded_txt_with_glove(client, tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("king\nqueen\n", encoding="utf-8")
    out = client.predict("text", "", [handle_file(str(path))], "glove", api_name="/embed")
    assert out["encoder"] == "glove" and out["dim"] == 50 and len(out["items"]) == 2


def _check_matrix(out, n):
    m = np.array(out["matrix"])
    assert m.shape == (n, n) and len(out["labels"]) == n
    np.testing.assert_allclose(m, m.T, atol=1e-6)
    np.testing.assert_allclose(np.diag(m), 1.0, atol=1e-6)
    return m


def test_similarity_text(client):
    out = client.predict("text", "A dog runs.\nA puppy plays.\nRates rose again.", [], "", api_name="/similarity")
    m = _check_matrix(out, 3)
    assert m[0, 1] > m[0, 2]


def test_embed_and_similarity_images(client):
    files = [handle_file(p) for p in IMAGES]
    out = client.predict("image", "", files, "", api_name="/embed")
    assert out["encoder"] == "efficientnet" and out["dim"] == 1280 and len(out["items"]) == 3
    assert out["items"][1]["top_labels"][0]["label"] == "espresso"
    _check_matrix(client.predict("image", "", files, "", api_name="/similarity"), 3)


def test_embed_and_similarity_audio(client):
    files = [handle_file(p) for p in SOUNDS]
    out = client.predict("audio", "", files, "", api_name="/embed")
    assert out["encoder"] == "yamnet" and out["dim"] == 1024 and len(out["items"]) == 2
    assert {"Dog", "Bark"} & {t["label"] for t in out["items"][0]["top_labels"]}
    _check_matrix(client.predict("audio", "", files, "", api_name="/similarity"), 2)


@pytest.mark.parametrize("args,needle", [
    (("video", "x", [], ""), "Unknown modality 'video'; use one of: text, image, audio"),
    (("text", "", [], ""), "sentence"),
    (("text", "hello", [], "nope"), "Unknown encoder"),
    (("text", "hello", [], "yamnet"), "does not embed text"),
    (("text", "qwxzv zzxq", [], "glove"), "vocabulary"),
])
def test_wrong_requests_say_what_is_wrong(client, args, needle):
    with pytest.raises(Exception) as err:
        client.predict(*args, api_name="/embed")
    assert needle in str(err.value)


ISSUE_CASES = ["img-zero-bytes", "img-random-bytes", "aud-random-bytes", "img-truncated-jpeg",
               "img-bomb-50000", "aud-header-only"]


@pytest.mark.parametrize("case", [c for c in badinputs.all_cases() if c[0] in ISSUE_CASES], ids=lambda c: c[0])
def test_bad_files_get_a_message_and_the_next_request_works(client, tmp_path, case):
    case_id, name, content, modality, _ = case
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Exception) as err:
        client.predict(modality, "", [handle_file(str(path))], "", api_name="/embed")
    message = str(err.value)
    assert "Traceback" not in message and len(message) > 15
    assert name in message or "empty" in message  # names the file the user sent
    good = client.predict("text", "still working", [], "", api_name="/embed")
    assert good["items"][0]["label"] == "still working"


def test_search_text_to_sounds(client):
    out = client.predict("text", "a dog barking", None, "sounds", 3, [], "auto", api_name="/search")
    assert out["space"] in {"bridge", "clap"} and len(out["results"]) == 3
    assert "barking" in out["results"][0]["caption"] and out["results"][0]["modality"] == "audio"  # a dog clip
    scores = [r["score"] for r in out["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_image_query_within_uploaded_candidates(client, tmp_path):
    txt = tmp_path / "captions.txt"
    txt.write_text("a cup of hot coffee\na red sports car\n", encoding="utf-8")
    out = client.predict("image", "", handle_file(os.path.join(ASSETS, "images", "coffee.jpg")), "texts", 60,
                         [handle_file(str(txt)), handle_file(os.path.join(ASSETS, "images", "cat.jpg"))], "bridge",
                         api_name="/search")
    mine = [r for r in out["results"] if r["origin"] == "upload"]
    assert [r["caption"] for r in mine] == ["a cup of hot coffee", "a red sports car"]
    assert any("cat.jpg" in w for w in out["warnings"])


def test_zero_shot_api(client):
    out = client.predict(handle_file(os.path.join(ASSETS, "images", "cat.jpg")), "dog, cat, airplane", "auto",
                         api_name="/zero_shot")
    probs = {x["label"]: x["probability"] for x in out["labels"]}
    assert abs(sum(probs.values()) - 1) < 1e-4 and max(probs, key=probs.get) == "cat"
    assert "softmax" in out["formula"]


def test_search_bad_query_file_is_clear(client, tmp_path):
    bad = tmp_path / "x.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(Exception) as err:
        client.predict("image", "", handle_file(str(bad)), "images", 3, [], "auto", api_name="/search")
    assert "x.png" in str(err.value)
