"""/llms.txt and /guideline.md: the guideline for coding agents, generated from the catalogue."""

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError

import pytest

from guidebook.catalogue import load, parse_page
from guidebook.checked_by import checks
from guidebook.llms import (
    GUIDELINE_MD,
    LLMS_TXT,
    Example,
    absolute_links,
    examples,
    fence,
    site_meta,
)
from guidebook.pages import blocks
from guidebook.paths import DOCS, ROOT
from guidebook.rules import Rule

_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)")
_RELATIVE_LINK = re.compile(r"\]\((?!https?://|mailto:)[^)]+\)")


@pytest.fixture(scope="module")
def llms(exported_site: Path) -> str:
    return (exported_site / LLMS_TXT).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def guideline(exported_site: Path) -> str:
    return (exported_site / GUIDELINE_MD).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rule_examples() -> dict[str, list[Example]]:
    return {
        entry.rule.id: examples(entry, blocks(DOCS / entry.rule.page, DOCS))
        for entry in load().entries
    }


def tab_of(lines: list[str], line: int) -> str | None:
    """The label of the content tab a fence opening at `line` sits in, read upwards: the
    nearest line above it that is indented less, when that line is a tab marker."""
    row = lines[line - 1]
    indent = len(row) - len(row.lstrip())
    for above in reversed(lines[: line - 1]):
        if above.strip() and len(above) - len(above.lstrip()) < indent:
            marker = re.match(r' *=== "(?P<label>[^"]+)"', above)
            return marker["label"] if marker else None
    return None


def rule_sections(guideline: str) -> dict[str, str]:
    """The text of each rule's `### ID · Title` section of guideline.md."""
    parts = re.split(r"^### (?=[A-Z][A-Z0-9]+-\d{3} · )", guideline, flags=re.M)
    return {part.split(" ", 1)[0]: part for part in parts[1:]}


def served_file(site: Path, url: str) -> Path:
    """The file of a built site that answers an absolute site URL."""
    base = site_meta()[2]
    assert url.startswith(base), url
    path = url.removeprefix(base).partition("#")[0]
    return site / path / "index.html" if path.endswith("/") or not path else site / path


# ---------------------------------------------------------------- llms.txt


def test_llms_txt_follows_the_llmstxt_format(llms: str) -> None:
    """An H1 title, a `>` summary, then only H2 sections whose items are `- [name](url)` links."""
    lines = llms.splitlines()
    assert lines[0] == f"# {site_meta()[0]}"
    assert lines[1] == ""
    assert lines[2].startswith("> ")
    assert [line for line in lines if line.startswith("#")][1:] == [
        "## Guideline",
        "## Sections",
        "## Pages",
        "## Optional",
    ]
    items = [line for line in lines if line.startswith("- ")]
    assert len(items) > 30
    assert all(re.match(r"- \[[^\]]+\]\(https://[^)]+\)(: .+)?$", item) for item in items)


def test_llms_txt_links_resolve_to_built_files(exported_site: Path, llms: str) -> None:
    """Every link of llms.txt is a page or file of the built site."""
    urls = [m["url"] for m in _LINK.finditer(llms)]
    assert any(url.endswith("/guideline.md") for url in urls)
    missing = [url for url in urls if not served_file(exported_site, url).is_file()]
    assert not missing, missing


def test_llms_txt_names_every_rule_id(llms: str, rules: list[Rule], exported_site: Path) -> None:
    """Every rule ID is in llms.txt, by itself or inside its section's range, and in the site."""
    sections = {r.page for r in rules}
    ranges = re.findall(r"(\b[A-Z][A-Z0-9]+-\d{3}) to ([A-Z][A-Z0-9]+-\d{3})\b", llms)
    assert len(ranges) + llms.count(" rule, ") == len(sections)
    for rule in rules:
        covered = rule.id in llms or any(
            low.split("-")[0] == rule.area and low <= rule.id <= high for low, high in ranges
        )
        assert covered, rule.id
    assert (exported_site / "rules.json").read_text(encoding="utf-8").count('"id": ') == len(rules)


# ---------------------------------------------------------------- guideline.md


def test_guideline_has_every_rule_with_its_level_and_statement(
    guideline: str, rules: list[Rule]
) -> None:
    """Each rule has its own section: ID and title, then its level and its statement."""
    sections = rule_sections(guideline)
    assert len(sections) == len(rules)
    assert set(sections) == {r.id for r in rules}
    for rule in rules:
        text = sections[rule.id]
        assert text.startswith(f"{rule.id} · {rule.title}\n"), rule.id
        statement = absolute_links(rule.statement, rule.page, site_meta()[2])
        assert f"**{rule.level}** · {statement}" in text, rule.id


def test_every_rule_says_where_it_comes_from_and_how_it_is_checked(
    guideline: str, rules: list[Rule]
) -> None:
    """A reviewer's agent sees the page's *Origin:* line and every check, the audit's too."""
    sections = rule_sections(guideline)
    for rule in (r for r in rules if not r.retired):
        text = sections[rule.id]
        page = (DOCS / rule.page).read_text(encoding="utf-8")
        heading = page.index(f"## {rule.id} ·")
        origin = next(line for line in page[heading:].splitlines() if line.startswith("*Origin:*"))
        assert f"\n{absolute_links(origin, rule.page, site_meta()[2])}\n" in text, rule.id
        found = checks(rule)
        assert found, f"{rule.id} says nothing of how it is checked"
        checked = next(line for line in text.splitlines() if line.startswith("*Checked by:*"))
        for check in found:
            value = absolute_links(check.value, rule.page, site_meta()[2])
            assert value in checked, (rule.id, check)


def test_every_do_block_is_in_its_rule_section_verbatim(
    guideline: str, rule_examples: dict[str, list[Example]]
) -> None:
    """The expanded code of every Do block appears, verbatim and fenced, under its own rule."""
    sections = rule_sections(guideline)
    do_blocks = 0
    for rule_id, found in rule_examples.items():
        for example in found:
            code = example.block.source.rstrip("\n")
            assert f"\n{code}\n```" in sections[rule_id], (rule_id, example.block.id)
            do_blocks += example.kind == "do"
    assert do_blocks >= 100


def test_every_do_tab_block_is_exported(rules: list[Rule], guideline: str) -> None:
    """Every block inside a `=== "Do"` tab of a rule page is in guideline.md."""
    counted = 0
    for page in sorted({r.page for r in rules}):
        lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
        for block in blocks(DOCS / page, DOCS):
            if tab_of(lines, block.line) == "Do":
                assert block.source.rstrip("\n") in guideline, block.id
                counted += 1
    assert counted >= 100


def test_no_dont_block_is_exported(rules: list[Rule], guideline: str) -> None:
    """No block of a `=== "Don't"` tab reaches guideline.md: agents copy what they read."""
    checked = 0
    for page in sorted({r.page for r in rules}):
        lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
        for block in blocks(DOCS / page, DOCS):
            if tab_of(lines, block.line) == "Don't":
                assert block.source.rstrip("\n") not in guideline, block.id
                checked += 1
    assert checked >= 50


def test_guideline_links_are_absolute(guideline: str) -> None:
    """Links in guideline.md's text work outside the site: none is relative (code aside)."""
    prose = re.sub(r"^(`{3,})[^\n]*\n.*?^\1$", "", guideline, flags=re.M | re.S)
    assert prose.count("```") == 0
    assert not _RELATIVE_LINK.findall(prose)
    assert "](https://" in prose


def test_examples_pick_the_do_tab_and_skip_the_dont(tmp_path: Path) -> None:
    """On a made-up page: Do blocks are taken, Don't blocks never, untabbed only without a Do."""
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    include = '    --8<-- "app/core/config.py:settings"'
    demo = '    --8<-- "demos/cfg_class_config.py:demo"'
    page = "\n".join(
        [
            "# 1. Made up",
            "",
            "## ZZ-001 · One { #zz-001 }",
            "",
            "**MUST** · Do it.",
            "",
            "*Origin:* added — made up",
            "",
            "*Checked by:* reviewer — nothing",
            "",
            '=== "Do"',
            "",
            "    ```python",
            include,
            "    ```",
            "",
            '=== "Don\'t"',
            "",
            "    ```python",
            demo,
            "    ```",
            "",
            "## ZZ-002 · Two { #zz-002 }",
            "",
            "**SHOULD** · Show it.",
            "",
            "*Origin:* derived (§1)",
            "",
            "*Checked by:* reviewer — nothing",
            "",
            "```python",
            include.strip(),
            "```",
            "",
        ]
    )
    path = rules_dir / "made-up.md"
    path.write_text(page, encoding="utf-8")
    found = blocks(path, tmp_path)
    first, second = (examples(e, found) for e in parse_page(page, "rules/made-up.md", {}))
    assert [(e.kind, e.block.line) for e in first] == [("do", 13)]
    assert [(e.kind, e.block.line) for e in second] == [("example", 31)]


def test_fence_outlasts_backticks_in_the_code() -> None:
    """A block that contains a ``` run gets a longer fence, so it cannot close early."""
    fenced = fence('doc = """\n```\n"""\n', "python", "x.py")
    assert fenced.startswith('````python title="x.py"\n')
    assert fenced.endswith("\n````")


def test_relative_links_become_absolute() -> None:
    """`#err-005` and `../x.md#a` resolve against the rule's page; absolute links stay."""
    base = "https://example.org/"
    text = "[A](#err-005), [B](../checklist.md#x), [C](https://rfc-editor.org/)"
    assert absolute_links(text, "rules/errors.md", base) == (
        "[A](https://example.org/rules/errors/#err-005), "
        "[B](https://example.org/checklist/#x), [C](https://rfc-editor.org/)"
    )


# ---------------------------------------------------------------- make serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def serve_url() -> Iterator[str]:
    """`mkdocs serve` (what `make serve` runs) on a free port, until its first build is served."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert process.poll() is None, "mkdocs serve exited"
            try:
                with urllib.request.urlopen(url + "/llms.txt", timeout=5):  # noqa: S310 - local
                    break
            except (URLError, ConnectionError, TimeoutError):
                time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


_LOOKS_LIKE = {
    LLMS_TXT: b"# ",
    GUIDELINE_MD: b"# ",
    "openapi.json": b'{\n  "openapi": ',
    "tasks-service.zip": b"PK\x03\x04",
}


@pytest.mark.parametrize("name", list(_LOOKS_LIKE))
def test_mkdocs_serve_serves_the_generated_files(serve_url: str, name: str) -> None:
    """`make serve` answers /llms.txt, /guideline.md, /openapi.json, /tasks-service.zip too."""
    with urllib.request.urlopen(f"{serve_url}/{name}", timeout=30) as response:  # noqa: S310
        body = response.read()
    assert response.status == 200
    assert body.startswith(_LOOKS_LIKE[name])
    assert len(body) > 1000
