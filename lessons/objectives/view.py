"""Training objectives page: word2vec (skip-gram / CBOW) and a miniature CLIP, both drawn while they train."""
from __future__ import annotations

import gradio as gr
import numpy as np
import plotly.graph_objects as go

from lessons.objectives import compute
from lessons.objectives.examples import CONTRASTIVE_EXAMPLES, CONTRASTIVE_LABELS, EXAMPLES, LABELS
from lessons.ui import show_plot
from tabs.common import esc, short, streamed, user_errors

FONT = dict(size=15)


# -- word vectors ---------------------------------------------------------------------------------------
def word_loss_figure(records, epochs: int, objective: str, start_loss: float) -> go.Figure:
    x = [r.epoch for r in records]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=[r.loss_train for r in records], mode="lines+markers", name="training text",
                             line=dict(width=3, color="#2563eb"), marker=dict(size=9)))
    fig.add_trace(go.Scatter(x=x, y=[r.loss_heldout for r in records], mode="lines+markers",
                             name="held-out speeches", line=dict(width=3, dash="dash", color="#dc2626"),
                             marker=dict(size=9)))
    fig.add_hline(y=start_loss, line=dict(dash="dot", color="#6b7280"),
                  annotation_text=f"start: 6·ln 2 = {start_loss:.2f}", annotation_position="bottom right")
    low = min([2.5] + [r.loss_train - 0.1 for r in records] + [r.loss_heldout - 0.1 for r in records])
    fig.update_layout(
        title=f"{'Skip-gram' if objective == 'skip-gram' else 'CBOW'}: negative-sampling loss after each epoch",
        height=360, font=FONT, margin=dict(l=10, r=10, t=55, b=10), legend=dict(orientation="h", y=-0.25),
        xaxis=dict(title="epoch (0 = random start)", range=[-0.3, epochs + 0.3], dtick=1),
        yaxis=dict(title="mean loss", range=[low, start_loss + 0.15]))
    return fig


def neighbours_html(records, final: bool) -> str:
    """Rows: epochs; columns: the watched words; cells: the 5 nearest words with their cosines.

    When the run is finished, neighbours that are in the last epoch's list are marked.
    """
    words = list(records[0].neighbours)
    last = {w: {n for n, _ in records[-1].neighbours[w]} for w in words} if final else {w: set() for w in words}
    head = "".join(f"<th>{esc(w)}</th>" for w in words)
    rows = []
    for r in records:
        cells = []
        for w in words:
            chips = "".join(
                f"<span class='obj-nb{' obj-nb-final' if n in last[w] else ''}'>{esc(n)}<small>{c:.2f}</small></span>"
                for n, c in r.neighbours[w])
            cells.append(f"<td>{chips}</td>")
        label = "start (random)" if r.epoch == 0 else f"epoch {r.epoch}"
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    last_rec = records[-1]
    note = ("<p class='obj-note'>Cosine of the word vectors after subtracting their average vector: vectors "
            "trained on a small text all lean one way (right now two random words have a plain cosine of "
            f"{last_rec.random_cosine:.2f} on average), and the average hides what sets words apart."
            + (" <span class='obj-nb obj-nb-final'>Marked</span>: still a neighbour at the end." if final else "") + "</p>")
    return (f"<div class='obj-table'><table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(rows)}"
            f"</tbody></table></div>{note}")


def word_status(rec, epochs: int, replayed: bool, seconds: float) -> str:
    if rec.epoch == 0:
        c = compute.corpus_facts()
        return (f"Start: random vectors, so the neighbours are random words. Training text: {c['train_speeches']:,} "
                f"speeches ({c['train_words']:,} words); held out: {c['heldout_speeches']:,} speeches "
                f"({c['heldout_words']:,} words); {c['vocabulary']:,} words seen at least {c['min_count']} times "
                "get a vector.")
    text = (f"Epoch **{rec.epoch} of {epochs}**: loss {rec.loss_train:.3f} on training text, "
            f"{rec.loss_heldout:.3f} on held-out speeches (mean over {compute.word2vec.EVAL_PAIRS:,} fixed "
            "examples each).")
    if rec.epoch == epochs:
        text += (" Replayed from an earlier identical run (same seed, same numbers)." if replayed
                 else f" Trained in {seconds:.1f} s.")
    return text


@streamed
def run_words(objective, epochs, dim, seed, words, progress=gr.Progress()):
    objective, epochs, dim, seed, watch = compute.check_word_settings(objective, epochs, dim, seed, words)
    records, seconds = [], 0.0
    for rec, replayed in compute.word_vector_run(objective, epochs, dim, seed, ", ".join(watch)):
        records.append(rec)
        seconds += rec.seconds
        progress((rec.epoch, int(epochs)), desc="training", unit="epochs")
        done = rec.epoch == int(epochs)
        yield (word_status(rec, int(epochs), replayed, seconds),
               show_plot(word_loss_figure(records, int(epochs), objective, compute.word2vec.START_LOSS)),
               neighbours_html(records, done))


# -- contrastive -------------------------------------------------------------------------------------------
def clip_loss_figure(snaps, steps: int, n_train: int, n_held: int, floor_train: float = 0.0) -> go.Figure:
    x = [s.step for s in snaps]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=[s.loss_train for s in snaps], mode="lines+markers", name="training pairs",
                             line=dict(width=3, color="#2563eb")))
    fig.add_trace(go.Scatter(x=x, y=[s.loss_heldout for s in snaps], mode="lines+markers", name="held-out pairs",
                             line=dict(width=3, dash="dash", color="#dc2626")))
    for n, colour, pos in ((n_train, "#2563eb", "top right"), (n_held, "#dc2626", "bottom right")):
        fig.add_hline(y=float(np.log(n)), line=dict(dash="dot", color=colour),
                      annotation_text=f"blind guess among {n}: ln {n} = {np.log(n):.2f}", annotation_position=pos)
    if floor_train > 0:
        fig.add_hline(y=floor_train, line=dict(dash="dashdot", color="#059669"),
                      annotation_text=f"lowest possible on training pairs: {floor_train:.2f} (shared captions)",
                      annotation_position="top left")
    top = max([s.loss_train for s in snaps] + [s.loss_heldout for s in snaps] + [float(np.log(n_train))]) * 1.08
    fig.update_layout(title="InfoNCE loss while the two heads train", height=340, font=FONT,
                      margin=dict(l=10, r=10, t=55, b=10), legend=dict(orientation="h", y=-0.3),
                      xaxis=dict(title="training step (all training pairs at once)", range=[0, steps]),
                      yaxis=dict(title="loss", range=[0, top]))
    return fig


def pair_heatmap(sim: np.ndarray, captions, title: str, labelled: bool) -> go.Figure:
    """Images (rows) x captions (columns), cosine on a fixed -1..1 scale; the matching pair on the diagonal."""
    n = sim.shape[0]
    ticks = [f"{i + 1}. {short(c, 28)}" for i, c in enumerate(captions)]  # unique, so plotly keeps every row
    fig = go.Figure(go.Heatmap(
        z=np.round(sim, 3), x=ticks, y=ticks, zmin=-1, zmax=1, colorscale="RdBu_r",
        hovertemplate="image %{y}<br>caption %{x}<br>cosine %{z:.2f}<extra></extra>",
        colorbar=dict(title="cosine", thickness=14, tickvals=[-1, 0, 1])))
    fig.update_layout(title=title, font=FONT, margin=dict(l=10, r=10, t=55, b=10),
                      height=max(470, 110 + 17 * n) if labelled else 470,
                      xaxis=dict(title="captions", showticklabels=False),
                      yaxis=dict(title=None if labelled else "images", autorange="reversed", automargin=True,
                                 showticklabels=labelled, tickfont=dict(size=13)))
    if not labelled:  # many pairs: keep the matrix square so the diagonal reads as a diagonal
        fig.update_layout(yaxis=dict(scaleanchor="x", constrain="domain"), xaxis=dict(constrain="domain"))
    return fig


def accuracy_html(first, snap, n_train: int, n_held: int) -> str:
    rows = (("image → its own caption", "image_to_text"), ("caption → its own image", "text_to_image"),
            ("image → a caption of its group", "image_to_text_group"))
    chance = {"image_to_text": "chance", "text_to_image": "chance", "image_to_text_group": "chance_group"}
    body = []
    for label, key in rows:
        ch = chance[key]
        body.append(
            f"<tr><th>{label}</th><td>{getattr(first.train, key):.0%}</td><td><b>{getattr(snap.train, key):.0%}</b></td>"
            f"<td>{getattr(snap.train, ch):.0%}</td><td>{getattr(first.heldout, key):.0%}</td>"
            f"<td><b>{getattr(snap.heldout, key):.0%}</b></td><td>{getattr(snap.heldout, ch):.0%}</td></tr>")
    return ("<div class='obj-table'><table><thead>"
            f"<tr><th rowspan='2'>top-1 retrieval</th><th colspan='3'>{n_train} training pairs</th>"
            f"<th colspan='3'>{n_held} held-out pairs (never trained on)</th></tr>"
            "<tr><th>step 0</th><th>now</th><th>chance</th><th>step 0</th><th>now</th><th>chance</th></tr>"
            f"</thead><tbody>{''.join(body)}</tbody></table></div>")


def size_note(facts: dict, dim: int) -> str:
    most = facts["most_shared_caption"]
    shared = (f" {facts['sharing_a_caption']} images share their caption with another image ({most['images']} are "
              f"captioned “{esc(most['caption'])}”); picking any image with the same caption counts as right."
              if facts["sharing_a_caption"] else "")
    return (f"**How small this is.** {facts['total']} image–caption pairs from this app's gallery: "
            f"{facts['train']} to train on, {facts['heldout']} held out and never trained on. Frozen inputs: "
            f"{facts['image_features']} and {facts['text_features']}. Trained: two linear maps into {dim} numbers "
            f"each and the temperature, **{facts['parameters']:,} numbers** in all. For scale, CLIP learned from "
            f"400 million image–caption pairs and trained both of its networks end to end.{shared}")


@streamed
def run_clip(steps, dim, seed, progress=gr.Progress()):
    steps, dim, seed = compute.check_contrastive_settings(steps, dim, seed)
    snaps = []
    pairs = compute.contrastive.gallery_pairs()
    facts = compute.pair_facts(pairs, int(dim))
    train, held = compute.contrastive.split(pairs.groups)
    tr_caps, ho_caps = [pairs.captions[i] for i in train], [pairs.captions[i] for i in held]
    for snap, replayed in compute.contrastive_run(steps, dim, seed):
        snaps.append(snap)
        progress((snap.step, int(steps)), desc="training", unit="steps")
        status = (f"Step **{snap.step} of {int(steps)}** · loss {snap.loss_train:.3f} (training pairs), "
                  f"{snap.loss_heldout:.3f} (held-out) · temperature {snap.temperature:.3f}")
        if snap.step == int(steps) and replayed:
            status += " · replayed from an earlier identical run (same seed, same numbers)"
        yield (size_note(facts, int(dim)), status, accuracy_html(snaps[0], snap, len(train), len(held)),
               show_plot(clip_loss_figure(snaps, int(steps), len(train), len(held), facts["loss_floor_train"])),
               show_plot(pair_heatmap(snap.sim_heldout, ho_caps,
                                      f"Held-out pairs ({len(held)}): image i vs caption j", labelled=len(held) <= 30)),
               show_plot(pair_heatmap(snap.sim_train, tr_caps,
                                      f"Training pairs ({len(train)}): image i vs caption j", labelled=len(train) <= 24)))


# -- masked language modelling, in words ------------------------------------------------------------------
def masked_html(example: dict) -> str:
    chips = []
    for piece, masked in zip(example["pieces"], example["masked"]):
        if masked:
            chips.append("<span class='tok obj-mask'>[MASK]<small>?</small></span>")
        else:
            chips.append(f"<span class='tok'>{esc(piece)}</span>")
    return (f"<div class='tok-row'>{''.join(chips)}</div><p>The model must pick "
            f"<b>{esc(example['answer'])}</b> back out of all {example['vocab_size']:,} pieces.</p>")


# -- page --------------------------------------------------------------------------------------------------
def build(page: gr.Blocks) -> None:
    first = EXAMPLES[0]
    gr.Markdown("## 1. Word vectors from guessing neighbours (word2vec)")
    with gr.Row():
        objective = gr.Radio(["skip-gram", "cbow"], value=first["objective"], label="Objective",
                             info="skip-gram: a word predicts its neighbours · CBOW: the neighbours predict the word")
        words = gr.Textbox(value=first["words"], label="Words to watch (comma separated, press Enter)",
                           max_length=200, scale=2)
    with gr.Row():
        epochs = gr.Slider(1, compute.MAX_EPOCHS, value=first["epochs"], step=1, label="Epochs (passes over the text)")
        dim = gr.Slider(compute.DIM_RANGE[0], compute.DIM_RANGE[1], value=first["dim"], step=10,
                        label="Vector size (dim)")
        seed = gr.Number(value=first["seed"], precision=0, minimum=0, maximum=compute.MAX_SEED, label="Seed")
        go_words = gr.Button("Train word vectors", variant="primary", min_width=180)
    inputs = [objective, epochs, dim, seed, words]
    examples = gr.Examples([[e[k] for k in ("objective", "epochs", "dim", "seed", "words")] for e in EXAMPLES],
                           inputs=inputs, example_labels=list(LABELS), label="Runs that teach (click one)")
    word_note = gr.Markdown()
    word_plot = gr.Plot(label="Loss", visible=False)
    neighbours = gr.HTML(elem_classes=["obj-neighbours"])
    outputs = [word_note, word_plot, neighbours]
    gr.on([go_words.click, words.submit], run_words, inputs, outputs, api_visibility="private")
    examples.load_input_event.then(run_words, inputs, outputs, api_visibility="private")
    page.load(run_words, inputs, outputs, api_visibility="private")

    gr.Markdown("## 2. A miniature CLIP: matching pictures to captions with InfoNCE")
    c_first = CONTRASTIVE_EXAMPLES[0]
    with gr.Row():
        steps = gr.Slider(1, compute.MAX_STEPS, value=c_first["steps"], step=1, label="Training steps")
        head_dim = gr.Slider(compute.HEAD_DIM_RANGE[0], compute.HEAD_DIM_RANGE[1], value=c_first["dim"], step=1,
                             label="Shared space size (dim)")
        c_seed = gr.Number(value=c_first["seed"], precision=0, minimum=0, maximum=compute.MAX_SEED,
                           label="Seed (start weights)")
        go_clip = gr.Button("Train the two heads", variant="primary", min_width=180)
    c_inputs = [steps, head_dim, c_seed]
    c_examples = gr.Examples([[e["steps"], e["dim"], e["seed"]] for e in CONTRASTIVE_EXAMPLES], inputs=c_inputs,
                             example_labels=list(CONTRASTIVE_LABELS), label="Runs that teach (click one)")
    size = gr.Markdown()
    c_status = gr.Markdown()
    acc = gr.HTML()
    c_loss = gr.Plot(label="InfoNCE loss", visible=False)
    with gr.Row():
        held_map = gr.Plot(label="Held-out pairs", visible=False)
        train_map = gr.Plot(label="Training pairs", visible=False)
    c_outputs = [size, c_status, acc, c_loss, held_map, train_map]
    go_clip.click(run_clip, c_inputs, c_outputs, api_visibility="private")
    c_examples.load_input_event.then(run_clip, c_inputs, c_outputs, api_visibility="private")
    page.load(run_clip, c_inputs, c_outputs, api_visibility="private")

    gr.Markdown("## 3. Masked language modelling (in words: no model here has the head for it)")
    with gr.Accordion("How BERT-style models learn: fill in the blank", open=True):
        gr.Markdown(compute.MLM_TEXT)
        masked = gr.HTML()
    page.load(user_errors(lambda: masked_html(compute.masked_example())), None, masked, api_visibility="private")
