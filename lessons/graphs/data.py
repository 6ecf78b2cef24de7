"""Graphs for the lesson: small real graphs bundled with networkx, and edge lists a student types or uploads.

Pure Python + networkx, no Gradio, no torch. Every graph becomes a ``Graph``: node names in a fixed
order, undirected edges as index pairs, and a group per node for colouring (the karate club's two
factions as recorded by Zachary; for other graphs, communities found by networkx's greedy modularity
method, and said so).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np

from media.errors import InputError

MAX_NODES = 200  # a map and a colour strip per node must stay readable on a projector
MAX_EDGES = 2000
MAX_NAME_CHARS = 40
MAX_TEXT_CHARS = 60_000  # typed or uploaded edge list
MAX_FILE_BYTES = MAX_TEXT_CHARS  # bytes >= characters, so a file within it is within the text limit too


@dataclass(frozen=True)
class Graph:
    key: str  # "karate", "les-miserables", ... or "typed"
    title: str  # for people
    names: tuple[str, ...]  # node names, index order
    edges: tuple[tuple[int, int], ...]  # undirected, i < j, each once, no self-loops
    groups: tuple[str, ...]  # one label per node (colour on the maps)
    group_note: str  # where the groups come from
    source: str = ""  # where the data comes from

    @property
    def n(self) -> int:
        return len(self.names)

    def nx(self) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        g.add_edges_from(self.edges)
        return g

    def adjacency(self) -> np.ndarray:
        a = np.zeros((self.n, self.n))  # [n, n], symmetric 0/1
        for i, j in self.edges:
            a[i, j] = a[j, i] = 1.0
        return a

    def degrees(self) -> np.ndarray:
        return self.adjacency().sum(1).astype(int)  # [n]


def _from_nx(key: str, title: str, g: nx.Graph, groups: list[str] | None, group_note: str, source: str) -> Graph:
    nodes = list(g.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges if u != v})
    names = tuple(str(v) for v in nodes)
    if groups is None:
        groups, group_note = communities(len(nodes), edges)
    return Graph(key, title, names, tuple(edges), tuple(groups), group_note, source)


def communities(n: int, edges) -> tuple[list[str], str]:
    """Groups by networkx's greedy modularity communities (deterministic), largest first."""
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    found = nx.algorithms.community.greedy_modularity_communities(g) if edges else [set(range(n))]
    label = [""] * n
    for c, members in enumerate(sorted(found, key=lambda s: (-len(s), min(s))), 1):
        for v in members:
            label[v] = f"community {c}"
    return label, ("colours: communities found from the edges alone by networkx's greedy modularity "
                   "method (not labels anyone recorded)")


def karate() -> Graph:
    g = nx.karate_club_graph()  # Zachary (1977): 34 members, 78 ties
    names = []
    for v in g.nodes:
        if v == 0:
            names.append("0 Mr. Hi")
        elif v == 33:
            names.append("33 Officer")
        else:
            names.append(str(v))
    groups = [g.nodes[v]["club"] for v in g.nodes]  # "Mr. Hi" or "Officer": the side each member took
    base = _from_nx("karate", "Zachary's karate club", g, groups,
                    "colours: the faction each member joined when the club split (Zachary 1977)",
                    "networkx.karate_club_graph()")
    return Graph(base.key, base.title, tuple(names), base.edges, base.groups, base.group_note, base.source)


def triangle() -> Graph:
    return Graph("triangle", "A triangle", ("a", "b", "c"), ((0, 1), (0, 2), (1, 2)),
                 ("triangle",) * 3, "one triangle", "typed")


def two_triangles() -> Graph:
    return Graph("two-triangles", "Two triangles (one graph)", ("a", "b", "c", "a'", "b'", "c'"),
                 ((0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)),
                 ("first copy",) * 3 + ("second copy",) * 3, "two copies of one triangle", "typed")


BUILDERS = {
    "karate": karate,
    "les-miserables": lambda: _from_nx("les-miserables", "Les Misérables co-appearances", nx.les_miserables_graph(),
                                       None, "", "networkx.les_miserables_graph() (Knuth 1993)"),
    "florentine": lambda: _from_nx("florentine", "Florentine families (marriages)", nx.florentine_families_graph(),
                                   None, "", "networkx.florentine_families_graph() (Padgett 1993)"),
    "triangle": triangle,
    "two-triangles": two_triangles,
}
BUNDLED = tuple(BUILDERS)
ALIASES = {"lesmis": "les-miserables", "les_miserables": "les-miserables", "karate-club": "karate",
           "karate_club": "karate", "two_triangles": "two-triangles"}


@lru_cache(maxsize=None)
def bundled(name: str) -> Graph:
    return BUILDERS[name]()


_SPLIT = re.compile(r"[\s,;\t]+")


def parse_edges(text: str, title: str = "Your graph") -> Graph:
    """An edge list, one edge ``u v`` per line (spaces, tabs, commas or semicolons between the two names).

    A line with one name adds a node without edges; ``#`` starts a comment; repeated edges count
    once and a self-loop ``a a`` only adds the node (every rule here adds self-loops itself).
    """
    text = str(text or "")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"That edge list has {len(text):,} characters; this lesson takes at most "
                         f"{MAX_TEXT_CHARS:,} ({MAX_EDGES:,} edges).")
    index: dict[str, int] = {}
    edges: set[tuple[int, int]] = set()

    def node(name: str, line_no: int) -> int:
        if len(name) > MAX_NAME_CHARS:
            raise InputError(f"Line {line_no}: the node name '{name[:20]}…' is longer than {MAX_NAME_CHARS} "
                             "characters.")
        if name not in index:
            if len(index) >= MAX_NODES:
                raise InputError(f"That graph has more than {MAX_NODES} nodes; this lesson draws at most "
                                 f"{MAX_NODES} (a map and a colour strip each).")
            index[name] = len(index)
        return index[name]

    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p for p in _SPLIT.split(line) if p]
        if len(parts) > 2:
            raise InputError(f"Line {line_no} has {len(parts)} names ('{line[:40]}'); write one edge per line: "
                             "two node names, e.g. 'alice bob'.")
        ids = [node(p, line_no) for p in parts]
        if len(ids) == 2 and ids[0] != ids[1]:
            edges.add((min(ids), max(ids)))
            if len(edges) > MAX_EDGES:
                raise InputError(f"That graph has more than {MAX_EDGES:,} edges; this lesson takes at most "
                                 f"{MAX_EDGES:,}.")
    if not index:
        raise InputError("Type some edges, one per line, e.g. 'a b' then 'b c', or pick a bundled graph: "
                         + ", ".join(BUNDLED) + ".")
    if not edges:
        raise InputError("Those lines name nodes but no edges between two different nodes; message passing "
                         "needs at least one edge, e.g. 'a b'.")
    names = tuple(index)
    groups, note = communities(len(names), sorted(edges))
    return Graph("typed", title, names, tuple(sorted(edges)), tuple(groups), note, "typed edge list")


def load(edges: str | None) -> Graph:
    """A bundled graph by name ('karate', 'les-miserables', 'florentine', 'triangle', 'two-triangles'),
    or an edge list typed as text (two or more lines, or one line with two names)."""
    text = str(edges or "").strip()
    if not text:
        raise InputError("Give a graph: a bundled name (" + ", ".join(BUNDLED) + ") or edges, one 'u v' per line.")
    key = ALIASES.get(text.lower(), text.lower())
    if key in BUILDERS:
        return bundled(key)
    if "\n" not in text and len(_SPLIT.split(text)) == 1:
        raise InputError(f"There is no bundled graph called '{text[:40]}'. Use one of: {', '.join(BUNDLED)}; "
                         "or type edges, one 'u v' per line.")
    return parse_edges(text)


def read_edge_file(path: str) -> str:
    """The text of an uploaded edge list (.txt, .csv, .tsv, .edgelist), checked for size and encoding."""
    name = os.path.basename(path)
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise InputError(f"'{name}' is {size / 1000:.0f} kB; an edge list here may be at most "
                         f"{MAX_FILE_BYTES // 1000} kB (and {MAX_EDGES:,} edges).")
    with open(path, "rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if b"\x00" in raw:
        raise InputError(f"'{name}' is not a text file; upload a plain-text edge list, one 'u v' per line.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"'{name}' is not UTF-8 text; save it as plain text (UTF-8), one 'u v' per line.") from None
    parse_edges(text)  # check it now, so the error names the file's problem before anything else
    return text
