"""What the Images and Audio pages share: the model line, the class-labels section and the summary sentence."""
from __future__ import annotations

from encoders import get_encoder
from encoders.about import explain_media_model
from tabs.common import esc, labels_table, pair_sentence
from tabs.figures import COSINE_SCALE_NOTE


def model_md(key: str, modality: str, noun: str) -> str:
    """The chosen model in one line: its name, its width per ``noun`` ('picture', 'sound') and what it is."""
    info = get_encoder(key).info
    return f"**{esc(info.label)}** ({info.dim} numbers per {noun}). {explain_media_model(key, modality)}"


def labels_section(emb, modality: str, noun: str, own: str, bridge: str) -> tuple[str, str, bool]:
    """(heading, table, visible): the classifier's own labels (heading ``own``), the label bridge's class names
    (heading ``bridge``), or a line saying this model has no labels."""
    if emb.top_labels:
        return (bridge if emb.encoder == "bridge" else own), labels_table(modality, emb.items, emb.top_labels), True
    return (f"### No labels\n{esc(get_encoder(emb.encoder).info.label)} has no class labels of its own; on the "
            f"[Search page](search) zero-shot labels compare a {noun} with labels you write.", "", False)


def summary_md(n: int, noun: str, info, labels, matrix) -> str:
    """'**3 pictures** embedded with ...': how many, with which model, how wide, and the most and least similar pair."""
    return (f"**{n} {noun}{'s' if n != 1 else ''}** embedded with **{esc(info.label)}** into {info.dim} numbers "
            f"each, scaled to length 1. {pair_sentence(labels, matrix)}\n\n*{COSINE_SCALE_NOTE}*")
