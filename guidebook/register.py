"""`make register`: append new rule IDs to the registry (it only ever grows), then regenerate
the short links, the ruff table and the evidence and errata pages from the rule pages."""

import datetime

from guidebook.paths import REGISTRY
from guidebook.rules import load_rules, read_registry


def register_ids() -> None:
    """Append the rule IDs the pages have and the registry lacks, dated today."""
    known = read_registry(REGISTRY) if REGISTRY.exists() else {}
    today = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    new = [rule.id for rule in load_rules() if rule.id not in known]
    with REGISTRY.open("a", encoding="utf-8") as registry:
        if not known:
            registry.write("# Every rule ID ever published, with its first publication date.\n")
            registry.write("# Append only: a retired rule keeps a tombstone on its page.\n")
        registry.writelines(f"{rule_id} {today}\n" for rule_id in new)
    print(f"registered {len(new)} new rule IDs")  # noqa: T201 - command-line tool


def main() -> int:
    """`make register`: the registry, then everything generated from the rule pages."""
    # Imported here: each reads the registry this run may just have extended.
    from guidebook import evidence, links, ruff_page  # noqa: PLC0415

    register_ids()
    status = links.main([]) or ruff_page.main([])
    evidence.main()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
