"""Batch work on a Dask cluster: ``--cluster local`` or ``--cluster tcp://host:8786``.

``local`` starts a ``LocalCluster`` of worker processes (one thread each: parsing and spaCy
hold the GIL) and stops it afterwards; an address joins a running scheduler and leaves it
running. Workers parse and extract; results come back to this process, which writes them to
the store once each, in order of completion (``distributed.as_completed``).

Files are passed by path: on a multi-machine cluster every worker must see the same paths
(a shared file system), and should run the same kehoach version -- each run records the
extractor version of the worker that made it.

Dask workers run tasks in threads, so parse time limits fall back to the guard's thread mode
(see ``extract/parse/guard.py``); a stuck C call keeps its thread busy until it returns.
The program that starts a LocalCluster needs an ``if __name__ == "__main__":`` guard.
"""
from __future__ import annotations

import itertools
import logging
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

LOCAL_WORKERS = 2
TASKS_PER_THREAD = 2  # tasks in flight per worker thread: enough to keep them busy, no more


class DaskRunner:
    """``imap_unordered`` on a Dask client; ``warm_up`` runs once on every worker before the
    first task (on the batch's clock, as the process pool's start-up is)."""

    def __init__(self, client, warm_up: Callable[[], None] | None = None) -> None:
        self.client = client
        self.warm_up = warm_up

    def _window(self) -> int:
        threads = sum(self.client.nthreads().values()) or 1
        return max(2, TASKS_PER_THREAD * threads)

    def imap_unordered(self, func: Callable, tasks: Iterable) -> Iterator[tuple[object, object]]:
        from distributed import as_completed

        source = iter(tasks)
        try:  # nothing to do: no warming up either
            first = next(source)
        except StopIteration:
            return
        source = itertools.chain([first], source)
        if self.warm_up is not None:
            self.client.run(self.warm_up)
            self.warm_up = None
        futures: dict = {}
        pending = as_completed()

        def submit_next() -> bool:
            for task in source:
                future = self.client.submit(func, task, pure=False)
                futures[future.key] = task
                pending.add(future)
                return True
            return False

        for _ in range(self._window()):
            if not submit_next():
                break
        for future in pending:
            task = futures.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # the worker died (KilledWorker), the task could not run...
                result = " ".join(f"cluster error ({type(exc).__name__}: {exc})".split())
            future.release()  # let the worker drop it: each result is held once, until written
            yield task, result
            submit_next()


def local_cluster(n_workers: int = LOCAL_WORKERS):
    from distributed import LocalCluster

    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR)


@contextmanager
def dask_client(spec: str, workers: int | None = None):
    """A connected ``distributed.Client``: its own LocalCluster for "local", else the scheduler at ``spec``."""
    from distributed import Client

    if spec == "local":
        with local_cluster(workers or LOCAL_WORKERS) as cluster, Client(cluster) as client:
            yield client
    else:
        with Client(spec, timeout="30s") as client:
            yield client


@contextmanager
def dask_runner(spec: str, workers: int | None = None, warm_up: Callable[[], None] | None = None):
    with dask_client(spec, workers) as client:
        yield DaskRunner(client, warm_up)


__all__ = ["DaskRunner", "dask_client", "dask_runner", "local_cluster"]
