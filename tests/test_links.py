"""Short links /r/<ID>/: derived from the catalogue, never stale, resolving for every ID."""

import re
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from guidebook.catalogue import StaleRegistryError, check_registry
from guidebook.export import built_page, h2_ids
from guidebook.links import (
    BEGIN,
    END,
    catalogue,
    main,
    netlify_redirects,
    page_path,
    redirect_maps,
    rule_path,
    updated_config,
)
from guidebook.netlify import read_redirects
from guidebook.pages import mkdocs_config
from guidebook.paths import MKDOCS_YML
from guidebook.rules import Rule
from tests.browser import serve
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


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    found = catalogue()
    assert found, "the catalogue holds no rule"
    return found


def test_short_link_block_in_mkdocs_yml_is_current() -> None:
    """The redirect_maps block equals what the generator writes now (run `make register`)."""
    text = MKDOCS_YML.read_text(encoding="utf-8")
    assert BEGIN in text
    assert END in text
    assert updated_config(text, catalogue()) == text, "stale short links: run `make register`"


def test_redirect_maps_cover_every_rule_in_both_cases(rules: list[Rule]) -> None:
    """mkdocs-redirects maps r/ID.md and r/id.md of every rule, and nothing else, to its anchor."""
    plugins = mkdocs_config(MKDOCS_YML)["plugins"]
    redirects = next(p["redirects"] for p in plugins if isinstance(p, dict) and "redirects" in p)
    expected = {}
    for rule in rules:
        expected[f"r/{rule.id}.md"] = f"{rule.page}#{rule.anchor}"
        expected[f"r/{rule.id.lower()}.md"] = f"{rule.page}#{rule.anchor}"
    assert redirects["redirect_maps"] == expected


def test_check_mode_fails_on_a_stale_block(tmp_path: Path) -> None:
    """`python -m guidebook.links --check` exits 1 on a hand-edited block, 0 once regenerated."""
    config = tmp_path / "mkdocs.yml"
    text = MKDOCS_YML.read_text(encoding="utf-8")
    stale = text.replace(BEGIN + "\n", BEGIN + "\n        r/OLD-001.md: rules/old.md#old-001\n")
    config.write_text(stale, encoding="utf-8")
    assert main(["--check", "--config", str(config)]) == 1
    assert main(["--config", str(config)]) == 0
    assert main(["--check", "--config", str(config)]) == 0
    assert "OLD-001" not in config.read_text(encoding="utf-8")


def test_generated_block_replaces_only_the_block() -> None:
    """Regeneration rewrites the lines between the markers and leaves the rest untouched."""
    before = f"plugins:\n  - redirects:\n      redirect_maps:\n        {BEGIN}\n        {{}}\n"
    after = f"        {END}\n  - search\n"
    new = updated_config(before + after, [_rule("ERR-001"), _rule("CFG-002", "rules/conf.md")])
    assert new == (
        f"plugins:\n  - redirects:\n      redirect_maps:\n        {BEGIN}\n"
        "        r/ERR-001.md: rules/errors.md#err-001\n"
        "        r/err-001.md: rules/errors.md#err-001\n"
        "        r/CFG-002.md: rules/conf.md#cfg-002\n"
        "        r/cfg-002.md: rules/conf.md#cfg-002\n" + after
    )
    assert updated_config(new, []) == before + after


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


@pytest.fixture(scope="module")
def site_url(site_build: Build) -> Iterator[str]:
    with serve(site_build.site) as url:
        yield url


def test_every_short_link_resolves_over_http(
    site_build: Build, site_url: str, rules: list[Rule]
) -> None:
    """GET /r/<ID>/ and /r/<id>/ of every rule returns a page that forwards to the rule's h2."""
    anchors: dict[str, set[str]] = {}
    checked = 0
    for rule in rules:
        for spelling in (rule.id, rule.id.lower()):
            url = f"{site_url}/r/{spelling}/"
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
