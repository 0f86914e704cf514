"""Python's cyclic garbage collector, tuned for a server whose objects live long."""

from __future__ import annotations

import gc

from ..settings import get_settings

GC_YOUNG = 7000  # allocations between young collections (Python's default is 700)
TUNE_IN_WORKERS = "BACKPROP_EXPLAINER_TUNE_GC"  # set for uvicorn's workers: each tunes at its start


def tune_collector() -> None:
    """Python's cyclic collector, tuned for a server whose objects live long.

    Everything made at start-up (modules, the app, the measured costs) is frozen out of
    the collector's sight, and the youngest generation is collected ten times less often:
    a step allocates a few hundred tracked objects, all freed by reference counting, so
    frequent young collections only cost time, and each one that reaches the oldest
    generation walks every session the server holds -- the pauses behind the slow tail.
    """
    mode = get_settings().gc_mode
    if mode == "default":
        return
    gc.collect()
    gc.freeze()
    if mode == "tuned":
        gc.set_threshold(GC_YOUNG, 20, 20)
