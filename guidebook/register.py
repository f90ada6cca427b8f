"""`make register`: append new rule IDs to the registry (it only ever grows), then regenerate
docs/ruff.md's table. The short links, the evidence and the errata are made by every build."""

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
    """`make register`: the registry, then the ruff table, which reads the registry."""
    # Imported here: it reads the registry this run may just have extended.
    from guidebook import ruff_page  # noqa: PLC0415

    register_ids()
    return ruff_page.main([])


if __name__ == "__main__":
    raise SystemExit(main())
