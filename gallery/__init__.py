"""The bundled gallery (assets/manifest.json) and its on-disk embedding cache."""
from gallery.manifest import GalleryItem, load_manifest
from gallery.index import gallery_vectors, get_gallery

__all__ = ["GalleryItem", "load_manifest", "gallery_vectors", "get_gallery"]
