"""Proofs of the Versioning, Quality and CI/CD rules, read from the example's files."""

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from demos import qa_free_form_commits

SNIPPETS = Path(__file__).resolve().parents[2]
PRE_COMMIT = "./.pre-commit-config.yaml"
STALE_PRE_COMMIT = "demos/qa_stale_precommit.yaml"
CI = ".github/workflows/ci.yml"
WEAK_CI = "demos/qa_weak_ci.yaml"
Workflow = dict[Any, Any]  # YAML: keys are not always strings


def load(name: str) -> Workflow:
    loaded: Workflow = yaml.safe_load((SNIPPETS / name).read_text())
    return loaded


def hooks(config: Workflow) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each hook's id → (its repository's rev, the hook's settings)."""
    return {
        hook["id"]: (repo.get("rev", ""), hook)
        for repo in config["repos"]
        for hook in repo["hooks"]
    }


def commit_msg_pattern() -> re.Pattern[str]:
    _, hook = hooks(load(PRE_COMMIT))["conventional-commit"]
    return re.compile(hook["entry"])


# --8<-- [start:qa-002]
@pytest.mark.rule("QA-002")
@pytest.mark.parametrize(
    ("subjects", "holds"),
    [
        (["feat(tasks): export as NDJSON", "fix!: refuse naive datetimes"], True),
        (qa_free_form_commits.SUBJECTS, False),
    ],
    ids=["do", "dont"],
)
def test_the_commit_msg_hook_accepts_only_conventional_subjects(
    *, subjects: list[str], holds: bool
) -> None:
    """The pre-commit hook's own pattern decides which messages may be committed."""
    pattern = commit_msg_pattern()
    assert all(pattern.search(subject) for subject in subjects) is holds


# --8<-- [end:qa-002]


def ruff_pin() -> Requirement:
    project = tomllib.loads((SNIPPETS / "pyproject.toml").read_text())
    pins = [Requirement(spec) for spec in project["dependency-groups"]["dev"]]
    return next(pin for pin in pins if pin.name == "ruff")


def runs_ruff_like_ci(config: Workflow) -> bool:
    found = hooks(config)
    if not {"ruff-check", "ruff-format"} <= set(found):
        return False
    rev, check = found["ruff-check"]
    fixes = "--fix" in check.get("args", [])
    return fixes and ruff_pin().specifier.contains(Version(rev.removeprefix("v")))


# --8<-- [start:qa-004]
@pytest.mark.rule("QA-004")
@pytest.mark.parametrize(
    ("config", "holds"),
    [(PRE_COMMIT, True), (STALE_PRE_COMMIT, False)],
    ids=["do", "dont"],
)
def test_pre_commit_runs_the_projects_ruff(*, config: str, holds: bool) -> None:
    """ruff check --fix and ruff format, at a version the dev group allows."""
    assert runs_ruff_like_ci(load(config)) is holds


# --8<-- [end:qa-004]


def commands(workflow: Workflow, job: str) -> str:
    steps = workflow["jobs"].get(job, {}).get("steps", [])
    return "\n".join(str(step.get("run", "")) for step in steps)


def blocking(workflow: Workflow, job: str) -> bool:
    """The job exists, and a failure in it fails the workflow."""
    settings = workflow["jobs"].get(job)
    return settings is not None and not settings.get("continue-on-error", False)


def checks_every_change(workflow: Workflow) -> bool:
    # YAML 1.1 reads the key `on` as the boolean True.
    triggers = workflow["on"] if "on" in workflow else workflow[True]
    lint = commands(workflow, "lint")
    tests = commands(workflow, "tests")
    return (
        "pull_request" in triggers
        and blocking(workflow, "lint")
        and all(tool in lint for tool in ("ruff check", "ruff format --check", "mypy"))
        and "--cov-fail-under" in tests
    )


# --8<-- [start:qa-005]
@pytest.mark.rule("QA-005")
@pytest.mark.parametrize(
    ("ci", "holds"), [(CI, True), (WEAK_CI, False)], ids=["do", "dont"]
)
def test_ci_lints_type_checks_and_tests_every_change(*, ci: str, holds: bool) -> None:
    """Pull requests run ruff, the format check, mypy and the tests; lint can fail."""
    assert checks_every_change(load(ci)) is holds


# --8<-- [end:qa-005]


def scans_and_fails(workflow: Workflow) -> bool:
    scans = commands(workflow, "security")
    swallowed = "|| true" in scans
    return (
        blocking(workflow, "security")
        and "pip-audit" in scans
        and "bandit" in scans
        and not swallowed
    )


# --8<-- [start:qa-006]
@pytest.mark.rule("QA-006")
@pytest.mark.parametrize(
    ("ci", "holds"), [(CI, True), (WEAK_CI, False)], ids=["do", "dont"]
)
def test_ci_scans_dependencies_and_code(*, ci: str, holds: bool) -> None:
    """pip-audit and bandit run, and a finding fails the build."""
    assert scans_and_fails(load(ci)) is holds


# --8<-- [end:qa-006]


def publishes_only_checked_images(workflow: Workflow) -> bool:
    image = workflow["jobs"]["image"]
    needs = set(image.get("needs", []))
    text = yaml.safe_dump(image)
    return (
        {"lint", "tests", "security"} <= needs
        and "type=sha" in text
        and "push: ${{ github.event_name == 'push' }}" in text
    )


# --8<-- [start:qa-007]
@pytest.mark.rule("QA-007")
@pytest.mark.parametrize(
    ("ci", "holds"), [(CI, True), (WEAK_CI, False)], ids=["do", "dont"]
)
def test_the_image_is_built_after_the_checks_and_tagged_by_commit(
    *, ci: str, holds: bool
) -> None:
    """The image job waits for every check, tags the SHA, pushes only on push."""
    assert publishes_only_checked_images(load(ci)) is holds


# --8<-- [end:qa-007]


def runs_the_migrations(workflow: Workflow) -> bool:
    tests = commands(workflow, "tests")
    steps = ("alembic upgrade head", "alembic check", "alembic downgrade base")
    return all(step in tests for step in steps)


# --8<-- [start:qa-008]
@pytest.mark.rule("QA-008")
@pytest.mark.parametrize(
    ("ci", "holds"), [(CI, True), (WEAK_CI, False)], ids=["do", "dont"]
)
def test_ci_applies_checks_and_reverts_the_migrations(*, ci: str, holds: bool) -> None:
    """Upgrade to head, compare with the models, downgrade to base, upgrade again."""
    assert runs_the_migrations(load(ci)) is holds


# --8<-- [end:qa-008]


def artifacts(workflow: Workflow) -> dict[str, dict[str, Any]]:
    """Uploaded artifact name → the upload step."""
    return {
        step["with"]["name"]: step
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    }


def keeps_the_reports(workflow: Workflow) -> bool:
    kept = artifacts(workflow)
    reports = kept.get("test-reports", {})
    paths = str(reports.get("with", {}).get("path", ""))
    return (
        "openapi" in kept
        and reports.get("if") == "always()"
        and "junit.xml" in paths
        and "coverage.xml" in paths
    )


# --8<-- [start:qa-009]
@pytest.mark.rule("DOC-004")
@pytest.mark.parametrize(
    ("ci", "holds"), [(CI, True), (WEAK_CI, False)], ids=["do", "dont"]
)
def test_ci_keeps_the_openapi_document_and_the_test_reports(
    *, ci: str, holds: bool
) -> None:
    """`openapi` and `test-reports` (JUnit, coverage) are uploaded, even on failure."""
    assert keeps_the_reports(load(ci)) is holds


# --8<-- [end:qa-009]
