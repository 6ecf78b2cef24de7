"""Tell an uploaded file's kind (image, audio or text) from its bytes."""
from __future__ import annotations

from media.errors import InputError
from media.files import check_file, display_name


def sniff_modality(path: str) -> str:
    """'image', 'audio' or 'text'; raises InputError for anything else."""
    from PIL import Image, UnidentifiedImageError

    check_file(path)
    try:
        with Image.open(path) as img:
            img.size  # header parsed
        return "image"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        pass
    except Image.DecompressionBombError:
        return "image"  # load_image will explain the size limit
    try:
        import soundfile as sf

        sf.info(path)
        return "audio"
    except Exception:
        pass
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # cut in the middle of a character
                return "text"
    raise InputError(f"'{display_name(path)}' is not an image, a sound or a UTF-8 text file that we can read.")
