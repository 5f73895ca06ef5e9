"""The GitHub workflows: tests on every change and Python, deploy only after them, a weekly check."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in _steps(workflow))


def test_tests_run_on_every_push_and_pull_request_on_each_python():
    workflow = _load("test.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["on"]["push"] is None, "every branch, not a filtered few"
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    assert job["strategy"]["fail-fast"] is False, "one Python failing must not hide the others' results"
    assert "${{ matrix.python-version }}" in job["container"] and "bookworm" in job["container"]
    assert job["env"]["PYTHON"] == "python${{ matrix.python-version }}"


def test_tests_call_the_ci_entry_point_which_lints_and_runs_the_readme_command():
    workflow = _load("test.yml")
    assert "bash .ci/run" in _runs(workflow).splitlines()
    entry = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make lint$", entry, re.M) and re.search(r"^make test$", entry, re.M)


def test_tests_cache_pip_and_upload_screenshots_and_failed_build_reports():
    steps = _steps(_load("test.yml"))
    caches = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert caches and caches[0]["with"]["path"] == "~/.cache/pip"
    assert "requirements/test.txt" in caches[0]["with"]["key"]
    uploads = {s["name"]: s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")}
    assert uploads["Upload screenshots"]["if"] == "always()"
    assert uploads["Upload screenshots"]["with"]["path"] == "artifacts/screenshots"
    reports = uploads["Upload failed-build reports"]
    assert reports["if"] == "failure()"
    assert "/tmp/sphinx-err-*.log" in reports["with"]["path"].split()


def test_deploy_runs_only_after_the_tests_pass_on_main():
    workflow = _load("deploy.yml")
    assert set(workflow["on"]) == {"workflow_run"}
    trigger = workflow["on"]["workflow_run"]
    assert trigger["workflows"] == [_load("test.yml")["name"]]
    assert trigger["types"] == ["completed"] and trigger["branches"] == ["main"]
    build = workflow["jobs"]["build"]
    assert "github.event.workflow_run.conclusion == 'success'" in build["if"]
    checkout = build["steps"][0]
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}", "publish the commit tested"
    assert workflow["jobs"]["deploy"]["needs"] == "build"


def test_each_deploy_job_gets_only_the_permissions_it_needs():
    workflow = _load("deploy.yml")
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_deploy_builds_with_the_readme_command_from_the_book_lock_and_publishes_pdfs():
    workflow = _load("deploy.yml")
    runs = _runs(workflow)
    assert re.search(r"^make book LOCK=book\b", runs, re.M)
    # make pdf writes the PDF beside the HTML book (_build/html/peerwork-review.pdf), which is published
    assert re.search(r"\bmake pdf LOCK=book\b", runs, re.M)
    steps = _steps(workflow)
    assert any(s.get("with", {}).get("path") == "_build/html" for s in steps)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache-dependency-path"] == "requirements/book.txt"


def test_weekly_checks_links():
    workflow = _load("weekly.yml")
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, day_of_month, month, day_of_week = schedule["cron"].split()
    assert (day_of_month, month) == ("*", "*") and day_of_week.isdigit(), "once a week"
    runs = _runs(workflow)
    assert re.search(r"^make linkcheck\b", runs, re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^linkcheck:.*\n\t.*--builder linkcheck", makefile, re.M)


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_actions_are_pinned_to_a_release(name):
    """A branch (@main) would run whatever its owners push next."""
    for step in _steps(_load(name)):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", step["uses"]), step["uses"]
