"""Execute the notebooks of a project copy one after another; print the seconds each took as JSON.

    python bench/execute_notebooks.py COPY [TIMEOUT]

Used by ``bench/run.py`` in a subprocess, so that the kernels' chatter stays out of the
benchmark's output and ``PEERWORK_REVIEW_ROOT`` is set only here. It runs the package's
own executor with one worker, so the times add up to the notebooks' total cost; each
includes starting the kernel. Nothing is written back to the notebooks.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    from peerwork_review.cli import notebook_paths
    from peerwork_review.execution import execute_notebooks

    root = Path(sys.argv[1]).resolve()
    timeout = int(sys.argv[2]) if len(sys.argv) > 2 else 1800
    os.environ["PEERWORK_REVIEW_ROOT"] = str(root)
    runs = execute_notebooks(notebook_paths(root), timeout, workers=1)
    for run in runs:
        if run.error is not None:
            print(f"{run.path.name} failed:\n{run.error}", file=sys.stderr)
            return 1
    print(json.dumps({run.path.name: run.seconds for run in runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
