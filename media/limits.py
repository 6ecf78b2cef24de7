"""Input limits in one place (the README states them too)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 25 * 1024 * 1024  # per uploaded file
    max_files: int = 16  # per request
    max_image_pixels: int = 40_000_000  # width x height, before decoding
    min_image_side: int = 8
    max_image_aspect: float = 20.0
    max_gif_frames_read: int = 1  # only the first frame of an animation is used
    max_audio_seconds: float = 30.0  # longer clips are cut to this, with a warning
    max_audio_header_seconds: float = 600.0  # longer than this is refused before decoding
    min_sample_rate: int = 2_000
    max_sample_rate: int = 384_000
    max_channels: int = 64
    max_text_lines: int = 64
    max_line_chars: int = 1_000
    max_text_file_bytes: int = 256 * 1024


LIMITS = Limits()
