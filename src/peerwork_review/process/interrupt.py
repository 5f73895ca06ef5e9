"""Stopping cleanly: on SIGINT, SIGTERM, or when the process that started us (make) goes away.

A command run by make does not always hear about a signal make gets: GNU make passes a
SIGTERM on to its children, but on a SIGINT it assumes the terminal sent it to the whole
process group, and it waits for its children to finish before it exits itself. So
``kill -INT <make>`` alone would let a build run to its end. A watcher thread therefore
also stops the command when its parent stops handling SIGINT or SIGTERM (make resets a
fatal signal to its default while it waits to die of it; Linux shows this in
``/proc/<pid>/status``), or when the parent is gone. Linux and macOS only (POSIX signals
and ``pthread_sigmask``; on macOS only the parent's exit is noticed).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread on SIGINT or SIGTERM, or when the parent process exits.

    A KeyboardInterrupt, so that code which cleans up after Ctrl-C (Sphinx, nbclient,
    asyncio) cleans up after this too.
    """


_MASK = sum(1 << (s - 1) for s in SIGNALS)


def _caught_signals(pid: int) -> int:
    """The signals process ``pid`` handles, as the bit mask Linux shows (0 where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16)
    except (OSError, ValueError):
        pass
    return 0


@contextmanager
def interruptible(poll_seconds: float = 0.5, last_resort: Callable[[], None] | None = None, grace_seconds: float = 3.0):
    """Turn SIGINT, SIGTERM and the parent's exit into :class:`Interrupted` while the block runs.

    Yields the signals received, so a caller whose library swallowed the exception (and
    returned an error status instead) still knows it was interrupted. Where a library
    swallows it and carries on, ``last_resort`` (if given) runs ``grace_seconds`` after the
    signal and the process exits with status 130: a build must not go on for minutes
    after Ctrl-C.
    """
    fired: list[int] = []
    stop, signalled = threading.Event(), threading.Event()

    def handler(signum, frame):
        if fired:  # clean-up after the first signal is under way; let it finish
            return
        fired.append(signum)
        signalled.set()
        raise Interrupted(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    parent = os.getppid()
    caught = _caught_signals(parent) & _MASK

    def watch_parent():
        while not stop.wait(poll_seconds):
            if signalled.is_set():
                break
            if os.getppid() != parent or caught & ~_caught_signals(parent):
                os.kill(os.getpid(), signal.SIGTERM)
                break
        if last_resort is not None and not stop.wait(grace_seconds) and fired:
            last_resort()
            os._exit(130)

    watcher = threading.Thread(target=watch_parent, name="parent-watcher", daemon=True)
    watcher.start()
    try:
        yield fired
    finally:
        stop.set()
        for s, h in previous.items():
            signal.signal(s, h)


@contextmanager
def blocked_signals():
    """Hold SIGINT and SIGTERM until the block ends: for the few renames that must happen together."""
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
