"""MkDocs hooks (`hooks:` in mkdocs.yml): what a MkDocs build derives from the catalogue.

- `on_config`: fills mkdocs-redirects' `redirect_maps` with every rule's short links
  (guidebook.links), so that mkdocs.yml holds no generated line. `mkdocs serve` loads the
  config afresh for every rebuild, so a new rule's short link works at once. Zensical runs no
  hooks: guidebook.zensical writes the same map into the config its build reads.
- `on_page_content`: unwraps the code blocks' spans that style nothing (guidebook.code_spans).
"""

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from guidebook.code_spans import unwrap_plain_tokens
from guidebook.links import catalogue, redirect_maps

REDIRECTS = "redirects"  # the mkdocs-redirects plugin's name in mkdocs.yml


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Add the short links to the redirect map; an entry typed in mkdocs.yml may not clash."""
    maps = config.plugins[REDIRECTS].config["redirect_maps"]
    generated = redirect_maps(catalogue())
    clash = sorted(set(maps) & set(generated))
    if clash:
        raise ValueError(f"mkdocs.yml's redirect_maps types generated short links: {clash}")
    maps.update(generated)
    return config


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """The page's HTML with fewer elements in its code blocks, and nothing else changed.

    MkDocs passes every argument by name; only the HTML is needed.
    """
    return unwrap_plain_tokens(html)
