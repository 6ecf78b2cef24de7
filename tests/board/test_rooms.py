"""Rooms: codes, keys, caps, isolation, wrong-code limits, expiry with an injected clock (plumbing: unit vectors
made up here; the real model is in tests/api/test_board_api.py)."""
import threading

import numpy as np
import pytest

from board.rooms import ALPHABET, CODE_LENGTH, RoomGone, RoomLimits, RoomStore
from media.errors import InputError


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def unit(seed, dim=16):
    v = np.random.default_rng(seed).normal(size=dim).astype(np.float32)
    return v / np.linalg.norm(v)


def add(store, room, student, seed, label=None, modality="text"):
    with store.reserve(room, student, modality):
        return store.commit(room, student, modality=modality, label=label or f"item {seed}", vector=unit(seed))


def test_codes_are_six_letters_without_look_alikes_and_differ():
    assert not set(ALPHABET) & set("BILOQSVZ0123456789")
    store = RoomStore(RoomLimits(max_rooms=500))
    codes = {store.create("text", "minilm").code for _ in range(300)}
    assert len(codes) == 300  # 18^6 = 34 million codes: 300 draws do not collide here
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    keys = {store.get(c).teacher_key for c in codes}
    assert len(keys) == 300 and min(len(k) for k in keys) >= 20


def test_lowercase_and_spaces_in_a_typed_code_are_fine():
    store = RoomStore()
    room = store.create("text", "minilm")
    assert store.get(f" {room.code[:3].lower()} {room.code[3:].lower()} ") is room


def test_rooms_are_isolated():
    store = RoomStore()
    a, b = store.create("text", "minilm"), store.create("text", "minilm")
    add(store, a, "s1", 1, "only in A")
    add(store, b, "s2", 2, "only in B")
    assert [it.label for it in store.board(a).items] == ["only in A"]
    assert [it.label for it in store.board(b).items] == ["only in B"]


def test_a_wrong_teacher_key_changes_nothing():
    store = RoomStore()
    room = store.create("text", "minilm")
    item = add(store, room, "s1", 1)
    version = room.version
    for key in ("", "nope", room.teacher_key[:-1], store.create("text", "minilm").teacher_key):
        with pytest.raises(InputError, match="does not match"):
            store.teacher_room(room.code, key)
    assert room.version == version and item.id in room.items
    assert store.teacher_room(room.code, room.teacher_key) is room


def test_caps_per_student_and_per_room_hold_under_concurrency():
    store = RoomStore(RoomLimits(max_items=12, max_per_student=5))
    room = store.create("text", "minilm")
    errors, unexpected = [], []

    def student(n):
        for i in range(8):
            try:
                add(store, room, f"s{n}", 100 * n + i)  # distinct seeds: no two items alike
            except InputError as exc:
                errors.append(str(exc))
            except Exception as exc:  # a thread's crash would otherwise only show as a wrong count
                unexpected.append(repr(exc))

    threads = [threading.Thread(target=student, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert unexpected == []
    assert len(room.items) == 12  # the room cap, exactly
    assert max(room.per_student.values()) <= 5  # the per-student cap, exactly
    assert len(errors) == 4 * 8 - 12


def test_cap_messages_say_the_limit():
    store = RoomStore(RoomLimits(max_items=7, max_per_student=5))
    room = store.create("text", "minilm")
    for i in range(5):
        add(store, room, "s1", i)
    with pytest.raises(InputError, match="added 5 items, the most one student"):
        add(store, room, "s1", 9)
    add(store, room, "s2", 10)
    add(store, room, "s2", 11)
    with pytest.raises(InputError, match="full: it holds at most 7"):
        add(store, room, "s3", 12)


def test_wrong_codes_are_limited_per_client_and_a_wellformed_miss_is_counted():
    store = RoomStore(RoomLimits(wrong_per_client=3, wrong_per_address=5, wrong_window_s=600))
    room = store.create("text", "minilm")
    who = ("session:a", "address:10.0.0.1")
    for _ in range(3):
        with pytest.raises(InputError, match="no board with the code"):
            store.get("KKKKKK" if room.code != "KKKKKK" else "MMMMMM", who)
    with pytest.raises(InputError, match="Too many wrong board codes"):
        store.get(room.code, who)  # even the right code is refused while blocked
    # another session on the same network still gets in until the address limit
    assert store.get(room.code, ("session:b", "address:10.0.0.1")) is room
    # malformed codes explain themselves and are not counted
    with pytest.raises(InputError, match="not a board code"):
        store.get("AB12", ("session:c",))
    assert "session:c" not in store._wrong


def test_wrong_code_block_lifts_after_the_window():
    clock = Clock()
    store = RoomStore(RoomLimits(wrong_per_client=2, wrong_window_s=600), clock=clock)
    room = store.create("text", "minilm")
    for _ in range(2):
        with pytest.raises(InputError):
            store.get("XXXXXX" if room.code != "XXXXXX" else "YYYYYY", ("session:a",))
    with pytest.raises(InputError, match="Too many"):
        store.get(room.code, ("session:a",))
    clock.now += 601
    assert store.get(room.code, ("session:a",)) is room


def test_an_idle_room_expires_and_its_items_are_dropped():
    clock = Clock()
    store = RoomStore(RoomLimits(idle_s=3 * 3600, max_age_s=12 * 3600), clock=clock)
    room = store.create("text", "minilm")
    add(store, room, "s1", 1)
    clock.now += 2 * 3600
    store.board(room)  # looking is not activity...
    add(store, room, "s1", 2)  # ...adding is
    clock.now += 3 * 3600 - 1
    assert store.get(room.code) is room
    clock.now += 2
    with pytest.raises(RoomGone, match="expired"):
        store.get(room.code)
    assert not room.items and store.count() == 0  # vectors and previews are gone, not just hidden
    # a wrong-code count is not charged for a code that existed
    assert not store._wrong


def test_a_busy_room_still_ends_at_its_maximum_age():
    clock = Clock()
    store = RoomStore(RoomLimits(idle_s=3600, max_age_s=5 * 3600), clock=clock)
    room = store.create("text", "minilm")
    for i in range(6):
        clock.now += 3000
        add(store, room, "s1", i)
    clock.now += 3000  # 21,000 s after creation > 5 h
    with pytest.raises(RoomGone):
        store.get(room.code)


def test_lock_hide_remove_clear_end():
    store = RoomStore()
    room = store.create("text", "minilm")
    items = [add(store, room, f"s{i}", i) for i in range(5)]
    store.set_locked(room, True)
    with pytest.raises(InputError, match="locked"):
        add(store, room, "s9", 9)
    store.set_locked(room, False)
    store.set_hidden(room, items[0].id, True)
    snap = store.board(room)
    assert items[0].id not in [it.id for it in snap.items]
    assert all(nb.id != items[0].id for i in range(len(snap.items)) for nb, _ in snap.neighbours_of(i))
    store.remove(room, items[1].id)
    assert items[1].id not in room.items
    with pytest.raises(InputError, match="no item"):
        store.remove(room, "999")
    store.clear(room)
    assert not store.board(room).items and store.get(room.code) is room
    store.end(room)
    with pytest.raises(RoomGone, match="teacher ended"):
        store.get(room.code)


def test_a_room_only_takes_its_modalities_and_room_count_is_capped():
    store = RoomStore(RoomLimits(max_rooms=2))
    room = store.create("text", "minilm")
    with pytest.raises(InputError, match="takes sentences, not pictures"):
        add(store, room, "s1", 1, modality="image")
    store.create("all", "bridge")
    with pytest.raises(InputError, match="limit"):
        store.create("text", "minilm")


def test_old_points_keep_their_place_as_the_board_grows():
    store = RoomStore()
    room = store.create("text", "minilm")
    for i in range(24):
        add(store, room, f"s{i % 6}", i)
    before = {it.id: xy.copy() for it, xy in zip(store.board(room).items, store.board(room).coords)}
    for i in range(24, 40):
        add(store, room, f"t{i % 6}", i)
    after = store.board(room)
    for it, xy in zip(after.items, after.coords):
        if it.id in before:
            np.testing.assert_array_equal(xy, before[it.id])
