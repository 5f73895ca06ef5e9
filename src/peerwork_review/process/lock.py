"""One build or refresh at a time in a checkout: a second one waits for the first.

Two at once would write the same notebooks, the same ``_build`` and start kernels that
can collide on ports. The lock is an ``flock`` on ``.peerwork-review.lock`` at the top of
the checkout, released by the operating system when the process ends, however it ends
(POSIX only). It is not in ``_build/``: ``make clean`` during a build would delete it, and
the next build would lock a new file while the first still runs. The file also says who
holds it, for the message of the one that waits. (``filelock`` would save no line here:
that note is written by hand either way, and ``flock`` is one call.)
"""

from __future__ import annotations

import fcntl
import os
import sys
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".peerwork-review.lock"


@contextmanager
def project_lock(root: Path, what: str):
    path = Path(root) / LOCK_FILE
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            print(
                f"Waiting: {holder} is running in this checkout; this {what} starts when it ends.",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"a {what} (process {os.getpid()})")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
