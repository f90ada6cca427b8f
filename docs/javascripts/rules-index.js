/*
 * Filters for the rules index (docs/rules-index.md, rendered by guidebook/rules_index.py).
 *
 * The page is a plain table that lists every rule; this script adds a row of controls above
 * it, built from the rows' own `data-*` attributes: level, section, check kind (only when the
 * table has a "Checked by" column), status (rules in force by default) and free text over ID and
 * title. The table's caption says
 * how many rules are shown, and a change is announced politely to screen readers. Without
 * JavaScript nothing is hidden. No inline code, no eval: it runs under the site's CSP.
 */
(() => {
  "use strict";

  const ALL = "";
  const ACTIVE = "active";

  /** The distinct values of a space-separated or single-valued data attribute, in row order. */
  function values(rows, key, split) {
    const seen = new Set();
    for (const row of rows) {
      const raw = row.dataset[key] || "";
      for (const value of split ? raw.split(/\s+/) : [raw]) if (value) seen.add(value);
    }
    return [...seen];
  }

  function select(id, label, options, all) {
    const wrapper = document.createElement("label");
    wrapper.className = "rules-index__control";
    wrapper.htmlFor = id;
    wrapper.textContent = label;
    const control = document.createElement("select");
    control.id = id;
    for (const [value, text] of [[ALL, all], ...options.map((o) => [o, o])]) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      control.append(option);
    }
    wrapper.append(control);
    return [wrapper, control];
  }

  function enhance(index) {
    if (index.dataset.enhanced) return;
    index.dataset.enhanced = "true";
    const table = index.querySelector("table");
    const rows = [...table.tBodies[0].rows];
    const form = document.createElement("form");
    form.className = "rules-index__filters";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the rules");

    const controls = [];
    const add = (key, label, all, split) => {
      const options = values(rows, key, split);
      if (!options.length) return;
      const [wrapper, control] = select(`rules-index-${key}`, label, options, all);
      form.append(wrapper);
      controls.push({ key, control, split });
    };
    add("level", "Level", "All levels", false);
    add("section", "Section", "All sections", false);
    add("check", "Checked by", "Any check", true);
    // Rules in force by default; merged and retired IDs are one choice away.
    add("status", "Status", "Any status", false);
    const status = controls.find(({ key }) => key === "status");
    if (status && values(rows, "status", false).includes(ACTIVE)) status.control.value = ACTIVE;

    const textLabel = document.createElement("label");
    textLabel.className = "rules-index__control rules-index__control--text";
    textLabel.htmlFor = "rules-index-text";
    textLabel.textContent = "ID or title";
    const text = document.createElement("input");
    text.type = "search";
    text.id = "rules-index-text";
    text.autocomplete = "off";
    text.placeholder = "e.g. ERR-002, cursor";
    textLabel.append(text);
    form.append(textLabel);

    // The table's caption says how many rules it shows; a change is announced politely.
    const count = table.querySelector(".rules-index__count") || document.createElement("span");
    count.setAttribute("aria-live", "polite");

    // Words typed by the reader, matched against ID and title; `err002` matches ERR-002.
    const haystack = new Map(
      rows.map((row) => {
        const words = `${row.cells[0].textContent} ${row.cells[2].textContent}`.toLowerCase();
        return [row, `${words} ${words.replace(/-/g, "")}`];
      }),
    );

    const apply = () => {
      const needles = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const visible =
          controls.every(({ key, control, split }) => {
            const wanted = control.value;
            if (wanted === ALL) return true;
            const raw = row.dataset[key] || "";
            return split ? raw.split(/\s+/).includes(wanted) : raw === wanted;
          }) && needles.every((needle) => haystack.get(row).includes(needle));
        row.hidden = !visible;
        if (visible) shown += 1;
      }
      // Counted against the rows of the chosen status: "18 of 141 rules in force", not "of 178".
      const wanted = status ? status.control.value : ALL;
      const base = rows.filter((row) => wanted === ALL || row.dataset.status === wanted).length;
      const what =
        wanted === ACTIVE ? "rules in force" : wanted === ALL ? "rules and IDs" : `${wanted} IDs`;
      count.textContent = shown === base ? `${base} ${what}` : `${shown} of ${base} ${what}`;
    };

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", (event) => event.preventDefault());
    index.before(form);
    apply();
  }

  function enhanceAll() {
    for (const index of document.querySelectorAll("article .rules-index")) enhance(index);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhanceAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
