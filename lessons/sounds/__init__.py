"""Lesson: sounds. Augmentations and invariance: which representation stays put when a sound (or picture) changes."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.sounds import compute, view
from lessons.sounds.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="sounds",
    title="Sounds: augmentations and invariance",
    summary="Noise, time shift, gain, pitch and speed applied to a clip (and crop, flip, rotation, colour and blur "
            "to a picture), with the cosine between clean and changed vectors for raw samples, MFCCs, log-mel and "
            "YAMNet (pixels and EfficientNet for pictures) as the change grows.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(Endpoint(compute.invariance, "invariance",
                        example='c.predict(gallery_id="dog", augmentation="noise", strengths=[40, 20, 10, 0], '
                                'api_name="/invariance")'),),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("yamnet", "efficientnet"),
    part="Pictures and sounds",
)
