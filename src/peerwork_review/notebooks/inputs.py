"""What a notebook's stored outputs were computed from, and whether that is still current.

The book shows the outputs stored in the notebooks, the same outputs nbval verifies, so
a notebook must never be shown after the data or code it read has changed, nor with an
output edited by hand. ``make refresh`` records in each notebook's metadata a digest of
every output it stored and of every input it read: the data
files, the bibliography, its own code cells and the modules of this package that its
code imports (found by following the imports, so a change to a command-line tool does
not make every notebook stale). The book build compares the record with the current
files and outputs, and refuses to build from outdated or edited outputs, naming the
notebook and the files or cells.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from peerwork_review import paths

METADATA_KEY = "peerwork_review"
CODE = "notebook code"


@functools.cache
def _file_digest(path: Path, modified: int, size: int) -> str:
    return _digest(path.read_bytes())


def _digest(data: bytes) -> str:
    # Line endings are normalised so that a checkout with CRLF conversion agrees.
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()[:16]


def data_files(root: Path) -> list[Path]:
    """The files a notebook can read: every data file (not the notes), the bibliography and CITATION.cff."""
    data = paths.data_dir(root)
    files = [p for p in sorted(data.rglob("*")) if p.is_file() and p.suffix != ".md"]
    return files + [paths.bibliography(root), paths.citation_file(root)]


def _imported_modules(source: str, package: str) -> set[str]:
    """Dotted names, within ``package``, of the modules and names that ``source`` imports absolutely.

    ``from package.stage import module`` gives both ``stage.module`` and ``stage``; the ones
    that are not files are dropped by :func:`_module_file`.
    """
    found: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics; the notebook then fails on execution anyway
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == package:
            base = node.module.split(".")[1:]
            found.add(".".join(base))
            found |= {".".join([*base, alias.name]) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {".".join(a.name.split(".")[1:]) for a in node.names if a.name.split(".")[0] == package}
    return found


def _module_file(name: str) -> Path | None:
    """The source file of the package's module ``name`` ('' is the package), or None if it names no module."""
    base = paths.PACKAGE_DIR.joinpath(*name.split(".")) if name else paths.PACKAGE_DIR
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@functools.cache
def _module_imports(path: Path, modified: int) -> frozenset[str]:
    """The package modules one module imports (cached: a check reads each module once, not once per notebook)."""
    return frozenset(_imported_modules(path.read_text(encoding="utf-8"), paths.PACKAGE_DIR.name))


def package_modules(code: str) -> list[Path]:
    """Source files of this package that ``code`` uses, following imports between modules.

    Every module imports absolutely (``from peerwork_review.stage import module``), so one
    reading of each file finds what it uses; the package's and subpackages' ``__init__``
    files count too, since importing a module runs them.
    """
    pending = {""} | _imported_modules(code, paths.PACKAGE_DIR.name)
    seen: set[str] = set()
    files: set[Path] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is None:
            continue
        files.add(path)
        parent = name.rpartition(".")[0]
        pending |= {parent} | set(_module_imports(path, path.stat().st_mtime_ns))
    return sorted(files)


def notebook_code(notebook) -> str:
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


def _label(path: Path, root: Path) -> str:
    """A file's name in the record: relative to the project; the package's modules by their
    place in the repository, wherever the package is installed from."""
    if path.resolve().is_relative_to(paths.PACKAGE_DIR):
        return f"src/{paths.PACKAGE_DIR.name}/{path.resolve().relative_to(paths.PACKAGE_DIR).as_posix()}"
    return path.resolve().relative_to(root.resolve()).as_posix()


def current_inputs(notebook, root: Path) -> dict[str, str]:
    """Digest of every input of ``notebook`` as the files stand now."""
    code = notebook_code(notebook)
    files = [p for p in data_files(root) + package_modules(code) if p.is_file()]
    record = {_label(p, root): _file_digest(p, (st := p.stat()).st_mtime_ns, st.st_size) for p in files}
    record[CODE] = _digest(code.encode("utf-8"))
    return dict(sorted(record.items()))


def output_digests(notebook) -> dict[str, str]:
    """Digest of the stored outputs of every code cell that has any, by the cell's number (from 1)."""
    return {
        str(number): _digest(json.dumps(cell.outputs, sort_keys=True).encode("utf-8"))
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code" and cell.get("outputs")
    }


def recorded_inputs(notebook) -> dict[str, str] | None:
    return notebook.metadata.get(METADATA_KEY, {}).get("inputs")


def record_inputs(notebook, root: Path) -> None:
    """Record the inputs and the outputs as they will be stored (read back as the build reads them)."""
    stored = nbformat.reads(nbformat.writes(notebook), as_version=4)
    notebook.metadata[METADATA_KEY] = {"inputs": current_inputs(notebook, root), "outputs": output_digests(stored)}


def edited_outputs(notebook) -> list[str]:
    """The numbers of the cells whose stored outputs differ from what `make refresh` wrote."""
    recorded = notebook.metadata.get(METADATA_KEY, {}).get("outputs")
    current = output_digests(notebook)
    if recorded is None:
        return sorted(current, key=int)
    return sorted((k for k in recorded.keys() | current.keys() if recorded.get(k) != current.get(k)), key=int)


@dataclass(frozen=True)
class Outdated:
    """A notebook whose stored outputs do not come from the current inputs."""

    notebook: str  # path relative to the project
    changed: tuple[str, ...]  # inputs added, removed or changed since it was executed
    edited: tuple[str, ...] = ()  # cells whose stored outputs are not the ones it computed

    def __str__(self) -> str:
        if self.edited:
            cells = ", ".join(self.edited)
            return (
                f"{self.notebook}: the stored output of cell{'s' if len(self.edited) > 1 else ''} {cells} "
                "is not what `make refresh` computed (edited by hand?)"
            )
        if not self.changed:
            return f"{self.notebook} has no record of its inputs (it was not executed by `make refresh`)"
        shown = ", ".join(self.changed[:6]) + (f" and {len(self.changed) - 6} more" if len(self.changed) > 6 else "")
        return f"{self.notebook} was executed with other inputs: {shown} changed since"


def outdated(notebook, path: Path, root: Path) -> Outdated | None:
    recorded = recorded_inputs(notebook)
    relative = path.resolve().relative_to(root.resolve()).as_posix()
    if recorded is None:
        return Outdated(relative, ())
    current = current_inputs(notebook, root)
    changed = tuple(sorted(k for k in recorded.keys() | current.keys() if recorded.get(k) != current.get(k)))
    if changed:
        return Outdated(relative, changed)
    edited = tuple(edited_outputs(notebook))
    return Outdated(relative, (), edited) if edited else None


def edited_notebooks(root: Path) -> list[str]:
    """A sentence for every notebook of ``root`` with a stored output that `make refresh` did not write."""
    found = []
    for path in paths.stored_notebooks(root):
        if cells := edited_outputs(nbformat.read(path, as_version=4)):
            found.append(str(Outdated(path.relative_to(root).as_posix(), (), tuple(cells))))
    return found
