"""Every page passes axe-core with no serious or critical violation, in both palettes.

axe-core (the version pinned in tools/browser/axe/package.json, installed there with `npm ci`
when missing) is injected into each built page in Debian's Chromium, after the site's own
scripts have run, at desktop size in the light and the dark palette, and at phone size for the
pages whose layout changes most. Moderate and minor findings do not fail: the customer's bar is
"no serious or critical" (`make bench` runs Lighthouse, which reports the rest), except the two
moderate ones fixed site-wide (issue 15), which stay fixed: `region` (all content in a landmark)
and `landmark-unique` (landmarks told apart by their names).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, cast

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from guidebook.links import page_path
from guidebook.paths import DOCS
from tests.browser import goto_ready
from tests.conftest import Build, run_folder, run_lock
from tools.browser import NodeToolError, axe_script

FAILING = ("serious", "critical")
FAILING_RULES = ("region", "landmark-unique")  # moderate, fixed on every page: kept so
ColorScheme = Literal["light", "dark"]
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
DESKTOP = ViewportSize(width=1366, height=900)
PHONE = ViewportSize(width=390, height=844)
PHONE_PAGES = (
    "index.md",
    "rules/errors.md",
    "rules-index.md",
    "example/openapi.md",
    "checklist.md",
)
# Only what axe reports: enough to find and fix each violation.
_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


def doc_pages() -> list[str]:
    """Every page the site builds from docs/, as its site path ("" for the home page)."""
    return sorted(page_path(p.relative_to(DOCS).as_posix()) for p in DOCS.rglob("*.md"))


ALL_PAGES = [*doc_pages(), "404.html"]


@pytest.fixture(scope="module")
def axe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """axe-core's browser build; a clear failure when it cannot be installed.

    Installed by the first worker to ask, under the run's lock: two `npm ci` in one folder clash.
    """
    with run_lock(run_folder(tmp_path_factory), "axe"):
        try:
            return axe_script()
        except NodeToolError as error:
            pytest.fail(str(error))


@pytest.fixture(scope="module", params=list(SCHEMES))
def scheme(request: pytest.FixtureRequest) -> ColorScheme:
    """The reader's `prefers-color-scheme`; Material shows the palette that matches it."""
    assert request.param in SCHEMES
    return cast(ColorScheme, request.param)


@pytest.fixture(scope="module")
def desktop(browser: Browser, scheme: ColorScheme) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    yield context
    context.close()


def violations(page: Page, axe: Path, url: str, scheme: str) -> list[dict[str, Any]]:
    """Open a page, check that it shows the palette asked for, run axe, return what it found."""
    goto_ready(page, url)
    shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert shown == SCHEMES[scheme], f"{url}: palette {shown!r}, expected {SCHEMES[scheme]!r}"
    page.add_script_tag(path=str(axe))
    found: list[dict[str, Any]] = page.evaluate(_RUN)
    return found


def check(found: list[dict[str, Any]], where: str) -> None:
    """Fail on serious and critical violations, naming each with where to find it."""
    failing = [item for item in found if item["impact"] in FAILING or item["id"] in FAILING_RULES]
    assert not failing, f"{where}: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}) x{v['nodes']}: {v['targets']}" for v in failing
    )


def test_every_built_page_is_checked(site_build: Build) -> None:
    """The list below covers every HTML page of the build (short-link redirects aside)."""
    built = {
        path.relative_to(site_build.site).as_posix().removesuffix("index.html")
        for path in site_build.site.rglob("*.html")
    }
    assert {page for page in built if not page.startswith("r/")} == set(ALL_PAGES)


@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_has_no_serious_violation(
    desktop: BrowserContext, axe: Path, plain_url: str, scheme: ColorScheme, path: str
) -> None:
    """axe finds nothing serious or critical on the page, desktop size, in this palette."""
    page = desktop.new_page()
    try:
        check(violations(page, axe, f"{plain_url}/{path}", scheme), f"{scheme} /{path}")
    finally:
        page.close()


@pytest.mark.parametrize("doc", PHONE_PAGES)
def test_phone_page_has_no_serious_violation(
    browser: Browser, axe: Path, plain_url: str, scheme: ColorScheme, doc: str
) -> None:
    """The same at phone size, where the navigation becomes a drawer and tables scroll."""
    context = browser.new_context(viewport=PHONE, color_scheme=scheme, is_mobile=True)
    try:
        page = context.new_page()
        check(violations(page, axe, f"{plain_url}/{page_path(doc)}", scheme), f"phone {scheme}")
    finally:
        context.close()


_PLANTED = """<!doctype html><html lang="en"><head><title>planted</title></head><body><main>
<p style="color:#999;background:#fff">Grey on white, 2.8:1</p>
<label><input type="checkbox"><span></span></label>
</main></body></html>"""


def test_the_check_fails_on_planted_violations(browser: Browser, axe: Path) -> None:
    """A low-contrast paragraph and an unnamed checkbox make `check` fail, naming both."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(_PLANTED)
        page.add_script_tag(path=str(axe))
        found: list[dict[str, Any]] = page.evaluate(_RUN)
    finally:
        context.close()
    with pytest.raises(AssertionError) as failure:
        check(found, "planted")
    assert "color-contrast" in str(failure.value)
    assert "critical label" in str(failure.value)
