"""A wall-clock limit on parsing one file: ``run_with_time_limit(work, path, seconds)``.

On the main thread of a Unix process (the CLI, and each worker of a process pool) the limit is
a SIGALRM interval timer: when it fires, the running code is interrupted wherever it is, even
inside a blocking system call, and ``TimedOut`` naming the file comes out.

The alarm raises ``_Deadline``, a ``BaseException``, so a reader's ``except Exception`` cannot
swallow it; the guard turns it into ``TimedOut`` at the boundary. The timer keeps firing every
``_KNOCK`` seconds until the guard exits, in case a bare ``except:`` swallows one, and once it
has fired, whatever the work ends with (another exception, even a result) becomes
``TimedOut``. Code stuck inside one long C call is only interrupted when the call returns.

Elsewhere (a thread of a Dask worker, a web server) signals are not available. The work then
runs in a helper thread; the caller waits at most ``seconds`` and raises ``TimedOut``, and the
abandoned thread stops at its next ``check()`` -- readers call it between pages. Until then it
keeps using CPU, so threaded deployments should prefer process workers for untrusted files.

``remaining()`` tells a reader how long it may still run, e.g. to cap an OCR subprocess timeout.
"""
from __future__ import annotations

import contextvars
import signal
import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from .. import errors

T = TypeVar("T")
_KNOCK = 0.2  # seconds between repeated alarms after the first


class _Deadline(BaseException):
    """Raised inside the work when time is up; never escapes the guard."""


@dataclass(frozen=True)
class _Limit:
    path: str
    deadline: float  # time.monotonic() value
    cancelled: threading.Event


_current: contextvars.ContextVar[_Limit | None] = contextvars.ContextVar("kehoach_time_limit", default=None)


def run_with_time_limit(work: Callable[[], T], path: str, seconds: float | None) -> T:
    """Return ``work()``, or raise ``TimedOut`` naming ``path`` once ``seconds`` have passed."""
    if not seconds or seconds <= 0:
        return work()
    if _can_use_alarm():
        return _with_alarm(work, str(path), seconds)
    return _with_thread(work, str(path), seconds)


def check() -> None:
    """Stop the current work if its time is up (a cheap call; readers make it between pages)."""
    limit = _current.get()
    if limit is not None and (limit.cancelled.is_set() or time.monotonic() >= limit.deadline):
        raise _Deadline()


def remaining() -> float | None:
    """Seconds left for the current work, or None when it has no limit."""
    limit = _current.get()
    return None if limit is None else max(0.0, limit.deadline - time.monotonic())


def _can_use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _timed_out(path: str, seconds: float) -> errors.TimedOut:
    return errors.TimedOut(path, f"limit {seconds:g} s")


def _with_alarm(work: Callable[[], T], path: str, seconds: float) -> T:
    started = time.monotonic()
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    outer_handler = signal.getsignal(signal.SIGALRM)
    # An enclosing timer that is due sooner keeps its turn: ours fires then and hands over.
    delay = min(seconds, outer_delay) if outer_delay > 0 else seconds

    limit = _Limit(path, started + seconds, threading.Event())

    def on_alarm(signum, frame):
        limit.cancelled.set()
        if outer_delay > 0 and time.monotonic() - started >= outer_delay and callable(outer_handler):
            outer_handler(signum, frame)
        raise _Deadline()

    token = _current.set(limit)
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, delay, _KNOCK)
        try:
            result = work()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BaseException:
        # Once the alarm has fired, whatever comes out is its doing: ctypes, for one, wraps an
        # exception raised during a call into its own ArgumentError.
        if limit.cancelled.is_set():
            raise _timed_out(path, seconds) from None
        raise
    else:
        if limit.cancelled.is_set():  # the alarm was swallowed: the result may be partial
            raise _timed_out(path, seconds)
        return result
    finally:
        _disarm()  # a repeating knock left armed would kill the process once the handler is gone
        signal.signal(signal.SIGALRM, outer_handler)
        _current.reset(token)
        if outer_delay > 0:  # give the enclosing timer back what is left of it
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), outer_interval)


def _disarm() -> None:
    """Stop the timer, even when its last knock lands while stopping it."""
    while True:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        except _Deadline:
            continue


def _with_thread(work: Callable[[], T], path: str, seconds: float) -> T:
    limit = _Limit(path, time.monotonic() + seconds, threading.Event())
    outcome: dict[str, object] = {}

    def run() -> None:
        _current.set(limit)
        try:
            outcome["value"] = work()
        except _Deadline:
            outcome["timed_out"] = True
        except BaseException as exc:  # handed to the caller, re-raised there
            outcome["error"] = exc

    context = contextvars.copy_context()
    helper = threading.Thread(target=context.run, args=(run,), name=f"parse {path}", daemon=True)
    helper.start()
    helper.join(seconds)
    if helper.is_alive() or outcome.get("timed_out"):
        limit.cancelled.set()  # the helper stops at its next check()
        raise _timed_out(path, seconds)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
