"""Open an uploaded image safely and return it as an RGB PIL image."""
from __future__ import annotations

import warnings

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from media.errors import InputError
from media.files import check_file, display_name
from media.limits import LIMITS

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO"}
ImageFile.LOAD_TRUNCATED_IMAGES = False
# PIL's own guard (raises DecompressionBombError at 2x this); ours below is stricter.
Image.MAX_IMAGE_PIXELS = LIMITS.max_image_pixels


def _to_rgb(img: Image.Image) -> Image.Image:
    """Any mode (palette, alpha, 16-bit, CMYK, float) to 8-bit RGB."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        scaled = np.zeros_like(arr) if hi <= lo else (arr - lo) / (hi - lo) * 255.0
        img = Image.fromarray(np.nan_to_num(scaled).astype(np.uint8), mode="L")
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
            img.load()
            img = ImageOps.exif_transpose(img)
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
