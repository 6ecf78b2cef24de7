"""Input limits in one place (the README's "Limits" table states them too).

Every limit is checked *before* the work it limits: counts and sizes come from file
sizes, headers and string lengths, never from the decoded or cleaned result.
"""
from dataclasses import dataclass

# Bump when decoding changes what an encoder sees (it is part of the gallery cache key).
DECODE_VERSION = "2"  # 2: images downscaled to MAX_DECODED_SIDE, sounds above 48 kHz resampled


@dataclass(frozen=True)
class Limits:
    # -- files ------------------------------------------------------------------
    max_file_bytes: int = 25 * 1024 * 1024  # per uploaded file
    max_files: int = 16  # per request
    max_gallery_picks: int = 64  # gallery items picked in one request
    max_file_refs: int = 64  # file references in one request body (all parameters together)
    # -- images -------------------------------------------------------------------
    max_image_pixels: int = 40_000_000  # width x height, before decoding
    max_image_decoded_bytes: int = 160_000_000  # width x height x bytes per pixel of the decoded mode
    max_request_pixels: int = 100_000_000  # decoded pixels of all images in one request (after JPEG scaling)
    max_decoded_side: int = 1024  # images are shrunk to this (longest side) right after decoding
    min_image_side: int = 8
    max_image_aspect: float = 20.0
    max_gif_frames_read: int = 1  # only the first frame of an animation is used
    # -- audio ----------------------------------------------------------------------
    max_audio_seconds: float = 30.0  # longer clips are cut to this, with a warning
    max_audio_header_seconds: float = 600.0  # longer than this is refused before decoding
    min_sample_rate: int = 2_000
    max_sample_rate: int = 384_000
    max_channels: int = 64
    max_decoded_samples: int = 24_000_000  # frames x channels decoded per file (CPU budget, ~1 s)
    max_request_samples: int = 64_000_000  # decoded samples of all sounds in one request
    audio_block_frames: int = 65_536  # decoded per step, mixed to mono at once
    max_kept_sample_rate: int = 48_000  # higher rates are resampled to this after decoding
    # -- text -------------------------------------------------------------------
    max_text_lines: int = 64
    max_line_chars: int = 1_000
    max_text_chars: int = 128_000  # a whole typed text, checked before cleaning
    max_text_file_bytes: int = 256 * 1024
    # -- search and zero-shot ---------------------------------------------------------
    max_candidate_items: int = 256  # your own search candidates: files + caption lines
    max_candidate_chars: int = 64_000  # characters of all uploaded captions together
    max_labels: int = 50
    max_label_chars: int = 100
    max_labels_text: int = 10_000  # characters of the labels string, checked before splitting
    max_k: int = 200
    # -- requests ---------------------------------------------------------------------
    max_body_bytes: int = 1024 * 1024  # any JSON request body (queue/join, api calls)
    max_upload_request_bytes: int = 16 * 25 * 1024 * 1024 + 1024 * 1024  # one multipart upload


LIMITS = Limits()
