"""The registry is the one place that says which rules are checked; it agrees with the catalogue."""

import catalogue_source
from fastapi_guideline.catalogue import rules
from fastapi_guideline.registry import all_checks, rules_checked


def test_every_check_cites_live_rules_of_the_catalogue() -> None:
    catalogue = rules()
    for check in all_checks().values():
        assert check.rules, check.name
        for rule_id in check.rules:
            assert rule_id in catalogue, f"{check.name} cites {rule_id}, which is no rule"
            assert catalogue[rule_id].live, f"{check.name} cites {rule_id}, which is not live"


def test_at_least_forty_live_rules_are_checked() -> None:
    checked = rules_checked()
    print(f"\n{len(all_checks())} checks cover {len(checked)} rules")
    assert len(checked) >= 40, len(checked)


def test_rules_checked_maps_rule_ids_to_check_names() -> None:
    checked = rules_checked()
    assert checked["ERR-001"] == ["AD-HOC-ERROR-BODY", "ERRORS-AS-PROBLEMS"]
    assert all(name in all_checks() for names in checked.values() for name in names)


def test_the_packaged_catalogue_is_the_catalogue_of_the_pages() -> None:
    packaged = {r.id: (r.level, r.title, r.short_url) for r in rules().values()}
    pages = {
        e["id"]: (e["level"], e["title"], e["short_url"])
        for e in catalogue_source.catalogue_entries()
    }
    assert packaged == pages
    assert packaged["ERR-001"][2] == catalogue_source.site_url() + "r/ERR-001/"
