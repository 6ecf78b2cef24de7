"""Pick gallery items from a grid of thumbnails (pictures) or play buttons (sounds), grouped by kind.

A ``gr.HTML`` with a template: its value is the picked ids joined by commas ("cat,coffee"); a click
on a card adds or removes its id and fires ``change``. The picked items are repeated on top, each
with a button that removes it, so a long grid never hides what is picked. No math, no models.
"""
from __future__ import annotations

from typing import Sequence

import gradio as gr

from gallery.manifest import by_group, items_of, load_groups
from tabs.common import esc, file_url

TEMPLATE = """
<div class='pk' data-kind='${kind}'>
  <div class='pk-picked'>
    <span class='pk-picked-head'>${(value || '').split(',').filter(Boolean).length} picked</span>
    ${(value || '').split(',').filter(id => byid[id]).map(id => `
      <button type='button' class='pk-chip' data-id='${id}' title='remove ${byid[id].cap}'>
        ${kind === 'image' ? `<img src='${byid[id].url}' alt=''>` : `<span class='pk-note'>♪</span>`}
        <span>${byid[id].cap}</span><b aria-hidden='true'>×</b></button>`).join('')}
  </div>
  <div class='pk-scroll'>
  ${groups.map(g => `
    <div class='pk-group'><div class='pk-head'>${g.title} <small>${g.items.length}</small></div>
      <div class='pk-grid'>
      ${g.items.map(it => `
        <div class='pk-card ${(value || '').split(',').includes(it.id) ? 'on' : ''}' data-id='${it.id}'
             role='checkbox' tabindex='0' aria-checked='${(value || '').split(',').includes(it.id)}' title='${it.cap}'>
          ${kind === 'image'
            ? `<img src='${it.url}' loading='lazy' alt='${it.cap}'>`
            : `<button type='button' class='pk-play' data-src='${it.url}' aria-label='play ${it.cap}'>▶</button>`}
          <span class='pk-cap'>${it.cap}</span>
        </div>`).join('')}
      </div></div>`).join('')}
  </div>
</div>
"""

JS = """
let player = null;
function toggle(id) {
  let ids = (props.value || '').split(',').filter(Boolean);
  ids = ids.includes(id) ? ids.filter(x => x !== id) : ids.concat([id]);
  props.value = ids.join(',');
  trigger('change');
}
element.addEventListener('click', (e) => {
  const play = e.target.closest('.pk-play');
  if (play) {
    e.stopPropagation();
    const src = play.dataset.src;
    if (player && player.dataset.src === src && !player.paused) { player.pause(); return; }
    if (player) player.pause();
    player = new Audio(src); player.dataset.src = src; player.play();
    return;
  }
  const card = e.target.closest('.pk-card, .pk-chip');
  if (card) toggle(card.dataset.id);
});
element.addEventListener('keydown', (e) => {
  const card = e.target.closest('.pk-card');
  if (card && (e.key === ' ' || e.key === 'Enter')) { e.preventDefault(); toggle(card.dataset.id); }
});
"""


def picker_items(modality: str) -> tuple[list[dict], dict[str, dict]]:
    """Groups (in manifest order) of {id, cap, url} for the template, and the same items by id."""
    titles = {g.key: g.title for g in load_groups()}
    groups, byid = [], {}
    for key, items in by_group(items_of(modality)).items():
        rows = [{"id": esc(it.id), "cap": esc(it.caption), "url": esc(file_url(it.path))} for it in items]
        groups.append({"title": esc(titles.get(key, key)), "items": rows})
        byid.update({r["id"]: r for r in rows})
    return groups, byid


def gallery_picker(modality: str, value: Sequence[str], elem_id: str) -> gr.HTML:
    groups, byid = picker_items(modality)
    return gr.HTML(",".join(value), html_template=TEMPLATE, js_on_load=JS, elem_id=elem_id,
                   elem_classes=["picker"], kind=modality, groups=groups, byid=byid)


def picked_ids(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]
