"""Bad and odd inputs give clear InputErrors (or decode correctly) at the media layer."""
import os

import numpy as np
import pytest
from PIL import Image

from media.audio import load_audio
from media.errors import InputError
from media.images import load_image
from media.text import read_text_file, split_lines
from tests import badinputs

LOADERS = {"image": load_image, "audio": load_audio, "text": read_text_file}


@pytest.mark.parametrize("case", badinputs.all_cases(), ids=lambda c: c[0])
def test_bad_and_odd_inputs(case, tmp_path):
    _, name, content, modality, expect = case
    path = tmp_path / name
    path.write_bytes(content)
    if expect == "error":
        with pytest.raises(InputError) as err:
            LOADERS[modality](str(path))
        message = str(err.value)
        assert len(message) > 15 and "Traceback" not in message
        assert str(tmp_path) not in message  # never leak server paths
    else:
        out = LOADERS[modality](str(path))
        if modality == "image":
            assert out.mode == "RGB" and min(out.size) >= 8
        elif modality == "audio":
            assert out.samples.ndim == 1 and out.samples.dtype == np.float32 and np.isfinite(out.samples).all()
        else:
            assert out and all("\u202e" not in line for line in out)


def test_exif_orientation_is_applied(tmp_path):
    img = Image.new("RGB", (60, 20), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    path = tmp_path / "rotated.jpg"
    img.save(path, exif=exif.tobytes())
    assert load_image(str(path)).size == (20, 60)


def test_long_audio_is_cut_with_a_warning(tmp_path):
    path = tmp_path / "long.wav"
    path.write_bytes(badinputs.wav_bytes(badinputs.tone(35.0, 8000), 8000))
    warnings = []
    clip = load_audio(str(path), warn=warnings.append)
    assert clip.seconds == pytest.approx(30.0, abs=0.01)
    assert warnings and "30" in warnings[0]


def test_stereo_is_mixed_to_mono(tmp_path):
    path = tmp_path / "stereo.wav"
    path.write_bytes(badinputs.wav_bytes(badinputs.tone(1.0, 22050, 2), 22050))
    clip = load_audio(str(path))
    assert clip.sample_rate == 22050 and clip.samples.ndim == 1 and len(clip.samples) == 22050


def test_split_lines_cleans_and_limits():
    assert split_lines(" a \n\n b\r\nc\u202e d ") == ["a", "b", "c d"]
    with pytest.raises(InputError):
        split_lines("x\n" * 100)


def test_every_gallery_file_decodes():
    from gallery.manifest import load_manifest

    items = load_manifest()
    assert sum(i.modality == "image" for i in items) >= 20
    assert sum(i.modality == "audio" for i in items) >= 20
    assert sum(i.modality == "text" for i in items) >= 40
    for item in items:
        assert item.caption and (item.modality == "text" or (item.licence and item.source))
        if item.modality == "image":
            assert load_image(item.path).mode == "RGB"
        elif item.modality == "audio":
            assert load_audio(item.path).seconds > 0.1
