"""Class-board rooms: in memory only, isolated, capped, expiring, thread-safe. No Gradio, no models.

A teacher creates a room and gets a join code (6 letters from an alphabet without look-alikes,
drawn with ``secrets``) and a teacher key (128 random bits). Students add items with the code;
only the key can hide, remove, lock, clear, refit or end. Nothing is written to disk: a room's
items, vectors and media previews live in this process and are dropped when the room ends or
expires (idle time, or a maximum age), so a restart also ends every room.

Guessing codes: 18^6 = 34 million codes; wrong (well-formed) codes are counted per client key
(``session:...``, ``address:...``) in a sliding window, and a client over its limit is refused
before the code is even looked up. Ended and expired codes answer "this board has ended" for a
day (without counting as wrong), so a projector still polling an ended board is not punished.

Every time-dependent rule reads ``clock`` (default ``time.monotonic``), so tests inject a fake one.
"""
from __future__ import annotations

import collections
import contextlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np

from board.space import KINDS, StableMap, check_kind, neighbours
from media.errors import InputError

ALPHABET = "ACDEFGHJKMNPRTUWXY"  # no B (8), I and L (1), O and Q (0), S (5), V (U), Z (2)
CODE_LENGTH = 6
LOOK_ALIKES = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"})  # only to explain typos


@dataclass(frozen=True)
class RoomLimits:
    max_rooms: int = 100  # rooms alive at once in this process
    max_items: int = 300  # per room
    max_per_student: int = 20
    max_text_chars: int = 300  # one sentence on the board
    max_name_chars: int = 40
    idle_s: float = 3 * 3600.0  # a room ends this long after its last addition or teacher action
    max_age_s: float = 12 * 3600.0  # and at the latest this long after it was created
    wrong_per_client: int = 10  # wrong codes per client key in the window...
    wrong_per_address: int = 60  # ...but more per network address (a class shares one)
    wrong_window_s: float = 600.0
    ended_memory_s: float = 24 * 3600.0  # how long an ended code answers "ended"


LIMITS = RoomLimits()


class RoomGone(InputError):
    """The room ended or expired (the message says which)."""


def normalise_code(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").upper()


def code_is_wellformed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


@dataclass
class Item:
    id: str
    modality: str  # text | image | audio
    label: str  # what the board shows
    vector: np.ndarray  # [dim], unit length
    student: str  # who added it: private, never shown or returned
    name: str = ""  # optional name the student chose to show
    terms: tuple[str, ...] = ()  # what the label bridge read a picture or sound as
    thumb: bytes = b""  # small JPEG for the map (pictures)
    preview: bytes = b""  # larger JPEG (pictures) or Ogg Vorbis (sounds), for the item panel
    hidden: bool = False
    added_at: float = 0.0


@dataclass
class Board:
    """A snapshot of a room's visible items (cached per room version; treat as read-only)."""

    code: str
    version: int
    space: str  # encoder key
    kind: str
    locked: bool
    items: list[Item]
    coords: np.ndarray  # [n, 2]
    vectors: np.ndarray  # [n, dim]
    nb_index: np.ndarray  # [n, k] rows of ``items``
    nb_cosine: np.ndarray  # [n, k]
    extent: tuple[tuple[float, float], tuple[float, float]]
    map_method: str
    map_fits: int
    total: int  # items including hidden ones (what the cap counts)
    hidden: int
    expires_in_s: float

    def neighbours_of(self, i: int) -> list[tuple[Item, float]]:
        return [(self.items[j], float(c)) for j, c in zip(self.nb_index[i], self.nb_cosine[i])]

    def index_of(self, item_id: str) -> int:
        for i, item in enumerate(self.items):
            if item.id == item_id:
                return i
        raise InputError(f"There is no item {item_id!r} on this board.")


@dataclass
class Room:
    code: str
    teacher_key: str
    kind: str
    space: str
    created: float
    touched: float
    limits: RoomLimits
    locked: bool = False
    items: dict[str, Item] = field(default_factory=dict)  # in order of addition
    per_student: collections.Counter = field(default_factory=collections.Counter)
    pending: collections.Counter = field(default_factory=collections.Counter)  # additions in flight
    next_id: int = 1
    version: int = 1
    map: StableMap = field(default_factory=StableMap)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _board: Board | None = None

    @property
    def modalities(self) -> tuple[str, ...]:
        return KINDS[self.kind]

    def expires_at(self) -> float:
        return min(self.touched + self.limits.idle_s, self.created + self.limits.max_age_s)

    def changed(self, now: float, touch: bool = True) -> None:
        self.version += 1
        self._board = None
        if touch:
            self.touched = now

    def visible(self) -> list[Item]:
        return [it for it in self.items.values() if not it.hidden]

    def sync_map(self) -> None:
        shown = self.visible()
        vectors = np.stack([it.vector for it in shown]) if shown else np.zeros((0, 1), np.float32)  # [n, dim]
        self.map.sync([it.id for it in shown], vectors)

    def own_items(self, student: str) -> list[Item]:
        return [it for it in self.items.values() if it.student == student]


class RoomStore:
    """All rooms of this process. Thread-safe: a store lock for the code table and counters, one
    lock per room for its items; embedding happens outside both (``reserve`` then ``commit``)."""

    def __init__(self, limits: RoomLimits = LIMITS, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._lock = threading.RLock()
        self._rooms: dict[str, Room] = {}
        self._ended: dict[str, tuple[float, str]] = {}  # code -> (when, why)
        self._wrong: dict[str, collections.deque] = {}  # client key -> times of wrong codes

    # -- lifetime --------------------------------------------------------------------------
    def sweep(self) -> None:
        """End expired rooms; forget old tombstones and old wrong-code records."""
        now = self.clock()
        with self._lock:
            for code in [c for c, r in self._rooms.items() if r.expires_at() <= now]:
                self._drop(code, "expired: nothing was added or changed for a while")
            for code in [c for c, (t, _) in self._ended.items() if now - t > self.limits.ended_memory_s]:
                del self._ended[code]
            for key in list(self._wrong):
                times = self._wrong[key]
                while times and now - times[0] > self.limits.wrong_window_s:
                    times.popleft()
                if not times:
                    del self._wrong[key]

    def _drop(self, code: str, why: str) -> None:
        room = self._rooms.pop(code, None)
        if room is None:
            return
        with room.lock:  # drop every item's vector and media now, not when the last reference goes
            room.items.clear()
            room.map.reset()
            room._board = None
        self._ended[code] = (self.clock(), why)

    def count(self) -> int:
        with self._lock:
            return len(self._rooms)

    def create(self, kind: str, space: str) -> Room:
        kind = check_kind(kind)
        self.sweep()
        with self._lock:
            if len(self._rooms) >= self.limits.max_rooms:
                raise InputError(f"This server already runs {len(self._rooms)} class boards, its limit; "
                                 "please try again later or end a board you no longer need.")
            while True:
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                if code not in self._rooms and code not in self._ended:
                    break
            now = self.clock()
            room = Room(code=code, teacher_key=secrets.token_urlsafe(16), kind=kind, space=space,
                        created=now, touched=now, limits=self.limits)
            self._rooms[code] = room
            return room

    # -- finding a room --------------------------------------------------------------------
    def _limit_for(self, key: str) -> int:
        return self.limits.wrong_per_address if key.startswith("address:") else self.limits.wrong_per_client

    def _refuse_if_blocked(self, clients: Iterable[str], now: float) -> None:
        for key in clients:
            times = self._wrong.get(key)
            if not times:
                continue
            while times and now - times[0] > self.limits.wrong_window_s:
                times.popleft()
            if len(times) >= self._limit_for(key):
                wait = max(1, int((self.limits.wrong_window_s - (now - times[0])) // 60) + 1)
                raise InputError(f"Too many wrong board codes from here. Check the code on the board and try "
                                 f"again in {wait} minute{'s' if wait > 1 else ''}.")

    def _record_wrong(self, clients: Iterable[str], now: float) -> None:
        for key in clients:
            self._wrong.setdefault(key, collections.deque()).append(now)
        if len(self._wrong) > 20_000:  # bounded memory: forget the quietest keys
            for key in sorted(self._wrong, key=lambda k: self._wrong[k][-1] if self._wrong[k] else 0)[:10_000]:
                del self._wrong[key]

    def get(self, code: str, clients: Iterable[str] = ()) -> Room:
        """The live room with this code, or a clear InputError (and a wrong attempt counted)."""
        clients = tuple(clients)
        raw = normalise_code(code)
        self.sweep()
        now = self.clock()
        with self._lock:
            self._refuse_if_blocked(clients, now)
            if not raw:
                raise InputError("Type the board's code: the 6 letters shown on the board.")
            if not code_is_wellformed(raw):
                hint = ""
                if any(ch in "01258" for ch in raw):
                    hint = " Codes have no digits: 0 is the letter O's look-alike and is never used, and so on."
                raise InputError(f"'{raw[:12]}' is not a board code; a code is {CODE_LENGTH} letters, like "
                                 f"'KMRTXY'.{hint}")
            room = self._rooms.get(raw)
            if room is not None:
                return room
            if raw in self._ended:
                raise RoomGone(f"Board {raw} has ended ({self._ended[raw][1]}); its items were deleted.")
            self._record_wrong(clients, now)
            raise InputError(f"There is no board with the code {raw}. Check the letters on the board.")

    def teacher_room(self, code: str, teacher_key: str, clients: Iterable[str] = ()) -> Room:
        """The room, if ``teacher_key`` is its key; otherwise a clear error and nothing changes."""
        room = self.get(code, clients)
        if not secrets.compare_digest(str(teacher_key or "").strip().encode(), room.teacher_key.encode()):
            with self._lock:
                self._record_wrong(tuple(clients), self.clock())
            raise InputError("That teacher key does not match this board, so nothing was changed. "
                             "Only the teacher who created the board has its key.")
        return room

    # -- adding ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def reserve(self, room: Room, student: str, modality: str) -> Iterator[None]:
        """Hold a place for one item while it is decoded and embedded (caps stay exact)."""
        with room.lock:
            self._check_open(room)
            if modality not in room.modalities:
                names = {"text": "sentences", "image": "pictures", "audio": "sounds"}
                raise InputError(f"This board takes {' and '.join(names[m] for m in room.modalities)}, "
                                 f"not {names.get(modality, modality)}.")
            if len(room.items) + sum(room.pending.values()) >= self.limits.max_items:
                raise InputError(f"The board is full: it holds at most {self.limits.max_items} items.")
            if room.per_student[student] + room.pending[student] >= self.limits.max_per_student:
                raise InputError(f"You have added {self.limits.max_per_student} items, the most one student "
                                 "can add to a board.")
            room.pending[student] += 1
        try:
            yield
        finally:
            with room.lock:
                room.pending[student] -= 1
                if room.pending[student] <= 0:
                    del room.pending[student]

    def _check_open(self, room: Room) -> None:
        with self._lock:
            if self._rooms.get(room.code) is not room:
                why = self._ended.get(room.code, (0, "ended"))[1]
                raise RoomGone(f"Board {room.code} has ended ({why}); its items were deleted.")
        if room.locked:
            raise InputError("The teacher has locked this board: no more items for now.")

    def commit(self, room: Room, student: str, numbered: str = "item {id}", **fields) -> Item:
        """Add an item (call inside ``reserve``); it gets the next id and a place on the map.

        An item without a label is called ``numbered`` with its id filled in ("picture 7").
        """
        with room.lock:
            self._check_open(room)
            item_id = str(room.next_id)
            if not fields.get("label"):
                fields["label"] = numbered.replace("{id}", item_id)
            item = Item(id=item_id, student=student, added_at=self.clock(), **fields)
            room.next_id += 1
            room.items[item.id] = item
            room.per_student[student] += 1
            room.sync_map()
            room.changed(self.clock())
            return item

    # -- the board ---------------------------------------------------------------------------
    def board(self, room: Room, k: int = 3) -> Board:
        """The room's visible items with positions and nearest neighbours (cached per version)."""
        with room.lock:
            if room._board is not None and room._board.version == room.version:
                room._board.expires_in_s = max(0.0, room.expires_at() - self.clock())
                return room._board
            shown = room.visible()
            room.sync_map()
            vectors = (np.stack([it.vector for it in shown]) if shown
                       else np.zeros((0, 1), dtype=np.float32))  # [n, dim]
            idx, cos = neighbours(vectors, k)  # [n, k]
            board = Board(
                code=room.code, version=room.version, space=room.space, kind=room.kind, locked=room.locked,
                items=shown, coords=room.map.positions([it.id for it in shown]), vectors=vectors,
                nb_index=idx, nb_cosine=cos, extent=room.map.extent(), map_method=room.map.used_method,
                map_fits=room.map.fits, total=len(room.items), hidden=len(room.items) - len(shown),
                expires_in_s=max(0.0, room.expires_at() - self.clock()))
            room._board = board
            return board

    # -- the teacher's controls (callers check the key with teacher_room) ---------------------
    def set_hidden(self, room: Room, item_id: str, hidden: bool) -> Item:
        with room.lock:
            item = self._item(room, item_id)
            if item.hidden != hidden:
                item.hidden = hidden
                room.sync_map()
                room.changed(self.clock())
            return item

    def remove(self, room: Room, item_id: str) -> Item:
        with room.lock:
            item = self._item(room, item_id)
            del room.items[item.id]
            # the student's count stays: removing an item does not give its author a new one
            room.sync_map()
            room.changed(self.clock())
            return item

    def set_locked(self, room: Room, locked: bool) -> None:
        with room.lock:
            if room.locked != locked:
                room.locked = locked
                room.changed(self.clock())

    def clear(self, room: Room) -> None:
        with room.lock:
            room.items.clear()
            room.per_student.clear()
            room.map.reset()
            room.changed(self.clock())

    def refit(self, room: Room, method: str = "pca") -> None:
        if method not in ("pca", "umap"):
            raise InputError(f"Unknown map method '{method}'; use pca or umap.")
        with room.lock:
            shown = room.visible()
            vectors = np.stack([it.vector for it in shown]) if shown else np.zeros((0, 1), np.float32)
            room.map.refit([it.id for it in shown], vectors, method)
            room.changed(self.clock())

    def end(self, room: Room) -> None:
        with self._lock:
            self._drop(room.code, "the teacher ended it")

    def _item(self, room: Room, item_id: str) -> Item:
        item = room.items.get(str(item_id or "").strip().lstrip("#"))
        if item is None:
            raise InputError(f"There is no item {str(item_id)[:20]!r} on this board.")
        return item
