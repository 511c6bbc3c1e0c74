"""Pause the cyclic garbage collector around bulk work (private).

Loading a national file allocates millions of objects that live on; every
allocation counts towards a collection, and each full collection walks the whole
heap again. Bulk paths create no reference cycles, so pausing the collector for
their duration loses nothing and saves a third of the time or more.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; nested blocks are fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
