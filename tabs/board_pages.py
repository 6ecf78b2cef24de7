"""Class board pages (Gradio only): the teacher's page, the projector view and the students' page.

- ``/board`` (navbar "Class board"): create a board (join code, link, QR code), the live map, and
  the teacher's controls; before a board exists it shows an example board of gallery sentences.
- ``/board-show?code=KMRTXY``: the board alone, for a projector or a student's screen (no controls).
- ``/board-join?code=KMRTXY``: students join with the code and add a sentence, a picture or a sound.

The map refreshes itself every ``REFRESH_S`` seconds (``gr.Timer``) and is redrawn only when the
board changed. The work is ``board.service``; figures and HTML are built here.
"""
from __future__ import annotations

import collections
import functools
import json
import secrets
import textwrap
import threading
import time

import gradio as gr
from gradio.components.plot import PlotData

from board import service
from board.endpoints import clients_of, join_url, show_url
from board.labels import place_labels
from board.media import data_url
from board.rooms import LIMITS, RoomGone
from board.space import assign, cluster, space_name
from tabs.common import esc, short, user_errors, warn

REFRESH_S = 2.0
TEACHER_STORAGE = "embedding-lab-board-teacher"
STUDENT_STORAGE = "embedding-lab-board-student"
MODALITY_STYLE = {  # marker symbol, colour, legend name
    "text": ("circle", "#4f46e5", "sentences"),
    "image": ("square", "#059669", "pictures"),
    "audio": ("diamond", "#d97706", "sounds"),
}
GROUP_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#65a30d")
KIND_CHOICES = [("Sentences only", "text"), ("Sentences and pictures", "text+image"),
                ("Sentences and sounds", "text+audio"), ("Sentences, pictures and sounds", "all")]
LABELS_ON_MAP = 80  # more items than this: labels only on hover
LABEL_CHARS = 24  # a label on the map is cut to this; hover shows the whole item
PICTURE_FRAC = 0.08  # a picture's thumbnail spans this much of the map's larger axis
PICTURE_LIFT = 0.02  # and stands this much of the vertical axis above its point


def light(fn):
    """``user_errors`` for handlers that neither decode nor run a model (no heavy-work slot)."""
    try:
        return user_errors(fn, heavy=False)
    except TypeError:  # an older tabs.common without the heavy-work limiter
        return user_errors(fn)


def _hours(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


@functools.lru_cache(maxsize=256)
def qr_data_url(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=8, border=2, dark="#111827")


# -- the map ---------------------------------------------------------------------------------
def hover_text(snap, i: int) -> str:
    item = snap.items[i]
    lines = ["<b>" + "<br>".join(textwrap.wrap(esc(item.label), 48)[:4]) + "</b>"]
    who = f"{MODALITY_STYLE[item.modality][2][:-1]} #{item.id}" + (f" · by {esc(item.name)}" if item.name else "")
    lines.append(who)
    if item.terms:
        lines.append("read as: " + esc(", ".join(item.terms)))
    nbs = snap.neighbours_of(i)
    if nbs:
        lines.append("<i>nearest (cosine in the full space):</i>")
        lines += [f"{r}. {esc(short(nb.label, 44))}  <b>{cos:.2f}</b>" for r, (nb, cos) in enumerate(nbs, 1)]
    return "<br>".join(lines)


def board_figure(snap, groups: dict | None = None) -> dict:
    """The board as a plotly figure spec (plain JSON: built without plotly's validators, which cost ~10x):
    one scatter trace per modality (or per group), pictures drawn as thumbnails at their points."""
    n = len(snap.items)
    xs, ys = snap.coords[:, 0].tolist(), snap.coords[:, 1].tolist()
    with_labels = n <= LABELS_ON_MAP
    if groups:
        series = [(f"{g + 1}. {short(name, 30)}", [i for i in range(n) if groups["labels"][i] == g],
                   GROUP_COLOURS[g % len(GROUP_COLOURS)]) for g, name in enumerate(groups["names"])]
    else:
        series = [(MODALITY_STYLE[m][2], [i for i in range(n) if snap.items[i].modality == m], MODALITY_STYLE[m][1])
                  for m in MODALITY_STYLE]
    texts = [short(it.label, LABEL_CHARS) for it in snap.items]
    spots = place_labels(snap.coords, texts, snap.extent, pictures=[bool(it.thumb) for it in snap.items],
                         picture_frac=PICTURE_FRAC) if with_labels else [None] * n
    data = []
    for name, idx, colour in series:
        if not idx:
            continue
        data.append(dict(
            type="scatter", x=[xs[i] for i in idx], y=[ys[i] for i in idx], name=name,
            mode="markers+text" if with_labels else "markers",
            text=[texts[i] if spots[i] else "" for i in idx], textposition=[spots[i] or "top center" for i in idx],
            textfont=dict(size=16, color="#111827", shadow="auto"),
            hovertext=[hover_text(snap, i) for i in idx], hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(size=20, color=colour, symbol=[MODALITY_STYLE[snap.items[i].modality][0] for i in idx],
                        line=dict(width=2, color="white"), opacity=0.9)))
    (x0, x1), (y0, y1) = snap.extent
    size = PICTURE_FRAC * max(x1 - x0, y1 - y0)
    lift = PICTURE_LIFT * (y1 - y0)  # a picture stands just above its point, which keeps its colour visible
    images = [dict(source=data_url(it.thumb, "image/jpeg"), x=xs[i], y=ys[i] + lift, xref="x", yref="y",
                   sizex=size, sizey=size, xanchor="center", yanchor="bottom", sizing="contain", layer="above")
              for i, it in enumerate(snap.items) if it.thumb]
    method = snap.map_method.upper()

    def axis(k: int) -> dict:
        rng = [x0, x1] if k == 1 else [y0, y1]
        return dict(range=rng, showticklabels=False, zeroline=False, showgrid=True, gridcolor="#e5e7eb",
                    title=dict(text=f"{method} axis {k}", font=dict(size=13, color="#6b7280")))

    layout = dict(
        images=images, showlegend=n > 0, uirevision=f"{snap.code}:{snap.map_fits}",
        font=dict(size=16), margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="#f8fafc", paper_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, font=dict(size=17)),
        hoverlabel=dict(font=dict(size=17), align="left", bgcolor="white"), hovermode="closest", dragmode="pan",
        xaxis=axis(1), yaxis=axis(2), annotations=[])
    if n == 0:
        layout["annotations"].append(dict(text="Waiting for the first item…", x=0.5, y=0.5, xref="paper",
                                          yref="paper", showarrow=False, font=dict(size=28, color="#6b7280")))
    return {"data": data, "layout": layout}


MIN_REDRAW_S = 1.0  # a board's figure is rebuilt at most this often, however many viewers and additions
_FIGURES: "collections.OrderedDict[tuple, tuple[int, float, PlotData]]" = collections.OrderedDict()
_FIGURES_LOCK = threading.Lock()


def shared_figure(snap, groups: dict | None, stamp) -> tuple[PlotData, int]:
    """(the map as Gradio sends it, the board version it shows), shared by every viewer of a board.

    Building the figure is the costly part of a redraw (bench/board.py), so it is built once per board
    version (and grouping), and at most once per ``MIN_REDRAW_S``: while a class adds items faster than
    that, viewers get the figure of a version up to a second old, and the next tick brings them the rest.
    """
    key = (snap.code, stamp)
    now = time.monotonic()
    with _FIGURES_LOCK:
        hit = _FIGURES.get(key)
        if hit is not None:
            _FIGURES.move_to_end(key)
            version, built, data = hit
            if version == snap.version or (now - built < MIN_REDRAW_S and version < snap.version):
                return data, version
    data = PlotData(type="plotly", plot=json.dumps(board_figure(snap, groups)))
    with _FIGURES_LOCK:
        _FIGURES[key] = (snap.version, now, data)
        while len(_FIGURES) > 128:
            _FIGURES.popitem(last=False)
    return data, snap.version


# -- the side panel beside the map ------------------------------------------------------------------
def side_html(snap, request: gr.Request | None, example: bool = False) -> str:
    counts = service.counts(snap)
    parts = [f"{counts[m]} {MODALITY_STYLE[m][2] if counts[m] != 1 else MODALITY_STYLE[m][2][:-1]}"
             for m in MODALITY_STYLE if counts[m]]
    facts = f"<div class='board-facts'><b>{len(snap.items)}</b> item{'s' if len(snap.items) != 1 else ''}" + (
        f" · {', '.join(parts)}" if parts else "") + "</div>"
    space = f"<div class='board-space'>Space: <b>{esc(space_name(snap.space))}</b></div>"
    if example:
        return ("<div class='board-side'><div class='board-join-at'>Example board</div>"
                "<div class='board-note'>16 sentences from the gallery, as if four students had added them. "
                "Create a board to get a join code and a QR code for your class.</div>" + facts + space + "</div>")
    url = join_url(snap.code, request)
    link = esc(url.split("://", 1)[-1].split("?", 1)[0]).replace("/", "/<wbr>").replace(".", ".<wbr>")
    locked = "<div class='board-locked'>Locked: no more items</div>" if snap.locked else ""
    return (
        "<div class='board-side'>"
        f"<div class='board-join-at'>Join at</div><div class='board-url'>{link}</div>"
        f"<div class='board-code' aria-label='join code'>{esc(snap.code[:3])}&#8239;{esc(snap.code[3:])}</div>"
        f"<img class='board-qr' alt='QR code of the join link' src='{qr_data_url(url)}'>"
        f"{locked}{loopback_note(url)}{facts}{space}"
        f"<div class='board-note'>Students add {service.KIND_WORDS[snap.kind]}: up to {LIMITS.max_per_student} "
        f"each, {LIMITS.max_items} in all. The board lives only in this server's memory and is deleted "
        f"{_hours(LIMITS.idle_s)} after the last change (in {_hours(snap.expires_in_s)}) or when the teacher "
        "ends it.</div></div>")


def loopback_note(url: str) -> str:
    """A join link on 127.0.0.1 or localhost opens only on the teacher's own computer: say how to fix it."""
    from urllib.parse import urlparse

    host = urlparse(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        return ""
    return ("<div class='board-warn'>This link opens only on this computer. For students' phones and laptops, "
            "start the app with <code>python app.py --host 0.0.0.0</code> and open this page at the address it "
            "prints for other devices.</div>")


def status_md(snap, groups: dict | None) -> str:
    method = snap.map_method.upper()
    dim = snap.vectors.shape[1] if len(snap.items) else 0
    text = (f"**Hover a point** for the item and its 3 nearest items by cosine in the full {dim or ''}-d space "
            f"(the 2-D map squeezes distances, so the true neighbours are listed). Map: {method}, fitted "
            f"{snap.map_fits} time{'s' if snap.map_fits != 1 else ''}; new items are placed into it without "
            "moving the others (it re-fits itself only at 3, 6, 12 and 24 items).")
    if groups:
        sil = f", silhouette {groups['silhouette']:.2f}" if groups.get("silhouette") is not None else ""
        how = "k chosen by the silhouette score" if groups["chosen"] else "k set by hand"
        text += (f"\n\n**{len(groups['names'])} groups** (k-means on the vectors, {how}{sil}); each is named by its "
                 "most central item. New items join the nearest group.")
    return text


def item_html(snap, item_id: str) -> str:
    """One item in full: its picture or sound, caption, name, and its neighbours with cosines."""
    if not item_id:
        return ""
    try:
        i = snap.index_of(item_id)
    except Exception:
        return "<div class='muted'>That item is no longer on the board.</div>"
    item = snap.items[i]
    body = ""
    if item.modality == "image" and item.preview:
        body = f"<img src='{data_url(item.preview, 'image/jpeg')}' alt='{esc(item.label)}'>"
    elif item.modality == "audio" and item.preview:
        body = f"<audio controls src='{data_url(item.preview, 'audio/ogg')}'></audio>"
    rows = "".join(f"<li>{esc(nb.label)} <b>{cos:.2f}</b></li>" for nb, cos in snap.neighbours_of(i))
    read = f"<div class='muted'>read as: {esc(', '.join(item.terms))}</div>" if item.terms else ""
    by = f" · by {esc(item.name)}" if item.name else ""
    return (f"<div class='board-item'>{body}<div class='board-item-label'>#{item.id} {esc(item.label)}{by}</div>{read}"
            f"<div>Nearest items (cosine):</div><ol>{rows or '<li>none yet</li>'}</ol></div>")


def item_choices(snap) -> list[tuple[str, str]]:
    return [(f"#{it.id} {short(it.label, 50)}", it.id) for it in snap.items]


# -- the board panel (shared by the teacher's page and the projector view) ---------------------------
class BoardPanel:
    """Side panel + map + groups + item viewer, refreshed by a timer while a board is shown."""

    def __init__(self, code: gr.State, key: gr.State, extra_outputs=(), extra_fill=None) -> None:
        """``extra_fill(code, key, snap, request)`` -> {component: update} for ``extra_outputs`` on each redraw."""
        self.code, self.key, self.extra_fill = code, key, extra_fill
        self.seen = gr.State(None)  # (code, version, groups stamp) last drawn
        self.groups = gr.State(None)
        self.timer = gr.Timer(REFRESH_S, active=False)
        with gr.Row(equal_height=False, elem_classes=["board-panel"]):
            with gr.Column(scale=1, min_width=250):
                self.side = gr.HTML()
            with gr.Column(scale=4, min_width=500):
                self.plot = gr.Plot(show_label=False, elem_classes=["board-map"])
        self.status = gr.Markdown(elem_classes=["board-status"])
        with gr.Row(elem_classes=["board-tools"]):
            self.k = gr.Slider(0, 8, value=0, step=1, label="Groups (0 = let the silhouette score choose)",
                               scale=2)
            self.cluster_btn = gr.Button("Cluster (k-means)", variant="primary", scale=1)
            self.ungroup_btn = gr.Button("Ungroup", scale=1)
            self.pick = gr.Dropdown(label="Look at an item", choices=[], value=None, scale=3)
        self.item = gr.HTML()
        self.extra_outputs = list(extra_outputs)
        self.outputs = [self.side, self.plot, self.status, self.pick, self.seen, self.timer, *self.extra_outputs]

        self.cluster_btn.click(self._cluster, [self.code, self.k], [self.groups], api_visibility="private").then(
            self.refresh, [self.code, self.key, self.seen, self.groups, self.pick], self.outputs,
            api_visibility="private", show_progress="hidden")
        self.ungroup_btn.click(lambda: None, None, [self.groups], api_visibility="private").then(
            self.refresh, [self.code, self.key, self.seen, self.groups, self.pick], self.outputs,
            api_visibility="private", show_progress="hidden")
        self.timer.tick(self.refresh, [self.code, self.key, self.seen, self.groups, self.pick], self.outputs,
                        api_visibility="private", show_progress="hidden")
        self.pick.input(self._show_item, [self.code, self.pick], [self.item], api_visibility="private",
                        show_progress="hidden")

    def then_refresh(self, event):
        """Chain a redraw after ``event`` (forced: the seen-state is reset first)."""
        return event.then(lambda: None, None, [self.seen], api_visibility="private").then(
            self.refresh, [self.code, self.key, self.seen, self.groups, self.pick], self.outputs,
            api_visibility="private", show_progress="hidden")

    @staticmethod
    def _snap(code: str, request: gr.Request | None):
        return service.example_board() if not code else service.board(code, clients_of(request))

    def _cluster(self, code: str, k: float, request: gr.Request):
        return _cluster(code, k, request)

    def _show_item(self, code: str, item_id: str, request: gr.Request):
        return _show_item(code, item_id, request)

    def refresh(self, code, key, seen, groups, picked, request: gr.Request):
        return _refresh(self, code, key, seen, groups, picked, request)


@user_errors
def _cluster(code: str, k: float, request: gr.Request):
    snap = BoardPanel._snap(code, request)
    result = cluster(snap.vectors, int(k or 0))
    names = [snap.items[c].label for c in result.central]
    return {"centroids": result.centroids, "names": names, "silhouette": result.silhouette,
            "chosen": result.chosen, "stamp": secrets.token_hex(4)}


@light
def _show_item(code: str, item_id: str, request: gr.Request):
    return item_html(BoardPanel._snap(code, request), item_id)


@light
def _refresh(panel: BoardPanel, code, key, seen, groups, picked, request: gr.Request):
    try:
        snap = BoardPanel._snap(code, request)
    except RoomGone as exc:
        ended = (f"<div class='board-side'><div class='board-join-at'>Board ended</div>"
                 f"<div class='board-note'>{esc(str(exc))}</div></div>")
        return {panel.side: ended, panel.plot: None, panel.status: "", panel.pick: gr.update(choices=[], value=None),
                panel.seen: None, panel.timer: gr.Timer(active=False)}
    stamp = groups["stamp"] if groups else None
    if seen == (code, snap.version, stamp):  # nothing changed since the last drawing: leave the page alone
        return {panel.seen: gr.skip()}
    drawn = None
    if groups and len(snap.items):
        drawn = dict(groups, labels=assign(snap.vectors, groups["centroids"]).tolist())
    figure, version = shared_figure(snap, drawn, stamp)
    token = (code, version, stamp)
    if seen == token:  # the shared figure is still the one this page shows (rebuilt at most once a second)
        return {panel.seen: gr.skip()}
    values = [it.id for it in snap.items]
    out = {
        panel.side: side_html(snap, request, example=not code),
        panel.plot: figure,
        panel.status: status_md(snap, drawn),
        panel.pick: gr.update(choices=item_choices(snap), value=picked if picked in values else None),
        panel.seen: token,
        panel.timer: gr.Timer(active=bool(code)),
    }
    if panel.extra_fill is not None:
        out.update(panel.extra_fill(code, key, snap, request))
    return out


# -- the teacher's page ------------------------------------------------------------------------------
def build_teacher(page: gr.Blocks) -> None:
    saved = gr.BrowserState({"code": "", "key": ""}, storage_key=TEACHER_STORAGE)
    code, key = gr.State(""), gr.State("")
    gr.Markdown("# Class board\nEvery student adds a sentence, a picture or a sound from their own phone or laptop; "
                "within a couple of seconds it appears on one shared map, next to the items it resembles.",
                elem_classes=["board-title"])
    with gr.Accordion("Start a new board", open=True) as start_box:
        with gr.Row():
            kind = gr.Radio(KIND_CHOICES, value="text", label="What may students add?", scale=3)
            create_btn = gr.Button("Create a board", variant="primary", scale=1, min_width=200)
        gr.Markdown(
            f"Sentences only: **MiniLM** space. With pictures: **CLIP** space where its weights load, else the "
            f"**label bridge** (pictures described by their ImageNet class names in MiniLM space); with sounds: "
            f"**CLAP**, else the bridge; all three: the bridge. The board says which. Each student may add up to "
            f"{LIMITS.max_per_student} items, a board holds {LIMITS.max_items}. Boards live only in this server's "
            f"memory (never on disk unless you export them) and are deleted {_hours(LIMITS.idle_s)} after their "
            "last change, or when you end them.", elem_classes=["muted"])

    manage = gr.Dropdown(label="Item (all items, hidden ones too)", choices=[], value=None, render=False)
    locked = gr.Checkbox(label="Lock the board (no more items)", value=False, render=False)

    def teacher_fill(code_value, key_value, snap, request) -> dict:
        """The teacher's item list (hidden items too) and the lock box, on every redraw."""
        if not code_value or not key_value:
            return {}
        try:
            room = service.teacher(code_value, key_value, clients_of(request))
        except Exception:
            return {}
        choices = [(f"#{it.id} {short(it.label, 44)}{' (hidden)' if it.hidden else ''}"
                    + (f" · {it.name}" if it.name else ""), it.id) for it in list(room.items.values())]
        return {manage: gr.update(choices=choices), locked: room.locked}

    panel = BoardPanel(code, key, extra_outputs=[manage, locked], extra_fill=teacher_fill)

    with gr.Accordion("Teacher controls (keep this part off the projector)", open=False, visible=False) as controls:
        message = gr.Markdown()
        with gr.Row():
            manage.render()
            hide_btn = gr.Button("Hide", min_width=90)
            show_btn = gr.Button("Show", min_width=90)
            remove_btn = gr.Button("Remove", variant="stop", min_width=90)
        with gr.Row():
            locked.render()
            method = gr.Radio([("PCA (straight projection)", "pca"), ("UMAP (keeps neighbourhoods)", "umap")],
                              value="pca", label="Re-arrange the map with", scale=2)
            refit_btn = gr.Button("Re-arrange the map", scale=1)
        with gr.Row():
            formats = gr.CheckboxGroup([("Embedding Projector TSV", "projector"), ("Parquet", "parquet")],
                                       value=["projector", "parquet"], label="Export formats", scale=2)
            export_btn = gr.Button("Export the board", scale=1)
        files = gr.File(label="Exported files", file_count="multiple", visible=False)
        with gr.Row():
            clear_btn = gr.Button("Clear the board…", variant="secondary")
            end_btn = gr.Button("End the board…", variant="stop")
        with gr.Row(visible=False) as confirm_row:
            confirm_md = gr.Markdown()
            confirm_action = gr.State("")
            yes_btn = gr.Button("Yes", variant="stop")
            no_btn = gr.Button("Cancel")
        key_box = gr.Textbox(label="Teacher key: private. With the code, it controls this board from another device.",
                             type="password", interactive=False, buttons=["copy"])
        with gr.Row():
            other_code = gr.Textbox(label="Control another board: its code", max_length=12, scale=1)
            other_key = gr.Textbox(label="its teacher key", type="password", scale=2)
            take_btn = gr.Button("Take control", scale=1)
        links = gr.Markdown()

    shown = [code, key, saved, controls, start_box, key_box, links, message]

    @user_errors
    def create(kind_value, request: gr.Request):
        room = service.create(kind_value, warn=warn)
        return _took(room.code, room.teacher_key, request, f"Board **{room.code}** created.")

    @light
    def resume(saved_value, request: gr.Request):
        saved_value = saved_value or {}
        if not saved_value.get("code"):
            return _empty()
        try:
            service.teacher(saved_value["code"], saved_value.get("key", ""), clients_of(request))
        except Exception:  # ended, expired, or a restart forgot it
            return _empty(forget=True)
        return _took(saved_value["code"], saved_value["key"], request, "")

    @light
    def take(code_value, key_value, request: gr.Request):
        room = service.teacher(code_value, key_value, clients_of(request))
        return _took(room.code, room.teacher_key, request, f"You control board **{room.code}**.")

    def _took(code_value, key_value, request, note):
        link, board = join_url(code_value, request), show_url(code_value, request)
        text = (f"Join link: [{link}]({link}) · projector view without controls: [{board}]({board}) (both also "
                f"work on students' screens)")
        return (code_value, key_value, {"code": code_value, "key": key_value}, gr.update(visible=True),
                gr.update(open=False), key_value, text, note)

    def _empty(forget: bool = False):
        return ("", "", {"code": "", "key": ""} if forget else gr.skip(), gr.update(visible=False),
                gr.update(open=True), "", "", "")

    panel.then_refresh(create_btn.click(create, [kind], shown, api_visibility="private"))
    panel.then_refresh(take_btn.click(take, [other_code, other_key], shown, api_visibility="private"))
    panel.then_refresh(page.load(resume, [saved], shown, api_visibility="private"))

    def control(action):
        @user_errors
        def run(code_value, key_value, item_id, method_value, request: gr.Request):
            return service.control(code_value, key_value, action, item_id=item_id or "", method=method_value,
                                   clients=clients_of(request))

        return run

    for btn, action in ((hide_btn, "hide"), (show_btn, "show"), (remove_btn, "remove"), (refit_btn, "refit")):
        panel.then_refresh(btn.click(control(action), [code, key, manage, method], [message],
                                     api_visibility="private"))

    @light
    def set_lock(code_value, key_value, value, request: gr.Request):
        return service.control(code_value, key_value, "lock" if value else "unlock", clients=clients_of(request))

    panel.then_refresh(locked.input(set_lock, [code, key, locked], [message], api_visibility="private"))

    @light
    def export(code_value, key_value, chosen, request: gr.Request):
        paths = service.export(code_value, key_value, chosen, clients_of(request))
        return gr.update(value=paths, visible=True), f"Exported {len(paths)} file{'s' if len(paths) > 1 else ''}."

    export_btn.click(export, [code, key, formats], [files, message], api_visibility="private")

    def ask(action):
        text = {"clear": "**Clear the board?** Every item is deleted; the code stays the same.",
                "end": "**End the board?** Every item is deleted and the code stops working."}[action]
        return gr.update(visible=True), text, action

    clear_btn.click(lambda: ask("clear"), None, [confirm_row, confirm_md, confirm_action], api_visibility="private")
    end_btn.click(lambda: ask("end"), None, [confirm_row, confirm_md, confirm_action], api_visibility="private")
    no_btn.click(lambda: gr.update(visible=False), None, [confirm_row], api_visibility="private")

    @light
    def confirmed(code_value, key_value, action, request: gr.Request):
        note = service.control(code_value, key_value, action, clients=clients_of(request))
        if action == "end":
            return (gr.update(visible=False), note, "", "", {"code": "", "key": ""}, gr.update(visible=False),
                    gr.update(open=True))
        return gr.update(visible=False), note, code_value, key_value, gr.skip(), gr.skip(), gr.skip()

    panel.then_refresh(yes_btn.click(confirmed, [code, key, confirm_action],
                                     [confirm_row, message, code, key, saved, controls, start_box],
                                     api_visibility="private"))


# -- the projector view -----------------------------------------------------------------------------
def build_show(page: gr.Blocks) -> None:
    code, key = gr.State(""), gr.State("")
    with gr.Row(visible=True, elem_classes=["board-open"]) as ask_row:
        code_box = gr.Textbox(label="Board code", placeholder="6 letters, e.g. KMRTXY", max_length=12, scale=3)
        open_btn = gr.Button("Show the board", variant="primary", scale=1)
    panel = BoardPanel(code, key)

    @light
    def open_board(text, request: gr.Request):
        room = service.room_of(text, clients_of(request))
        return room.code, gr.update(visible=False)

    @light
    def from_link(request: gr.Request):
        text = (request.query_params.get("code") or "") if request is not None else ""
        if not text:
            return "", gr.update(visible=True), ""
        room = service.room_of(text, clients_of(request))
        return room.code, gr.update(visible=False), room.code

    panel.then_refresh(gr.on([open_btn.click, code_box.submit], open_board, [code_box], [code, ask_row],
                             api_visibility="private"))
    panel.then_refresh(page.load(from_link, None, [code, ask_row, code_box], api_visibility="private"))


# -- the students' page ------------------------------------------------------------------------------
def build_join(page: gr.Blocks) -> None:
    student = gr.BrowserState("", storage_key=STUDENT_STORAGE)
    code = gr.State("")
    gr.Markdown("# Join the class board\nType the code from the board (or open the link / scan the QR code), then add "
                "a sentence, a picture or a sound. It appears on the board within a couple of seconds.",
                elem_classes=["board-title"])
    with gr.Row():
        code_box = gr.Textbox(label="Board code", placeholder="6 letters, e.g. KMRTXY", max_length=12, scale=3)
        join_btn = gr.Button("Join", variant="primary", scale=1)
    info = gr.Markdown()
    with gr.Column(visible=False) as add_area:
        name = gr.Textbox(label="Your name (optional; shown with your items)", max_length=LIMITS.max_name_chars)
        with gr.Tabs():
            with gr.Tab("Sentence") as text_tab:
                sentence = gr.Textbox(label="Your sentence (press Enter)", lines=1, max_lines=1,
                                      max_length=LIMITS.max_text_chars, placeholder="e.g. A cat naps in the sun.")
                add_text = gr.Button("Add to the board", variant="primary")
            with gr.Tab("Picture", visible=False) as image_tab:
                image = gr.Image(label="Picture (upload or webcam)", sources=["upload", "webcam"], type="filepath",
                                 height=300)
                image_caption = gr.Textbox(label="Caption (optional; shown on the board, not embedded)",
                                           max_length=LIMITS.max_text_chars)
                add_image = gr.Button("Add to the board", variant="primary")
            with gr.Tab("Sound", visible=False) as sound_tab:
                sound = gr.Audio(label="Sound (upload or record; at most 30 s are used)",
                                 sources=["upload", "microphone"], type="filepath")
                sound_caption = gr.Textbox(label="Caption (optional; shown on the board, not embedded)",
                                           max_length=LIMITS.max_text_chars)
                add_sound = gr.Button("Add to the board", variant="primary")
        result = gr.HTML()
        mine = gr.HTML()

    def _info(room, request) -> str:
        board = show_url(room.code, request)
        return (f"**Board {room.code}** takes {service.KIND_WORDS[room.kind]}, in "
                f"{esc(space_name(room.space))}. You can add up to **{LIMITS.max_per_student} items**; the board holds "
                f"{LIMITS.max_items}. Only the teacher can hide or remove items. Everything is deleted when the teacher "
                f"ends the board or {_hours(LIMITS.idle_s)} after its last change; nothing is saved to disk. "
                f"Your name and the board are seen by the class; nothing else about you is shown. "
                f"[See the board]({board})")

    def _mine(code_value, token, request) -> str:
        items = service.own_items(code_value, token, clients_of(request))
        rows = "".join(f"<li>#{it.id} {esc(short(it.label, 60))}{' <i>(hidden by the teacher)</i>' if it.hidden else ''}"
                       "</li>" for it in items)
        return (f"<div class='board-mine'><b>Your items: {len(items)} of {LIMITS.max_per_student}</b>"
                f"<ol>{rows}</ol></div>") if items else ""

    @light
    def join(text, token, request: gr.Request):
        token = token or secrets.token_urlsafe(12)
        room = service.room_of(text, clients_of(request))
        ms = room.modalities
        return (room.code, token, room.code, _info(room, request), gr.update(visible=True),
                gr.update(visible="text" in ms), gr.update(visible="image" in ms), gr.update(visible="audio" in ms),
                _mine(room.code, f"browser:{token}", request), "")

    join_outputs = [code, student, code_box, info, add_area, text_tab, image_tab, sound_tab, mine, result]
    gr.on([join_btn.click, code_box.submit], join, [code_box, student], join_outputs, api_visibility="private")

    @light
    def from_link(token, request: gr.Request):
        text = (request.query_params.get("code") or "") if request is not None else ""
        if not text:
            return (gr.skip(),) * len(join_outputs)
        return join.__wrapped__(text, token, request)

    page.load(from_link, [student], join_outputs, api_visibility="private")

    def added(item, code_value, token, request) -> tuple:
        nbs = service.item_neighbours(code_value, item.id, clients_of(request))
        rows = "".join(f"<li>{esc(nb.label)} <b>{cos:.2f}</b></li>" for nb, cos in nbs)
        near = f"<div>It landed nearest to (cosine):</div><ol>{rows}</ol>" if rows else (
            "<div>It is the first item on the board.</div>")
        html = f"<div class='board-added'><b>Added #{item.id}: {esc(short(item.label, 80))}</b>{near}</div>"
        return html, _mine(code_value, token, request)

    @user_errors
    def add_sentence(code_value, token, name_value, text, request: gr.Request):
        if not code_value:
            raise gr.Error("Join a board first: type its code above.")
        who = f"browser:{token or 'none'}"
        item = service.add(code_value, who, clients_of(request), text=text, name=name_value)
        return (*added(item, code_value, who, request), "")

    def media_adder(modality):
        @user_errors
        def run(code_value, token, name_value, path, caption, request: gr.Request):
            if not code_value:
                raise gr.Error("Join a board first: type its code above.")
            if not path:
                raise gr.Error("Upload or record a picture first." if modality == "image"
                               else "Upload or record a sound first.")
            who = f"browser:{token or 'none'}"
            try:
                item = service.add(code_value, who, clients_of(request), text=caption, path=path, name=name_value,
                                   modality=modality, warn=warn)
            finally:
                service.forget_upload(path)  # the board keeps a small preview in memory, not the upload
            return (*added(item, code_value, who, request), None, "")

        return run

    gr.on([add_text.click, sentence.submit], add_sentence, [code, student, name, sentence], [result, mine, sentence],
          api_visibility="private")
    add_image.click(media_adder("image"), [code, student, name, image, image_caption],
                    [result, mine, image, image_caption], api_visibility="private")
    add_sound.click(media_adder("audio"), [code, student, name, sound, sound_caption],
                    [result, mine, sound, sound_caption], api_visibility="private")


# (builder, page name, path, listed in the navbar): app.py adds these with demo.route
PAGES = (
    (build_teacher, "Class board", "board", True),
    (build_join, "Join a board", "board-join", False),
    (build_show, "Board", "board-show", False),
)
