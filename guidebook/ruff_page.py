"""The table of docs/ruff.md: which ruff rule checks which guideline rule, from Checked-by lines.

`python -m guidebook.ruff_page` (run by `make register`) rewrites the block between the page's
two marker comments; `--check` fails when it is stale, and a test runs that check. Each row is
one ruff code or prefix that a rule's *Checked by* line names, linked to ruff's page for it, with
the guideline rules that cite it.
"""

import argparse
import re
import sys
from collections.abc import Sequence

from guidebook.checked_by import RUFF_DOCS, ruff_names
from guidebook.links import catalogue
from guidebook.paths import DOCS
from guidebook.rules import Rule

PAGE = DOCS / "ruff.md"
BEGIN = "<!-- BEGIN ruff table: generated from the rules' Checked-by lines; do not edit -->"
END = "<!-- END ruff table -->"
_BLOCK = re.compile(rf"{re.escape(BEGIN)}\n.*?{re.escape(END)}", re.S)


def table(rules: Sequence[Rule], names: dict[str, str]) -> str:
    """The Markdown table: ruff code (linked to its page), its name, the rules that cite it."""
    cited: dict[str, list[Rule]] = {}
    for rule in rules:
        for check in rule.checked_by:
            if check.kind == "ruff" and rule not in cited.setdefault(check.value, []):
                cited[check.value].append(rule)
    rows = ["| ruff | its name | guideline rules |", "|---|---|---|"]
    for code in sorted(cited):
        name = names.get(code)
        ruff = f"[`{code}`]({RUFF_DOCS}{name}/)" if name else f"`{code}` (every rule of the prefix)"
        links = ", ".join(f"[{r.id}]({r.page}#{r.anchor})" for r in cited[code])
        rows.append(f"| {ruff} | {f'`{name}`' if name else '—'} | {links} |")
    return "\n".join(rows)


def updated(text: str, rules: Sequence[Rule], names: dict[str, str]) -> str:
    """The page with its table regenerated between the markers."""
    if not _BLOCK.search(text):
        raise LookupError(f"{PAGE.name} has no block between {BEGIN!r} and {END!r}")
    block = f"{BEGIN}\n{table(rules, names)}\n{END}"
    return _BLOCK.sub(lambda _: block, text, count=1)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or, with --check, verify) the table of docs/ruff.md."""
    parser = argparse.ArgumentParser(description="Regenerate the ruff table of docs/ruff.md.")
    parser.add_argument("--check", action="store_true", help="fail if the table is stale")
    args = parser.parse_args(argv)
    text = PAGE.read_text(encoding="utf-8")
    new = updated(text, catalogue(), ruff_names())
    if args.check:
        if new != text:
            sys.stderr.write("docs/ruff.md's table is stale: run `make register`\n")
            return 1
        return 0
    if new != text:
        PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
