/*
 * Load the search index when the reader starts a search, not with every page.
 *
 * Material's bundle asks for `search/search_index.json` as soon as a page opens; here that file
 * is most of what a first visit downloads and parses (hundreds of kB) for a search most
 * visits never make. This script, loaded before the bundle (overrides/main.html), lets the
 * bundle open that one request but holds back sending it until the reader shows an intent to
 * search: focusing or pointing at the search field, opening the search dialog (the header's
 * search button on a phone, or the `/`, `s` and `f` shortcuts, which focus the field), or
 * arriving with a search in the URL (`?q=` from a shared search, `?h=` from a result).
 * Every other request goes out untouched, and the bundle's search works as before, once the
 * index has arrived.
 *
 * No inline code, no eval: it runs under the site's Content-Security-Policy.
 */
(() => {
  "use strict";

  const INDEX = /\/search\/search_index\.json$/;
  const held = [];
  let wanted = false;

  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;

  XMLHttpRequest.prototype.open = function openRequest(method, url, ...rest) {
    try {
      this.searchIndex = INDEX.test(new URL(String(url), location.href).pathname);
    } catch (error) {
      this.searchIndex = false;
    }
    return open.call(this, method, url, ...rest);
  };

  XMLHttpRequest.prototype.send = function sendRequest(...body) {
    if (this.searchIndex && !wanted) {
      held.push(() => send.apply(this, body));
      return undefined;
    }
    return send.apply(this, body);
  };

  /** The reader wants to search: send the held request (once) and stop listening. */
  function release() {
    if (wanted) return;
    wanted = true;
    for (const event of INTENTS) document.removeEventListener(event, onIntent, true);
    while (held.length) held.shift()();
  }

  function onIntent(event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest(".md-search, label[for='__search'], #__search")) release();
  }

  // Capture phase: the bundle may stop the event from bubbling.
  const INTENTS = ["focusin", "pointerover", "pointerdown", "change"];
  for (const event of INTENTS) document.addEventListener(event, onIntent, true);

  const query = new URLSearchParams(location.search);
  if (query.has("q") || query.has("h")) release();

  // For the tests and the curious: has the index been asked for?
  window.searchOnDemand = { get released() { return wanted; }, release };
})();
