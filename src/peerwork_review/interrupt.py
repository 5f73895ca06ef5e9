"""Stopping cleanly: on SIGINT, SIGTERM, or when the process that started us (make) goes away.

GNU make does not pass a SIGTERM it receives on to the command it runs, so a command
that only listened for signals would go on after ``kill <make>``; a watcher thread
notices that the parent process has gone and stops the command the same way. Linux and
macOS only (POSIX signals and ``pthread_sigmask``).
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread on SIGINT or SIGTERM, or when the parent process exits.

    A KeyboardInterrupt, so that code which cleans up after Ctrl-C (Sphinx, nbclient,
    asyncio) cleans up after this too.
    """


@contextmanager
def interruptible(poll_seconds: float = 0.5):
    """Turn SIGINT, SIGTERM and the parent's exit into :class:`Interrupted` while the block runs."""
    fired: list[int] = []

    def handler(signum, frame):
        if fired:  # clean-up after the first signal is under way; let it finish
            return
        fired.append(signum)
        raise Interrupted(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    parent, stop = os.getppid(), threading.Event()

    def watch_parent():
        while not stop.wait(poll_seconds):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    watcher = threading.Thread(target=watch_parent, name="parent-watcher", daemon=True)
    watcher.start()
    try:
        yield
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
