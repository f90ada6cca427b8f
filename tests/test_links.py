"""Short links /r/<ID>/: derived from the catalogue, never stale, resolving for every ID."""

import re
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from mkdocs.config import load_config

from guidebook import mkdocs_hooks
from guidebook.catalogue import StaleRegistryError, check_registry
from guidebook.export import built_page, h2_ids
from guidebook.links import (
    netlify_redirects,
    page_path,
    redirect_maps,
    rule_path,
)
from guidebook.netlify import read_redirects
from guidebook.pages import mkdocs_config
from guidebook.paths import MKDOCS_YML
from guidebook.rules import Rule
from tests.conftest import Build


def _rule(rule_id: str, page: str = "rules/errors.md", level: str = "MUST") -> Rule:
    return Rule(
        id=rule_id,
        title=f"Title of {rule_id}",
        level=level,
        statement="A statement.",
        anchor=rule_id.lower(),
        page=page,
        section="7. Errors and Exceptions",
        line=1,
    )


def _configured_maps() -> dict[str, str]:
    """mkdocs.yml's redirect_maps as committed (before any hook ran)."""
    plugins = mkdocs_config(MKDOCS_YML)["plugins"]
    redirects = next(p["redirects"] for p in plugins if isinstance(p, dict) and "redirects" in p)
    maps: dict[str, str] = redirects["redirect_maps"]
    return maps


def test_mkdocs_yml_commits_no_short_link() -> None:
    """The map in mkdocs.yml is empty and the build fills it: no generated line is committed."""
    assert _configured_maps() == {}
    assert "guidebook/mkdocs_hooks.py" in mkdocs_config(MKDOCS_YML)["hooks"]


def test_the_hook_maps_every_rule_in_both_cases(rules: list[Rule]) -> None:
    """On MkDocs' own config, the hook maps r/ID.md and r/id.md of every rule, and nothing
    else, to its anchor."""
    config = load_config(str(MKDOCS_YML))
    mkdocs_hooks.on_config(config)
    expected = {}
    for rule in rules:
        expected[f"r/{rule.id}.md"] = f"{rule.page}#{rule.anchor}"
        expected[f"r/{rule.id.lower()}.md"] = f"{rule.page}#{rule.anchor}"
    assert config.plugins["redirects"].config["redirect_maps"] == expected


def test_the_hook_refuses_a_typed_entry_that_clashes(rules: list[Rule]) -> None:
    """A hand-typed map entry for a generated short link stops the build instead of losing."""
    config = load_config(str(MKDOCS_YML))
    config.plugins["redirects"].config["redirect_maps"][f"r/{rules[0].id}.md"] = "index.md"
    with pytest.raises(ValueError, match=rules[0].id):
        mkdocs_hooks.on_config(config)


def test_retired_rules_keep_their_short_links() -> None:
    """A RETIRED tombstone still gets both short links, to its own anchor."""
    maps = redirect_maps([_rule("ERR-009", level="RETIRED")])
    assert maps == {
        "r/ERR-009.md": "rules/errors.md#err-009",
        "r/err-009.md": "rules/errors.md#err-009",
    }


def test_a_registered_id_must_still_be_on_a_page() -> None:
    """A published ID that vanished from the pages stops the generator."""
    with pytest.raises(StaleRegistryError, match="GONE-001"):
        check_registry([_rule("ERR-001")], {"ERR-001": "2025-01-01", "GONE-001": "2025-01-01"})


def test_site_paths_follow_directory_urls() -> None:
    """Pages map to directory URLs, so a rule's path is `rules/errors/#err-001`."""
    assert page_path("index.md") == ""
    assert page_path("rules/errors.md") == "rules/errors/"
    assert page_path("example/index.md") == "example/"
    assert rule_path(_rule("ERR-001")) == "rules/errors/#err-001"


def test_netlify_redirects_are_forced_301s_for_both_cases() -> None:
    """Each ID yields two forced 301 rules to the page anchor, parsed back as Netlify would."""
    parsed = read_redirects(netlify_redirects([_rule("ERR-001")]))
    assert [(r.source, r.target, r.status, r.force) for r in parsed] == [
        ("/r/ERR-001", "/rules/errors/#err-001", 301, True),
        ("/r/err-001", "/rules/errors/#err-001", 301, True),
    ]


class _Refresh(HTMLParser):
    """The target of a redirect page: its meta refresh and its canonical link."""

    def __init__(self) -> None:
        super().__init__()
        self.refresh = ""
        self.canonical = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.refresh = re.sub(r"^\d+;\s*url=", "", values.get("content") or "")
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href") or ""


def test_every_short_link_resolves_over_http(
    site_build: Build, plain_url: str, rules: list[Rule]
) -> None:
    """GET /r/<ID>/ and /r/<id>/ of every rule returns a page that forwards to the rule's h2."""
    anchors: dict[str, set[str]] = {}
    checked = 0
    for rule in rules:
        for spelling in (rule.id, rule.id.lower()):
            url = f"{plain_url}/r/{spelling}/"
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
                assert response.status == 200
                page = _Refresh()
                page.feed(response.read().decode("utf-8"))
            target = urlsplit(urljoin(url, page.refresh))
            assert (target.path, target.fragment) == (f"/{page_path(rule.page)}", rule.anchor)
            assert urljoin(url, page.canonical) == urljoin(url, page.refresh)
            if target.path not in anchors:
                built = built_page(site_build.site, target.path)
                anchors[target.path] = h2_ids(built.read_text(encoding="utf-8"))
            assert rule.anchor in anchors[target.path], f"{spelling}: no h2#{rule.anchor}"
            checked += 1
    assert checked == 2 * len(rules)
