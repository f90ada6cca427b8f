"""What proves each rule: its Do and Don't blocks, its tests, and its departures from the original.

Everything here is read from the rule pages and the example's tests, never kept by hand; the
evidence and errata pages are generated from it (`make register`) and a test keeps them current.
"""

import ast
import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from guidebook.pages import fences, include_targets
from guidebook.paths import DOCS, RULE_PAGES, SNIPPETS
from guidebook.rules import Rule, load_rules, section_order

REVIEWER_CHECK = "**How a reviewer checks it.**"
_TAB = re.compile(r'^(?P<indent> *)=== "(?P<label>[^"]+)"')
_DEPARTURE = re.compile(r'^(?P<indent> *)!!! departure(?: "(?P<title>[^"]*)")?\s*$')
_RULE_HEADING = re.compile(r"^## (?P<id>[A-Z][A-Z0-9]+-\d{3}) · ")


@dataclass(frozen=True)
class Evidence:
    """The proof a rule carries on its page and in the example's tests."""

    rule: Rule
    do: tuple[str, ...]  # include targets shown under "Do"
    dont: tuple[str, ...]  # include targets shown under "Don't"
    tests: tuple[str, ...]  # tests/...py::test_name marked @pytest.mark.rule(ID)
    reviewer_checked: bool  # a process rule: the page says how a reviewer checks it
    departures: tuple[str, ...]  # the Markdown body of each "Departs from the original" note
    shown_tests: tuple[str, ...]  # includes of the example's tests in the rule's section

    @property
    def code_can_show(self) -> bool:
        return not self.reviewer_checked

    def gaps(self) -> list[str]:
        """What a MUST rule that code can show is missing."""
        if self.rule.level != "MUST" or not self.code_can_show:
            return []
        missing = [
            name
            for name, found in (
                ("Do block", self.do),
                ("Don't block", self.dont),
                ("test", self.tests),
            )
            if not found
        ]
        return [f"{self.rule.id}: no {name}" for name in missing]


def rule_sections(text: str) -> Iterator[tuple[str, list[str]]]:
    """(rule ID, lines) for every rule section of a page, up to the next level-2 heading."""
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if current:
                yield current, lines
            match = _RULE_HEADING.match(line)
            current, lines = (match["id"] if match else None), []
            continue
        if current:
            lines.append(line)
    if current:
        yield current, lines


def _tabbed_includes(lines: list[str]) -> dict[str, list[str]]:
    """Include targets of the fences under each content tab label."""
    found: dict[str, list[str]] = {}
    label, indent = None, 0
    body: list[str] = []

    def flush() -> None:
        if label is not None:
            targets = [
                t for _, _, _, raw in fences("\n".join(body) + "\n") for t in include_targets(raw)
            ]
            found.setdefault(label, []).extend(targets)

    for line in lines:
        tab = _TAB.match(line)
        if tab:
            flush()
            label, indent, body = tab["label"], len(tab["indent"]), []
        elif label is not None and line.strip() and len(line) - len(line.lstrip()) <= indent:
            flush()
            label, body = None, []
        elif label is not None:
            body.append(line)
    flush()
    return found


def _departures(lines: list[str]) -> list[str]:
    """The body of each departure note, dedented."""
    notes: list[str] = []
    body: list[str] | None = None
    indent = 0
    for line in [*lines, "<end>"]:
        match = _DEPARTURE.match(line)
        if body is not None and (
            match or (line.strip() and not line.startswith(" " * (indent + 4)))
        ):
            notes.append("\n".join(row[indent + 4 :] for row in body).strip())
            body = None
        if match:
            body, indent = [], len(match["indent"])
        elif body is not None:
            body.append(line)
    return notes


def marked_tests(root: Path = SNIPPETS / "tests") -> dict[str, list[str]]:
    """Tests marked `@pytest.mark.rule("ID")`, by rule ID."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and ast.unparse(decorator.func) == "pytest.mark.rule"
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    test = f"{path.relative_to(root.parent).as_posix()}::{node.name}"
                    found.setdefault(str(decorator.args[0].value), []).append(test)
    return found


def collect(pages_dir: Path = RULE_PAGES, tests_root: Path = SNIPPETS / "tests") -> list[Evidence]:
    """The evidence of every rule, in catalogue order."""
    tests = marked_tests(tests_root)
    sections: dict[str, list[str]] = {}
    for path in sorted(pages_dir.glob("*.md")):
        sections.update(rule_sections(path.read_text(encoding="utf-8")))
    evidence = []
    for rule in sorted(load_rules(pages_dir), key=lambda r: (section_order(r.section), r.line)):
        lines = sections[rule.id]
        tabs = _tabbed_includes(lines)
        evidence.append(
            Evidence(
                rule=rule,
                do=tuple(
                    t
                    for label, targets in tabs.items()
                    if label.startswith("Do") and not label.startswith("Don")
                    for t in targets
                ),
                dont=tuple(
                    t for label, targets in tabs.items() if label.startswith("Don") for t in targets
                ),
                tests=tuple(tests.get(rule.id, ())),
                reviewer_checked=any(line.startswith(REVIEWER_CHECK) for line in lines),
                departures=tuple(_departures(lines)),
                shown_tests=tuple(
                    target
                    for _, _, _, raw in fences("\n".join(lines) + "\n")
                    for target in include_targets(raw)
                    if target.startswith("tests/")
                ),
            )
        )
    return evidence


def _link(rule: Rule) -> str:
    return f"[{rule.id}]({rule.page}#{rule.anchor})"


def _code_list(items: tuple[str, ...]) -> str:
    return "<br>".join(f"`{item}`" for item in items) or "—"


def render_evidence(evidence: list[Evidence]) -> str:
    """The rule-to-evidence map, as a Markdown page."""
    must = [e for e in evidence if e.rule.level == "MUST"]
    provable = [e for e in must if e.code_can_show]
    complete = [e for e in provable if not e.gaps()]
    lines = [
        "# Rule evidence",
        "",
        "For each rule: its level, the blocks that show it (*Do*) and its anti-pattern",
        "(*Don't*), and the tests of the example project that prove both: the Do passes a",
        "check that the Don't fails. Process rules, which code cannot show, say instead how",
        "a reviewer checks them. This page is generated from the rule pages and the tests",
        "(`make register`); the suite fails when it is out of date, or when a MUST rule that",
        "code can show lacks a Do, a Don't or a test.",
        "",
        f"- Rules in force: {sum(not e.rule.retired for e in evidence)} ({len(must)} MUST, "
        f"{sum(e.rule.level == 'SHOULD' for e in evidence)} SHOULD, "
        f"{sum(e.rule.level == 'MAY' for e in evidence)} MAY); "
        f"{sum(e.rule.level == 'MERGED' for e in evidence)} merged into others, "
        f"{sum(e.rule.level == 'RETIRED' for e in evidence)} retired",
        f"- MUST rules that code can show: {len(provable)}, of which {len(complete)} have a Do, "
        "a Don't and a test",
        f"- Rules a reviewer checks by hand: {sum(e.reviewer_checked for e in evidence)}",
        f"- Rules with a test: {sum(bool(e.tests) for e in evidence)}",
        "",
    ]
    section = ""
    for item in evidence:
        if item.rule.section != section:
            section = item.rule.section
            lines += [
                "",
                f"## {section}",
                "",
                "| rule | level | Do | Don't | proof |",
                "|---|---|---|---|---|",
            ]
        proof = "reviewer checks it" if item.reviewer_checked else _code_list(item.tests)
        lines.append(
            f"| {_link(item.rule)} {item.rule.title} | {item.rule.level} | "
            f"{_code_list(item.do)} | {_code_list(item.dont)} | {proof} |"
        )
    return "\n".join(lines) + "\n"


_MD_LINK_TARGET = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def _rebase(markdown: str, page: str) -> str:
    """Rewrite a rule page's relative links so they work from the docs root."""

    def rebase(match: re.Match[str]) -> str:
        target = match["target"]
        if "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        if target.startswith("#"):
            return f"]({page}{target})"
        return f"]({posixpath.normpath(posixpath.join(posixpath.dirname(page), target))})"

    return _MD_LINK_TARGET.sub(rebase, markdown)


def render_errata(evidence: list[Evidence]) -> str:
    """Every departure from the original guideline, as a Markdown page."""
    noted = [e for e in evidence if e.departures]
    lines = [
        "# Errata",
        "",
        "Where this site departs from the original guideline's text or code, and why. Each entry",
        "is the note on the rule itself; this page is generated from them (`make register`).",
        "",
        f"{sum(len(e.departures) for e in noted)} departures in {len(noted)} rules.",
    ]
    section = ""
    for item in noted:
        if item.rule.section != section:
            section = item.rule.section
            lines += ["", f"## {section}", ""]
        for note in item.departures:
            body = _rebase(note, item.rule.page)
            indented = "\n".join(("    " + row) if row else "" for row in body.splitlines())
            lines += [f"- **{_link(item.rule)} · {item.rule.title}**", "", indented, ""]
    return "\n".join(lines).rstrip() + "\n"


PAGES = {DOCS / "evidence.md": render_evidence, DOCS / "errata.md": render_errata}


def main() -> None:
    """Write the generated pages; with --check, fail when they are out of date."""
    evidence = collect()
    stale = []
    for path, render in PAGES.items():
        text = render(evidence)
        if path.read_text(encoding="utf-8") != text:
            stale.append(path.name)
            if "--check" not in sys.argv:
                path.write_text(text, encoding="utf-8")
    if stale and "--check" in sys.argv:
        sys.exit(f"out of date: {', '.join(stale)}; run `make register`")


if __name__ == "__main__":
    main()
