"""Tables lesson page: choose encodings, see what a row becomes, train live, compare runs, read the map."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import gradio as gr
import numpy as np

from lessons.tables import compute, data, figures
from lessons.tables.examples import EXAMPLES, LABELS
from lessons.tables.model import Progress, Run
from lessons.ui import hide_plot, show_plot
from media.errors import InputError
from tabs.common import esc, streamed, user_errors

DATASETS = [("NYC flights 2013", "flights"), ("Palmer penguins", "penguins"), ("Upload a CSV", "upload")]
CATEGORICAL = [("one-hot", "onehot"), ("embedding", "embedding")]
NUMERIC = [("raw", "raw"), ("standardised", "standardise"), ("buckets", "buckets"), ("piecewise-linear (PLE)", "ple")]
CROSSES = {"flights": ["none", "carrier x hour", "origin x dest", "carrier x dest"],
           "penguins": ["none", "island x sex"]}
NUMERIC_NAMES = {value: label for label, value in NUMERIC}
RESULT_HEADERS = ["run", "target", "categorical", "numeric", "cross", "size", "min count", "row width",
                  "parameters", "metric", "train", "validation", "baseline", "seconds"]
MAP_ROWS_SHOWN = 24


@dataclass
class LastRun:
    """What the page keeps of a session's latest run (gr.State: one per browser session)."""

    settings: compute.Settings
    design: object = field(repr=False)
    run: Run = field(repr=False)
    maps: dict = field(default_factory=dict, repr=False)  # column -> TableMap
    extra: dict = field(default_factory=dict, repr=False)  # column -> {category -> {name, tzone}}


# -- inputs -> settings ---------------------------------------------------------------------------------
def ui_settings(dataset, csv, target, columns, categorical, numeric, dim, min_count, bins, cross, buckets, epochs,
                sample, seed) -> compute.Settings:
    if dataset == "upload" and not csv:
        raise InputError("Upload a CSV file first (or choose a bundled dataset).")
    if not columns:
        raise InputError("Tick at least one column to predict from.")
    return compute.settings_from(dataset if dataset != "upload" else "flights", target or "", list(columns or []),
                                 categorical, numeric, None, int(dim), int(min_count), int(bins),
                                 "" if cross in (None, "none") else cross, int(buckets), int(sample), int(epochs),
                                 int(seed or 0), csv if dataset == "upload" else None)


@user_errors
def apply_example(preset: str):
    """An example's keyword arguments -> every input, with the choices of its dataset (then it trains)."""
    kw = json.loads(preset or "{}")
    dataset = kw.get("dataset", "flights")
    targets, features, kinds, leaks = data.BUNDLED_INFO[dataset]
    target = kw.get("target") or targets[0]
    columns = kw.get("columns") or [c for c in features if c != target]
    cats = [c for c in features if kinds[c] == "categorical"]
    return (dataset, gr.update(visible=False, value=None), gr.update(choices=targets, value=target),
            gr.update(choices=data.usable(kinds, leaks, target), value=columns),
            kw.get("categorical", "embedding"), kw.get("numeric", "ple"), kw.get("embedding_dim", 8),
            kw.get("min_count", 20), kw.get("bins", 8),
            gr.update(choices=CROSSES[dataset], value=kw.get("cross") or "none"), kw.get("cross_buckets", 64),
            kw.get("epochs", 8), kw.get("sample", data.DEFAULT_SAMPLE), kw.get("seed", 0),
            source_note(data.SOURCES[dataset], data.NOTES[dataset]), gr.update(choices=cats, value=cats[0]))


UPLOAD_NOTE = (f"Upload a CSV: at most {data.MAX_UPLOAD_BYTES // (1024 * 1024)} MB, {data.MAX_UPLOAD_ROWS:,} rows, "
               f"{data.MAX_UPLOAD_COLUMNS} columns, a header row. It is read in memory and not stored.")


def table_info(dataset: str, csv) -> tuple[list, list, dict, dict, str, dict]:
    """(targets, default inputs, kinds, leaks, source, notes) without loading a bundled table."""
    if dataset == "upload":
        path, name = compute._csv(csv)
        table = data.read_upload(path, name or "your CSV")
        return table.targets, table.features, table.kinds, table.leaks, table.source, table.notes
    targets, features, kinds, leaks = data.BUNDLED_INFO[dataset]
    return targets, features, kinds, leaks, data.SOURCES[dataset], data.NOTES[dataset]


def source_note(source: str, notes: dict) -> str:
    text = "; ".join(f"**{esc(k)}**: {esc(v)}" for k, v in notes.items())
    return f"{esc(source)}" + (f"<br>{text}" if text else "")


@user_errors
def on_dataset(dataset, csv):
    """New dataset: its targets, input columns, crosses and sweep columns."""
    if dataset == "upload" and not csv:
        return (gr.update(choices=[], value=None), gr.update(choices=[], value=[]), gr.update(visible=True),
                gr.update(choices=["none"], value="none"), UPLOAD_NOTE, gr.update(choices=[], value=None))
    targets, features, kinds, leaks, source, notes = table_info(dataset, csv)
    target = targets[0]
    cats = [c for c in features if kinds[c] == "categorical"]
    crosses = CROSSES.get(dataset) or ["none"] + [f"{a} x {b}" for i, a in enumerate(cats) for b in cats[i + 1:]][:6]
    return (gr.update(choices=targets, value=target),
            gr.update(choices=data.usable(kinds, leaks, target), value=[c for c in features if c != target]),
            gr.update(visible=dataset == "upload"), gr.update(choices=crosses, value="none"),
            source_note(source, notes) + ("<br>" + UPLOAD_NOTE if dataset == "upload" else ""),
            gr.update(choices=cats, value=cats[0] if cats else None))


@user_errors
def on_target(dataset, csv, target, columns):
    if not target or (dataset == "upload" and not csv):
        return gr.skip()
    _, _, kinds, leaks, _, _ = table_info(dataset, csv)
    if target not in kinds:
        return gr.skip()
    usable = data.usable(kinds, leaks, target)
    return gr.update(choices=usable, value=[c for c in (columns or []) if c in usable])


# -- what a row becomes ------------------------------------------------------------------------------------
def _numbers_html(values: np.ndarray) -> str:
    cells = []
    for v in values:
        shade = min(1.0, abs(float(v)))
        colour = f"rgba(220,38,38,{shade * 0.55:.2f})" if v > 0 else f"rgba(37,99,235,{shade * 0.55:.2f})"
        cells.append(f"<span class='tb-num' style='background:{colour}'>{float(v):.2f}</span>")
    return "".join(cells)


def rows_html(prep: compute.Prepared, tables: dict | None, trained: bool) -> str:
    """Two validation rows (one with an UNK category when there is one), column by column."""
    design, frame = prep.design, prep.split.validation
    pick = [0]
    for c in design.columns:
        if c.kind == "categorical":
            unk = np.flatnonzero(c.index(frame.iloc[:2000]) == 0)
            if len(unk):
                pick = [0, int(unk[0])] if unk[0] != 0 else [0, 1]
                break
    if len(pick) == 1 and len(frame) > 1:
        pick.append(1)
    blocks = []
    for r in pick[:2]:
        row = frame.iloc[[r]]
        vec = design.row_vectors(row, tables)[0]  # [width]
        start, lines = 0, []
        for c in design.columns:
            part = vec[start:start + c.width]
            start += c.width
            if c.kind == "cross":
                a, b = c.parts
                value = f"{row[a].iloc[0]} × {row[b].iloc[0]}"
                where = int(c.index(row)[0])
                how = f"hashed to bucket {where} of {c.buckets}"
            elif c.kind == "categorical":
                value = str(row[c.name].iloc[0])
                where = int(c.index(row)[0])
                how = (f"<b class='tb-unk'>UNK</b> (row 0: seen fewer than {c.vocab.min_count} times in training, or never)"
                       if where == 0 else f"row {where} of {c.vocab.size}")
            else:
                value = f"{row[c.name].iloc[0]:g}" if row[c.name].notna().iloc[0] else "(missing)"
                how = {"raw": "as it is", "standardise": f"(x − {c.scaler.mean:.4g}) / {c.scaler.std:.4g}" if c.scaler else "",
                       "buckets": f"bucket of {c.width}", "ple": f"PLE over {c.width} bins"}[c.encoding]
            if c.indexed and c.encoding == "onehot":
                nums = (_numbers_html(part) if c.width <= 24 else
                        f"<span class='muted'>{c.width} numbers, all 0 but a 1 at position {int(np.argmax(part))}</span>")
                enc_name = "one-hot"
            elif c.indexed:
                nums = _numbers_html(part) + ("" if trained else " <span class='muted'>(untrained: small random numbers)</span>")
                enc_name = f"embedding, {c.width}"
            else:
                nums = _numbers_html(part)
                enc_name = NUMERIC_NAMES[c.encoding]
            lines.append(f"<tr><th>{esc(c.name)}</th><td>{esc(value)}</td><td>{esc(enc_name)}: {how}</td>"
                         f"<td class='tb-nums'>{nums}</td></tr>")
        blocks.append(f"<div class='tb-row'><div class='tb-head'>Validation row {r + 1}: {design.width} numbers in all</div>"
                      f"<table class='tb-table'><tr><th>column</th><th>value</th><th>encoding</th><th>numbers</th></tr>"
                      f"{''.join(lines)}</table></div>")
    return "<div class='tb-rows'>" + "".join(blocks) + "</div>"


def columns_note(prep: compute.Prepared) -> str:
    """One line per column: what its encoder kept, how wide it is."""
    parts = []
    for c in prep.design.columns:
        if c.kind == "categorical":
            v = c.vocab
            parts.append(f"**{esc(c.name)}**: {len(v.categories):,} categories seen at least {v.min_count} times + UNK "
                         f"({v.folded:,} rarer categories, {v.unk_count:,} training rows, share it)")
        elif c.kind == "cross":
            s = c.stats
            parts.append(f"**{esc(c.name)}** (hashed cross): {s.pairs:,} different pairs in training into {s.buckets} "
                         f"buckets; {s.used} buckets used, so **{s.collisions:,} pairs collide** ({s.colliding_pairs:,} "
                         f"pairs share a bucket with another pair)")
        elif c.edges is not None:
            parts.append(f"**{esc(c.name)}**: {c.width} bins, edges " + ", ".join(f"{e:g}" for e in c.edges))
    return "<br>".join(parts)


# -- training ---------------------------------------------------------------------------------------------------
def status_line(prep: compute.Prepared, progress: Progress | Run) -> str:
    d = prep.design
    metric = "accuracy" if d.metric == "accuracy" else f"RMSE ({d.target})"
    fmt = (lambda v: f"{v:.1%}") if d.metric == "accuracy" else (lambda v: f"{v:.2f}")
    rows = f"{len(prep.split.train):,} training and {len(prep.split.validation):,} validation rows"
    if isinstance(progress, Progress):
        last = progress.history[-1]
        return (f"Training on {rows}… epoch **{progress.epoch} of {progress.epochs}** · {progress.seconds:.1f} s · "
                f"validation {metric} {fmt(last['validation'])}")
    better = (progress.validation > progress.baseline) if d.metric == "accuracy" else (progress.validation < progress.baseline)
    verdict = "better than" if better else "**not better** than"
    return (f"Done in **{progress.seconds:.1f} s** on {rows}. Validation {metric}: **{fmt(progress.validation)}** "
            f"(training rows {fmt(progress.train)}), {verdict} the trivial baseline "
            f"({'always the most common class' if d.metric == 'accuracy' else 'always the training mean'}): "
            f"{fmt(progress.baseline)}. {progress.parameters:,} parameters." + loss_sentence(d, progress))


def loss_sentence(design, run: Run) -> str:
    """For classes: accuracy can stay put while the probabilities improve; say which happened."""
    if design.metric != "accuracy":
        return ""
    if run.validation <= run.baseline and run.validation_loss < run.baseline_loss:
        return (f" Its validation loss ({run.validation_loss:.3f}) is below the baseline's ({run.baseline_loss:.3f}): "
                "the predicted probabilities improved, but seldom enough to change the most likely class.")
    return ""


def result_row(n: int, prep: compute.Prepared, run: Run) -> list:
    s, d = prep.settings, prep.design
    dims = sorted({c.dim for c in d.columns if c.indexed and c.encoding == "embedding"})
    return [n, s.target, s.categorical, s.numeric, s.cross or "none", ", ".join(map(str, dims)) or "-", s.min_count,
            d.width, run.parameters, run.metric, round(run.train, 4), round(run.validation, 4), round(run.baseline, 4),
            round(run.seconds, 1)]


def map_extra(prep: compute.Prepared, column: str) -> dict:
    if prep.table.name != "flights":
        return {}
    if column in ("dest", "origin"):
        ap = data.airports()
        return {code: {"name": str(ap.loc[code, "name"]), "tzone": str(ap.loc[code, "tzone"])} for code in ap.index}
    if column == "carrier":
        return {code: {"name": name} for code, name in data.airlines().items()}
    return {}


def map_note(m) -> str:
    f = lambda v: "n/a" if v is None or v != v else f"{v:+.2f}"  # noqa: E731
    lines = [f"**How much the task could teach.** Each point is one row of the learned '{esc(m.column)}' table "
             f"({m.dim} number{'s' if m.dim > 1 else ''} per row; "
             + ("drawn as they are" if m.method != "PCA" else f"PCA shows {m.explained:.0%} of their spread in 2-D")
             + "). The model only ever saw rows of this table next to the target, so the map holds only what "
             f"helped predict it. The first axis follows each category's {esc(m.target_label)} in training with "
             f"Spearman ρ = {f(m.axis_vs_target)}."]
    if m.geo is not None:
        lines.append(f"Distances between rows follow distances on the globe with ρ = **{f(m.geo)}** over "
                     f"{m.geo_pairs:,} airport pairs (the same table before training: {f(m.geo_before)}); the first "
                     f"axis follows each airport's distance from New York with ρ = {f(m.axis_vs_nyc)}.")
        if m.geo - (m.geo_before or 0.0) < 0.2:
            lines.append("Training added little geography: predicting this target did not need it.")
        elif abs(m.axis_vs_nyc or 0.0) >= 0.8:
            lines.append("No input column says where an airport is: the geography on this map is mostly *how far* "
                         "each one is from New York, the first axis.")
        else:
            lines.append("No input column says where an airport is: the map holds only the part of geography that "
                         "helped predict the target.")
        if "distance" in m.inputs:
            lines.append("Here *distance* is an input too, so the table did not have to learn how far away each "
                         "airport is; the example *without distance* makes it.")
    return " ".join(lines)


def finish(prep: compute.Prepared, run: Run) -> LastRun:
    last = LastRun(prep.settings, prep.design, run)
    for c in prep.design.embedding_columns():
        if c.kind == "categorical":
            last.maps[c.name] = compute.embedding_map(prep, run, c.name)
            last.extra[c.name] = map_extra(prep, c.name)
    return last


def draw_map(last: LastRun | None, column: str | None):
    if last is None or not last.maps:
        return (hide_plot(), "Train with **embedding** chosen for categories to see a learned table here "
                "(one-hot has no table of its own to draw).", hide_plot())
    column = column if column in last.maps else next(iter(last.maps))
    m = last.maps[column]
    table = last.run.tables()[column]
    names = last.design.column(column).row_names()
    shown = min(MAP_ROWS_SHOWN, len(names))
    limit = float(np.abs(table[:shown]).max())
    return (show_plot(figures.map_figure(m, last.extra.get(column))), map_note(m),
            show_plot(figures.table_rows_figure(names[:shown], table[:shown], column, limit)))


def loss_name(prep: compute.Prepared) -> str:
    return "cross-entropy" if prep.design.metric == "accuracy" else "squared error"


def loss_detail(prep: compute.Prepared) -> str:
    if prep.design.metric == "accuracy":
        return f"cross-entropy of the predicted classes of '{esc(prep.design.target)}'"
    return f"mean squared error of '{esc(prep.design.target)}' in standard deviations (1 = always guessing the mean)"


@streamed
def train(results, *inputs):
    settings = ui_settings(*inputs)
    prep = None
    for step in compute.train_iter(settings):
        if isinstance(step, compute.Prepared):
            prep = step
            yield (f"Preparing {esc(prep.table.label)}…", gr.skip(), rows_html(prep, None, False), columns_note(prep),
                   gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip())
        elif isinstance(step, Progress):
            fig = figures.loss_figure(step.history, step.epochs, step.baseline_loss, loss_name(prep), loss_detail(prep))
            yield (status_line(prep, step), show_plot(fig), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(),
                   gr.skip(), gr.skip(), gr.skip(), gr.skip())
        else:
            run = step
            fig = figures.loss_figure(run.history, len(run.history), run.baseline_loss, loss_name(prep),
                                      loss_detail(prep))
            results = list(results or []) + [result_row(len(results or []) + 1, prep, run)]
            last = finish(prep, run)
            columns = list(last.maps)
            column = "dest" if "dest" in columns else (columns[0] if columns else None)
            map_plot, note, rows_plot = draw_map(last, column)
            yield (status_line(prep, run), show_plot(fig), rows_html(prep, run.tables(), True), columns_note(prep),
                   results, gr.update(value=[r for r in reversed(results)], visible=True), last,
                   gr.update(choices=columns, value=column), map_plot, note, rows_plot)


@user_errors
def redraw_map(last, column):
    return draw_map(last, column)


@streamed
def sweep(last, column, *inputs):
    settings = ui_settings(*inputs)
    if not column:
        raise InputError("Choose a categorical column to sweep (e.g. dest).")
    result = None
    for result in compute.size_sweep_iter(settings, column):
        p = result.points[-1]
        fig = figures.sweep_figure(result.points, result.column, result.categories, result.fastai, result.fourth_root,
                                   result.baseline_loss, "validation loss", compute.SWEEP_DIMS)
        rows = [[q.dim, round(q.validation_loss, 5), round(q.validation, 4), q.table_parameters, q.parameters,
                 round(q.seconds, 1)] for q in result.points]
        done = len(result.points) == len(compute.SWEEP_DIMS)
        note = (f"Size {p.dim} done ({len(result.points)} of {len(compute.SWEEP_DIMS)}).") if not done else \
            sweep_note(result)
        yield show_plot(fig), gr.update(value=rows, visible=True), note


def sweep_note(result) -> str:
    best = min(result.points, key=lambda q: q.validation_loss)
    small = result.points[0]
    return (f"'{esc(result.column)}' has {result.categories:,} rows (UNK included). Rules of thumb for that many: "
            f"fastai's `min(600, round(1.6 · n^0.56))` = **{result.fastai}**, the fourth root `n^0.25` ≈ "
            f"**{result.fourth_root}**. Lowest validation loss here: size **{best.dim}** ({best.validation_loss:.4f}); "
            f"size 1: {small.validation_loss:.4f}; the trivial baseline: {result.baseline_loss:.4f}. Each size trained {compute.SWEEP_EPOCHS} epochs on the first "
            f"{compute.SWEEP_SAMPLE:,} rows of the sample, every other setting as above, so small differences are noise "
            "from one seed.")


@user_errors
def reuse(last: LastRun | None):
    if last is None:
        raise InputError("Train a model first (with embeddings), then reuse its rows.")
    prep = compute.prepare(last.settings)
    result = compute.reuse_scores(prep, last.run.tables())
    fmt = (lambda v: f"{v:.1%}") if result.metric == "accuracy" else (lambda v: f"{v:.2f}")
    rows = [[r["model"], r["features"], r["width"], fmt(r["validation"])] for r in result.rows]
    rows.append(["trivial baseline", "-", 0, fmt(result.baseline)])
    by = {(r["model"].split(" ")[0], r["features"]): r["validation"] for r in result.rows}
    knn_one, knn_emb = by[("k-nearest", "one-hot")], by[("k-nearest", "learned embeddings")]
    better = (knn_emb > knn_one) if result.metric == "accuracy" else (knn_emb < knn_one)
    note = (f"Trained on {min(len(prep.split.train), compute.REUSE_TRAIN_ROWS):,} training rows, scored on "
            f"{min(len(prep.split.validation), compute.REUSE_VALIDATION_ROWS):,} validation rows of the same split; "
            "numeric columns standardised in both. For k-nearest neighbours the learned rows did "
            f"**{'better' if better else 'not better'}** than one-hot here ({fmt(knn_emb)} vs {fmt(knn_one)}): "
            "with one-hot every two different categories are equally far apart, with learned rows similar "
            "categories are close (Guo & Berkhahn 2016 report the same for k-NN, random forests and boosting).")
    return gr.update(value=rows, visible=True), note


def build(page: gr.Blocks) -> None:
    targets, features, kinds, leaks, source_text, notes = table_info("flights", None)
    results = gr.State([])
    last = gr.State(None)
    gr.Markdown("### 1. A table and what to predict")
    with gr.Row():
        dataset = gr.Radio(DATASETS, value="flights", label="Data", scale=2)
        target = gr.Dropdown(targets, value=targets[0], label="Predict this column", scale=1)
        csv = gr.File(label="Your CSV", file_types=[".csv"], type="filepath", visible=False, scale=2)
    source = gr.Markdown(source_note(source_text, notes), elem_classes=["muted"])
    columns = gr.CheckboxGroup(data.usable(kinds, leaks, targets[0]), value=list(features),
                               label="Predict it from these columns")
    gr.Markdown("### 2. How each column becomes numbers")
    with gr.Row():
        categorical = gr.Radio(CATEGORICAL, value="embedding", label="Categories (carrier, dest, tailnum…)")
        numeric = gr.Radio(NUMERIC, value="ple", label="Numbers (month, hour, distance…)")
    with gr.Row():
        dim = gr.Slider(1, 64, value=8, step=1, label="Embedding size (numbers per category)")
        min_count = gr.Slider(1, 200, value=20, step=1, label="Minimum count (rarer categories share UNK)")
        bins = gr.Slider(2, 32, value=8, step=1, label="Bins (buckets and PLE)")
    with gr.Row():
        cross = gr.Dropdown(CROSSES["flights"], value="none", label="Hashed feature cross", allow_custom_value=True)
        buckets = gr.Slider(2, 512, value=64, step=1, label="Buckets for the cross")
        epochs = gr.Slider(1, 30, value=8, step=1, label="Epochs")
        sample = gr.Slider(1000, data.MAX_SAMPLE, value=data.DEFAULT_SAMPLE, step=1000,
                           label="Rows (a fixed sample, 80% train / 20% validation)")
        seed = gr.Number(0, label="Seed", precision=0, minimum=0, maximum=2**31 - 1)
    go_btn = gr.Button("Train", variant="primary")
    preset = gr.Textbox(visible=False)
    examples = gr.Examples([[json.dumps(kw)] for kw in EXAMPLES], inputs=[preset],
                           example_labels=list(LABELS), label="Runs that teach (click one: it trains)")
    status = gr.Markdown()
    loss_plot = gr.Plot(label="Loss", visible=False, elem_id="tb-loss")
    result_table = gr.Dataframe(headers=RESULT_HEADERS, label="Your runs in this browser (newest first; same "
                                "validation rows for every run of a dataset)", visible=False, interactive=False,
                                wrap=True, elem_id="tb-results")
    gr.Markdown("### 3. What a row becomes")
    col_note = gr.Markdown()
    rows = gr.HTML()
    gr.Markdown("### 4. The table it learned")
    map_column = gr.Dropdown([], label="Embedding table to draw", interactive=True)
    map_plot = gr.Plot(label="Learned table as a map", visible=False, elem_id="tb-map")
    map_text = gr.Markdown()
    rows_plot = gr.Plot(label="Learned rows", visible=False)
    gr.Markdown("### 5. How big should the table be?\nTrains the model once per embedding size of one column "
                f"({', '.join(map(str, compute.SWEEP_DIMS))}), {compute.SWEEP_EPOCHS} epochs each, with the settings above.")
    with gr.Row():
        sweep_column = gr.Dropdown(["dest", "tailnum", "carrier", "origin"], value="dest", label="Column",
                                   scale=1)
        sweep_btn = gr.Button("Sweep the size", scale=1)
    sweep_plot = gr.Plot(label="Embedding size sweep", visible=False)
    sweep_table = gr.Dataframe(headers=["size", "validation loss", "validation metric", "table parameters",
                                        "all parameters", "seconds"], visible=False, interactive=False)
    sweep_text = gr.Markdown()
    gr.Markdown("### 6. Reuse the learned rows\nThe latest run's learned rows as features for two simple models, "
                "against one-hot features for the same models.")
    reuse_btn = gr.Button("Reuse in k-NN and a linear model")
    reuse_table = gr.Dataframe(headers=["model", "features", "width", "validation"], visible=False, interactive=False)
    reuse_text = gr.Markdown()

    inputs = [dataset, csv, target, columns, categorical, numeric, dim, min_count, bins, cross, buckets, epochs,
              sample, seed]
    outputs = [status, loss_plot, rows, col_note, results, result_table, last, map_column, map_plot, map_text,
               rows_plot]
    dataset.input(on_dataset, [dataset, csv], [target, columns, csv, cross, source, sweep_column],
                  api_visibility="private", show_progress="hidden")
    csv.upload(on_dataset, [dataset, csv], [target, columns, csv, cross, source, sweep_column], api_visibility="private",
               show_progress="hidden")
    target.input(on_target, [dataset, csv, target, columns], [columns], api_visibility="private",
                 show_progress="hidden")
    go_btn.click(train, [results] + inputs, outputs, api_visibility="private", show_progress="minimal")
    examples.load_input_event.then(
        apply_example, preset, inputs + [source, sweep_column], api_visibility="private").then(
        train, [results] + inputs, outputs, api_visibility="private", show_progress="minimal")
    map_column.input(redraw_map, [last, map_column], [map_plot, map_text, rows_plot], api_visibility="private")
    sweep_btn.click(sweep, [last, sweep_column] + inputs, [sweep_plot, sweep_table, sweep_text],
                    api_visibility="private", show_progress="minimal")
    reuse_btn.click(reuse, [last], [reuse_table, reuse_text], api_visibility="private")
    page.load(train, [results] + inputs, outputs, api_visibility="private", show_progress="minimal")
