/*
 * Rules as durable, shareable links, and checklists that remember their ticks.
 *
 * - Every rule heading (`<h2 id="err-001">ERR-001 · Title</h2>` followed by the paragraph
 *   `<strong>MUST</strong> · statement`) gets two buttons: "Copy link" (the rule's short link,
 *   `<site_url>/r/ERR-001/`) and "Copy review comment" (Markdown: the level in bold, a link
 *   titled with ID and title, a newline, the one-line statement). The one source is the page.
 * - Task lists (the quick checklist, the review criteria) keep their ticks in localStorage, per
 *   page, and get a "Reset" button; each box is named after its item.
 * - Links that read as a rule ID do not break at the hyphen; a table wider than the page
 *   becomes a focusable, named region so that a keyboard can scroll it, and so does a code
 *   block with lines wider than the page before Material has set it up.
 * - Landmarks are told apart (axe's landmark-unique): a navigation section whose title is a
 *   link to its index page gets that title as its name (Material labels it by an empty toggle),
 *   table-of-contents entries that share a title (`router` of two modules) are named by their
 *   anchor, each sideways-scrolling table is numbered, and the copy button's bar of each code
 *   block is no landmark (`role="none"`): one unnamed `<nav>` per block otherwise.
 *
 * Runs on every page Material shows, including those loaded by instant navigation
 * (`document$`). No inline handlers, no eval: it works under a strict Content-Security-Policy.
 * When its own work is done, `<html data-guideline-ready="<path>">` names the page it has set
 * up (rules-index.js, listed after it in mkdocs.yml, has run by then too; Material's lazy set-up
 * of code blocks as they come into view may still follow).
 */
(() => {
  "use strict";

  const RULE_ANCHOR = /^[a-z][a-z0-9]{1,4}-\d{3}$/;
  const STORE_PREFIX = "fastapi-guideline.checklist:";
  const FEEDBACK_MS = 2000;

  /* ------------------------------------------------------------------ site root */

  let siteRoot = null;

  /** The public root URL (from `site_url`, via the canonical link), else this server's root. */
  function publicRoot() {
    if (siteRoot) return siteRoot;
    const local = localRoot();
    const canonical = document.querySelector('link[rel="canonical"]');
    const config = document.getElementById("__config");
    try {
      const base = config ? JSON.parse(config.textContent).base : ".";
      siteRoot = canonical ? new URL(base.endsWith("/") ? base : `${base}/`, canonical.href) : local;
    } catch (error) {
      siteRoot = local;
    }
    return siteRoot;
  }

  /** The root of the site as this browser reached it (Material's `__md_scope`). */
  function localRoot() {
    return window.__md_scope instanceof URL ? window.__md_scope : new URL(".", location.href);
  }

  /** A URL of this site, rewritten onto the public root so that a copied link is durable. */
  function publicUrl(href) {
    const url = new URL(href, location.href);
    const local = localRoot().href;
    return url.href.startsWith(local) ? publicRoot().href + url.href.slice(local.length) : url.href;
  }

  /* ------------------------------------------------------------------ rule citations */

  /** Markdown for the inline content of a node (code, links, emphasis), as the author wrote it. */
  function markdown(node) {
    let out = "";
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        out += child.textContent;
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const inner = markdown(child);
        switch (child.tagName) {
          case "CODE":
            out += `\`${child.textContent}\``;
            break;
          case "A":
            out += `[${inner}](${publicUrl(child.getAttribute("href"))})`;
            break;
          case "STRONG":
          case "B":
            out += `**${inner}**`;
            break;
          case "EM":
          case "I":
            out += `*${inner}*`;
            break;
          default:
            out += inner;
        }
      }
    }
    return out;
  }

  /** The rule a heading introduces: ID, title, statement and short link; null if not a rule. */
  function ruleOf(heading) {
    if (!RULE_ANCHOR.test(heading.id)) return null;
    const own = heading.cloneNode(true);
    for (const extra of own.querySelectorAll(".headerlink, .rule-actions")) extra.remove();
    const text = markdown(own).replace(/\s+/g, " ").trim();
    const [id, ...rest] = text.split(" · ");
    if (id.toLowerCase() !== heading.id || rest.length === 0) return null;
    let paragraph = heading.nextElementSibling;
    while (paragraph && paragraph.tagName !== "P") paragraph = paragraph.nextElementSibling;
    const level = paragraph ? paragraph.querySelector("strong:first-child") : null;
    let statement = "";
    if (paragraph && level) {
      const body = paragraph.cloneNode(true);
      body.removeChild(body.querySelector("strong:first-child"));
      statement = markdown(body).replace(/^\s*·\s*/, "").replace(/\s+/g, " ").trim();
    }
    return {
      id,
      title: rest.join(" · "),
      level: level ? level.textContent.trim() : "",
      statement,
      shortUrl: new URL(`r/${id}/`, publicRoot()).href,
    };
  }

  /** The review comment for a rule: its level, a titled short link, a newline, the statement. */
  function citation(rule) {
    const level = rule.level ? `**${rule.level}** ` : "";
    return `${level}[${rule.id} · ${rule.title}](${rule.shortUrl})\n${rule.statement}`;
  }

  /* ------------------------------------------------------------------ feedback */

  let status = null;

  /** Announce a message to screen readers and show Material's snackbar when available. */
  function announce(message) {
    if (!status || !status.isConnected) {
      status = document.createElement("div");
      status.className = "rule-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.append(status);
    }
    status.textContent = message;
    if (window.alert$ && typeof window.alert$.next === "function") window.alert$.next(message);
  }

  /** Copy text, then mark the button done (or failed) for a moment. */
  function copy(button, text, done) {
    const label = button.getAttribute("aria-label");
    const finish = (state, message) => {
      button.dataset.state = state;
      button.setAttribute("aria-label", message);
      button.title = message;
      announce(message);
      window.setTimeout(() => {
        delete button.dataset.state;
        button.setAttribute("aria-label", label);
        button.title = label;
      }, FEEDBACK_MS);
    };
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      finish("failed", "Copying needs a secure (https) page");
      return Promise.resolve(false);
    }
    return navigator.clipboard.writeText(text).then(
      () => (finish("done", done), true),
      () => (finish("failed", "Could not copy: clipboard access was refused"), false),
    );
  }

  function actionButton(kind, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `rule-action rule-action--${kind}`;
    button.dataset.ruleAction = kind;
    button.setAttribute("aria-label", label);
    button.title = label;
    return button;
  }

  /** Add the two copy buttons to every rule heading of the page. */
  function enhanceRuleHeadings(root) {
    for (const heading of root.querySelectorAll("article h2[id]")) {
      if (heading.querySelector(".rule-actions")) continue;
      const rule = ruleOf(heading);
      if (!rule) continue;
      const actions = document.createElement("span");
      actions.className = "rule-actions";
      const link = actionButton("link", `Copy link to ${rule.id}`);
      const comment = actionButton("comment", `Copy review comment for ${rule.id}`);
      link.addEventListener("click", () => copy(link, rule.shortUrl, `Link to ${rule.id} copied`));
      comment.addEventListener("click", () =>
        copy(comment, citation(rule), `Review comment for ${rule.id} copied`),
      );
      actions.append(link, comment);
      heading.append(actions);
    }
  }

  /* ------------------------------------------------------------------ checklists */

  function storageKey() {
    return STORE_PREFIX + location.pathname;
  }

  function loadTicks() {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey()) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      return {};
    }
  }

  function saveTicks(ticks) {
    try {
      if (Object.keys(ticks).length) localStorage.setItem(storageKey(), JSON.stringify(ticks));
      else localStorage.removeItem(storageKey());
    } catch (error) {
      /* storage full or disabled: ticks last as long as the page */
    }
  }

  /** A stable key for an item: its own text (nested lists excluded), whitespace collapsed. */
  function itemKey(box) {
    const item = box.closest("li").cloneNode(true);
    for (const nested of item.querySelectorAll("ul, ol")) nested.remove();
    return item.textContent.replace(/\s+/g, " ").trim();
  }

  /** Make the page's task lists remember their ticks, with a progress line and a Reset button. */
  function enhanceChecklists(root) {
    const boxes = [...root.querySelectorAll("article .task-list-item input[type=checkbox]")];
    const first = root.querySelector("article .task-list");
    if (!boxes.length || !first || root.querySelector(".checklist-bar")) return;
    const ticks = loadTicks();
    const bar = document.createElement("div");
    bar.className = "checklist-bar";
    const progress = document.createElement("span");
    progress.className = "checklist-progress";
    progress.setAttribute("aria-live", "polite");
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button checklist-reset";
    reset.textContent = "Reset";
    reset.title = "Untick every item of this page";
    bar.append(progress, reset);
    first.before(bar);

    const update = () => {
      const done = boxes.filter((box) => box.checked).length;
      progress.textContent = `${done} of ${boxes.length} ticked (kept in this browser)`;
    };
    for (const box of boxes) {
      box.disabled = false;
      const key = itemKey(box);
      // The box sits in a label of its own that holds no text: name it after its item.
      box.setAttribute("aria-label", key);
      if (key in ticks) box.checked = Boolean(ticks[key]);
      box.addEventListener("change", () => {
        const current = loadTicks();
        if (box.checked === box.defaultChecked) delete current[key];
        else current[key] = box.checked;
        saveTicks(current);
        update();
      });
    }
    reset.addEventListener("click", () => {
      saveTicks({});
      for (const box of boxes) box.checked = box.defaultChecked;
      update();
      announce("Checklist reset");
    });
    update();
  }

  /* ------------------------------------------------------------------ rule IDs in text */

  const RULE_ID_TEXT = /^[A-Z][A-Z0-9]{1,4}-\d{3}$/;

  /** A link that reads as a rule ID (`DOC-006`) never breaks at its hyphen in running text. */
  function unbreakableIds(root) {
    for (const link of root.querySelectorAll("article a:not(.rule-id)")) {
      if (RULE_ID_TEXT.test(link.textContent.trim())) link.classList.add("rule-id");
    }
  }

  /* ------------------------------------------------------------------ wide tables, long lines */

  /**
   * A table wider than the page scrolls sideways inside Material's wrapper; a keyboard reader
   * can scroll it only if the wrapper takes focus, so it does, named, while it overflows.
   *
   * A code block with lines wider than the page takes focus too, as Material makes it (on a
   * device that can hover) once the block has been near the screen: Material sets up code
   * blocks only as they come into view (`content.lazy` in mkdocs.yml), so a block further down
   * would be out of a keyboard's reach until scrolled to. Material's own set-up takes over
   * when it comes. Every size is read before anything is written, so the page is laid out
   * once, not once per block.
   */
  function focusableScrollers(root) {
    const overflows = (element) => element.scrollWidth > element.clientWidth + 1;
    const tables = [...root.querySelectorAll("article .md-typeset__scrollwrap")].map(
      (wrap) => [wrap, overflows(wrap)],
    );
    const hover = window.matchMedia("(hover)").matches;
    const code = hover
      ? [...root.querySelectorAll("article pre > code:not([tabindex])")].filter(overflows)
      : [];
    let wideTables = 0;
    for (const [wrap, wide] of tables) {
      if (wide) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wideTables += 1;  // numbered: regions of the same name are not told apart
        wrap.setAttribute("aria-label", `Table ${wideTables}, scrolls sideways`);
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
    for (const block of code) block.setAttribute("tabindex", "0");
  }

  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => focusableScrollers(document), 200);
  });

  /* ------------------------------------------------------------------ landmarks */

  /**
   * A section of the navigation that has an index page (`navigation.indexes`) is labelled by
   * its toggle, which holds only an icon: the section's `<nav>` has no name, the same as any
   * other unnamed `<nav>`. It is labelled by the link to its index page beside the toggle
   * instead (a `<label>` may not carry an `aria-label` of its own).
   */
  function nameNavigationSections(root) {
    for (const nav of root.querySelectorAll("nav.md-nav[aria-labelledby]")) {
      const labelId = nav.getAttribute("aria-labelledby");
      const label = document.getElementById(labelId);
      if (!label || label.textContent.trim()) continue;
      const link = label.parentElement && label.parentElement.querySelector("a.md-nav__link");
      if (!link || !link.textContent.trim()) continue;
      link.id = link.id || `${labelId}_title`;
      nav.setAttribute("aria-labelledby", link.id);
    }
  }

  /** Nested table-of-contents `<nav>`s are named by their entry's title: a repeated title
   * (the code reference's `router`, `schemas`, ...) is named by the entry's anchor instead. */
  function uniqueTocNames(root) {
    const navs = [...root.querySelectorAll(".md-nav--secondary nav.md-nav[aria-label]")];
    const count = new Map();
    for (const nav of navs) {
      const name = nav.getAttribute("aria-label");
      count.set(name, (count.get(name) || 0) + 1);
    }
    for (const nav of navs) {
      if (count.get(nav.getAttribute("aria-label")) < 2) continue;
      const link = nav.parentElement && nav.parentElement.querySelector(":scope > a[href*='#']");
      const anchor = link ? decodeURIComponent(link.hash.slice(1)) : "";
      if (anchor) nav.setAttribute("aria-label", anchor);
    }
  }

  /** Material's bar of code-block buttons is a `<nav>`: one unnamed landmark per block. */
  function codeBarsAsGroups(root) {
    for (const bar of root.querySelectorAll("nav.md-code__nav:not([role])")) {
      bar.setAttribute("role", "none");
    }
  }

  // Material sets up code blocks as they come into view (content.lazy): each new bar is
  // renamed when it is added. Only added elements are looked at, nothing is laid out.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.matches("nav.md-code__nav")) codeBarsAsGroups(node.parentElement);
        else if (node.querySelector("nav.md-code__nav")) codeBarsAsGroups(node);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });

  /* ------------------------------------------------------------------ wiring */

  function enhance() {
    // Instant navigation keeps <html>: the last page's mark goes until this one is set up.
    delete document.documentElement.dataset.guidelineReady;
    enhanceRuleHeadings(document);
    enhanceChecklists(document);
    unbreakableIds(document);
    nameNavigationSections(document);
    uniqueTocNames(document);
    codeBarsAsGroups(document);
    // After Material has wrapped the tables, which it does on the same document$ signal.
    // The page is then marked as set up, for tools (axe, the browser tests) that must not look
    // at it before: on a loaded CPU the network can go quiet before any script has run.
    window.requestAnimationFrame(() => {
      focusableScrollers(document);
      document.documentElement.dataset.guidelineReady = window.location.pathname;
    });
  }

  // Exposed for the browser tests and for anyone scripting the site from the console.
  window.ruleLinks = {
    citation: (anchor) => {
      const heading = document.getElementById(anchor);
      const rule = heading ? ruleOf(heading) : null;
      return rule ? { link: rule.shortUrl, comment: citation(rule) } : null;
    },
  };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
