"""Sounds page: sweep an augmentation, plot clean-vs-augmented cosine per representation, listen and look."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from lessons.sounds import augment, compute
from lessons.sounds.examples import EXAMPLES, LABELS
from lessons.ui import show_plot
from tabs.common import esc, user_errors

FONT = dict(size=15)
COLOURS = {"waveform": "#9ca3af", "mfcc": "#f59e0b", "logmel": "#dc2626", "yamnet": "#2563eb", "clap": "#9333ea",
           "pixels": "#9ca3af", "efficientnet": "#2563eb", "clip": "#9333ea"}


def _strength(v: float, aug: augment.Augmentation) -> str:
    if aug.name == "flip":
        return {0: "none", 1: "left-right", 2: "upside down"}.get(int(v), f"{v:g}")
    return f"{v:g} {aug.unit}"


def sweep_figure(r: compute.Sweep) -> go.Figure:
    aug = r.augmentation
    fig = go.Figure()
    categorical = aug.name == "flip"
    x = [_strength(s, aug) for s in r.strengths] if categorical else r.strengths
    for c in r.curves:
        colour = COLOURS.get(c.name, "#111827")
        fig.add_trace(go.Scatter(x=x, y=c.cosine, mode="lines+markers", name=c.label, line=dict(color=colour, width=3),
                                 marker=dict(size=9), hovertemplate=f"{c.label}<br>%{{x}}: cosine %{{y:.3f}}<extra></extra>"))
        fig.add_hline(y=c.baseline, line=dict(color=colour, width=1.5, dash="dot"))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color="#6b7280", dash="dot"),
                             name="dotted: median cosine with the other gallery items"))
    unit = aug.unit if not categorical else ""
    fig.update_layout(
        title=f"{r.item_label}: cosine(clean, {aug.label}) per representation<br><sup>mildest change on the left; "
              "fixed scale -1..1</sup>",
        height=470, font=FONT, margin=dict(l=10, r=10, t=80, b=10),
        yaxis=dict(range=[-1.02, 1.02], title="cosine with the clean version", dtick=0.25),
        xaxis=dict(title=f"{aug.label} ({unit})" if unit else aug.label,
                   autorange="reversed" if aug.name == "noise" else True, type="category" if categorical else "linear"),
        legend=dict(orientation="h", y=-0.2, font=dict(size=14)))
    return fig


def _num(v: float) -> str:
    """Three decimals, without a minus sign on a value that rounds to zero."""
    text = f"{v:.3f}"
    return "0.000" if text == "-0.000" else text


def verdict_md(r: compute.Sweep) -> str:
    """What the numbers on screen say, at the strongest setting of the sweep (computed, never assumed)."""
    aug = r.augmentation
    last = len(r.strengths) - 1
    other = "sounds" if r.modality == "audio" else "pictures"
    lines = [f"At the strongest setting, **{_strength(r.strengths[last], aug)}**:"]
    for c in r.curves:
        keeps = c.cosine[last] > c.baseline
        lines.append(f"- **{esc(c.label)}**: cosine {_num(c.cosine[last])}; with other gallery {other} the median "
                     f"is {_num(c.baseline)}: " + ("still nearer to itself than to a typical other one." if keeps else
                                               "no nearer to itself than to a typical other one."))
    for name, reason in r.unavailable.items():
        lines.append(f"- {esc(compute.LABELS[name])}: not available here ({esc(reason[:160])}).")
    lines.append("")  # end the list
    flipped = [(c, c.sign_changes[last]) for c in r.curves if c.sign_changes and c.sign_changes[last]]
    if flipped:
        counts = " and ".join(f"{n} of the {c.dims} numbers of the {esc(c.label.split(' (')[0])}" for c, n in flipped)
        lines.append(f"Why a log feature can even turn negative: log-mel numbers are logarithms of band energies "
                     f"(MFCCs are weighted sums of them), so a quiet band is a negative number and a loud one "
                     f"positive. Here {counts} changed sign; the "
                     "cosine measures the angle seen from zero, and where zero sits is a choice of loudness unit, "
                     "not a property of the sound.\n")
    if r.cut_from:
        lines.append(f"The clip is {r.cut_from:.1f} s long; its first {compute.MAX_SECONDS:g} s were used.\n")
    lines.append(f"The sweep took {r.seconds:.2f} s.")
    return "\n".join(lines)


def listen_choices(r: compute.Sweep) -> tuple[list[tuple[str, float]], float]:
    aug = r.augmentation
    choices = [(_strength(s, aug), float(s)) for s in r.strengths]
    value = aug.listen if aug.listen in r.strengths else r.strengths[len(r.strengths) // 2]
    return choices, float(value)


def _sweep(modality, gallery_id, upload, augmentation, progress):
    return compute.sweep(modality, augmentation, gallery_id, upload,
                         progress=lambda f, what: progress(f, desc=what))


# -- sounds -------------------------------------------------------------------------------------------------
@user_errors
def run_sound(gallery_id: str, upload: str | None, augmentation: str, progress=gr.Progress()):
    r = _sweep("audio", gallery_id, upload, augmentation, progress)
    choices, value = listen_choices(r)
    clean, clipped_clean = compute.playable(r.clean)
    changed, clipped = compute.playable(augment.augment_audio(r.clean, r.augmentation.name, value))
    return (show_plot(sweep_figure(r)), verdict_md(r), gr.update(choices=choices, value=value), clean, changed,
            clip_note(clipped))


def clip_note(clipped: bool) -> str:
    return ("Peaks above full scale were clipped for the player (the cosines use the unclipped samples)."
            if clipped else "")


@user_errors
def listen(gallery_id: str, upload: str | None, augmentation: str, strength: float):
    _, y = compute.augmented("audio", augmentation, gallery_id, upload, strength)
    changed, clipped = compute.playable(y)
    return changed, clip_note(clipped)


# -- pictures ----------------------------------------------------------------------------------------------
@user_errors
def run_picture(gallery_id: str, upload: str | None, augmentation: str, progress=gr.Progress()):
    r = _sweep("image", gallery_id, upload, augmentation, progress)
    choices, value = listen_choices(r)
    changed = augment.augment_image(r.clean, r.augmentation.name, value)
    return show_plot(sweep_figure(r)), verdict_md(r), gr.update(choices=choices, value=value), r.clean, changed


@user_errors
def look(gallery_id: str, upload: str | None, augmentation: str, strength: float):
    return compute.augmented("image", augmentation, gallery_id, upload, strength)[1]


def _aug_choices(names) -> list[tuple[str, str]]:
    return [(augment.AUGMENTATIONS[n].label, n) for n in names]


def build(page: gr.Blocks) -> None:
    from gallery.manifest import items_of
    from lessons.images.pictures import gallery_picture_ids

    audio_examples = [e for e in EXAMPLES if e.get("modality", "audio") == "audio"]
    audio_labels = [l for e, l in zip(EXAMPLES, LABELS) if e.get("modality", "audio") == "audio"]
    image_examples = [e for e in EXAMPLES if e.get("modality") == "image"]
    image_labels = [l for e, l in zip(EXAMPLES, LABELS) if e.get("modality") == "image"]

    gr.Markdown("### 1. Sounds")
    with gr.Row():
        sound = gr.Dropdown([(f"{it.caption} ({it.id})", it.id) for it in items_of("audio")],
                            value=audio_examples[0]["gallery_id"], label="Gallery sound", scale=3)
        sound_upload = gr.Audio(sources=["upload", "microphone"], type="filepath", scale=2,
                                label="…or upload / record one (it wins over the gallery; first 6 s)")
    with gr.Row():
        sound_aug = gr.Radio(_aug_choices(augment.AUDIO), value=audio_examples[0]["augmentation"],
                             label="Augmentation", scale=4)
        sound_btn = gr.Button("Sweep", variant="primary", scale=1, min_width=120)
    sound_examples = gr.Examples([[e["gallery_id"], e["augmentation"]] for e in audio_examples],
                                 inputs=[sound, sound_aug], example_labels=audio_labels,
                                 label="Sweeps that teach (click one)")
    sound_plot = gr.Plot(label="Sound invariance", visible=False, show_label=False)
    sound_verdict = gr.Markdown()
    with gr.Row():
        sound_strength = gr.Dropdown(label="Listen at", choices=[], scale=1)
        clean_player = gr.Audio(label="clean (16 kHz)", interactive=False, scale=2)
        changed_player = gr.Audio(label="augmented", interactive=False, scale=2)
    sound_clip = gr.Markdown()
    s_inputs = [sound, sound_upload, sound_aug]
    s_outputs = [sound_plot, sound_verdict, sound_strength, clean_player, changed_player, sound_clip]
    gr.on([sound_btn.click, sound_aug.input, sound.input, sound_upload.upload], run_sound, s_inputs, s_outputs,
          api_visibility="private")
    sound_examples.load_input_event.then(lambda: None, None, sound_upload, queue=False, api_visibility="private").then(
        run_sound, s_inputs, s_outputs, api_visibility="private")
    sound_strength.input(listen, s_inputs + [sound_strength], [changed_player, sound_clip], api_visibility="private")

    gr.Markdown("### 2. Pictures: the same question for images")
    with gr.Row():
        pic = gr.Dropdown([(f"{caption} ({gid})", gid) for gid, caption in gallery_picture_ids()],
                          value=image_examples[0]["gallery_id"], label="Gallery picture", scale=3)
        pic_upload = gr.Image(type="filepath", label="…or upload a picture (it wins over the gallery)", scale=2,
                              sources=["upload", "clipboard"], height=160)
    with gr.Row():
        pic_aug = gr.Radio(_aug_choices(augment.IMAGE), value=image_examples[0]["augmentation"], label="Augmentation",
                           scale=4)
        pic_btn = gr.Button("Sweep", variant="primary", scale=1, min_width=120)
    pic_examples = gr.Examples([[e["gallery_id"], e["augmentation"]] for e in image_examples], inputs=[pic, pic_aug],
                               example_labels=image_labels, label="Sweeps that teach (click one)")
    pic_plot = gr.Plot(label="Picture invariance", visible=False, show_label=False)
    pic_verdict = gr.Markdown()
    with gr.Row():
        pic_strength = gr.Dropdown(label="Look at", choices=[], scale=1)
        clean_img = gr.Image(label="clean (the 224 x 224 crop the network sees)", interactive=False, height=240,
                             scale=2)
        changed_img = gr.Image(label="augmented", interactive=False, height=240, scale=2)
    p_inputs = [pic, pic_upload, pic_aug]
    p_outputs = [pic_plot, pic_verdict, pic_strength, clean_img, changed_img]
    gr.on([pic_btn.click, pic_aug.input, pic.input, pic_upload.upload], run_picture, p_inputs, p_outputs,
          api_visibility="private")
    pic_examples.load_input_event.then(lambda: None, None, pic_upload, queue=False, api_visibility="private").then(
        run_picture, p_inputs, p_outputs, api_visibility="private")
    pic_strength.input(look, p_inputs + [pic_strength], changed_img, api_visibility="private")
    # One after the other: on a fresh server each loads its models; together they would fight for 2 cores.
    page.load(run_sound, s_inputs, s_outputs, api_visibility="private").then(
        run_picture, p_inputs, p_outputs, api_visibility="private")
