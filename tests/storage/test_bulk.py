"""Building a loaded spec keeps the collector away and leaves it in the oldest generation."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from align_studio import bulk


@pytest.fixture(autouse=True)
def _collection_on() -> Iterator[None]:
    """Automatic collection on, as in the CLI; whatever state it was in comes back."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector could free it


def test_what_is_built_goes_straight_to_the_oldest_generation() -> None:
    gc.collect()
    with bulk.building():
        assert not gc.isenabled() and bulk.collection_paused()
        built = [Node() for _ in range(1000)]
        assert gc.get_count()[0] > 0
    assert gc.isenabled() and not bulk.collection_paused()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    young = {id(o) for g in (0, 1) for o in gc.get_objects(generation=g)}
    assert all(id(n) in oldest and id(n) not in young for n in built)
    assert gc.get_freeze_count() == 0  # promoted, not left frozen


def test_a_run_that_froze_objects_keeps_them_and_the_new_ones_frozen() -> None:
    gc.freeze()  # as the run controller does while a run streams
    try:
        with bulk.building():
            built = Node()
        assert gc.get_freeze_count() > 0
        assert id(built) not in {id(o) for o in gc.get_objects(generation=2)}
    finally:
        gc.unfreeze()
    assert id(built) in {id(o) for o in gc.get_objects(generation=2)}


def test_nested_and_concurrent_builders_restore_collection_once_all_end() -> None:
    inside = threading.Event()
    release = threading.Event()

    def other() -> None:
        with bulk.building():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    worker.start()
    inside.wait(5)
    with bulk.building(), bulk.building():
        assert bulk.collection_paused()
    assert not gc.isenabled() and bulk.collection_paused()  # the worker still builds
    release.set()
    worker.join(5)
    assert gc.isenabled() and not bulk.collection_paused()


def test_collection_stays_off_when_the_app_turned_it_off() -> None:
    gc.disable()  # the GUI's collector runs from a timer instead
    try:
        with bulk.building():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
