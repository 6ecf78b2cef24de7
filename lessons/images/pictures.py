"""Which picture a lesson looks at: a gallery picture by id, or an uploaded file (checked, decoded).

Shared by the images lesson and the image half of the sounds lesson. No Gradio.
"""
from __future__ import annotations

from dataclasses import dataclass

from media.errors import InputError

DEFAULT_IMAGE = "cat"


@dataclass(frozen=True)
class Picture:
    image: object  # PIL RGB image
    label: str  # caption (gallery) or file name (upload)
    gallery_id: str | None  # None for an upload
    group: str | None = None


def gallery_picture_ids() -> list[tuple[str, str]]:
    """(id, caption) of every gallery picture, in manifest order."""
    from gallery.manifest import items_of

    return [(item.id, item.caption) for item in items_of("image")]


def load_picture(gallery_id: str | None, file=None) -> Picture:
    """An uploaded file when one is given (only a file uploaded to this app), else a gallery picture."""
    from api.files import uploaded_path
    from media.decode import decode_file
    from media.files import display_name

    path = uploaded_path(file) if file else None
    if path:
        return Picture(decode_file("image", path), display_name(path), None)
    from gallery.manifest import items_of

    wanted = str(gallery_id or DEFAULT_IMAGE).strip()
    for item in items_of("image"):
        if item.id == wanted:
            return Picture(decode_file("image", item.path), item.caption, item.id, item.group)
    some = ", ".join(i for i, _ in gallery_picture_ids()[:6])
    raise InputError(f"There is no gallery picture called '{wanted[:60]}'. Upload a picture, or use a gallery id "
                     f"such as {some}.")
