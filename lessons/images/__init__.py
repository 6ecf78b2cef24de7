"""Lesson: images. From pixels to one vector: a CNN's feature map and its average, a ViT's patches, a linear probe."""
import os

from lessons.contract import Endpoint, Lesson
from lessons.images import compute, probe, view
from lessons.images.examples import EXAMPLES, LABELS

LESSON = Lesson(
    key="images",
    title="Images: from pixels to one vector",
    summary="EfficientNet-Lite0's 7 x 7 grid of 1280-number cells and its average (the image's vector), how a "
            "Vision Transformer cuts the same picture into patches, and a linear probe on frozen vectors "
            "against raw pixels.",
    build=view.build,
    package_dir=os.path.dirname(__file__),
    endpoints=(
        Endpoint(compute.image_features, "image_features",
                 example='c.predict(gallery_id="cat", api_name="/image_features")'),
        Endpoint(probe.probe, "probe",
                 example='c.predict(groups=["cats", "fish", "windmills"], api_name="/probe")'),
    ),
    examples=EXAMPLES,
    example_labels=LABELS,
    encoders=("efficientnet", "bridge"),
    part="Pictures and sounds",
)
