"""What proves each rule: its Do and Don't blocks, its tests, and its departures from the original.

Everything here is read from the rule catalogue (guidebook.catalogue: the rule pages and the
example's marked tests), never kept by hand. `docs/evidence.md` and `docs/errata.md` call
`rule_evidence()` and `rule_errata()` through the macros plugin (guidebook.macros), so every
build, MkDocs' and Zensical's, renders them afresh.
"""

from pathlib import Path

from guidebook.catalogue import EXAMPLE_TESTS, DepartureKind, Entry, load
from guidebook.links import rewrite_links
from guidebook.paths import RULE_PAGES
from guidebook.rules import Rule, section_order


def gaps(entry: Entry) -> list[str]:
    """What a MUST rule that code can show is missing: a Do block, a Don't block, a test."""
    if entry.rule.level != "MUST" or entry.reviewer_checked:
        return []
    wanted = (("Do block", entry.do), ("Don't block", entry.dont), ("test", entry.tests))
    return [f"{entry.rule.id}: no {name}" for name, found in wanted if not found]


def collect(pages_dir: Path = RULE_PAGES, tests_root: Path = EXAMPLE_TESTS) -> list[Entry]:
    """Every rule's entry, in the guideline's order of sections."""
    entries = load(pages_dir, tests_root, registry_path=None).entries
    return sorted(entries, key=lambda e: (section_order(e.rule.section), e.rule.line))


def _link(rule: Rule) -> str:
    return f"[{rule.id}]({rule.page}#{rule.anchor})"


def _code_list(items: tuple[str, ...]) -> str:
    return "<br>".join(f"`{item}`" for item in items) or "—"


def render_evidence(evidence: list[Entry]) -> str:
    """The rule-to-evidence map in Markdown: the counts, then a table per section."""
    must = [e for e in evidence if e.rule.level == "MUST"]
    provable = [e for e in must if not e.reviewer_checked]
    complete = [e for e in provable if not gaps(e)]
    lines = [
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


# The errata's groups, in page order: (kind, heading, the summary's word for it).
ERRATA_GROUPS: tuple[tuple[DepartureKind, str, str], ...] = (
    ("departs", "Departs from the original", "departs"),
    ("level", "Level differs from the original", "level differs"),
    ("narrower", "Narrower than the original", "narrower"),
    ("dropped", "Dropped from the original", "dropped"),
    ("added", "Added by this guideline", "added"),
)


def errata_counts(evidence: list[Entry]) -> dict[DepartureKind, int]:
    """How many errata entries of each kind: departure notes by title, additions by origin."""
    counts: dict[DepartureKind, int] = {kind: 0 for kind, _, _ in ERRATA_GROUPS}
    for item in evidence:
        for change in item.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
    return counts


def render_errata(evidence: list[Entry]) -> str:
    """Every change to the original guideline in Markdown: the count per kind, then a section
    per kind (departs, level differs, narrower, dropped, added), by the guideline's sections."""
    counts = errata_counts(evidence)
    total = sum(counts.values())
    rules = sum(bool(e.changes) for e in evidence)
    summary = ", ".join(f"{counts[kind]} {word}" for kind, _, word in ERRATA_GROUPS)
    lines = [f"{total} changes to the original in {rules} rules: {summary}."]
    for kind, heading, _ in ERRATA_GROUPS:
        found = [(e, c) for e in evidence for c in e.changes if c.kind == kind]
        if not found:
            continue
        lines += ["", f"## {heading} ({len(found)}) {{ #{kind} }}"]  # an anchor without the count
        section = ""
        for item, change in found:
            if item.rule.section != section:
                section = item.rule.section
                lines += ["", f"### {section}", ""]
            body = rewrite_links(change.text, item.rule.page, str)
            indented = "\n".join(("    " + row) if row else "" for row in body.splitlines())
            lines += [f"- **{_link(item.rule)} · {item.rule.title}**", "", indented, ""]
    return "\n".join(lines).rstrip() + "\n"


def rule_evidence() -> str:
    """The macro of docs/evidence.md."""
    return render_evidence(collect())


def rule_errata() -> str:
    """The macro of docs/errata.md."""
    return render_errata(collect())
