"""Execute the notebooks of a project copy with nbclient; print the seconds each took as JSON.

    python bench/execute_notebooks.py COPY [TIMEOUT]

Used by ``bench/run.py`` in a subprocess, so that the kernels' chatter stays out of the
benchmark's output and ``PEERWORK_REVIEW_ROOT`` is set only here. The notebooks are
executed in memory and not written back. Each time includes starting the kernel, as a
book build's execution does.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    import nbformat
    from nbclient import NotebookClient

    root = Path(sys.argv[1]).resolve()
    timeout = int(sys.argv[2]) if len(sys.argv) > 2 else 1800
    os.environ["PEERWORK_REVIEW_ROOT"] = str(root)
    seconds = {}
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        seconds[path.name] = time.perf_counter() - start
    print(json.dumps(seconds))


if __name__ == "__main__":
    main()
