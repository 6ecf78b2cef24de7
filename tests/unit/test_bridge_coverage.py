"""When can the label bridge know a text query? The calibration set behind lab.search.KNOWS_THRESHOLD.

The queries below were written at 16:21 UTC on 2026-11-30, before any cosine to the class-name prompts
was computed: for each modality, 20 concepts that have an ImageNet-1k (pictures) or AudioSet (sounds)
class of their own or a close synonym, and 15 that have none (abstract ideas, or things with no class).
Rule, fixed before looking: the threshold is the midpoint between the lowest "has a class" query and the
highest "has none" query below it, so the bridge never says "cannot know" about a query of this set
that it does know. Measured: pictures 0.636 (lowest known) vs 0.565 (highest unknown) -> 0.60, all 15
unknown flagged; sounds 0.564 (lowest known) vs 0.434 -> 0.50, 12 of 15 unknown flagged (the smell
of rain, sadness and the colour blue sit near Rain, Crying and Blues). These are not the retrieval
queries of test_bridge_retrieval.py, and nothing was tuned on those.
"""
import pytest

from lab.search import KNOWS_THRESHOLD, bridge_coverage

IMAGE_KNOWN = ["a goldfish", "a tabby cat", "a golden retriever", "a pizza", "a banana", "a school bus",
               "a violin", "a teapot", "a volcano", "a mushroom", "a strawberry", "a zebra", "a laptop",
               "a fire engine", "an umbrella", "a lighthouse", "a pineapple", "a hammer", "a broom",
               "a tennis ball"]
IMAGE_UNKNOWN = ["democracy", "a feeling of sadness", "the French revolution", "a mathematical proof",
                 "an election result", "the smell of rain", "yesterday's homework", "a tax form",
                 "a grandmother's love", "inflation", "a giraffe", "a snowman", "a rainbow", "a nurse",
                 "a handwritten equation"]
SOUND_KNOWN = ["a dog barking", "a baby crying", "a siren", "applause", "thunder", "a piano", "a helicopter",
               "a doorbell", "footsteps", "a cough", "a train horn", "laughter", "a cat purring",
               "church bells", "a violin", "glass breaking", "a chainsaw", "rain on a roof", "a whistle",
               "a toilet flushing"]
SOUND_UNKNOWN = ["democracy", "the colour blue", "a mathematical proof", "a photograph of a sunset",
                 "a tax form", "inflation", "a feeling of sadness", "the French revolution",
                 "yesterday's homework", "a grandmother's love", "a rainbow", "the smell of rain",
                 "a handwritten equation", "an election result", "a snowman"]


@pytest.mark.parametrize("modality,known,unknown,min_flagged", [
    ("image", IMAGE_KNOWN, IMAGE_UNKNOWN, 15),
    ("audio", SOUND_KNOWN, SOUND_UNKNOWN, 12),
])
def test_threshold_keeps_every_known_query_and_flags_the_unknown(modality, known, unknown, min_flagged):
    k = bridge_coverage(known, modality)
    u = bridge_coverage(unknown, modality)
    report = [f"{'known  ' if c in k else 'unknown'} {c.best:.3f} {q!r} -> {c.nearest[0][0]}"
              for q, c in list(zip(known, k)) + list(zip(unknown, u))]
    print(f"\n{modality}: threshold {KNOWS_THRESHOLD[modality]}; lowest known {min(c.best for c in k):.3f}, "
          f"highest unknown {max(c.best for c in u):.3f}")
    print("\n".join(report))
    assert all(c.knows for c in k), report
    assert sum(not c.knows for c in u) >= min_flagged, report
