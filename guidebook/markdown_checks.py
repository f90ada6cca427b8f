"""A Python-Markdown extension: each rule's *Checked by* line gains the audit tool's checks.

Listed in mkdocs.yml's `markdown_extensions`, so the MkDocs build and the Zensical build (which
renders with Python-Markdown and the same extension list) show the same line. It runs before
pymdownx.snippets, on the page's own text: under each `## ID · Title` heading, the rule's
`*Checked by:*` paragraph is extended with ` · audit `NAME``, one per audit check of the rule,
linked to the audit page's list of checks. Pages without rule headings are left alone.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from guidebook.checked_by import audit_checks, markdown
from guidebook.rule_lines import AUDIT, CHECKED_PREFIX, SEPARATOR, Check
from guidebook.rules import HEADING

PRIORITY = 35  # above pymdownx.snippets (32): included files are not scanned


def add_audit_checks(
    lines: list[str], audit: Mapping[str, Sequence[str]] | None = None
) -> list[str]:
    """The page's lines with each rule's audit checks appended to its *Checked by* paragraph.

    `audit` maps a rule ID to its checks' names; by default, the audit tool's registry.
    """
    found = audit_checks() if audit is None else audit
    out = list(lines)
    rule_id, in_fence = None, False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence:
            continue
        heading = HEADING.match(line)
        if heading:
            rule_id = heading["id"]
        elif line.startswith(CHECKED_PREFIX) and rule_id is not None and rule_id in found:
            end = index
            while end + 1 < len(lines) and lines[end + 1].strip():
                end += 1  # a wrapped paragraph: append to its last line
            extra = SEPARATOR.join(markdown(Check(AUDIT, name)) for name in found[rule_id])
            out[end] = f"{out[end].rstrip()}{SEPARATOR}{extra}"
            rule_id = None  # one line per rule
    return out


class _AuditChecks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return add_audit_checks(lines)


class AuditChecksExtension(Extension):
    """Registers the preprocessor."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_AuditChecks(md), "guideline_audit_checks", PRIORITY)


def makeExtension(**kwargs: Any) -> AuditChecksExtension:  # noqa: ANN401 - any config Markdown passes
    """The entry point of `markdown_extensions: [guidebook.markdown_checks]`."""
    return AuditChecksExtension(**kwargs)
