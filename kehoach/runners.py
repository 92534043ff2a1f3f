"""Where batch work runs: this process, a local process pool, or a Dask cluster.

Every runner has ``imap_unordered(func, tasks)`` yielding ``(task, result)`` in order of
completion, pulling tasks lazily so a batch of 10,000 files never sits in memory at once.
``open_runner(workers, cluster)`` picks one: ``cluster`` set -> Dask (``kehoach.cluster``);
``workers == 0`` -> in this process (no isolation: for debugging); otherwise a process pool.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from .pool import ProcessPool, WorkerFailure


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class SerialRunner:
    """Runs each task here, one after another."""

    def imap_unordered(self, func: Callable, tasks: Iterable) -> Iterator[tuple[object, object]]:
        for task in tasks:
            yield task, func(task)


class PoolRunner:
    """A fresh ``ProcessPool`` per job; a worker stuck past ``hard_timeout_s`` is killed."""

    def __init__(self, workers: int, hard_timeout_s: float | None = None,
                 initializer: Callable[[], None] | None = None) -> None:
        self.workers = workers
        self.hard_timeout_s = hard_timeout_s
        self.initializer = initializer

    def imap_unordered(self, func: Callable, tasks: Iterable) -> Iterator[tuple[object, object]]:
        with ProcessPool(self.workers, func, hard_timeout_s=self.hard_timeout_s,
                         initializer=self.initializer) as pool:
            for task, result in pool.imap_unordered(tasks):
                yield task, (result.reason if isinstance(result, WorkerFailure) else result)


@contextmanager
def open_runner(workers: int | None = None, cluster: str | None = None,
                hard_timeout_s: float | None = None, warm_up: Callable[[], None] | None = None):
    """The runner for ``--workers`` / ``--cluster``, shut down when the block ends."""
    if cluster:
        from .cluster import dask_runner

        with dask_runner(cluster, workers, warm_up=warm_up) as runner:
            yield runner
        return
    workers = default_workers() if workers is None else workers
    if workers <= 0:
        yield SerialRunner()
    else:
        yield PoolRunner(workers, hard_timeout_s, warm_up)


__all__ = ["PoolRunner", "SerialRunner", "default_workers", "open_runner"]
