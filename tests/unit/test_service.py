"""lab/: collecting inputs and finding neighbours, with the real bundled models."""
import pytest

from lab.inputs import collect
from lab.service import embed_items, neighbours
from media.errors import InputError


def test_gallery_item_is_not_its_own_neighbour():
    items = collect("image", None, None, ["cat", "coffee"])
    emb = embed_items("image", items)
    for item, nbs in zip(items, neighbours(emb, 3)):
        assert len(nbs) == 3
        assert item.gallery_id not in [nb.item.id for nb in nbs]
        assert [nb.score for nb in nbs] == sorted([nb.score for nb in nbs], reverse=True)


def test_typed_sentence_finds_its_gallery_twin():
    from gallery.manifest import items_of

    text = items_of("text")[0].text
    emb = embed_items("text", collect("text", text))
    assert neighbours(emb, 1)[0][0].item.text == text


def test_duplicate_labels_are_made_unique():
    items = collect("text", "same\nsame\nother")
    assert [i.label for i in items] == ["same", "same (2)", "other"]


def test_unknown_gallery_id_and_empty_request_are_clear():
    with pytest.raises(InputError, match="not a gallery image"):
        collect("image", None, None, ["no-such-id"])
    with pytest.raises(InputError, match="Upload"):
        collect("image", None, None, None)
