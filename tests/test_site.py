"""The built site: strict and warning-free, the whole guideline on it, every rule anchored."""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from guidebook.guideline import sections
from guidebook.paths import DOCS, ROOT
from guidebook.rules import load_rules
from tests.conftest import Build

_RULE_LINK = re.compile(r"\]\((?P<page>[\w./-]*?)#(?P<anchor>[a-z][a-z0-9]*-\d{3})\)")


class _Headings(HTMLParser):
    """Collects the id and text of every h1/h2 of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"h1", "h2"}:
            self._open = dict(attrs).get("id") or ""
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2"} and self._open is not None:
            self.found.append((self._open, "".join(self._text).replace("¶", "").strip()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def headings(html: Path) -> list[tuple[str, str]]:
    parser = _Headings()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.found


def built_page(build: Build, page: str) -> Path:
    """The HTML file mkdocs writes for a docs/ page (directory URLs)."""
    stem = page.removesuffix(".md")
    return build.site / (
        "index.html" if stem == "index" else f"{stem.removesuffix('/index')}/index.html"
    )


def test_build_is_warning_free(site_build: Build) -> None:
    """`mkdocs build --strict` passes and prints no warning at all."""
    warnings = [line for line in site_build.log.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)


def test_every_guideline_heading_is_on_the_site(site_build: Build) -> None:
    """Each heading of the original guideline is a heading of some page."""
    all_headings = {text for html in site_build.site.rglob("*.html") for _, text in headings(html)}
    missing = [s.heading for s in sections() if s.heading not in all_headings]
    assert not missing


def test_guideline_text_is_all_on_the_site() -> None:
    """Nothing of the original is dropped: each of its lines is on the page of its section."""
    h1 = {}
    for path in DOCS.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^# (.+)$", text, re.M)
        assert title is not None, f"{path} has no H1"
        h1[title.group(1).strip()] = text
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    missing = []
    for section in sections():
        text = h1.get(section.heading, home)
        missing += [f"{section.heading}: {line}" for line in section.lines if line not in text]
    assert not missing, "\n".join(missing)


def test_every_rule_has_its_anchor_on_the_built_page(site_build: Build) -> None:
    """`/rules/<page>/#<id>` lands on the rule's own heading."""
    rules = load_rules()
    assert rules
    for rule in rules:
        ids = {anchor for anchor, _ in headings(built_page(site_build, rule.page))}
        assert rule.anchor in ids, f"{rule.id}: no #{rule.anchor} on {rule.page}"


@pytest.mark.parametrize("page", ["checklist.md", "review.md", "defaults.md"])
def test_summary_items_link_to_rules(page: str) -> None:
    """Every item of the checklist, the review criteria and the defaults links to its rules."""
    known = {(rule.page, rule.anchor) for rule in load_rules()}
    items = [
        line
        for line in (DOCS / page).read_text(encoding="utf-8").splitlines()
        if re.match(r"^[*-] ", line)
    ]
    assert items
    for item in items:
        links = [
            (("rules/" + m["page"].removeprefix("rules/")), m["anchor"])
            for m in _RULE_LINK.finditer(item)
        ]
        assert links, f"{page}: item links to no rule: {item}"
        unknown = [link for link in links if link not in known]
        assert not unknown, f"{page}: links to unknown rules {unknown}"


def test_readme_commands_exist() -> None:
    """Every `make` command the README mentions is a target of the Makefile."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    mentioned = set(re.findall(r"\bmake ([a-z][a-z-]*)", readme))
    assert {"serve", "test", "build"} <= mentioned
    assert mentioned <= targets, mentioned - targets


def _make_chromium_without_one(tmp_path: Path, uid: int) -> tuple[int, str, list[str]]:
    """`make chromium` where no Chromium is found, as `uid`, with apt-get recorded, not run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    make = shutil.which("make")
    assert make, "make is not installed"
    (bin_dir / "make").symlink_to(make)
    calls = tmp_path / "apt-get.calls"
    for name, script in {
        "id": f"echo {uid}",
        "apt-get": f'echo "$*" >> {calls}',  # succeeds, installs nothing
    }.items():
        fake = bin_dir / name
        fake.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
        fake.chmod(0o755)
    done = subprocess.run(
        [make, "-s", "-C", str(ROOT), "chromium"],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},  # no CHROMIUM, none on PATH
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    recorded = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
    return done.returncode, done.stdout + done.stderr, recorded


def test_make_test_without_chromium_as_a_user_stops_with_the_install_command(
    tmp_path: Path,
) -> None:
    """The README's promise: not root and no Chromium → one line naming the command, exit 1."""
    code, output, apt = _make_chromium_without_one(tmp_path, uid=1000)
    assert code != 0
    assert "sudo apt-get install chromium" in output, output
    assert apt == []  # it tried to install nothing


def test_make_test_as_root_without_chromium_installs_debians_package(tmp_path: Path) -> None:
    """As root the same target updates the package lists and installs `chromium`."""
    code, output, apt = _make_chromium_without_one(tmp_path, uid=0)
    assert code == 0, output
    assert apt[0] == "update -qq"
    assert apt[1].startswith("install ")
    assert apt[1].split()[-1] == "chromium"


def test_make_test_checks_for_chromium_before_any_suite_runs() -> None:
    """A user without Chromium hears it at once, not after the 15-minute example suite."""
    dry_run = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "test"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert dry_run.index("guidebook.browser") < dry_run.index("guidebook.standalone")


def test_netlify_builds_like_make_build() -> None:
    """Netlify runs `make build` and publishes the folder mkdocs writes to."""
    import tomllib  # noqa: PLC0415 - only this test reads the file

    netlify = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    assert netlify["build"]["command"] == "make build"
    assert netlify["build"]["publish"] == "site"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^build: .*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe is not None
    assert "$(BIN)/mkdocs build --strict" in recipe.group(1)


def test_code_reference_lists_every_module() -> None:
    """Every module of the example's app/ has its entry on the code reference page."""
    from guidebook.paths import SNIPPETS  # noqa: PLC0415 - only this test needs it

    page = (DOCS / "example" / "reference.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^::: (app(?:\.\w+)+)$", page, re.M))
    modules = {
        ".".join(path.relative_to(SNIPPETS).with_suffix("").parts)
        for path in (SNIPPETS / "app").rglob("*.py")
        if path.name != "__init__.py"
    }
    assert listed == modules, (sorted(modules - listed), sorted(listed - modules))
