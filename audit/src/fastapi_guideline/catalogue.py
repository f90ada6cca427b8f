"""The rules a finding cites, read from the `rules.json` the build put into the package."""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEVELS = ("MUST", "SHOULD", "MAY")


class CatalogueMissingError(RuntimeError):
    """The package was built without its rule catalogue."""


@dataclass(frozen=True)
class Rule:
    """What a finding cites: ID, level, title and short link."""

    id: str
    level: str
    title: str
    short_url: str
    status: str
    merged_into: str | None = None  # a MERGED tombstone's canonical rule

    @property
    def live(self) -> bool:
        return self.status == "active" and self.level in LEVELS


@cache
def rules() -> dict[str, Rule]:
    """Every rule of the catalogue by ID."""
    source = resources.files("fastapi_guideline") / "rules.json"
    if not source.is_file():
        raise CatalogueMissingError(
            "fastapi_guideline/rules.json is missing: build the package from the guideline's "
            "repository (its build hook writes the catalogue)"
        )
    entries = json.loads(source.read_text(encoding="utf-8"))
    return {
        entry["id"]: Rule(
            id=entry["id"],
            level=entry["level"],
            title=entry["title"],
            short_url=entry["short_url"],
            status=entry.get("status", "active"),
            merged_into=entry.get("merged_into"),
        )
        for entry in entries
    }


def canonical(rule_id: str) -> str:
    """The live rule an ID stands for: a merged rule's canonical rule (followed through later
    merges), any other ID itself."""
    catalogue = rules()
    seen = {rule_id}
    while True:
        rule = catalogue.get(rule_id)
        target = rule.merged_into if rule is not None else None
        if target is None or target in seen:
            return rule_id
        rule_id = target
        seen.add(target)


def severity(level: str) -> int:
    """MUST 3, SHOULD 2, MAY 1: compare levels with `>=`."""
    return len(LEVELS) - LEVELS.index(level) if level in LEVELS else 0
