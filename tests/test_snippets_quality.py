"""The whole example project is lint-clean, formatted and type-checks under mypy --strict."""

import subprocess

from guidebook.checks import mypy_check, ruff_check, ruff_format_check
from guidebook.layout import missing_paths, unlisted_paths
from guidebook.paths import SNIPPETS


def test_ruff_check() -> None:
    """`ruff check` passes over every file of snippets/, with no file excluded."""
    status, output = ruff_check()
    assert status == 0, output


def test_ruff_format() -> None:
    """`ruff format --check` finds nothing to reformat in snippets/."""
    status, output = ruff_format_check()
    assert status == 0, output


def test_mypy_strict() -> None:
    """`mypy --strict` with the pydantic plugin passes over every module of snippets/."""
    status, output = mypy_check()
    assert status == 0, output


def test_mypy_configuration_is_strict_and_excludes_nothing() -> None:
    """The type check cannot be weakened quietly in the example's pyproject.toml."""
    import tomllib  # noqa: PLC0415 - only this test reads the file

    config = tomllib.loads((SNIPPETS / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy["strict"] is True
    assert "pydantic.mypy" in mypy["plugins"]
    assert "exclude" not in mypy
    assert "exclude" not in config["tool"]["ruff"]
    assert "extend-exclude" not in config["tool"]["ruff"]


def test_layout_tree_matches_the_project() -> None:
    """The layout shown in Project Structure names every real file and nothing else."""
    tree = (SNIPPETS / "layout.txt").read_text(encoding="utf-8")
    assert not missing_paths(tree, SNIPPETS), missing_paths(tree, SNIPPETS)
    assert not unlisted_paths(tree, SNIPPETS), unlisted_paths(tree, SNIPPETS)


def test_dockerfile_lints_clean_as_a_whole() -> None:
    """hadolint passes over the whole Dockerfile with no rule ignored."""
    from guidebook.checks import tool  # noqa: PLC0415 - only this test needs it

    done = subprocess.run(
        [tool("hadolint"), "--no-color", "Dockerfile"],
        cwd=SNIPPETS,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
