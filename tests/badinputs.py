"""Crafted bad inputs: (case id, file name, bytes, modality) for unit and API tests.

Each is something a real upload could be: empty, random, mislabelled,
truncated, corrupt, enormous on paper, or a degenerate shape.
"""
from __future__ import annotations

import io
import struct
import wave
import zlib

import numpy as np
from PIL import Image


def _png_chunk(kind: bytes, data: bytes, good_crc: bool = True) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    if not good_crc:
        crc ^= 0xDEADBEEF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG signature + IHDR that claims a huge size, then a tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + _png_chunk(b"IEND", b""))


def image_bytes(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def photo(size=(64, 48)) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8), "RGB")


def png_bad_crc() -> bytes:
    good = image_bytes(photo(), "PNG")
    # corrupt the CRC of the IHDR chunk (bytes 29..33)
    return good[:29] + bytes(b ^ 0xFF for b in good[29:33]) + good[33:]


def wav_bytes(samples: np.ndarray, rate: int, sampwidth: int = 2) -> bytes:
    samples = np.atleast_2d(samples.T).T  # [frames, channels]
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(sampwidth)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def wav_header_only(rate=16000) -> bytes:
    return wav_bytes(np.zeros((0, 1), dtype=np.float32), rate)


def wav_claiming_hours() -> bytes:
    """A RIFF/WAVE header whose data chunk claims ~3 hours, followed by 1 s of audio."""
    rate, n_claimed = 16000, 16000 * 3600 * 3
    data = (np.sin(np.arange(rate) / 10) * 10000).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (b"RIFF" + struct.pack("<I", 36 + n_claimed * 2) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", n_claimed * 2) + data)


def wav_float_nan() -> bytes:
    """32-bit float WAV with NaN samples."""
    import soundfile as sf

    x = np.sin(np.linspace(0, 100, 16000)).astype(np.float32)
    x[100:200] = np.nan
    buf = io.BytesIO()
    sf.write(buf, x, 16000, format="WAV", subtype="FLOAT")
    return buf.getvalue()


def gif_many_frames(n=1000) -> bytes:
    frames = [Image.new("P", (16, 16), i % 256) for i in range(n)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=10)
    return buf.getvalue()


def bmp_claiming(width: int, height: int) -> bytes:
    header = struct.pack("<2sIHHI", b"BM", 54 + 16, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 16, 2835, 2835, 0, 0)
    return header + info + b"\x00" * 16


def gif_claiming(width: int, height: int) -> bytes:
    return (b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0)
            + b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00\x3b")


def flac_bytes(seconds=1.0) -> bytes:
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, tone(seconds)[:, 0], 16000, format="FLAC")
    return buf.getvalue()


def tone(seconds=1.0, rate=16000, channels=1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return np.repeat((0.3 * np.sin(2 * np.pi * 440 * t))[:, None], channels, axis=1)


RANDOM = np.random.default_rng(42).integers(0, 256, 4096, dtype=np.uint8).tobytes()

# (id, file name, content, modality, expect): expect "error" = must be refused with a message,
# "ok" = must be accepted (odd but valid input, e.g. a CMYK JPEG).
def image_cases():
    jpeg = image_bytes(photo((128, 96)), "JPEG")
    return [
        ("img-zero-bytes", "empty.png", b"", "image", "error"),
        ("img-random-bytes", "random.png", RANDOM, "image", "error"),
        ("img-text-as-jpg", "notes.jpg", b"hello, this is plain text\n" * 20, "image", "error"),
        ("img-html-as-png", "page.png", b"<!doctype html><html><body><script>alert(1)</script></body></html>", "image", "error"),
        ("img-svg-as-png", "vector.png", b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>", "image", "error"),
        ("img-truncated-jpeg", "cut.jpg", jpeg[: len(jpeg) // 2], "image", "error"),
        ("img-png-bad-crc", "badcrc.png", png_bad_crc(), "image", "error"),
        ("img-bomb-50000", "bomb.png", png_claiming(50000, 50000), "image", "error"),
        ("img-bomb-wide", "wide.png", png_claiming(1_000_000, 100), "image", "error"),
        ("img-1x1", "dot.png", image_bytes(Image.new("RGB", (1, 1)), "PNG"), "image", "error"),
        ("img-1x5000", "strip.png", image_bytes(Image.new("RGB", (1, 5000)), "PNG"), "image", "error"),
        ("img-cmyk", "cmyk.jpg", image_bytes(photo().convert("CMYK"), "JPEG"), "image", "ok"),
        ("img-16bit", "deep.png", image_bytes(Image.fromarray((np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16)), "PNG"), "image", "ok"),
        ("img-palette-alpha", "pal.png", image_bytes(photo().convert("RGBA").convert("P"), "PNG", transparency=0), "image", "ok"),
        ("img-gif-1000-frames", "anim.gif", gif_many_frames(), "image", "ok"),
        ("img-wav-as-png", "sound.png", wav_bytes(tone(), 16000), "image", "error"),
        ("img-bmp-bomb", "huge.bmp", bmp_claiming(60000, 60000), "image", "error"),
        ("img-gif-bomb", "huge.gif", gif_claiming(65535, 65535), "image", "error"),
        ("img-tiff-truncated", "cut.tif", image_bytes(photo((256, 256)), "TIFF")[:3000], "image", "error"),
        ("img-jpeg-named-png", "actually-jpeg.png", image_bytes(photo(), "JPEG"), "image", "ok"),
        ("img-pdf-as-jpg", "doc.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "image", "error"),
    ]


def audio_cases():
    return [
        ("aud-zero-bytes", "empty.wav", b"", "audio", "error"),
        ("aud-random-bytes", "random.wav", RANDOM, "audio", "error"),
        ("aud-header-only", "header.wav", wav_header_only(), "audio", "error"),
        ("aud-nan-samples", "nan.wav", wav_float_nan(), "audio", "error"),
        ("aud-32-channels", "many.wav", wav_bytes(tone(1.0, 16000, 32), 16000), "audio", "ok"),
        ("aud-1hz", "slow.wav", wav_bytes(tone(3.0, 1, 1), 1), "audio", "error"),
        ("aud-384khz", "fast.wav", wav_bytes(tone(1.0, 384000), 384000), "audio", "ok"),
        ("aud-claims-hours", "long.wav", wav_claiming_hours(), "audio", "error"),
        ("aud-text-as-wav", "notes.wav", b"just some words, not a sound\n" * 30, "audio", "error"),
        ("aud-png-as-wav", "picture.wav", image_bytes(photo(), "PNG"), "audio", "error"),
        ("aud-tiny", "blip.wav", wav_bytes(tone(0.01), 16000), "audio", "error"),
        ("aud-flac-truncated", "cut.flac", flac_bytes(2.0)[:200], "audio", "error"),
        ("aud-ogg-garbage", "noise.ogg", b"OggS" + RANDOM, "audio", "error"),
        ("aud-silence", "quiet.wav", wav_bytes(np.zeros((16000, 1)), 16000), "audio", "ok"),
        ("aud-stereo-44k", "stereo.wav", wav_bytes(tone(1.0, 44100, 2), 44100), "audio", "ok"),
    ]


def text_cases():
    return [
        ("txt-zero-bytes", "empty.txt", b"", "text", "error"),
        ("txt-1mb", "big.txt", b"word " * 220_000, "text", "error"),
        ("txt-nul-bytes", "nul.txt", b"hello\x00world\n", "text", "error"),
        ("txt-invalid-utf8", "latin.txt", b"caf\xe9 au lait\n\xff\xfe\n", "text", "error"),
        ("txt-binary-png", "image.txt", image_bytes(photo(), "PNG"), "text", "error"),
        ("txt-only-spaces", "blank.txt", b"   \n\n\t\n", "text", "error"),
        ("txt-rtl-override", "rtl.txt", "invoice \u202egnp.exe\u202c ok\nplain line\n".encode(), "text", "ok"),
        ("txt-many-lines", "lines.txt", b"a line\n" * 500, "text", "error"),
        ("txt-long-line", "long.txt", b"x" * 5000 + b"\n", "text", "error"),
        ("txt-utf16", "wide.txt", "hello world\n".encode("utf-16"), "text", "error"),
    ]


# Typed text (the textbox, not a file): (id, text, expect)
TYPED_TEXT_CASES = [
    ("typed-empty", "", "error"),
    ("typed-only-space", "  \n \t \n", "error"),
    ("typed-1mb", "word " * 220_000, "error"),
    ("typed-nul", "hello\x00world", "error"),
    ("typed-rtl-override", "price \u202e001$\u202c today", "ok"),
    ("typed-10k-lines", "a\n" * 10_000, "error"),
    ("typed-emoji-and-scripts", "猫が好き 🐱\nمرحبا بالعالم\nПривет", "ok"),
]


def all_cases():
    return image_cases() + audio_cases() + text_cases()
