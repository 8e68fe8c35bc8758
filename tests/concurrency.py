"""Running actions at the same instant in separate threads and database connections."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections


def race(load: Callable[[], object], actions: Sequence[Callable[[object], object]]) -> list:
    """Run each action on its own freshly loaded object, in its own thread and connection,
    all released at the same instant; returns each action's result or the error it raised."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            obj = load()
            barrier.wait(timeout=10)
            outcomes[index] = action(obj)
        except Exception as exc:  # the outcome under test may be any error
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
