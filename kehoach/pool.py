"""A process pool for untrusted files: one task per worker at a time, each watched.

``ProcessPool(workers, func).imap_unordered(items)`` yields ``(item, result)`` in order of
completion, where ``result`` is what ``func(item)`` returned, or a ``WorkerFailure`` when the
call raised, the worker process died (a crash in C code, the OOM killer) or it ran past the
hard time limit (it is killed). A dead or killed worker is replaced and the rest goes on.

Why not ``concurrent.futures.ProcessPoolExecutor``: when one of its workers dies, every task in
flight fails with ``BrokenProcessPool`` and nobody knows which file did it; it cannot kill a
single stuck task either. Here the parent knows which item each worker holds.

Workers are started with ``spawn`` (no inherited locks, threads or database connections), so
the program that uses the pool needs an ``if __name__ == "__main__":`` guard. They read tasks
from a pipe and exit on end of file: if the parent is killed (even with SIGKILL) they stop
after their current task, and nothing they computed is written anywhere.
"""
from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import signal
import time
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

T = TypeVar("T")

_START_TIMEOUT_S = 300.0  # a worker that cannot import its code in this long will not


@dataclass(frozen=True)
class WorkerFailure:
    """Why an item produced no result (one line)."""

    reason: str


def _worker_main(conn, func: Callable[[Any], Any], initializer: Callable[[], None] | None) -> None:
    # Ctrl-C reaches the whole process group: the parent decides, workers just stop when told.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if initializer is not None:
            initializer()
    except BaseException as exc:  # the parent reports it; one line, no traceback
        conn.send(("init_error", f"{type(exc).__name__}: {exc}"))
        return
    try:
        conn.send(("ready", None))
    except (BrokenPipeError, OSError):  # the batch ended while this worker was starting
        return
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        try:
            message = ("ok", func(item))
        except BaseException as exc:
            message = ("error", _one_line(exc))
        try:
            conn.send(message)
        except (BrokenPipeError, EOFError, OSError):
            return
        except Exception as exc:  # the result itself could not be pickled
            conn.send(("error", f"result not transferable: {_one_line(exc)}"))


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


class _Worker:
    def __init__(self, ctx, func, initializer) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, func, initializer), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()
        self.item: Any = None
        self.busy = False
        self.deadline = float("inf")

    def stop(self, kill: bool = False) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)


def _death(proc) -> str:
    code = proc.exitcode
    if code is not None and code < 0:
        try:
            return f"worker process died (signal {signal.Signals(-code).name})"
        except ValueError:
            return f"worker process died (signal {-code})"
    return f"worker process died (exit code {code})"


class ProcessPool(Generic[T]):
    """``workers`` processes running ``func``; ``hard_timeout_s`` kills a worker stuck on one item."""

    def __init__(self, workers: int, func: Callable[[T], Any], *, hard_timeout_s: float | None = None,
                 initializer: Callable[[], None] | None = None, context: str = "spawn") -> None:
        self.size = max(1, workers)
        self.func = func
        self.initializer = initializer
        self.hard_timeout_s = hard_timeout_s
        self.ctx = multiprocessing.get_context(context)
        self.workers: list[_Worker] = []

    def __enter__(self) -> ProcessPool[T]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.busy or not w.ready)  # idle ones leave on end of file
        self.workers = []

    def _spawn(self) -> _Worker:
        w = _Worker(self.ctx, self.func, self.initializer)
        self.workers.append(w)
        return w

    def _replace(self, w: _Worker) -> None:
        w.stop(kill=True)
        self.workers.remove(w)
        self._spawn()

    def imap_unordered(self, items: Iterable[T]) -> Iterator[tuple[T, Any]]:
        """Run every item, pulling them lazily; yield ``(item, result)`` as each finishes."""
        source = iter(items)
        try:  # nothing to do (every file stored already): no workers to start
            first = next(source)
        except StopIteration:
            return
        source = itertools.chain([first], source)
        exhausted = False
        while len(self.workers) < self.size:
            self._spawn()
        while True:
            # Hand an item to every ready, idle worker.
            for w in self.workers:
                if w.ready and not w.busy and not exhausted:
                    try:
                        item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    w.item, w.busy = item, True
                    w.deadline = time.monotonic() + self.hard_timeout_s if self.hard_timeout_s else float("inf")
                    try:
                        w.conn.send(item)
                    except (BrokenPipeError, OSError):
                        pass  # it died: its sentinel says so below
            busy = [w for w in self.workers if w.busy]
            if exhausted and not busy:
                return
            waiting = [w for w in self.workers if w.busy or not w.ready]
            now = time.monotonic()
            deadline = min([w.deadline for w in busy]
                           + [w.started + _START_TIMEOUT_S for w in waiting if not w.ready])
            handles = [h for w in waiting for h in (w.conn, w.proc.sentinel)]
            timeout = None if deadline == float("inf") else max(0.0, deadline - now)
            ready = set(multiprocessing.connection.wait(handles, timeout=timeout))
            for w in list(waiting):
                outcome = self._collect(w, ready)
                if outcome is not None:
                    yield outcome

    def _collect(self, w: _Worker, ready: set) -> tuple[T, Any] | None:
        """What happened to one worker during the last wait, if anything."""
        if w.conn in ready:
            try:
                status, value = w.conn.recv()
            except (EOFError, OSError):
                status, value = "died", None
            if status == "ready":
                w.ready = True
                return None
            if status == "init_error":
                self.close()
                raise RuntimeError(f"a worker could not start: {value}")
            if status in ("ok", "error"):
                item = w.item
                w.busy, w.item, w.deadline = False, None, float("inf")
                return item, (value if status == "ok" else WorkerFailure(value))
        elif w.proc.sentinel not in ready:
            now = time.monotonic()
            if w.busy and now >= w.deadline:
                item = w.item
                self._replace(w)
                return item, WorkerFailure(f"worker timed out after {self.hard_timeout_s:g} s and was killed")
            if not w.ready and now >= w.started + _START_TIMEOUT_S:
                self.close()
                raise RuntimeError(f"a worker did not start within {_START_TIMEOUT_S:g} s")
            return None
        # The process ended (or its pipe broke) without a result.
        w.proc.join(timeout=5)
        reason = _death(w.proc)
        if not w.ready:
            self.close()
            raise RuntimeError(f"a worker could not start: {reason}")
        item, was_busy = w.item, w.busy
        self._replace(w)
        return (item, WorkerFailure(reason)) if was_busy else None


__all__ = ["ProcessPool", "WorkerFailure"]
