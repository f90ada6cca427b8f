"""MkDocs hooks (`hooks:` in mkdocs.yml): what a MkDocs build derives from the catalogue.

- `on_config`: fills mkdocs-redirects' `redirect_maps` with every rule's short links
  (guidebook.links), so that mkdocs.yml holds no generated line. `mkdocs serve` loads the
  config afresh for every rebuild, so a new rule's short link works at once. Zensical runs no
  hooks: guidebook.zensical writes the same map into the config its build reads.
"""

from mkdocs.config.defaults import MkDocsConfig

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
