"""One source for each setting of the environment, and every copy of it agrees.

pyproject.toml declares the dependencies (the package's and the extras), the supported
Pythons and the code's version; requirements/*.txt are compiled from it; the Makefile,
environment.yml and README must agree with it. The edition's number and date live in
data/search_runs.csv, and CITATION.cff must carry them.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.helpers import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _lock(name: str) -> list[tuple[str, str, Marker | None]]:
    """(name, version, marker) of every pin of requirements/NAME; a name may have several
    pins, for different Pythons or platforms."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins = []
    for line in text.splitlines():
        if line and not line.startswith((" ", "#", "-")):
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            pins.append((canonicalize_name(requirement.name), specifier.version, requirement.marker))
    return pins


def _pins(name: str) -> set[tuple[str, str]]:
    return {(package, version) for package, version, _ in _lock(name)}


def _needed_here(requirements: list[str], extras: tuple[str, ...] = ()) -> set[str]:
    """Every distribution that installing ``requirements`` pulls in on this platform."""
    visited: set[tuple[str, tuple[str, ...]]] = set()
    todo = [(Requirement(r), extras) for r in requirements]
    while todo:
        requirement, wanted = todo.pop()
        environments = [{"extra": e} for e in wanted] or [{"extra": ""}]
        if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
            continue
        name = canonicalize_name(requirement.name)
        key = (name, tuple(sorted(requirement.extras)))
        if key in visited:
            continue
        visited.add(key)
        todo += [(Requirement(r), key[1]) for r in distribution(name).requires or []]
    return {name for name, _ in visited}


def _supported_pythons() -> list[str]:
    """The versions the Makefile chooses from, oldest first."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    versions = re.search(r"^SUPPORTED_PYTHONS := (.+)$", makefile, re.M).group(1).split()
    return sorted(versions, key=lambda v: tuple(map(int, v.split("."))))


def test_each_lock_pins_every_dependency_it_is_compiled_from():
    extras = PROJECT["optional-dependencies"]
    book = {package for package, _ in _pins("book.txt")}
    test = {package for package, _ in _pins("test.txt")}
    assert _names(PROJECT["dependencies"] + extras["book"]) <= book
    assert _names(PROJECT["dependencies"] + extras["book"] + extras["test"] + extras["dev"]) <= test


def test_the_test_lock_installs_the_book_lock_versions():
    assert _pins("book.txt") <= _pins("test.txt")


def test_the_book_lock_holds_only_what_the_book_needs():
    """Binder and the deploy install requirements/book.txt: no test or lint tool in it."""
    needed = _needed_here(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["book"])
    here = [name for name, _, marker in _lock("book.txt") if marker is None or marker.evaluate()]
    assert len(here) == len(set(here)), "two versions of one package for this Python and platform"
    assert set(here) == needed


def _imported_modules(path: Path) -> Iterator[str]:
    """Top-level names of the modules a file imports, except where it catches ImportError."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            handler.type is not None and "ImportError" in ast.unparse(handler.type) for handler in node.handlers
        ):
            optional |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.slow  # reads the metadata of every installed distribution
def test_the_package_declares_every_library_it_imports():
    distributions = packages_distributions()
    undeclared = {}
    for path in sorted((ROOT / "src" / "peerwork_review").rglob("*.py")):
        for module in _imported_modules(path):
            if module in sys.stdlib_module_names or module in ("__future__", "peerwork_review"):
                continue
            name = canonicalize_name(distributions[module][0])
            # the modules that build the book and the PDF need the `book` extra; nothing in src/ needs `test`
            if name not in _names(PROJECT["dependencies"]) | _names(PROJECT["optional-dependencies"]["book"]):
                undeclared[name] = path.name
    assert not undeclared, f"imported by src/ but not in pyproject.toml's dependencies or its book extra: {undeclared}"


def test_the_supported_pythons_agree_everywhere():
    supported = _supported_pythons()
    oldest = supported[0]
    requires = SpecifierSet(PROJECT["requires-python"])
    candidates = [f"3.{minor}" for minor in range(8, 20)]
    assert [v for v in candidates if f"{v}.0" in requires] == supported, "pyproject.toml requires-python"

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"You need Python ([\d., ]+(?:or|and) [\d.]+)", readme).group(1)
    assert re.findall(r"3\.\d+", listed) == supported, "README set-up section"

    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda_python = [d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(conda_python) == 1 and conda_python[0].removeprefix("python=") in supported, "environment.yml"

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8"))
    assert workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"] == supported, "test workflow"

    tools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert tools["mypy"]["python_version"] == oldest
    assert tools["ruff"]["target-version"] == "py" + oldest.replace(".", "")


def test_environment_yml_installs_the_book_lock_and_nothing_else():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-r requirements/book.txt", "-e ."]]
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith("python")]
    assert conda == ["pip"], "conda packages would be a second set of pins"


def test_the_installed_package_is_this_version():
    import peerwork_review

    assert peerwork_review.__version__ == PROJECT["version"], "installed metadata is stale: run `make venv`"


def test_citation_cff_carries_the_current_edition(live_review):
    """The edition's number and date have one home, data/search_runs.csv; make refresh writes them into CITATION.cff."""
    from peerwork_review.model.editions import editions
    from peerwork_review.reading.citation import read_citation

    current, cited = editions(live_review)[-1], read_citation(ROOT)
    assert (cited.version, cited.released) == (current.version, current.released), "run `make refresh`"
    assert cited.authors, "CITATION.cff"
    datapackage = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert "version" not in datapackage, "the data's edition is in search_runs.csv, not a second version number"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(make \w+)\s+#", readme, re.M)
    assert commands == ["make book", "make test"]
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)


def test_config_is_fenced_and_strict():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["only_build_toc_files"] is True
    assert {".venv", "_build", "tests", "src"} <= set(config["exclude_patterns"])
    # the book shows the stored outputs nbval checks; `make refresh` is the only other place notebooks run
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["execute"]["stderr_output"] == "error"
    assert "peerwork_review.book.extension" in config["sphinx"]["extra_extensions"]
    assert config["repository"]["branch"] == "main"


def test_repository_url_is_kept_in_one_place():
    """_config.yml holds the URL (launch and repository buttons); CITATION.cff must agree."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["repository-code"] == config["repository"]["url"]


def test_pre_commit_runs_the_tools_make_venv_installs():
    """Every hook runs a command from .venv (installed from requirements/test.txt), so
    pre-commit, `make lint` and CI run the same versions."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])
    for hook in hooks:
        command = hook["entry"].split()[0]
        assert command.startswith(".venv/bin/"), hook["id"]
        assert (Path(sys.executable).parent / command.removeprefix(".venv/bin/")).exists(), hook["id"]
    assert {
        "ruff-check",
        "ruff-format",
        "codespell",
        "mypy",
        "trailing-whitespace",
        "end-of-file-fixer",
        "check-yaml",
        "check-json",
        "check-toml",
        "check-added-large-files",
        "check-merge-conflict",
    } <= {hook["id"] for hook in hooks}
