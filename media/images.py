"""Open an uploaded image safely and return it as a small 8-bit RGB PIL image.

Budget: the header's width x height and the decoded mode's bytes per pixel are checked
before any pixel is decoded; JPEGs are decoded at a reduced scale when that is enough
(``draft``); every image is shrunk to ``LIMITS.max_decoded_side`` right after decoding,
and only then converted to 8-bit RGB (16-bit and float images in float32, never float64).
"""
from __future__ import annotations

import warnings

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from media.budget import charge_pixels
from media.errors import InputError
from media.files import check_file, display_name
from media.limits import LIMITS

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO"}
HIGH_DEPTH_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")
# EXIF orientation -> the transpose that shows the picture upright (as ImageOps.exif_transpose)
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}
ImageFile.LOAD_TRUNCATED_IMAGES = False
# PIL's own guard (raises DecompressionBombError at 2x this); ours below is stricter.
Image.MAX_IMAGE_PIXELS = LIMITS.max_image_pixels


def bytes_per_pixel(mode: str) -> int:
    """What Pillow stores per pixel once decoded ("RGB" is kept in 4 bytes)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def _shrink(img: Image.Image, side: int = LIMITS.max_decoded_side) -> Image.Image:
    """Longest side at most ``side`` (antialiased); modes without resampling are converted first."""
    if img.mode == "1":
        img = img.convert("L")
    elif img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    w, h = img.size
    if max(w, h) <= side:
        return img
    scale = side / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    try:
        return img.resize(size, Image.BICUBIC, reducing_gap=3.0)  # integer pre-reduction: fast
    except ValueError:  # 16-bit modes have no reduce()
        return img.resize(size, Image.BICUBIC)


def _to_rgb(img: Image.Image) -> Image.Image:
    """Any mode (palette, alpha, 16-bit, CMYK, float) to 8-bit RGB; call on a small image."""
    if img.mode in HIGH_DEPTH_MODES:
        arr = np.asarray(img, dtype=np.float32)  # [H, W]
        finite = np.isfinite(arr)
        lo = float(arr[finite].min()) if finite.any() else 0.0
        hi = float(arr[finite].max()) if finite.any() else 0.0
        scaled = np.zeros_like(arr) if hi <= lo else (arr - lo) * np.float32(255.0 / (hi - lo))
        img = Image.fromarray(np.nan_to_num(scaled, copy=False).clip(0, 255).astype(np.uint8), mode="L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        img = img.convert("RGBA")
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img)
    return img.convert("RGB")


def load_image(path: str) -> Image.Image:
    """Validate and decode an image file (type from its bytes, not its name)."""
    name = display_name(path)
    check_file(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)  # reads the header only
            fmt = img.format
            width, height = img.size
            if fmt not in ALLOWED_FORMATS:
                raise InputError(
                    f"'{name}' is a {fmt} image; please use JPEG, PNG, GIF, WebP, BMP or TIFF."
                )
            if width * height > LIMITS.max_image_pixels:
                raise InputError(
                    f"'{name}' is {width} x {height} pixels; the limit is "
                    f"{LIMITS.max_image_pixels / 1e6:.0f} megapixels. Please resize it."
                )
            if min(width, height) < LIMITS.min_image_side:
                raise InputError(
                    f"'{name}' is only {width} x {height} pixels; images need at least "
                    f"{LIMITS.min_image_side} pixels on each side."
                )
            if max(width, height) / min(width, height) > LIMITS.max_image_aspect:
                raise InputError(
                    f"'{name}' is {width} x {height} pixels, a very thin strip; the widest "
                    f"shape allowed is {LIMITS.max_image_aspect:.0f}:1."
                )
            img.seek(0)  # first frame of an animation
            if fmt in ("JPEG", "MPO"):  # decode at 1/2, 1/4 or 1/8 scale when that is still big enough
                img.draft("RGB", (LIMITS.max_decoded_side, LIMITS.max_decoded_side))
            decoded = img.size[0] * img.size[1] * bytes_per_pixel(img.mode)
            if decoded > LIMITS.max_image_decoded_bytes:
                raise InputError(
                    f"'{name}' ({width} x {height} pixels, mode {img.mode}) would take {decoded / 1e6:,.0f} MB "
                    f"to decode; the limit is {LIMITS.max_image_decoded_bytes / 1e6:,.0f} MB. Please resize it."
                )
            charge_pixels(name, img.size[0] * img.size[1])  # this request's budget, all images together
            orientation = img.getexif().get(0x0112)  # read before shrinking: a resized copy has no EXIF
            img.load()
            img = _shrink(img)
            if orientation in _TRANSPOSE:
                img = img.transpose(_TRANSPOSE[orientation])
            return _to_rgb(img)
    except InputError:
        raise
    except UnidentifiedImageError:
        raise InputError(f"'{name}' is not an image we can read (JPEG, PNG, GIF, WebP, BMP, TIFF).")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(f"'{name}' has too many pixels to open safely. Please resize it.")
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError) as exc:
        # PIL raises these for truncated files, bad CRCs and broken headers.
        raise InputError(f"'{name}' looks damaged or incomplete and could not be decoded ({type(exc).__name__}).")
