"""Gallery page: the bundled pictures, sounds and sentences by group, and how well each model groups them."""
from __future__ import annotations

import gradio as gr

from encoders import get_encoder
from gallery.manifest import by_group, heldout_items, items_of, load_groups
from lab import gallery_quality, warmup
from tabs.common import esc, explain, file_url, on_page_load, user_errors

REFRESH_S = 3.0


def quality_md() -> str:
    """One line per (modality, encoder), or why the figures are not there yet."""
    reports = gallery_quality.reports()
    lines = [gallery_quality.sentence(r, get_encoder(r.encoder).info.label) for r in reports]
    missing = len(gallery_quality.pairs()) - len(reports)
    if missing:
        if warmup.running():
            lines.append(f"*{missing} more figure{'s are' if missing > 1 else ' is'} being measured by the start-up "
                         "warm-up; this page refreshes itself until they are here.*")
        else:
            lines.append(f"*{missing} figure{'s are' if missing > 1 else ' is'} not measured yet (the start-up "
                         "warm-up measures them; it is off or did not get that far). Press *Measure now* (a minute or "
                         "more the first time), or run `python -m gallery.quality`.*")
    return "\n".join(f"- {line}" for line in lines)


def tick():
    done = len(gallery_quality.reports()) == len(gallery_quality.pairs())
    return quality_md(), gr.Timer(active=warmup.running() and not done)


@user_errors
def measure_now(progress=gr.Progress()):
    gallery_quality.compute(progress)
    return quality_md()


def group_html() -> str:
    """Every group: its pictures as thumbnails, its sounds as players, its sentences."""
    pictures, sounds, texts = (by_group(items_of(m)) for m in ("image", "audio", "text"))
    out = []
    for g in load_groups():
        pics = "".join(
            f"<figure class='g-pic'><img src='{esc(file_url(it.path))}' alt='{esc(it.caption)}' loading='lazy' "
            f"title='{esc(it.caption)} · {esc(it.credit)} · {esc(it.licence)}'><figcaption>{esc(it.caption)}"
            f"{' <span class=tag>♪ pair</span>' if it.pair else ''}</figcaption></figure>"
            for it in pictures.get(g.key, []))
        snds = "".join(
            f"<div class='g-snd'><audio controls preload='none' src='{esc(file_url(it.path))}'></audio>"
            f"<div class='nb-cap' title='{esc(it.credit)} · {esc(it.licence)}'>{esc(it.caption)}</div></div>"
            for it in sounds.get(g.key, []))
        sents = "".join(f"<li>{esc(it.text)}</li>" for it in texts.get(g.key, []))
        counts = f"{g.images} pictures · {g.sounds} sounds · {g.texts} sentences"
        out.append(
            f"<section class='g-group' id='group-{esc(g.key.replace(' ', '-'))}'>"
            f"<h3>{esc(g.title)} <small>{esc(counts)}</small></h3><div class='muted'>{esc(g.about)}</div>"
            + (f"<div class='g-pics'>{pics}</div>" if pics else "")
            + (f"<div class='g-snds'>{snds}</div>" if snds else "")
            + (f"<ul class='g-texts'>{sents}</ul>" if sents else "") + "</section>")
    return "<div class='g-all'>" + "".join(out) + "</div>"


def heldout_md() -> str:
    n = {m: len(heldout_items(m)) for m in ("image", "audio", "text")}
    return (f"Set aside before the gallery was chosen (not shown here, never searched): {n['image']} pictures, "
            f"{n['audio']} sounds, {n['text']} sentences of the same groups. They measure what happens to a *new* "
            "item. Sources, authors and licences: `assets/CREDITS.md` (hover a picture for its credit).")


def build() -> None:
    with gr.Column(elem_id="tab-gallery"):
        explain(
            "### The gallery: groups of things a model should find similar\n"
            "Every neighbour the pages show comes from this gallery. It is grouped (cats, birds, bells, …), so a "
            "neighbour is either of the same kind or not, and we can count how often a model gets it right. "
            "Each line below takes every gallery item, finds its nearest *other* item with one model, and counts "
            "how often that neighbour is in the same group; then the same for items set aside at random before "
            "the gallery was chosen, which is the honest figure."
        )
        figures = gr.Markdown(elem_classes=["quality"])
        on_page_load(quality_md, None, figures, queue=False)
        with gr.Row():
            measure = gr.Button("Measure now", size="sm")
        gr.Markdown(heldout_md())
        gr.HTML(group_html())
        timer = gr.Timer(REFRESH_S, active=True)
        timer.tick(tick, None, [figures, timer], api_visibility="private", queue=False)
        measure.click(measure_now, None, figures, api_visibility="private")
