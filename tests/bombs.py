"""Decode bombs from issue 8: tiny files whose headers promise gigabytes once decoded.

- ``ogg_bomb``: Ogg Vorbis, 64 channels of silence, 11.52 M frames encoded at 48 kHz, then the
  Vorbis identification header's sample rate rewritten to 384,000 Hz (and the Ogg page CRC
  fixed), so the header says 30 s at 384 kHz x 64 channels: 737 M samples, 2.95 GB as float32.
  Encoding 737 M samples takes about 90 s, so the file is built once and kept in
  ``tests/data/`` (``python -m tests.bombs`` rebuilds it).
- ``png_bomb``: a 16-bit greyscale PNG of 6320 x 6320 = 39.9 MP (under the 40 MP limit) that
  compresses to about 100 KB; made on the fly (about a second).
"""
from __future__ import annotations

import os
import struct

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
OGG_BOMB = os.path.join(DATA_DIR, "bomb_64ch_384khz_30s.ogg")
OGG_CHANNELS, OGG_ENCODE_RATE, OGG_CLAIMED_RATE, OGG_SECONDS = 64, 48_000, 384_000, 30


def _ogg_crc(page: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0 (RFC 3533)."""
    crc = 0
    for byte in page:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def set_vorbis_sample_rate(data: bytes, rate: int) -> bytes:
    """Rewrite the sample rate in the Vorbis identification header (first page) and fix that page's CRC."""
    assert data[:4] == b"OggS", "not an Ogg stream"
    n_segments = data[26]
    header_len = 27 + n_segments
    body_len = sum(data[27:27 + n_segments])
    page = bytearray(data[:header_len + body_len])
    ident = page.find(b"\x01vorbis", header_len)
    assert ident == header_len, "first packet is not the Vorbis identification header"
    # packet: type(1) 'vorbis'(6) version(4) channels(1) rate(4) ...
    struct.pack_into("<I", page, ident + 12, rate)
    struct.pack_into("<I", page, 22, 0)
    struct.pack_into("<I", page, 22, _ogg_crc(bytes(page)))
    return bytes(page) + data[len(page):]


def build_ogg_bomb(path: str = OGG_BOMB) -> str:
    import numpy as np
    import soundfile as sf

    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp.ogg"
    frames = OGG_SECONDS * OGG_CLAIMED_RATE  # 11.52 M frames: 240 s at 48 kHz, "30 s" at 384 kHz
    block = np.zeros((OGG_ENCODE_RATE, OGG_CHANNELS), dtype=np.float32)
    with sf.SoundFile(tmp, "w", samplerate=OGG_ENCODE_RATE, channels=OGG_CHANNELS, format="OGG",
                      subtype="VORBIS") as fh:
        for _ in range(frames // len(block)):
            fh.write(block)
    with open(tmp, "rb") as fh:
        data = set_vorbis_sample_rate(fh.read(), OGG_CLAIMED_RATE)
    os.unlink(tmp)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def ogg_bomb() -> str:
    if not os.path.exists(OGG_BOMB):
        build_ogg_bomb()
    return OGG_BOMB


def png_bomb(path: str, side: int = 6320) -> str:
    """16-bit greyscale, side x side pixels, a few non-zero rows so the value range is not flat."""
    import numpy as np
    from PIL import Image

    arr = np.zeros((side, side), dtype=np.uint16)
    arr[: side // 64] = 40_000
    Image.fromarray(arr).save(path, optimize=True)
    return path


if __name__ == "__main__":
    import soundfile as sf

    print(build_ogg_bomb())
    info = sf.info(OGG_BOMB)
    print(f"{os.path.getsize(OGG_BOMB):,} bytes; header: {info.channels} channels, {info.samplerate} Hz, "
          f"{info.frames:,} frames ({info.duration:.1f} s) -> {info.frames * info.channels * 4 / 1e9:.2f} GB as float32")
