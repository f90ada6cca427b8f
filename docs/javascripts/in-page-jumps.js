/*
 * A link into the page shown jumps there, without fetching the page again.
 *
 * Material's instant navigation treats the first click on such a link after a page opens (and
 * the first Back or Forward) as a new page: it fetches the page again and swaps the copy in.
 * Whatever the reader had opened folds shut, and on a slow CPU the jump is measured before
 * the swap: on the HTTP API page a schema heading landed 700 px above the screen. Here a click
 * on a link into the page shown, and the `popstate` of a move between that page's own history
 * entries, are kept from Material and left to the browser, which jumps at once; Material still
 * opens what holds the target, on `hashchange`. Links to other pages go through Material.
 *
 * Loaded before the bundle (overrides/main.html): its listeners run before Material's on the
 * same element, so it can stop them. No inline code: it runs under the site's CSP.
 */
(() => {
  "use strict";

  // The page on screen: during an instant navigation the address changes before the page does.
  let shownPath = location.pathname;

  const onShownPage = (url) => url.origin === location.origin && url.pathname === shownPath;

  document.body.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download") || !link.hash) return;
    const url = new URL(link.href);
    if (!onShownPage(url) || url.search !== location.search) return;
    event.stopImmediatePropagation();
    // Where the reader was, for Back (Material records it only 100 ms after a scroll).
    history.replaceState({ x: window.scrollX, y: window.scrollY }, "");
  });

  window.addEventListener("popstate", (event) => {
    if (!onShownPage(new URL(location.href))) return;
    event.stopImmediatePropagation();
    const state = event.state;
    if (state && typeof state.y === "number") {
      window.scrollTo(state.x || 0, state.y); // Back or Forward to a place the reader left
    } else if (!location.hash) {
      window.scrollTo(0, 0);
    } // else a jump by a link: the browser has scrolled to its target
  });

  document.addEventListener("DOMContentLoaded", () => {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(() => {
        shownPath = location.pathname;
      });
    }
  });
})();
