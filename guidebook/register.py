"""Append newly published rule IDs to the registry (it only ever grows)."""

import datetime

from guidebook.paths import REGISTRY
from guidebook.rules import load_rules, read_registry


def main() -> None:
    known = read_registry(REGISTRY) if REGISTRY.exists() else {}
    today = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    new = [rule.id for rule in load_rules() if rule.id not in known]
    with REGISTRY.open("a", encoding="utf-8") as registry:
        if not known:
            registry.write("# Every rule ID ever published, with its first publication date.\n")
            registry.write("# Append only: a retired rule keeps a tombstone on its page.\n")
        registry.writelines(f"{rule_id} {today}\n" for rule_id in new)
    print(f"registered {len(new)} new rule IDs")  # noqa: T201 - command-line tool


if __name__ == "__main__":
    main()
