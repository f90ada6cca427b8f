"""The checks check themselves: each kind of planted defect, in a copy of the tree, is caught."""

import re
import shutil
from pathlib import Path

import pytest
from pytest_examples import EvalExample

from guidebook.checks import mypy_check, ruff_check
from guidebook.pages import blocks, expand, fence_violations
from guidebook.paths import DOCS, MKDOCS_YML, ROOT, SNIPPETS
from guidebook.versions import GENERATED
from tests.test_blocks import run_and_check_output

_CACHES = shutil.ignore_patterns(
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".local",
    "*.egg-info",
    ".coverage",
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A private copy of the pages, the snippets and the site configuration."""
    shutil.copytree(DOCS, tmp_path / "docs", ignore=_CACHES)
    shutil.copytree(SNIPPETS, tmp_path / "snippets", ignore=_CACHES)
    shutil.copy(MKDOCS_YML, tmp_path / "mkdocs.yml")
    shutil.copytree(GENERATED, tmp_path / GENERATED.name)  # the footer every page appends
    return tmp_path


def first_python_module(snippets: Path) -> Path:
    return sorted((snippets / "app").rglob("*.py"))[-1]


def test_planted_type_error_fails_mypy(tree: Path) -> None:
    """(a) A type error in a snippet makes the strict type check fail."""
    module = first_python_module(tree / "snippets")
    module.write_text(module.read_text(encoding="utf-8") + '\nplanted: int = "not an int"\n')
    status, output = mypy_check(tree / "snippets", cache_dir=ROOT / ".mypy_cache" / "bites")
    assert status != 0
    assert "planted" in output or "Incompatible types in assignment" in output, output


def test_planted_lint_error_fails_ruff(tree: Path) -> None:
    """(b) A lint error in a snippet makes `ruff check` fail."""
    module = first_python_module(tree / "snippets")
    module.write_text("import os\n" + module.read_text(encoding="utf-8"))
    status, output = ruff_check(tree / "snippets")
    assert status != 0
    assert "F401" in output, output


def test_planted_wrong_output_fails_the_run(tree: Path, eval_example: EvalExample) -> None:
    """(c) A wrong `#>` line in a runnable demo makes its block fail."""
    page, block = next(
        (page, block)
        for page in sorted((tree / "docs").rglob("*.md"))
        for block in blocks(page, tree / "docs", tree / "mkdocs.yml")
        if block.runnable
    )
    target, _, _ = block.includes[0].partition(":")
    demo = tree / "snippets" / target
    demo.write_text(
        re.sub(r"#> .*", "#> planted wrong output", demo.read_text(encoding="utf-8"), count=1),
        encoding="utf-8",
    )
    planted = next(
        b for b in blocks(page, tree / "docs", tree / "mkdocs.yml") if b.index == block.index
    )
    assert "planted wrong output" in planted.source
    with pytest.raises(pytest.fail.Exception):
        run_and_check_output(planted, eval_example)


def test_missing_section_fails_the_expansion(tree: Path) -> None:
    """(d) A page that includes a section no snippet defines cannot be expanded."""
    page = tree / "docs" / "rules" / "errors.md"
    text = page.read_text(encoding="utf-8")
    expand(text, tree / "mkdocs.yml")  # the untouched copy expands
    match = re.search(r'--8<-- "(?P<file>[^":]+):(?P<section>[^"]+)"', text)
    assert match is not None
    source = tree / "snippets" / match["file"]
    source.write_text(
        source.read_text(encoding="utf-8")
        .replace(f"[start:{match['section']}]", "[start:gone]")
        .replace(f"[end:{match['section']}]", "[end:gone]"),
        encoding="utf-8",
    )
    with pytest.raises(Exception, match=match["section"]):
        expand(text, tree / "mkdocs.yml")


def test_typed_fence_fails_the_include_check(tree: Path) -> None:
    """(e) A code fence typed into a page is reported."""
    assert not fence_violations(tree / "docs")
    page = tree / "docs" / "rules" / "errors.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n```python\nprint('typed')\n```\n", encoding="utf-8"
    )
    problems = fence_violations(tree / "docs")
    assert len(problems) == 1
    assert "rules/errors.md" in problems[0]
