"""The bundled models are the real pretrained ones: parity and sanity checks."""
import os

import numpy as np
import pytest

from encoders import get_encoder
from encoders.minilm import model_path
from media.audio import load_audio
from media.images import load_image
from tests.conftest import ASSETS

SENTENCES = [
    "A man is eating food.",
    "A man is riding a white horse on an enclosed ground.",
    "Embeddings map meaning to geometry.",
    "short",
    "A much longer sentence that goes on and on, so that the batch needs padding for the shorter ones.",
]


def test_minilm_equals_sentence_transformers_encode():
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(model_path(), device="cpu").encode(SENTENCES, normalize_embeddings=True)
    ours = get_encoder("minilm").encode("text", SENTENCES)
    np.testing.assert_allclose(ours, reference, atol=1e-5)


def test_minilm_similar_meaning_is_closer():
    v = get_encoder("minilm").encode("text", ["A dog runs in the park.", "A puppy plays on the grass.",
                                              "Interest rates rose again."])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_glove_king_minus_man_plus_woman_is_queen():
    assert get_encoder("glove").analogy("king", "man", "woman", k=1)[0][0] == "queen"


def _top(key, items, k=5):
    return [name for name, _ in get_encoder(key).top_labels(items, k)[0]]


def test_cat_photo_is_a_cat():
    labels = _top("efficientnet", [load_image(os.path.join(ASSETS, "images", "cat.jpg"))], 5)
    assert any("cat" in name.lower() or name.lower() == "tabby" for name in labels), labels


def test_coffee_photo_is_espresso_or_cup():
    labels = _top("efficientnet", [load_image(os.path.join(ASSETS, "images", "coffee.jpg"))], 3)
    assert {"espresso", "cup", "coffee mug"} & set(labels), labels


def test_dog_recording_is_dog_or_bark():
    labels = _top("yamnet", [load_audio(os.path.join(ASSETS, "sounds", "dog.wav"))], 5)
    assert {"Dog", "Bark", "Bow-wow"} & set(labels), labels


def test_white_noise_is_noise():
    from encoders.base import AudioClip

    noise = np.random.default_rng(0).uniform(-0.5, 0.5, 16000 * 3).astype(np.float32)
    labels = _top("yamnet", [AudioClip(noise, 16000)], 3)
    assert "White noise" in labels, labels
