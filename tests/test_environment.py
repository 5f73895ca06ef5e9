"""One source of pins: requirements.txt is compiled from requirements.in, and conda/Binder install it."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT


def _names(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[<>=!~\[; ]", line)[0].lower().replace("_", "-"))
    return names


def test_lock_pins_every_direct_dependency_exactly():
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / "requirements.txt").read_text(), re.M))
    pinned = {k.lower().replace("_", "-") for k in pins}
    assert _names((ROOT / "requirements.in").read_text()) <= pinned


def test_environment_yml_installs_the_lock_and_nothing_else():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-r requirements.txt", "-e ."]]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert sorted(conda) == ["pip", "python=3.11"], "conda packages would be a second set of pins"


def test_package_dependencies_are_in_the_lock():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = _names((ROOT / "requirements.txt").read_text())
    assert _names("\n".join(project["dependencies"])) <= pinned
    assert project["requires-python"].startswith(">=3.11")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(make \w+)\s+#", readme, re.M)
    assert commands == ["make book", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_config_is_fenced_and_strict():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["only_build_toc_files"] is True
    assert {".venv", "_build", "tests", "src"} <= set(config["exclude_patterns"])
    # the book shows the stored outputs nbval checks; `make refresh` is the only other place notebooks run
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["execute"]["stderr_output"] == "error"
    assert "peerwork_review.sphinx_ext" in config["sphinx"]["extra_extensions"]
    assert config["repository"]["branch"] == "main"


def test_repository_url_is_kept_in_one_place():
    """_config.yml holds the URL (launch and repository buttons); CITATION.cff must agree."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["repository-code"] == config["repository"]["url"]


def test_deploy_workflow_builds_with_the_readme_command():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    assert {"name": "Build the book", "run": "make book"} in steps
    assert any(s.get("with", {}).get("path") == "_build/html" for s in steps)
