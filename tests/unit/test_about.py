"""The model facts the pages print (encoders/about.py), checked against the models and their files."""
import os

import numpy as np
import pytest

from encoders import REGISTRY, get_encoder
from encoders import about as facts


def test_every_encoder_has_facts_and_joint_models_say_how_to_get_them():
    for key in REGISTRY:
        a = facts.about(key)
        assert a.pooling, key
    for key, flag, env in (("clip", "--clip-path", "EMBEDDING_LAB_CLIP_PATH"),
                           ("clap", "--clap-path", "EMBEDDING_LAB_CLAP_PATH")):
        text = facts.about(key).get_it
        assert flag in text and env in text and "hf download" in text


def test_the_flags_in_the_how_to_exist_in_the_app():
    import app

    args = app.parse_args(["--clip-path", "x.safetensors", "--clap-path", "clap"])
    assert args.clip_path == "x.safetensors" and args.clap_path == "clap"
    from encoders import clap, clip

    assert clip.ENV_PATH == "EMBEDDING_LAB_CLIP_PATH" and clap.ENV_PATH == "EMBEDDING_LAB_CLAP_PATH"
    assert clip.HUB_REPO in facts.CLIP_GET and clap.HUB_REPO in facts.CLAP_GET
    assert clip.HUB_FILENAMES[0] in facts.CLIP_GET


def test_minilm_facts_match_its_model_card_and_tokenizer():
    from encoders.minilm import MAX_TOKENS, model_path

    card = open(os.path.join(model_path(), "README.md"), encoding="utf-8").read()
    assert "language: en" in card  # "English only"
    assert f"longer than {MAX_TOKENS} word pieces is truncated" in card
    enc = get_encoder("minilm")
    assert enc.vocab_size == facts.MINILM_VOCAB
    assert enc.wordpiece("Café")[0] == enc.wordpiece("cafe")[0]  # lower-cased, accents removed
    assert f"{MAX_TOKENS} WordPiece pieces" in facts.about("minilm").input_limit


def test_glove_vocabulary_size():
    assert get_encoder("glove").vocab_size == facts.GLOVE_VOCAB


def test_glove_ignores_word_order_as_its_facts_say():
    v = get_encoder("glove").encode("text", ["the dog bit the man", "the man bit the dog"])
    np.testing.assert_allclose(v[0], v[1], atol=1e-7)
    assert "cannot matter" in facts.about("glove").order


def test_imagenet_facts():
    from encoders.efficientnet import INPUT_SIZE, preprocess

    enc = get_encoder("efficientnet")
    names = enc.class_names()
    assert len(names) == facts.IMAGENET_CLASSES
    assert names[151] == "Chihuahua" and names[268] == "Mexican hairless"  # the 118 dog classes, 151..268
    assert {"groom", "scuba diver"} <= set(names) and "person" not in names
    from PIL import Image

    import torch

    batch = preprocess([Image.new("RGB", (400, 300))])
    assert batch.shape == (1, 3, INPUT_SIZE, INPUT_SIZE)
    with torch.inference_mode():
        fmap = enc.model.extract_features(torch.from_numpy(batch))
    assert tuple(fmap.shape[1:]) == (1280, 7, 7)  # the 7x7 grid of 1280 features the prose names


def test_audioset_and_yamnet_facts():
    from encoders import yamnet

    assert len(get_encoder("yamnet").class_names()) == facts.AUDIOSET_CLASSES
    assert yamnet.SAMPLE_RATE == 16_000 and yamnet.PATCH_FRAMES * yamnet.HOP_LENGTH == 15_360  # 0.96 s
    assert yamnet.PATCH_HOP_FRAMES * yamnet.HOP_LENGTH == 7_680  # a window every 0.48 s


def test_clip_context_length():
    open_clip = pytest.importorskip("open_clip")
    assert open_clip.tokenizer.DEFAULT_CONTEXT_LENGTH == facts.CLIP_CONTEXT


def test_explanations_are_about_the_chosen_model():
    assert "ImageNet" not in facts.explain_media_model("clip")
    assert "AudioSet" not in facts.explain_media_model("bridge", "image")
    assert "ImageNet" not in facts.explain_media_model("bridge", "audio")
    assert "ImageNet" in facts.explain_media_model("efficientnet")
    assert "English only" in facts.explain_text_model("minilm")
    assert "/lessons/pooling" in facts.explain_text_model("minilm")
    assert "400,000" in facts.explain_text_model("glove")
