"""Examples for the images lesson: keyword arguments of ``compute.image_features`` (also the tests' cases)."""

EXAMPLES = (
    {"gallery_id": "cat"},
    {"gallery_id": "vehicles-tu-beetle"},
    {"gallery_id": "rocket"},
    {"gallery_id": "kitchen-gc-spoons"},
    {"gallery_id": "windmills-gc-windmill1"},
)

LABELS = (
    "a photo that fills the frame (cat)",
    "a cut-out on white (car): empty cells are vectors too",
    "a small object in a big scene (rocket)",
    "many small things (spoons)",
    "a windmill",
)
