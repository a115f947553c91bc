// Pictures of a saved query's results: a timeline (vis-timeline) or a network (cytoscape).
// The rows come from the saved-query API as SPARQL JSON; every text is set as text, never HTML.
(function () {
  "use strict";
  const base = document.body.dataset.base;
  const status = document.getElementById("status");
  const filters = document.getElementById("filters");

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function pageOf(iri) {
    if (!iri) return null;
    if (iri.startsWith(base)) return "/" + iri.slice(base.length);
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  function localName(iri) {
    return decodeURIComponent(iri.replace(/[#/]+$/, "").split(/[#/]/).pop() || iri);
  }

  async function fetchRows(source, required) {
    const response = await fetch(source, { headers: { Accept: "application/sparql-results+json" } });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || `the query answered HTTP ${response.status}`);
    }
    const document_ = await response.json();
    const missing = required.filter((name) => !document_.head.vars.includes(name));
    if (missing.length) {
      throw new Error(`the query does not select ${missing.map((m) => "?" + m).join(", ")}, which this view needs`);
    }
    return document_.results.bindings.map((binding) =>
      Object.fromEntries(Object.entries(binding).map(([name, term]) => [name, term.value])));
  }

  function fillSelect(name, options) {
    const select = filters.elements[name];
    [...options.entries()]
      .sort((a, b) => a[1].localeCompare(b[1]))
      .forEach(([value, label]) => select.add(new Option(label, value)));
  }

  function chosen() {
    return Object.fromEntries([...new FormData(filters).entries()]);
  }

  function onFilterChange(apply) {
    filters.addEventListener("change", apply);
    filters.addEventListener("reset", () => setTimeout(apply));
  }

  // ---- timeline ----

  function dayAfter(isoDate) {
    const date = new Date(isoDate + "T00:00:00Z");
    date.setUTCDate(date.getUTCDate() + 1);
    return date.toISOString().slice(0, 10);
  }

  function parseActors(text) {
    const actors = new Map();
    (text || "").split("\n").filter(Boolean).forEach((line) => {
      const space = line.indexOf(" ");
      const iri = space < 0 ? line : line.slice(0, space);
      actors.set(iri, space < 0 ? localName(iri) : line.slice(space + 1));
    });
    return actors;
  }

  function textElement(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function timelineItem(row, index) {
    const label = row.label || localName(row.event);
    const ranged = row.end && row.end > row.start;
    const tooltip = [label, row.type, row.date && `dated ${row.date}`, row.articleTitle].filter(Boolean);
    return {
      id: index,
      start: row.start,
      end: ranged ? dayAfter(row.end) : undefined,
      type: ranged ? "range" : "point",
      content: textElement(label),
      title: escapeHtml(tooltip.join(" · ")),
      group: row.article || "",
      href: pageOf(row.event),
      eventType: row.type || "",
      actors: parseActors(row.actors),
    };
  }

  // Most reports cluster in a few years, a few reach back decades: open on the busy years.
  function busyWindow(items) {
    const starts = items.map((item) => item.start).sort();
    const pick = (fraction) => starts[Math.min(starts.length - 1, Math.floor(fraction * starts.length))];
    const from = new Date(pick(0.2) + "T00:00:00Z");
    const to = new Date(pick(0.98) + "T00:00:00Z");
    const pad = Math.max((to - from) * 0.08, 15 * 86400000);
    return [new Date(from - pad), new Date(to.getTime() + pad)];
  }

  async function drawTimeline(el) {
    const rows = await fetchRows(el.dataset.source, ["event", "start"]);
    const all = rows.filter((row) => row.start).map(timelineItem);
    const sources = new Map(rows.map((row) => [row.article || "", row.articleTitle || (row.article ? localName(row.article) : "(no article)")]));
    const actors = new Map();
    all.forEach((item) => item.actors.forEach((label, iri) => actors.set(iri, label)));
    fillSelect("actor", actors);
    fillSelect("type", new Map(all.filter((i) => i.eventType).map((i) => [i.eventType, i.eventType])));
    fillSelect("source", sources);
    const groups = new vis.DataSet([...sources.entries()].map(([id, title]) => ({ id, content: textElement(title) })));
    const items = new vis.DataSet(all);
    const timeline = new vis.Timeline(el, items, groups, {
      stack: true, zoomKey: "ctrlKey", orientation: "top", groupOrder: "id", margin: { item: 4 },
      showCurrentTime: false, maxHeight: "75vh", verticalScroll: true,
      ...(all.length ? Object.fromEntries(["start", "end"].map((k, i) => [k, busyWindow(all)[i]])) : {}),
    });
    timeline.on("click", (properties) => {
      const item = properties.item === null ? null : items.get(properties.item);
      if (item && item.href) location.assign(item.href);
    });
    let first = true;
    const apply = () => {
      const want = chosen();
      const shown = all.filter((item) =>
        (!want.actor || item.actors.has(want.actor)) &&
        (!want.type || item.eventType === want.type) &&
        (!want.source || item.group === want.source));
      items.clear();
      items.add(shown);
      groups.forEach((group) => groups.update({ id: group.id, visible: !want.source || group.id === want.source }));
      if (shown.length && !first) timeline.setWindow(...busyWindow(shown), { animation: false });
      first = false;
      el.dataset.count = String(shown.length);
      say(`${shown.length} of ${all.length} dated reports of events shown.`);
    };
    onFilterChange(apply);
    apply();
    window.newsgraphTimeline = { timeline, items };
  }

  // ---- network ----

  function networkElements(rows) {
    const nodes = new Map();
    const edges = rows.map((row, index) => {
      nodes.set(row.source, row.sourceLabel || localName(row.source));
      nodes.set(row.target, row.targetLabel || localName(row.target));
      return { data: {
        id: `edge-${index}`, source: row.source, target: row.target,
        label: row.label || "", href: pageOf(row.event), type: row.label || "(no type)",
      } };
    });
    const vertices = [...nodes.entries()].map(([iri, label]) => ({ data: { id: iri, label, href: pageOf(iri) } }));
    return { vertices, edges, labels: nodes };
  }

  async function drawNetwork(el) {
    const rows = await fetchRows(el.dataset.source, ["source", "target"]);
    const { vertices, edges, labels } = networkElements(rows);
    fillSelect("type", new Map(edges.map((e) => [e.data.type, e.data.type])));
    fillSelect("actor", labels);
    const cy = cytoscape({
      container: el,
      elements: [...vertices, ...edges],
      style: [
        { selector: "node", style: {
          label: "data(label)", "font-size": 11, "background-color": "#4a78b5",
          "text-wrap": "ellipsis", "text-max-width": 160,
          "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18 } },
        { selector: "edge", style: {
          label: "data(label)", "font-size": 9, color: "#555", "curve-style": "bezier",
          "min-zoomed-font-size": 5,
          "text-rotation": "autorotate", "line-color": "#b9c4d0", width: 2,
          "text-background-color": "#fff", "text-background-opacity": 0.8 } },
        { selector: ".hidden", style: { display: "none" } },
      ],
      layout: {
        name: "cose", animate: false, randomize: false, nodeRepulsion: () => 60000,
        idealEdgeLength: () => 70, componentSpacing: 60, gravity: 0.4, numIter: 2500,
      },
    });
    cy.on("tap", "node, edge", (event) => {
      const href = event.target.data("href");
      if (href) location.assign(href);
    });
    const apply = () => {
      const want = chosen();
      cy.batch(() => {
        cy.edges().forEach((edge) => {
          const keep = (!want.type || edge.data("type") === want.type) &&
            (!want.actor || edge.data("source") === want.actor || edge.data("target") === want.actor);
          edge.toggleClass("hidden", !keep);
        });
        cy.nodes().forEach((node) => node.toggleClass("hidden", node.connectedEdges().not(".hidden").length === 0));
      });
      const shownNodes = cy.nodes().not(".hidden").length;
      const shownEdges = cy.edges().not(".hidden").length;
      el.dataset.nodes = String(shownNodes);
      el.dataset.edges = String(shownEdges);
      say(`${shownNodes} actors and ${shownEdges} links (one per shared event) shown, of ${vertices.length} and ${edges.length}.`);
    };
    onFilterChange(apply);
    apply();
    window.newsgraphNetwork = cy;
  }

  const drawings = { timeline: drawTimeline, network: drawNetwork };
  for (const [id, draw] of Object.entries(drawings)) {
    const el = document.getElementById(id);
    if (el) draw(el).catch((error) => say(`Could not draw this: ${error.message}.`, true));
  }
})();
