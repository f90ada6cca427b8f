"""Build the site with Zensical, Material for MkDocs' successor, from the same mkdocs.yml.

`python -m guidebook.zensical` (`make build-zensical`) runs `zensical build --strict` into
`site-zensical/`, then writes what `make build` writes after MkDocs: rules.json, `_redirects`,
llms.txt, guideline.md, openapi.json and tasks-service.zip, and unwraps the code blocks' plain
spans (Zensical runs no post-build step and no hook).

Zensical takes no `--site-dir`, refuses a `site_dir` outside the project and runs no MkDocs
hooks, so the build reads a throw-away copy of mkdocs.yml next to it: the same text, with the
short links filled into the redirects plugin's empty `redirect_maps` (what guidebook.mkdocs_hooks
does for MkDocs) and `site_dir` set. The copy is removed when the build ends.
"""

import argparse
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guidebook.catalogue import load
from guidebook.code_spans import unwrap_plain_tokens
from guidebook.export import missing_anchors, uncovered_scripts, write_rule_files
from guidebook.links import yaml_entries
from guidebook.paths import MKDOCS_YML, ROOT
from guidebook.rules import Rule

SITE_DIR = ROOT / "site-zensical"
_EMPTY_MAP = re.compile(r"^(?P<indent> *)redirect_maps: \{\}[ ]*$", re.M)


@dataclass(frozen=True)
class ZensicalBuild:
    """A finished Zensical build: where it is, whether it passed and what it printed."""

    site: Path
    returncode: int
    log: str
    config: Path  # the throw-away config it read, removed when the build ends


def build_config(config_text: str, rules: Sequence[Rule], site_dir: str) -> str:
    """mkdocs.yml as the Zensical build reads it: short links filled in, its own site_dir."""
    found = list(_EMPTY_MAP.finditer(config_text))
    if len(found) != 1:
        raise LookupError("mkdocs.yml needs one empty `redirect_maps: {}` for the build to fill")
    indent = found[0]["indent"]
    filled = f"{indent}redirect_maps:\n{yaml_entries(rules, indent + '  ')}".rstrip("\n")
    text = config_text[: found[0].start()] + filled + config_text[found[0].end() :]
    return f"{text.rstrip()}\n\nsite_dir: {site_dir}\n"


def build(site: Path = SITE_DIR, config: Path = MKDOCS_YML) -> ZensicalBuild:
    """Run `zensical build --strict` into `site` (a folder inside the project)."""
    relative = site.resolve().relative_to(config.parent.resolve())  # Zensical's own rule
    overlay = config.parent / f".zensical-{uuid.uuid4().hex}.yml"
    text = build_config(config.read_text("utf-8"), load().rules, relative.as_posix())
    overlay.write_text(text, "utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "zensical", "build", "--strict", "-f", str(overlay)],
            cwd=config.parent,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    finally:
        overlay.unlink(missing_ok=True)
    return ZensicalBuild(
        site=site, returncode=done.returncode, log=done.stdout + done.stderr, config=overlay
    )


def export(site: Path) -> None:
    """Write into a Zensical build what `guidebook.export` writes into a MkDocs build, and
    unwrap its code blocks' plain spans, as guidebook.mkdocs_hooks does for MkDocs."""
    write_rule_files(site, load())
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if (lighter := unwrap_plain_tokens(html)) != html:
            page.write_text(lighter, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Build with Zensical and export; fail on a failed build or a missing rule anchor."""
    parser = argparse.ArgumentParser(description="Build the site with Zensical.")
    parser.add_argument("--site-dir", type=Path, default=SITE_DIR)
    args = parser.parse_args(argv)
    done = build(args.site_dir)
    sys.stdout.write(done.log)
    if done.returncode != 0:
        return done.returncode
    export(done.site)
    lost = missing_anchors(done.site, load().rules)
    if lost:
        sys.stderr.write("rule anchors missing from the Zensical build:\n" + "\n".join(lost) + "\n")
        return 1
    gap = uncovered_scripts(done.site)
    if gap:  # not an error: Netlify deploys the MkDocs build; this is what a switch needs
        sys.stdout.write(
            "inline scripts netlify.toml's CSP does not allow yet (add to script-src to deploy "
            "this build):\n" + "".join(f"  {h}  (e.g. {page})\n" for h, page in sorted(gap.items()))
        )
    sys.stdout.write(f"Zensical build in {done.site}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
