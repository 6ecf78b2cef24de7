"""A miniature CLIP: two small projection heads trained with InfoNCE on frozen gallery features.

Pure torch/numpy, no Gradio. Each gallery image is one pair: its EfficientNet-Lite0 vector
(1280-d, frozen) and the MiniLM vector of its caption (384-d, frozen). Two linear maps without
bias (the *heads*) project both into one small shared space; the loss is CLIP's symmetric
InfoNCE (Radford et al. 2021; van den Oord et al. 2018) over the batch of all training pairs:

    logits = exp(t) * normalise(A x_img) @ normalise(B x_txt).T          [pairs, pairs]
    loss   = (cross_entropy(logits, diagonal) + cross_entropy(logits.T, diagonal)) / 2

with a learned temperature ``t`` started at ln(1/0.07) as in CLIP. Where several images share one
caption, each counts as a right answer for the others (``info_nce``'s ``same``). A fixed quarter of
the pairs (chosen with seed 0, spread over the groups) is held out: never trained on, only measured.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from lessons.torch_threads import one_thread

HELDOUT_EVERY = 4  # every 4th pair of the group-ordered, shuffled list is held out
SPLIT_SEED = 0
LEARNING_RATE = 5e-4
WEIGHT_DECAY = 0.01
START_LOGIT_SCALE = math.log(1 / 0.07)  # CLIP's start temperature 0.07
MAX_LOGIT_SCALE = math.log(100.0)  # CLIP clamps the scale at 100


@dataclass(frozen=True)
class Pairs:
    ids: tuple[str, ...]
    captions: tuple[str, ...]
    groups: tuple[str, ...]
    images: np.ndarray  # [pairs, 1280] EfficientNet-Lite0 image vectors (unit length)
    texts: np.ndarray  # [pairs, 384] MiniLM caption vectors (unit length)
    image_model: str = ""
    text_model: str = ""


def group_of(item) -> str:
    return getattr(item, "group", None) or getattr(item, "category", "") or ""


@lru_cache(maxsize=2)
def _caption_vectors(captions: tuple[str, ...]) -> np.ndarray:
    from encoders import get_encoder

    return get_encoder("minilm").encode("text", list(captions))  # [pairs, 384]


def gallery_pairs() -> Pairs:
    """The gallery's images with their captions, as frozen feature vectors (cached on disk / in memory)."""
    from encoders import get_encoder
    from gallery.index import gallery_vectors

    items, images = gallery_vectors("efficientnet", "image")  # [pairs, 1280]
    captions = tuple(item.caption for item in items)
    return Pairs(tuple(i.id for i in items), captions, tuple(group_of(i) for i in items),
                 np.asarray(images, dtype=np.float32), _caption_vectors(captions),
                 get_encoder("efficientnet").info.label, get_encoder("minilm").info.label)


def split(groups: tuple[str, ...], seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices): shuffle within each group, line the groups up, hold out every 4th.

    So about a quarter of the pairs is held out, spread over the groups; fixed by ``seed``.
    """
    rng = np.random.default_rng(seed)
    order: list[int] = []
    for g in dict.fromkeys(groups):  # groups in first-seen order
        members = [i for i, x in enumerate(groups) if x == g]
        order += [members[j] for j in rng.permutation(len(members))]
    held = np.array(sorted(order[HELDOUT_EVERY - 1::HELDOUT_EVERY]), dtype=np.int64)
    train = np.array(sorted(set(range(len(groups))) - set(held.tolist())), dtype=np.int64)
    return train, held


def info_nce(logits: torch.Tensor, same: torch.Tensor | None = None) -> torch.Tensor:
    """CLIP's symmetric InfoNCE: the i-th image should pick the i-th caption and vice versa. logits [n, n].

    ``same`` [n, n] (bool) marks pairs whose captions are identical (several gallery images can share
    a caption such as "a windmill"): those count as the right answer too, with the target spread
    evenly over them. Without repeats this is exactly CLIP's loss (open_clip's ``ClipLoss``).
    """
    n = logits.shape[0]
    if same is None:
        target = torch.arange(n)
        return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
    soft = same.to(logits.dtype) / same.sum(dim=1, keepdim=True)  # [n, n], rows sum to 1, symmetric
    return (F.cross_entropy(logits, soft) + F.cross_entropy(logits.T, soft.T)) / 2


def same_caption(captions) -> torch.Tensor:
    """[n, n] bool: True where two pairs have the very same caption text (always on the diagonal)."""
    c = np.array(list(captions), dtype=object)
    return torch.from_numpy(c[:, None] == c[None, :])


@dataclass
class Accuracy:
    image_to_text: float  # share of images whose most similar caption (among this set's) is their own caption
    text_to_image: float  # share of captions whose most similar image is one with that caption
    image_to_text_group: float  # share of images whose most similar caption is from their own group
    chance: float  # expected hit rate of a random pick (1 / pairs when no caption repeats)
    chance_group: float  # expected group hit rate of a random pick


def accuracy(sim: np.ndarray, groups: list[str], captions: list[str] | None = None) -> Accuracy:
    """Top-1 retrieval in a square images x captions cosine matrix ``sim`` [n, n].

    A pick counts as right when it carries the same caption text (identical captions are one caption).
    """
    n = sim.shape[0]
    g = np.array(groups, dtype=object)
    c = np.array(list(captions) if captions is not None else [str(i) for i in range(n)], dtype=object)
    best_text = sim.argmax(axis=1)  # [n] for each image, the caption it ranks first
    best_image = sim.argmax(axis=0)  # [n] for each caption, the image it ranks first
    same_c = c[:, None] == c[None, :]  # [n, n]
    same_g = g[:, None] == g[None, :]
    return Accuracy(round(float((c[best_text] == c).mean()), 4),
                    round(float((c[best_image] == c).mean()), 4),
                    round(float((g[best_text] == g).mean()), 4),
                    round(float(same_c.mean(axis=1).mean()), 4), round(float(same_g.mean(axis=1).mean()), 4))


class Heads(torch.nn.Module):
    def __init__(self, image_dim: int, text_dim: int, dim: int):
        super().__init__()
        self.image = torch.nn.Linear(image_dim, dim, bias=False)
        self.text = torch.nn.Linear(text_dim, dim, bias=False)
        self.logit_scale = torch.nn.Parameter(torch.tensor(START_LOGIT_SCALE))

    def similarity(self, images: torch.Tensor, texts: torch.Tensor) -> torch.Tensor:
        zi = F.normalize(self.image(images), dim=1)  # [n, dim]
        zt = F.normalize(self.text(texts), dim=1)  # [m, dim]
        return zi @ zt.T  # [n, m] cosine

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


@dataclass
class Snapshot:
    step: int
    loss_train: float
    loss_heldout: float
    temperature: float
    train: Accuracy
    heldout: Accuracy
    sim_train: np.ndarray = field(repr=False)  # [train, train] cosine, images x captions
    sim_heldout: np.ndarray = field(repr=False)  # [heldout, heldout]


def train_steps(pairs: Pairs, steps: int, dim: int, seed: int, shown: set[int]) -> Iterator[Snapshot]:
    """Full-batch AdamW on the training pairs; yield a snapshot before training and after each step in ``shown``."""
    tr, ho = split(pairs.groups)
    x_img = torch.from_numpy(np.ascontiguousarray(pairs.images))  # [pairs, 1280]
    x_txt = torch.from_numpy(np.ascontiguousarray(pairs.texts))  # [pairs, 384]
    g_tr, g_ho = [pairs.groups[i] for i in tr], [pairs.groups[i] for i in ho]
    c_tr, c_ho = [pairs.captions[i] for i in tr], [pairs.captions[i] for i in ho]
    same_tr, same_ho = same_caption(c_tr), same_caption(c_ho)
    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=gen)))
        heads = Heads(x_img.shape[1], x_txt.shape[1], dim)
    opt = torch.optim.AdamW(heads.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)

    def snapshot(step: int) -> Snapshot:
        with torch.no_grad():
            scale = heads.logit_scale.exp()
            s_tr = heads.similarity(x_img[tr], x_txt[tr])  # [train, train]
            s_ho = heads.similarity(x_img[ho], x_txt[ho])  # [heldout, heldout]
            a, b = s_tr.numpy().astype(np.float64), s_ho.numpy().astype(np.float64)
            return Snapshot(step, round(float(info_nce(scale * s_tr, same_tr)), 5),
                            round(float(info_nce(scale * s_ho, same_ho)), 5), round(float(1 / scale), 5),
                            accuracy(a, g_tr, c_tr), accuracy(b, g_ho, c_ho), a, b)

    with one_thread():
        first = snapshot(0)
    yield first
    step = 0
    while step < steps:
        with one_thread():  # entered and left between two yields: the next step may run on another thread
            while step < steps:
                step += 1
                loss = info_nce(heads.logit_scale.exp() * heads.similarity(x_img[tr], x_txt[tr]), same_tr)
                opt.zero_grad()
                loss.backward()
                opt.step()
                with torch.no_grad():
                    heads.logit_scale.clamp_(0.0, MAX_LOGIT_SCALE)
                if step in shown:
                    snap = snapshot(step)
                    break
        if step in shown:
            yield snap


def loss_floor(captions) -> float:
    """The lowest InfoNCE a set can reach: mean ln k over pairs whose caption is shared by k pairs (0 if none)."""
    k = same_caption(captions).sum(dim=1).double()  # [n]
    return float(torch.log(k).mean())


def parameter_count(pairs: Pairs, dim: int) -> int:
    return pairs.images.shape[1] * dim + pairs.texts.shape[1] * dim + 1
