"""Examples for the sounds lesson: keyword arguments of ``compute.invariance`` (also the tests' cases).

The first four are sounds (shown under the sound controls), the last two pictures (under the picture controls).
"""

EXAMPLES = (
    {"gallery_id": "dog", "augmentation": "noise"},
    {"gallery_id": "dog", "augmentation": "shift"},
    {"gallery_id": "speech-tp-horse", "augmentation": "pitch"},
    {"gallery_id": "bells-sound-sc-bell-toll", "augmentation": "gain"},
    {"gallery_id": "cat", "augmentation": "rotate", "modality": "image"},
    {"gallery_id": "vehicles-tu-beetle", "augmentation": "flip", "modality": "image"},
)

LABELS = (
    "a bark in more and more noise",
    "the same bark, a little later",
    "a spoken word, higher and higher",
    "a bell, quieter and louder",
    "a cat, turned",
    "a car, mirrored",
)
