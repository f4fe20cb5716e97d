// The network view: /api/network drawn with Cytoscape.js and the fcose layout, a side panel with
// the selected element's facts and evidence (/queries/facts-about), name search (/search), an
// as-of slider that can play month by month, and PNG / GraphML downloads of the graph shown.
// The page never navigates away on a click: the entity page is a link inside the panel.
"use strict";

const ID_BASE = "https://w3id.org/alliance-graph/";
const START_YEAR = 2006; // the slider counts months from January 2006 (the first BRIC meeting)
const LABEL_GAP = 6; // px kept free between any two nodes' boxes (labels included) after layout
const BASE_FONT = 13; // label size in graph units; on screen a label is never drawn below MIN_FONT
const MIN_FONT = 12.5;
const FIRST_FACTS = 25; // facts listed at once in the panel; a button shows the rest
const LABEL_WIDTH = 170; // px at BASE_FONT; longer names end in an ellipsis

// One table for drawing and for the legend, so the two cannot drift apart.
const NODE_STYLES = [
  { kind: "state", label: "state", shape: "ellipse", color: "#2357c6", size: 18 },
  { kind: "grouping", label: "alliance, bloc or grouping", shape: "round-rectangle", color: "#d97706", size: 26 },
  { kind: "institution", label: "institution", shape: "diamond", color: "#16a34a", size: 20 },
  { kind: "person", label: "person", shape: "triangle", color: "#6b7280", size: 20 },
];
// Colour says what the link is: a role (membership) or an instrument's kind (cooperation).
const EDGE_COLOURS = [
  { key: "member", group: "membership", label: "member of", color: "#8b93a3", match: (e) => e.tie === "membership" && e.kind === "member" },
  { key: "partner", group: "membership", label: "partner country of", color: "#7c3aed", match: (e) => e.tie === "membership" && e.kind === "partner" },
  { key: "agreement", group: "cooperation", label: "agreement", color: "#b91c1c", match: (e) => e.tie !== "membership" && e.kind === "agreement" },
  { key: "joint-statement", group: "cooperation", label: "joint statement", color: "#0e7490", match: (e) => e.tie !== "membership" && e.kind === "joint statement" },
  { key: "partnership", group: "cooperation", label: "partnership", color: "#be185d", match: (e) => e.tie !== "membership" && e.kind === "partnership" },
  { key: "exchange", group: "cooperation", label: "exchange", color: "#a16207", match: (e) => e.tie !== "membership" && e.kind === "exchange" },
  { key: "other-instrument", group: "cooperation", label: "other instrument", color: "#374151", match: (e) => e.tie !== "membership" },
];
// Width says the tie: a membership, an instrument between states, or one between institutions.
const EDGE_WIDTHS = [
  { key: "membership", label: "membership", width: 1.5, match: (e) => e.tie === "membership" },
  { key: "bilateral", label: "bilateral instrument (states are parties)", width: 3.5, match: (e) => e.tie === "bilateral instrument" },
  { key: "multilateral", label: "multilateral instrument", width: 3.5, match: (e) => e.tie === "multilateral instrument" },
  { key: "institution", label: "institution-level (institutions are parties)", width: 2, match: (e) => e.tie === "institution-level" },
  { key: "other-tie", label: "other tie", width: 2, match: () => true },
];
const CERTAINTY_STYLES = [
  { key: "certain", label: "certain on the date", lineStyle: "solid", dash: "" },
  { key: "possible", label: "possible (a date unknown or imprecise)", lineStyle: "dashed", dash: "6 3" },
];

let cy = null;
let drawnAsOf = null;
let drawToken = 0;
let playing = null;

const $ = (id) => document.getElementById(id);

function edgeLook(e) {
  const colour = EDGE_COLOURS.find((c) => c.match(e));
  const width = EDGE_WIDTHS.find((w) => w.match(e));
  const certainty = CERTAINTY_STYLES.find((c) => c.key === e.certainty) || CERTAINTY_STYLES[1];
  return { colour, width, certainty };
}

function sliderDate(value) {
  const year = START_YEAR + Math.floor(value / 12);
  const month = (value % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const date = `${year}-${String(month).padStart(2, "0")}-${String(last).padStart(2, "0")}`;
  const today = new Date().toISOString().slice(0, 10);
  return date > today ? today : date;
}

function entityPath(iri) {
  return iri.startsWith(ID_BASE) ? iri.slice(ID_BASE.length - 1) : iri;
}

// The service answers 503 with Retry-After when it is busy or a query ran out of time: ask again
// a few times before telling the analyst.
async function fetchRetry(url, tries = 3) {
  let response = null;
  for (let attempt = 0; attempt < tries; attempt += 1) {
    response = await fetch(url).catch(() => null);
    if (response && response.status !== 503) return response;
    await new Promise((done) => setTimeout(done, 500 * (attempt + 1)));
  }
  return response;
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// --- drawing ----------------------------------------------------------------------------------

function cyStyle() {
  const style = [
    {
      selector: "node",
      style: {
        label: "data(short)", "font-size": BASE_FONT, color: "#1d2433", "text-valign": "bottom", "text-margin-y": 4,
        "text-wrap": "ellipsis", "text-max-width": `${LABEL_WIDTH}px`, "text-background-color": "#ffffff",
        "text-background-opacity": 0.85, "text-background-padding": "2px", "text-background-shape": "roundrectangle",
        "min-zoomed-font-size": 0, "border-width": 1, "border-color": "#ffffff",
      },
    },
    ...NODE_STYLES.map((s) => ({
      selector: `node[kind = "${s.kind}"]`,
      style: { shape: s.shape, "background-color": s.color, width: s.size, height: s.size },
    })),
    { selector: "node.label-hidden", style: { "text-opacity": 0, "text-background-opacity": 0 } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#f59e0b", "font-weight": "bold" } },
    { selector: "edge", style: { "curve-style": "bezier", opacity: 0.9, "line-color": "data(colour)", width: "data(width)", "line-style": "data(lineStyle)", "line-dash-pattern": [6, 3] } },
    { selector: "edge:selected", style: { "overlay-color": "#f59e0b", "overlay-opacity": 0.35, "overlay-padding": 4 } },
  ];
  return style;
}

// "Group of Seven (G7)" is drawn as "G7"; the full name is in the panel, the list and the exports.
function shortName(label) {
  const acronym = /\(([A-Z][A-Za-z0-9+&-]{1,9})\)$/.exec(label || "");
  return acronym ? acronym[1] : label;
}

// Readable labels at every zoom: below the zoom where BASE_FONT reads as MIN_FONT, labels grow
// in graph units to stay MIN_FONT on screen, and the ones that would then overlap a more
// important label (the selection, groupings, the most linked) are hidden until one zooms in.
function declutter() {
  const zoom = cy.zoom();
  const font = Math.max(BASE_FONT, MIN_FONT / zoom);
  const nodes = cy.nodes();
  cy.batch(() => nodes.style({ "font-size": font, "text-max-width": `${LABEL_WIDTH * (font / BASE_FONT)}px` }));
  const rank = (n) => (n.selected() ? 1e6 : 0) + (n.data("kind") === "grouping" ? 1e4 : 0) + n.degree(false);
  const ordered = nodes.toArray().sort((a, b) => rank(b) - rank(a) || a.id().localeCompare(b.id()));
  const kept = [];
  const gap = 2 / zoom;
  const hidden = [];
  for (const n of ordered) {
    const b = n.boundingBox({ includeLabels: true, includeNodes: false, includeOverlays: false });
    const clash = kept.some((k) => b.x1 < k.x2 + gap && k.x1 < b.x2 + gap && b.y1 < k.y2 + gap && k.y1 < b.y2 + gap);
    if (clash) hidden.push(n); else kept.push(b);
  }
  cy.batch(() => {
    nodes.removeClass("label-hidden");
    hidden.forEach((n) => n.addClass("label-hidden"));
  });
}

// The whole graph in view, measured with labels at their base size (as the layout placed them),
// so fitting gives the same view whatever zoom came before.
function fitAll() {
  cy.batch(() => cy.nodes().style({ "font-size": BASE_FONT, "text-max-width": `${LABEL_WIDTH}px` }));
  cy.fit(undefined, 30);
  declutter();
}

function elementsOf(data) {
  const nodes = data.nodes.map((n) => ({ group: "nodes", data: { ...n, short: shortName(n.label) } }));
  const edges = data.edges.map((e) => {
    const look = edgeLook(e);
    return {
      group: "edges",
      data: {
        ...e, id: `${e.fact}|${e.source}|${e.target}`,
        colour: look.colour.color, width: look.width.width, lineStyle: look.certainty.lineStyle,
        colourKey: look.colour.key, widthKey: look.width.key,
      },
    };
  });
  return { nodes, edges };
}

function layoutOptions(randomize) {
  return {
    name: window.cytoscapeFcose ? "fcose" : "cose",
    quality: "proof", randomize, animate: false, fit: true, padding: 30,
    nodeDimensionsIncludeLabels: true, uniformNodeDimensions: false, packComponents: true,
    nodeRepulsion: () => 16000, idealEdgeLength: (edge) => (edge.data("tie") === "membership" ? 110 : 150),
    edgeElasticity: () => 0.3, nodeSeparation: 90, gravity: 0.2, gravityRange: 3.0, numIter: 3000,
  };
}

// Label boxes can still touch after a force layout (long names, dense hubs): push every
// overlapping pair apart along the axis where they overlap least, until none overlaps.
function separateLabels() {
  const nodes = cy.nodes().toArray();
  const boxes = nodes.map((n) => {
    const p = n.position();
    const b = n.boundingBox({ includeLabels: true, includeOverlays: false });
    return { x: p.x, y: p.y, dx1: b.x1 - p.x, dx2: b.x2 - p.x, dy1: b.y1 - p.y, dy2: b.y2 - p.y };
  });
  for (let round = 0; round < 400; round += 1) {
    let moved = false;
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const a = boxes[i];
        const b = boxes[j];
        const ox = Math.min(a.x + a.dx2, b.x + b.dx2) - Math.max(a.x + a.dx1, b.x + b.dx1) + LABEL_GAP;
        const oy = Math.min(a.y + a.dy2, b.y + b.dy2) - Math.max(a.y + a.dy1, b.y + b.dy1) + LABEL_GAP;
        if (ox <= 0 || oy <= 0) continue;
        moved = true;
        if (ox < oy) {
          const s = (a.x < b.x || (a.x === b.x && i < j) ? -1 : 1) * (ox / 2 + 0.5);
          a.x += s; b.x -= s;
        } else {
          const s = (a.y < b.y || (a.y === b.y && i < j) ? -1 : 1) * (oy / 2 + 0.5);
          a.y += s; b.y -= s;
        }
      }
    }
    if (!moved) break;
  }
  cy.batch(() => nodes.forEach((n, i) => n.position({ x: boxes[i].x, y: boxes[i].y })));
}

function filterParams() {
  const form = $("net-filters");
  const params = new URLSearchParams({ as_of: sliderDate(Number($("as-of-slider").value)) });
  for (const name of ["topic", "alliance"]) if (form.elements[name].value) params.set(name, form.elements[name].value);
  return params;
}

async function draw() {
  const token = ++drawToken;
  const params = filterParams();
  const statusEl = $("net-status");
  $("as-of-label").textContent = params.get("as_of");
  const response = await fetchRetry(`/api/network?${params}`);
  if (token !== drawToken) return; // a newer draw has started
  if (!response || !response.ok) {
    if (!response) { statusEl.textContent = "Cannot draw: the service does not answer."; statusEl.className = "error"; return; }
    const problem = await response.json().catch(() => ({ detail: response.statusText }));
    statusEl.textContent = `Cannot draw: ${problem.detail}`;
    statusEl.className = "error";
    return;
  }
  const data = await response.json();
  if (token !== drawToken) return;
  const { nodes, edges } = elementsOf(data);
  const first = cy.elements().length === 0;
  const wanted = new Set([...nodes, ...edges].map((e) => e.data.id));
  const added = [];
  cy.batch(() => {
    cy.elements().filter((e) => !wanted.has(e.id())).remove();
    for (const n of nodes) {
      const old = cy.getElementById(n.data.id);
      if (old.nonempty()) old.data(n.data); else added.push(n);
    }
    cy.add(added);
    for (const e of edges) {
      const old = cy.getElementById(e.data.id);
      if (old.nonempty()) old.data(e.data); else cy.add(e);
    }
  });
  if (first || added.length) {
    // New nodes start beside a drawn neighbour, so the picture moves little from month to month.
    for (const n of added) {
      const node = cy.getElementById(n.data.id);
      const placed = node.neighborhood("node").filter((m) => !added.some((a) => a.data.id === m.id()));
      const c = placed.nonempty() ? placed.first().position() : { x: 0, y: 0 };
      node.position({ x: c.x + 40 * Math.cos(added.indexOf(n)), y: c.y + 40 * Math.sin(added.indexOf(n)) });
    }
    if (cy.nodes().nonempty()) {
      cy.batch(() => cy.nodes().style({ "font-size": BASE_FONT, "text-max-width": `${LABEL_WIDTH}px` }));
      cy.layout(layoutOptions(first || cy.nodes().length === added.length)).run();
      separateLabels();
      fitAll();
    }
  }
  declutter();
  drawnAsOf = data.as_of;
  statusEl.className = "";
  statusEl.dataset.asOf = data.as_of;
  statusEl.textContent = `${data.nodes.length} nodes and ${data.edges.length} links as of ${data.as_of}.`;
  drawLegend();
  drawNodeList();
  const selected = cy.$(":selected");
  if (selected.empty() && $("panel").dataset.subject && cy.getElementById($("panel").dataset.subject).empty()) {
    $("panel-body").prepend(el("p", { className: "warning", textContent: `Not in the graph as of ${data.as_of}.` }));
  }
}

// --- legend -----------------------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function shapeSwatch(style) {
  const box = svg("svg", { width: 22, height: 22, viewBox: "0 0 22 22", "aria-hidden": "true" });
  const common = { fill: style.color, class: "swatch-shape" };
  if (style.shape === "ellipse") box.append(svg("circle", { cx: 11, cy: 11, r: 8, ...common }));
  else if (style.shape === "diamond") box.append(svg("polygon", { points: "11,2 20,11 11,20 2,11", ...common }));
  else if (style.shape === "triangle") box.append(svg("polygon", { points: "11,2 20,19 2,19", ...common }));
  else box.append(svg("rect", { x: 2, y: 2, width: 18, height: 18, rx: 4, ...common }));
  return box;
}

function lineSwatch(colour, width, dash) {
  const box = svg("svg", { width: 36, height: 14, viewBox: "0 0 36 14", "aria-hidden": "true" });
  const line = svg("line", { x1: 2, y1: 7, x2: 34, y2: 7, stroke: colour, "stroke-width": width, class: "swatch-line" });
  if (dash) line.setAttribute("stroke-dasharray", dash);
  box.append(line);
  return box;
}

function legendItem(swatch, text, attrs) {
  const li = el("li", {}, swatch, el("span", { textContent: text }));
  for (const [k, v] of Object.entries(attrs)) li.dataset[k] = v;
  return li;
}

// The legend lists what is drawn now, each entry drawn from the same table as the graph.
function drawLegend() {
  const kinds = new Set(cy.nodes().map((n) => n.data("kind")));
  const colours = new Set(cy.edges().map((e) => e.data("colourKey")));
  const widths = new Set(cy.edges().map((e) => e.data("widthKey")));
  const certainties = new Set(cy.edges().map((e) => e.data("certainty")));
  const group = (title, items) => (items.length ? el("div", { className: "legend-group" }, el("h3", { textContent: title }), el("ul", {}, ...items)) : null);
  $("legend").replaceChildren(
    ...[
      group("Nodes", NODE_STYLES.filter((s) => kinds.has(s.kind)).map((s) =>
        legendItem(shapeSwatch(s), s.label, { legend: "node", kind: s.kind, shape: s.shape, color: s.color }))),
      group("Link colour: role or instrument", EDGE_COLOURS.filter((c) => colours.has(c.key)).map((c) =>
        legendItem(lineSwatch(c.color, 3, ""), c.label, { legend: "colour", key: c.key, color: c.color }))),
      group("Link width: tie", EDGE_WIDTHS.filter((w) => widths.has(w.key)).map((w) =>
        legendItem(lineSwatch("#4b5563", w.width, ""), w.label, { legend: "width", key: w.key, width: String(w.width) }))),
      group("Line: certainty", CERTAINTY_STYLES.filter((c) => certainties.has(c.key)).map((c) =>
        legendItem(lineSwatch("#4b5563", 2, c.dash), c.label, { legend: "certainty", key: c.key, lineStyle: c.lineStyle }))),
    ].filter(Boolean),
  );
}

// --- node list, search, selection ---------------------------------------------------------------

function nodeButton(node) {
  const button = el("button", { type: "button", className: `node-pick ${node.data("kind")}`, textContent: node.data("label") });
  button.dataset.id = node.id();
  button.addEventListener("click", () => focusNode(node.id()));
  return button;
}

function drawNodeList() {
  const sorted = cy.nodes().sort((a, b) => a.data("label").localeCompare(b.data("label")));
  $("node-list").querySelector("summary").textContent = `All ${sorted.length} nodes in this graph`;
  $("node-list").querySelector("ul").replaceChildren(...sorted.map((n) => el("li", {}, nodeButton(n))));
}

function focusNode(id) {
  const node = cy.getElementById(id);
  if (node.empty()) return false;
  cy.elements().unselect();
  node.select();
  cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.1) }, { duration: 250 });
  showNode(node);
  return true;
}

async function search(event) {
  event.preventDefault();
  const text = $("search-input").value.trim();
  const statusEl = $("search-status");
  const list = $("search-results");
  if (!text) { statusEl.textContent = "Type a name to find."; return; }
  let results = await nameSearch(text);
  if (results === null) {
    // The name index could not answer (busy or still building): match the names drawn here.
    results = localSearch(text);
    if (!results.length) {
      list.replaceChildren();
      statusEl.textContent = `“${text}” is not in this graph (the name search is busy: only the names drawn here were matched).`;
      return;
    }
  }
  if (!results.length) { list.replaceChildren(); statusEl.textContent = `Nothing is called “${text}”.`; return; }
  list.replaceChildren(...results.map((r) => {
    const here = cy.getElementById(r.iri).nonempty();
    const button = el("button", { type: "button", textContent: `${r.label} (${r.kind})` });
    button.dataset.id = r.iri;
    if (!here) button.append(el("span", { className: "absent", textContent: " — not in this graph" }));
    button.addEventListener("click", () => pick(r));
    return el("li", {}, button);
  }));
  pick(results[0]);
}

async function nameSearch(text) {
  const url = `/search?${new URLSearchParams({ q: text, limit: "8" })}`;
  const response = await fetchRetry(url, 2);
  if (response && response.ok) return (await response.json()).results;
  if (response && response.status < 500) return [];
  return null;
}

function localSearch(text) {
  const wanted = text.toLocaleLowerCase();
  const score = (label) => (label === wanted ? 0 : label.startsWith(wanted) ? 1 : label.includes(wanted) ? 2 : 3);
  return cy.nodes().toArray()
    .map((n) => ({ iri: n.id(), label: n.data("label"), kind: n.data("kind"), s: score(n.data("label").toLocaleLowerCase()) }))
    .filter((r) => r.s < 3)
    .sort((a, b) => a.s - b.s || a.label.localeCompare(b.label))
    .slice(0, 8);
}

function pick(result) {
  const statusEl = $("search-status");
  if (focusNode(result.iri)) {
    statusEl.textContent = `${result.label} selected.`;
  } else {
    statusEl.textContent = `${result.label} is not in the current graph (as of ${drawnAsOf}, with these filters).`;
  }
}

// --- the side panel ---------------------------------------------------------------------------

function evidenceList(evidence) {
  if (!evidence || !evidence.length) return null;
  return el("ul", { className: "evidence" }, ...evidence.map((d) => el("li", {},
    el("a", { href: d.url, textContent: d.title || d.url, target: "_blank", rel: "noopener" }),
    ` ${[d.publisher, d.tier, d.published].filter(Boolean).join(" · ")}`)));
}

function quotes(row) {
  const steps = (row.explanation && row.explanation.steps) || [];
  const cites = steps.flatMap((s) => s.citations || []).filter((c) => c.quote);
  if (!cites.length) return null;
  return el("ul", { className: "quotes" }, ...cites.slice(0, 4).map((c) => el("li", {}, `“${c.quote}” `,
    el("a", { href: c.url, textContent: c.tier || "source", target: "_blank", rel: "noopener" }))));
}

function factItem(row) {
  const dates = row.until ? `${row.since} – ${row.until}` : `since ${row.since}`;
  return el("li", { className: "fact" },
    el("p", {}, el("strong", { textContent: row.kind }), ` (${row.relation}, ${dates}): `,
      el("a", { href: entityPath(row.fact), textContent: row.factLabel || row.fact })),
    quotes(row), evidenceList(row.evidence));
}

function openPanel(title, href, subject) {
  const panel = $("panel");
  panel.dataset.subject = subject;
  const heading = $("panel-title");
  heading.replaceChildren(title);
  $("panel-body").replaceChildren(el("p", { className: "hint", textContent: "Loading facts…" }));
  panel.dataset.loaded = "false";
  panel.focus({ preventScroll: false });
  return href;
}

async function facts(subject) {
  const params = new URLSearchParams({ subject, limit: "200" });
  const response = await fetchRetry(`/queries/facts-about?${params}`);
  if (!response) return { rows: [], error: "The service does not answer." };
  if (!response.ok) return { rows: [], error: (await response.json().catch(() => ({}))).detail || response.statusText };
  return response.json();
}

async function showNode(node) {
  const iri = node.id();
  openPanel(node.data("label"), node.data("href"), iri);
  const ties = node.connectedEdges();
  const neighbours = node.neighborhood("node").sort((a, b) => a.data("label").localeCompare(b.data("label")));
  const data = await facts(iri);
  if ($("panel").dataset.subject !== iri) return;
  const body = [
    el("p", {}, `${node.data("kind")} · ${ties.length} link(s) in this graph · `,
      el("a", { href: node.data("href"), textContent: "entity page" })),
  ];
  if (neighbours.nonempty()) {
    body.push(el("h3", { textContent: "Linked in this graph" }),
      el("ul", { className: "neighbours" }, ...neighbours.map((m) => el("li", {}, nodeButton(m)))));
  }
  body.push(el("h3", { textContent: `Facts and evidence (${data.rows.length}${data.next ? "+" : ""})` }));
  if (data.error) body.push(el("p", { className: "error", textContent: data.error }));
  const list = el("ol", { className: "facts" }, ...data.rows.slice(0, FIRST_FACTS).map(factItem));
  body.push(list);
  if (data.rows.length > FIRST_FACTS) {
    const more = el("button", { type: "button", textContent: `Show all ${data.rows.length} facts` });
    more.addEventListener("click", () => { list.replaceChildren(...data.rows.map(factItem)); more.remove(); });
    body.push(more);
  }
  $("panel-body").replaceChildren(...body);
  $("panel").dataset.loaded = "true";
}

async function showEdge(edge) {
  const d = edge.data();
  openPanel(d.label, d.href, d.id);
  const ends = [cy.getElementById(d.source), cy.getElementById(d.target)];
  const data = await facts(d.source);
  if ($("panel").dataset.subject !== d.id) return;
  const row = data.rows.find((r) => r.fact === d.fact);
  const what = d.tie === "membership" ? `membership (${d.label})` : `${d.kind}, ${d.tie}`;
  const body = [
    el("p", {}, `${what} · ${d.certainty} as of ${drawnAsOf} · since ${d.since}${d.until ? ` until ${d.until}` : ""} · `,
      el("a", { href: d.href, textContent: "fact page" })),
    el("h3", { textContent: d.tie === "membership" ? "Member and grouping" : "Parties" }),
    el("ul", { className: "neighbours" }, ...ends.map((n) => el("li", {}, nodeButton(n)))),
  ];
  if (row) body.push(el("h3", { textContent: "Evidence" }), quotes(row), evidenceList(row.evidence));
  $("panel-body").replaceChildren(...body.filter(Boolean));
  $("panel").dataset.loaded = "true";
}

// --- controls ---------------------------------------------------------------------------------

function zoomBy(factor) {
  const rect = $("cy").getBoundingClientRect();
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: rect.width / 2, y: rect.height / 2 } });
}

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function exportPng() {
  download(`alliance-network-${drawnAsOf}.png`, cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }));
}

function exportGraphml() {
  const nodes = cy.nodes().map((n) => n.data());
  const edges = cy.edges().map((e) => e.data());
  const xml = window.networkGraphml(nodes, edges, drawnAsOf);
  download(`alliance-network-${drawnAsOf}.graphml`, new Blob([xml], { type: "application/graphml+xml" }));
}

function stopPlaying() {
  if (playing) clearTimeout(playing);
  playing = null;
  $("play").textContent = "Play";
  $("play").setAttribute("aria-pressed", "false");
}

async function playStep() {
  const slider = $("as-of-slider");
  if (Number(slider.value) >= Number(slider.max)) { stopPlaying(); return; }
  slider.value = String(Number(slider.value) + 1);
  await draw();
  if (playing) playing = setTimeout(playStep, 600);
}

function togglePlay() {
  if (playing) { stopPlaying(); return; }
  const slider = $("as-of-slider");
  if (Number(slider.value) >= Number(slider.max)) slider.value = slider.min;
  $("play").textContent = "Pause";
  $("play").setAttribute("aria-pressed", "true");
  playing = setTimeout(playStep, 0);
}

function wire() {
  let timer = null;
  const slider = $("as-of-slider");
  slider.addEventListener("input", () => {
    $("as-of-label").textContent = sliderDate(Number(slider.value));
    clearTimeout(timer);
    timer = setTimeout(draw, 250);
  });
  slider.addEventListener("change", () => { clearTimeout(timer); draw(); });
  $("net-filters").addEventListener("submit", (e) => { e.preventDefault(); draw(); });
  $("play").addEventListener("click", togglePlay);
  $("net-search").addEventListener("submit", search);
  $("zoom-in").addEventListener("click", () => zoomBy(1.25));
  $("zoom-out").addEventListener("click", () => zoomBy(0.8));
  $("zoom-fit").addEventListener("click", fitAll);
  $("export-png").addEventListener("click", exportPng);
  $("export-graphml").addEventListener("click", exportGraphml);
  $("cy").addEventListener("keydown", (e) => {
    if (e.key === "+" || e.key === "=") zoomBy(1.25);
    else if (e.key === "-") zoomBy(0.8);
    else if (e.key === "0") fitAll();
    else return;
    e.preventDefault();
  });
  let pending = false;
  cy.on("zoom", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; declutter(); });
  });
  cy.on("select", "node", () => requestAnimationFrame(declutter));
  cy.on("tap", "node", (event) => { showNode(event.target); });
  cy.on("tap", "edge", (event) => { cy.elements().unselect(); event.target.select(); showEdge(event.target); });
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!window.cytoscape) {
    $("net-status").textContent = "Cytoscape is not installed (run make): the graph cannot be drawn.";
    document.body.dataset.ready = "true";
    return;
  }
  if (window.cytoscapeFcose && !window.cytoscape.prototype.fcoseRegistered) {
    try { window.cytoscape.use(window.cytoscapeFcose); } catch (_) { /* already registered */ }
  }
  cy = window.cytoscape({
    container: $("cy"), style: cyStyle(), elements: [], minZoom: 0.04, maxZoom: 5,
    boxSelectionEnabled: false, selectionType: "single",
  });
  window.allianceNetwork = cy;
  fetch("/search?q=a&limit=1").catch(() => null); // builds the name index while the graph is drawn
  wire();
  await draw();
  document.body.dataset.ready = "true";
});
