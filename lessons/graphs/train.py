"""Training on the karate club, live: a semi-supervised GCN with 4 labels, and GRACE without labels.

No Gradio. Both are generators that yield a ``Frame`` every few epochs (the page redraws from it)
and set ``final=True`` on the last one. Seeds fix the initial weights and GRACE's random views;
all randomness comes from one ``torch.Generator`` per run, so two runs with one seed give the same
numbers even while other requests use torch.

- GCN (Kipf & Welling 2017) with PyG's ``GCNConv``: one-hot features -> 4 -> 4 -> 2 (tanh) ->
  a linear classifier, trained on 4 labelled members only. Its 2-number layer IS the map (no
  projection), like the PyG introduction's karate example.
- GRACE (Zhu et al. 2020, "Deep Graph Contrastive Representation Learning"): two random views
  (edges dropped, feature columns masked), a 2-layer ``GCNConv`` encoder and a projection head,
  and the InfoNCE loss that pulls a node's two views together and pushes other nodes away. No
  labels are used in training; the embeddings are then scored by a linear probe (logistic
  regression) fitted on the same 4 labelled members and tested on the other 30.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from lessons.graphs.data import Graph, bundled
from lessons.graphs.propagate import edge_index, pyg
from lessons.torch_threads import one_thread
from media.errors import InputError

LEADERS = (0, 2, 32, 33)  # the two best-connected members on each side: 0 (Mr. Hi), 2 | 32, 33 (Officer)
GCN_EPOCHS = 200
GRACE_EPOCHS = 200
EVERY = 10  # epochs between frames
GRACE_DIM = 16
GRACE_TAU = 0.5  # InfoNCE temperature
GRACE_DROP_EDGES = 0.4  # share of edges dropped in each view
GRACE_MASK_FEATURES = 0.3  # share of feature columns masked in each view


@dataclass
class Frame:
    method: str
    epoch: int
    epochs: int
    loss: float
    accuracy: float  # on the members whose label was not used
    coords: np.ndarray  # [n, 2] the map
    history: list = field(default_factory=list)  # [(epoch, loss, accuracy)] so far
    labelled: tuple[int, ...] = ()
    predicted: np.ndarray | None = None  # [n] predicted side (0 Mr. Hi, 1 Officer)
    seconds: float = 0.0  # time spent training and scoring so far (not the time the page took to draw)
    final: bool = False
    map_note: str = ""
    baseline: float | None = None  # GRACE, last frame: the same probe on the raw one-hot features


def karate_labels() -> tuple[Graph, np.ndarray]:
    g = bundled("karate")
    return g, np.array([0 if side == "Mr. Hi" else 1 for side in g.groups])  # [34]


def pick_labelled(labels: np.ndarray, choice: str, seed: int) -> tuple[int, ...]:
    """'leaders': 0, 2, 32, 33. 'random': two members of each side drawn with the seed."""
    if choice == "leaders":
        return LEADERS
    if choice == "random":
        rng = np.random.default_rng(seed)
        picked = [int(v) for side in (0, 1) for v in rng.choice(np.flatnonzero(labels == side), 2, replace=False)]
        return tuple(sorted(picked))
    raise InputError(f"Unknown choice of labelled members '{choice}'; use 'leaders' or 'random'.")


def _init(module, gen) -> None:
    """Re-draw every weight from the run's own generator (Glorot for matrices, zeros for biases)."""
    import torch

    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() >= 2:
                torch.nn.init.xavier_uniform_(p, generator=gen)
            elif name.endswith("bias"):
                p.zero_()


class GCN:
    """GCNConv(34, 4) -> tanh -> GCNConv(4, 4) -> tanh -> GCNConv(4, 2) -> tanh -> Linear(2, 2)."""

    def __init__(self, n_in: int, classes: int, gen):
        import torch

        nn, _ = pyg()
        self.convs = torch.nn.ModuleList([nn.GCNConv(n_in, 4, cached=True), nn.GCNConv(4, 4, cached=True),
                                          nn.GCNConv(4, 2, cached=True)])  # one graph: normalise once
        self.out = torch.nn.Linear(2, classes)
        self.params = torch.nn.ModuleList([self.convs, self.out])
        _init(self.params, gen)

    def __call__(self, x, ei):
        h = x
        for conv in self.convs:
            h = conv(h, ei).tanh()  # [n, 4], [n, 4], [n, 2]
        return self.out(h), h  # [n, classes], [n, 2]


def accuracy(pred: np.ndarray, labels: np.ndarray, labelled) -> float:
    rest = np.ones(len(labels), bool)
    rest[list(labelled)] = False
    return float((pred[rest] == labels[rest]).mean())


def epochs_with_frames(loss_and_frame, opt, epochs: int, every: int) -> Iterator[Frame]:
    """Epochs 0..epochs: the loss (and, every ``every`` epochs and at the end, a Frame), then one optimiser step.

    Each epoch runs on one torch thread, entered per epoch because a generator's next chunk may run on
    another server thread; ``Frame.seconds`` counts only this work, not the time between frames.
    """
    busy = 0.0
    for epoch in range(epochs + 1):
        started = time.perf_counter()
        with one_thread():
            loss, frame = loss_and_frame(epoch, epoch % every == 0 or epoch == epochs)
            if epoch < epochs:
                opt.zero_grad()
                loss.backward()
                opt.step()
        busy += time.perf_counter() - started
        if frame is not None:
            frame.seconds = busy
            yield frame


def gcn_steps(seed: int = 0, labelled_choice: str = "leaders", epochs: int = GCN_EPOCHS,
              every: int = EVERY) -> Iterator[Frame]:
    import torch
    import torch.nn.functional as F

    g, labels = karate_labels()
    labelled = pick_labelled(labels, labelled_choice, seed)
    gen = torch.Generator().manual_seed(int(seed))
    x = torch.eye(g.n)  # [34, 34] one-hot: the model knows nothing but who is tied to whom
    ei = edge_index(g)
    y = torch.from_numpy(labels)
    train = torch.zeros(g.n, dtype=torch.bool)
    train[list(labelled)] = True
    model = GCN(g.n, 2, gen)
    opt = torch.optim.Adam(model.params.parameters(), lr=0.01)
    history = []

    def loss_and_frame(epoch: int, framed: bool):
        logits, h = model(x, ei)  # [34, 2], [34, 2]
        loss = F.cross_entropy(logits[train], y[train])
        if not framed:
            return loss, None
        pred = logits.argmax(1).numpy()
        acc = accuracy(pred, labels, labelled)
        history.append((epoch, loss.item(), acc))
        return loss, Frame("gcn", epoch, epochs, loss.item(), acc, h.detach().numpy().copy(), list(history), labelled,
                           pred, final=epoch == epochs,
                           map_note="the network's own 2 numbers per member (its last GCN layer), no projection")

    yield from epochs_with_frames(loss_and_frame, opt, epochs, every)


# -- GRACE ------------------------------------------------------------------------------------------
class Encoder:
    def __init__(self, n_in: int, dim: int, gen):
        import torch

        nn, _ = pyg()
        self.convs = torch.nn.ModuleList([nn.GCNConv(n_in, dim), nn.GCNConv(dim, dim)])
        self.acts = torch.nn.ModuleList([torch.nn.PReLU(dim), torch.nn.PReLU(dim)])
        self.head = torch.nn.Sequential(torch.nn.Linear(dim, dim), torch.nn.ELU(), torch.nn.Linear(dim, dim))
        self.params = torch.nn.ModuleList([self.convs, self.acts, self.head])
        _init(self.params, gen)

    def __call__(self, x, ei):
        h = x
        for conv, act in zip(self.convs, self.acts):
            h = act(conv(h, ei))  # [n, dim]
        return h


def random_view(x, pairs, gen, drop_edges: float, mask_features: float):
    """One augmented view: each undirected edge dropped with probability p, feature columns masked."""
    import torch

    keep = torch.rand(pairs.shape[1], generator=gen) >= drop_edges  # [E]
    kept = pairs[:, keep]  # [2, E']
    ei = torch.cat([kept, kept.flip(0)], dim=1)  # [2, 2E'] both directions
    cols = (torch.rand(x.shape[1], generator=gen) >= mask_features).to(x.dtype)  # [d]
    return x * cols, ei


def info_nce(z1, z2, tau: float):
    """GRACE's loss for view 1 against view 2 (eq. 1 of the paper): [n]."""
    import torch
    import torch.nn.functional as F

    z1, z2 = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    within = torch.exp(z1 @ z1.T / tau)  # [n, n] same view
    between = torch.exp(z1 @ z2.T / tau)  # [n, n] other view
    return -torch.log(between.diag() / (within.sum(1) - within.diag() + between.sum(1)))


def probe(z: np.ndarray, labels: np.ndarray, labelled) -> tuple[float, np.ndarray]:
    """Linear probe: logistic regression on the labelled members' standardised embeddings."""
    from sklearn.linear_model import LogisticRegression

    z = (z - z.mean(0)) / (z.std(0) + 1e-9)  # [n, dim]
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(z[list(labelled)], labels[list(labelled)])
    pred = clf.predict(z)
    return accuracy(pred, labels, labelled), pred


def pca2(z: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """2-D PCA of this frame's embeddings, each axis's sign chosen to agree with the last frame, scaled to +-1."""
    from sklearn.decomposition import PCA

    c = PCA(n_components=2, svd_solver="full").fit_transform(z)  # [n, 2]
    if previous is not None:
        c *= np.where((c * previous).sum(0) < 0, -1.0, 1.0)
    return c / (np.abs(c).max() + 1e-12)


def grace_steps(seed: int = 0, labelled_choice: str = "leaders", epochs: int = GRACE_EPOCHS,
                every: int = EVERY) -> Iterator[Frame]:
    import torch

    g, labels = karate_labels()
    labelled = pick_labelled(labels, labelled_choice, seed)
    gen = torch.Generator().manual_seed(int(seed))
    x = torch.eye(g.n)  # [34, 34]
    ei = edge_index(g)
    pairs = ei[:, : ei.shape[1] // 2]  # [2, E] each undirected edge once
    enc = Encoder(g.n, GRACE_DIM, gen)
    opt = torch.optim.Adam(enc.params.parameters(), lr=0.01)
    history, coords = [], None

    def loss_and_frame(epoch: int, framed: bool):
        nonlocal coords
        x1, e1 = random_view(x, pairs, gen, GRACE_DROP_EDGES, GRACE_MASK_FEATURES)
        x2, e2 = random_view(x, pairs, gen, GRACE_DROP_EDGES, GRACE_MASK_FEATURES)
        h1, h2 = enc.head(enc(x1, e1)), enc.head(enc(x2, e2))  # [34, 16] each
        loss = 0.5 * (info_nce(h1, h2, GRACE_TAU) + info_nce(h2, h1, GRACE_TAU)).mean()
        if not framed:
            return loss, None
        with torch.no_grad():
            z = enc(x, ei).numpy()  # [34, 16] the embeddings of the whole graph
        acc, pred = probe(z, labels, labelled)
        coords = pca2(z, coords)
        history.append((epoch, loss.item(), acc))
        frame = Frame("grace", epoch, epochs, loss.item(), acc, coords, list(history), labelled, pred,
                      final=epoch == epochs, map_note="the 16 numbers per member drawn by PCA, axes flipped to match "
                                                      "the last frame, scaled to ±1")
        if frame.final:
            frame.baseline = probe(np.eye(g.n), labels, labelled)[0]
        return loss, frame

    yield from epochs_with_frames(loss_and_frame, opt, epochs, every)


STEPPERS = {"gcn": gcn_steps, "grace": grace_steps}


def run(method: str = "gcn", seed: int = 0, labelled_choice: str = "leaders") -> Frame:
    """Train to the end; the last frame."""
    if method not in STEPPERS:
        raise InputError(f"Unknown method '{method}'; use 'gcn' (4 labels) or 'grace' (no labels + probe).")
    frame = None
    for frame in STEPPERS[method](seed, labelled_choice):
        pass
    return frame
