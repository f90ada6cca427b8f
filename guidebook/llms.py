"""The guideline as context for coding agents: `/llms.txt` and `/guideline.md`.

Both are generated from the rule catalogue and the rule pages, like rules.json:

- `guideline.md` is the whole guideline in one Markdown file: per section, every rule with its
  ID, level, title, statement, *Origin:* and *Checked by:* lines, the **Why** paragraph and the
  verified code of its **Do** tab
  (the blocks exactly as the site shows them, includes expanded by `guidebook.pages.blocks`).
  A rule without a Do tab contributes the blocks outside any tab; a **Don't** block never
  appears, so an agent cannot copy an anti-pattern from it. Links become absolute URLs.
- `llms.txt` follows llmstxt.org: an H1 title, a `>` summary, then H2 lists of links (the
  full file, every section page, the other pages, and an `Optional` list).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidebook.catalogue import Catalogue, Entry
from guidebook.checked_by import checks
from guidebook.links import page_path, rewrite_links, rule_path, short_path, site_url_of
from guidebook.pages import Block, blocks, mkdocs_config
from guidebook.paths import DOCS, MKDOCS_YML
from guidebook.rules import Rule

LLMS_TXT = "llms.txt"
GUIDELINE_MD = "guideline.md"

_H1 = re.compile(r"^# (?P<title>.+)$", re.M)


@dataclass(frozen=True)
class Example:
    """A code block shown for a rule: from its Do tab (`do`) or outside any tab (`example`)."""

    kind: str
    block: Block


def absolute_links(text: str, page: str, base_url: str) -> str:
    """Rewrite a page's relative Markdown links (`../x.md#a`, `#err-005`) to absolute URLs."""
    return rewrite_links(text, page, lambda target: site_url_of(target, base_url))


def examples(entry: Entry, page_blocks: Sequence[Block]) -> list[Example]:
    """The verified blocks of a rule's Do tab, else its blocks outside any tab; never a Don't.

    `page_blocks` are the blocks of the rule's page, includes expanded (guidebook.pages).
    """
    by_line = {block.line: block for block in page_blocks}
    do = [by_line[fence.line] for fence in entry.fences_of("do")]
    if do:
        return [Example("do", block) for block in do]
    return [Example("example", by_line[fence.line]) for fence in entry.untabbed()]


def fence(code: str, language: str, title: str | None) -> str:
    """A fenced block that no backtick run inside the code can close early."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    info = language + (f' title="{title}"' if title else "")
    return f"{ticks}{info}\n{code.rstrip(chr(10))}\n{ticks}"


def site_meta(config_path: Path = MKDOCS_YML) -> tuple[str, str, str]:
    """The site's name, description and root URL (with a trailing slash)."""
    config = mkdocs_config(config_path)
    url = str(config["site_url"])
    return (
        str(config["site_name"]),
        str(config.get("site_description", "")),
        url if url.endswith("/") else url + "/",
    )


def _by_section(rules: Iterable[Rule], config_path: Path = MKDOCS_YML) -> dict[str, list[Rule]]:
    """The rules grouped by page, pages in the site's reading order (the nav)."""
    order = [page for _, page in _nav_pages(mkdocs_config(config_path).get("nav", []))]
    sections: dict[str, list[Rule]] = {}
    for rule in sorted(rules, key=lambda r: order.index(r.page) if r.page in order else len(order)):
        sections.setdefault(rule.page, []).append(rule)
    return sections


def _preamble(name: str, description: str, base_url: str) -> list[str]:
    return [
        f"# {name}",
        "",
        f"> {description}",
        "",
        f"Generated from {base_url} by the site build: one section per page of the site, every "
        "rule with its stable ID, its level, its statement, why it exists and the code that "
        "follows it. Levels are RFC 2119 keywords: MUST, SHOULD, MAY; RETIRED rules keep their ID "
        "and say what replaced them. Every code block is a file of the example service "
        f"({base_url}tasks-service.zip), checked by the site's test suite (lint, types, tests); "
        "its `title` is the file's path in that project. Cite a rule as "
        f"{base_url}{short_path('ERR-001')}.",
        "",
    ]


def provenance(rule: Rule) -> list[str]:
    """The rule's *Origin:* and *Checked by:* lines, as its page writes them (audit included)."""
    lines = []
    if rule.origin is not None:
        where = f" ({rule.origin.section})" if rule.origin.section else ""
        quoted = rule.origin.kind == "original"  # the original's own sentence
        said = f" — “{rule.origin.text}”" if quoted else f" — {rule.origin.text}"
        said = said if rule.origin.text else ""
        lines.append(f"*Origin:* {rule.origin.kind}{where}{said}")
    found = checks(rule)
    if found:
        lines.append("*Checked by:* " + " · ".join(check.markdown() for check in found))
    return lines


def guideline_markdown(catalogue: Catalogue, docs: Path = DOCS) -> str:
    """The whole guideline as one Markdown file."""
    name, description, base_url = site_meta()
    out = _preamble(name, description, base_url)
    for page, page_rules in _by_section(catalogue.rules).items():
        out += [f"## {page_rules[0].section}", "", f"Page: {base_url}{page_path(page)}", ""]
        page_blocks = blocks(docs / page, docs)
        for rule in page_rules:
            entry = catalogue.entry(rule.id)
            out += [
                f"### {rule.id} · {rule.title}",
                "",
                f"**{rule.level}** · {absolute_links(rule.statement, page, base_url)}",
                "",
            ]
            for line in provenance(rule):
                out += [absolute_links(line, page, base_url), ""]
            if entry.why:
                out += [absolute_links(entry.why, page, base_url), ""]
            for example in examples(entry, page_blocks):
                block = example.block
                label = "Do" if example.kind == "do" else "Example"
                out += [
                    f"**{label}:**",
                    "",
                    fence(block.source, block.language, block.attrs.get("title")),
                    "",
                ]
            out += [f"Link: {base_url}{short_path(rule.id)} ({base_url}{rule_path(rule)})", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _nav_pages(nav: list[Any]) -> list[tuple[str | None, str]]:
    """(explicit title or None, docs path) of every page in the nav, in order."""
    found: list[tuple[str | None, str]] = []
    for entry in nav:
        if isinstance(entry, str):
            found.append((None, entry))
        elif isinstance(entry, dict):
            for title, value in entry.items():
                if isinstance(value, str):
                    found.append((str(title), value))
                elif isinstance(value, list):
                    found.extend(_nav_pages(value))
    return found


def page_title(page: str, docs: Path = DOCS) -> str:
    """A page's H1."""
    match = _H1.search((docs / page).read_text(encoding="utf-8"))
    return match["title"].strip() if match else page


def llms_txt(rules: Sequence[Rule], docs: Path = DOCS, config_path: Path = MKDOCS_YML) -> str:
    """The llms.txt of the site (llmstxt.org format)."""
    name, description, base_url = site_meta(config_path)
    sections = _by_section(rules)
    out = [
        f"# {name}",
        "",
        f"> {description} Rules are MUST / SHOULD / MAY (RFC 2119); every code sample is a file "
        "of a working example FastAPI service that the test suite lints, type-checks and runs.",
        "",
        f"Read [{GUIDELINE_MD}]({base_url}{GUIDELINE_MD}) to have every rule with its verified "
        f"code in one file. Cite a rule by its short link, {base_url}{short_path('ERR-001')}.",
        "",
        "## Guideline",
        "",
        f"- [The whole guideline]({base_url}{GUIDELINE_MD}): every rule with its ID, level, "
        f"statement, reason and verified code, in one Markdown file ({len(rules)} rules)",
        f"- [Rule catalogue]({base_url}rules.json): every rule as JSON, with its URL, short link "
        "and the example files and tests behind it",
        "",
        "## Sections",
        "",
    ]
    for page, page_rules in sections.items():
        ids = f"{page_rules[0].id} to {page_rules[-1].id}" if len(page_rules) > 1 else ""
        count = f"{len(page_rules)} rule{'s' if len(page_rules) > 1 else ''}"
        out.append(
            f"- [{page_rules[0].section}]({base_url}{page_path(page)}): "
            + (f"{count}, {ids}" if ids else f"{count}, {page_rules[0].id}")
        )
    out += ["", "## Pages", ""]
    nav = mkdocs_config(config_path).get("nav", [])
    for title, page in _nav_pages(nav):
        if page in sections:
            continue
        out.append(f"- [{title or page_title(page, docs)}]({base_url}{page_path(page)})")
    out += [
        "",
        "## Optional",
        "",
        f"- [Example service]({base_url}tasks-service.zip): the project every code block comes "
        "from, as a zip to start a service from",
        f"- [Example service OpenAPI]({base_url}openapi.json): its HTTP API contract, generated "
        "from the app",
        "",
    ]
    return "\n".join(out).rstrip("\n") + "\n"
