"""Stopping cleanly when a library swallows the interruption (peerwork_review.process.interrupt)."""

from __future__ import annotations

import subprocess
import textwrap
import time

from tests.helpers import PYTHON

# A block whose code catches the KeyboardInterrupt and carries on, as code deep inside a
# build may: the last resort must still run and end the process. The watcher's poll and
# grace are a tenth of their defaults; without a signal the block still outlasts both.
SWALLOWING = textwrap.dedent(
    """
    import os, signal, time
    from peerwork_review.process.interrupt import interruptible

    with interruptible(poll_seconds=0.05, last_resort=lambda: print("last resort ran", flush=True), grace_seconds=0.3):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        time.sleep(60)
        print("carried on to the end", flush=True)
    """
)


def test_an_interruption_a_library_swallows_still_ends_the_process():
    started = time.monotonic()
    result = subprocess.run([PYTHON, "-c", SWALLOWING], capture_output=True, text=True, timeout=30)
    assert result.returncode == 130, result.stderr
    assert result.stdout == "last resort ran\n"
    assert time.monotonic() - started < 20


def test_without_an_interruption_the_block_runs_to_its_end():
    code = SWALLOWING.replace("os.kill(os.getpid(), signal.SIGINT)", "pass").replace("time.sleep(60)", "")
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "carried on to the end\n"
