"""Files given to an API endpoint: only what the caller uploaded through Gradio (or a gallery file).

``gr.api`` endpoints receive their arguments unprocessed. Gradio checks values marked as
``gradio.FileData`` (they must have been uploaded), but a plain ``{"path": "/etc/passwd"}`` or a
bare string would reach the function untouched, so every path is checked here before it is read.
"""
from __future__ import annotations

import os

from gallery.manifest import ASSETS_DIR
from lab.inputs import file_paths
from media.errors import InputError
from media.files import display_name


def _roots() -> list[str]:
    from gradio.utils import get_upload_folder

    return [os.path.realpath(get_upload_folder()), os.path.realpath(ASSETS_DIR)]


def uploaded_paths(files) -> list[str]:
    """Real paths of the uploaded files in ``files`` (FileData dicts, paths, or lists of them)."""
    roots = _roots()
    out = []
    for path in file_paths(files):
        real = os.path.realpath(path)
        if not any(real == root or real.startswith(root + os.sep) for root in roots):
            raise InputError(f"'{display_name(path)}' was not uploaded to this app; send files with "
                             "gradio_client.handle_file(...).")
        out.append(real)
    return out


def uploaded_path(file) -> str | None:
    """The single uploaded file in ``file``, or None."""
    paths = uploaded_paths(file)
    if len(paths) > 1:
        raise InputError("This parameter takes one file.")
    return paths[0] if paths else None
