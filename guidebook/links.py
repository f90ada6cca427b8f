"""Short links `/r/<ID>/` for every rule, derived from the rule catalogue.

A reviewer cites `https://<site>/r/ERR-001/`; the link must keep working for years, whatever
happens to the page layout. Two mechanisms resolve it, both generated from the same catalogue:

- `mkdocs-redirects` writes a small HTML page at `r/ERR-001/index.html` that forwards to
  `rules/errors/#err-001` (meta refresh plus script, so it works in `make serve`, in any static
  host and in Zensical, which supports the plugin natively). Its `redirect_maps` is filled at
  build time: by guidebook.mkdocs_hooks under MkDocs, by guidebook.zensical under Zensical;
  mkdocs.yml holds no generated line.
- On Netlify a `_redirects` file (written into the built site by `guidebook.export`) answers
  the same paths with a real `301`, forced so that it wins over the HTML stub.

Both the upper-case and the lower-case form of every ID resolve. Retired rules keep their
tombstone heading, so their links keep resolving to it.
"""

import posixpath
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from guidebook.paths import REGISTRY
from guidebook.rules import Rule

SHORT_PREFIX = "r"

_MD_LINK_TARGET = re.compile(r"\]\((?P<href>[^)\s]+)\)")


def page_path(page: str) -> str:
    """The site path of a docs page with directory URLs: `rules/errors.md` -> `rules/errors/`."""
    stem = page.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def rule_path(rule: Rule) -> str:
    """The site path of a rule's anchor, relative to the site root: `rules/errors/#err-001`."""
    return f"{page_path(rule.page)}#{rule.anchor}"


def resolve(href: str, page: str) -> str | None:
    """A page's relative link target (`../x.md#a`, `#err-005`) as a docs path (`x.md#a`);
    None for a link that leaves the docs (another site, `mailto:`, a site-absolute path)."""
    if "://" in href or href.startswith(("/", "mailto:")):
        return None
    target, hash_, anchor = href.partition("#")
    resolved = (
        posixpath.normpath(posixpath.join(posixpath.dirname(page), target)) if target else page
    )
    return resolved + hash_ + anchor


def rewrite_links(text: str, page: str, to: Callable[[str], str]) -> str:
    """Markdown text of `page` with every relative link target resolved and passed to `to`."""

    def rewrite(match: re.Match[str]) -> str:
        target = resolve(match["href"], page)
        return match[0] if target is None else f"]({to(target)})"

    return _MD_LINK_TARGET.sub(rewrite, text)


def site_url_of(target: str, base_url: str) -> str:
    """A docs path (`rules/errors.md#err-001`) as an absolute URL of the site."""
    path, hash_, anchor = target.partition("#")
    return base_url + page_path(path) + hash_ + anchor


def short_ids(rule: Rule) -> tuple[str, ...]:
    """The spellings of a rule's ID that resolve as short links (upper and lower case)."""
    return (rule.id, rule.id.lower())


def short_path(rule_id: str) -> str:
    """The site path of a short link, relative to the site root: `r/ERR-001/`."""
    return f"{SHORT_PREFIX}/{rule_id}/"


def redirect_maps(rules: Iterable[Rule]) -> dict[str, str]:
    """The mkdocs-redirects map: `r/ERR-001.md` and `r/err-001.md` -> `rules/errors.md#err-001`."""
    maps: dict[str, str] = {}
    for rule in rules:
        for spelling in short_ids(rule):
            maps[f"{SHORT_PREFIX}/{spelling}.md"] = f"{rule.page}#{rule.anchor}"
    return maps


def yaml_entries(rules: Iterable[Rule], indent: str) -> str:
    """The redirect map as the lines of a YAML mapping (`{}` when empty), for a build config."""
    maps = redirect_maps(rules)
    if not maps:
        return f"{indent}{{}}\n"
    return "".join(f"{indent}{source}: {target}\n" for source, target in maps.items())


def netlify_redirects(rules: Iterable[Rule]) -> str:
    """A Netlify `_redirects` file: every short link answers 301 with the rule's anchor.

    Netlify matches a rule with or without its trailing slash; `!` forces the redirect even
    though the mkdocs-redirects stub exists at the same path (Netlify would serve it otherwise).
    """
    lines = ["# Short links to rules, generated from the rule catalogue by guidebook.export."]
    for rule in rules:
        lines.extend(
            f"/{SHORT_PREFIX}/{spelling} /{rule_path(rule)} 301!" for spelling in short_ids(rule)
        )
    return "\n".join(lines) + "\n"


def catalogue(registry_path: Path = REGISTRY) -> list[Rule]:
    """The catalogue's rules, checked against the registry when there is one."""
    # Imported here: the rest of this module is standard library only, because the audit
    # tool's wheel build imports it in an isolated environment (audit/catalogue_source.py).
    from guidebook.catalogue import load  # noqa: PLC0415

    return load(registry_path=registry_path).rules
