"""Building a large, long-lived structure (a loaded spec) without the collector in the way.

A 1,000-case spec is a few hundred thousand objects, made in one go on a worker thread.
Collecting garbage meanwhile is wasted work, since none of it is garbage yet, and every
young collection walks all of it again while holding the GIL, which stalls the GUI thread.
So while :func:`building` is active automatic collection is off, and at the end everything
built goes straight to the oldest generation, where only the rare full collections look at
it: ``gc.freeze()`` then ``gc.unfreeze()`` moves every tracked object there without walking
any. It is the app's one pause of the collector, local to one bulk load (the YAML loader's
and patcher's). Measured for issue 17 (bench_large_spec, "open the spec", median of 3):
18 ms with it, 46 ms without (the bar is 50 ms).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_was_enabled = False


@contextmanager
def building() -> Iterator[None]:
    """Allocate a large long-lived structure; safe to nest and to use from several threads."""
    global _active, _was_enabled
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
        _active += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                # Everything young (what was built) becomes old. If something else froze
                # objects, leave these frozen too: it unfreezes all.
                already_frozen = gc.get_freeze_count() > 0
                gc.freeze()
                if not already_frozen:
                    gc.unfreeze()
                if _was_enabled:
                    gc.enable()


def collection_paused() -> bool:
    """Whether a structure is being built (a collector should wait)."""
    return _active > 0
