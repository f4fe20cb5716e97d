// The map view: world-atlas countries drawn as SVG with d3-geo, coloured from /api/map (members of
// a grouping on a date, who restricts a technology, a state's AI instruments); a legend, a table
// of the same states, and a panel with a state's facts and their evidence (/queries/facts-about).
"use strict";

const PALETTES = {
  members: { member: "#1f4fb4", "partner-country": "#0f8a78", ambiguous: "#8e44ad", invited: "#d39b16", declined: "#b0392b" },
  restrictions: { "imposes and targeted": "#7c3aed", imposes: "#b91c1c", targeted: "#1d4ed8", "institutions targeted": "#7fb2f0" },
  instruments: { "bilateral instrument": "#15803d", "multilateral instrument": "#7cb518", "institution-level": "#e0b400" },
};
const SPARE = ["#6b4f2a", "#c2410c", "#0e7490", "#9d174d", "#4d7c0f", "#57534e"];
const NONE = "#e3e6ec";
const SUBJECT_FILL = "#1d2433";
const FIRST_YEAR = 2000;

const SVG = "http://www.w3.org/2000/svg";

const state = { data: null, colours: {}, paths: new Map() };

// --- dates and the slider (one step a month) -------------------------------------------------

const todayText = () => document.getElementById("map-date").max;
function monthIndex(text) {
  return (Number(text.slice(0, 4)) - FIRST_YEAR) * 12 + Number(text.slice(5, 7)) - 1;
}
function monthText(index) {
  const year = FIRST_YEAR + Math.floor(index / 12);
  return `${year}-${String((index % 12) + 1).padStart(2, "0")}`;
}

// --- drawing ---------------------------------------------------------------------------------

async function drawBase() {
  const topo = await (await fetch("/vendor/world-atlas/countries-110m.json")).json();
  const features = topojson.feature(topo, topo.objects.countries).features;
  const width = 960;
  const height = 500;
  const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
  const path = d3.geoPath(projection);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-labelledby", "map-title");
  const sphere = document.createElementNS(SVG, "path");
  sphere.setAttribute("d", path({ type: "Sphere" }));
  sphere.setAttribute("class", "map-sphere");
  svg.append(sphere);
  for (const feature of features) {
    const shape = document.createElementNS(SVG, "path");
    shape.setAttribute("d", path(feature));
    shape.setAttribute("class", "map-country");
    shape.style.fill = NONE;
    if (feature.id) {
      shape.dataset.numeric = feature.id;
      state.paths.set(feature.id, shape);
    }
    const title = document.createElementNS(SVG, "title");
    title.textContent = feature.properties.name;
    shape.append(title);
    svg.append(shape);
  }
  svg.addEventListener("click", (e) => {
    const shape = e.target.closest("path[data-iso3]");
    if (shape) showState(shape.dataset.iso3, shape);
  });
  svg.addEventListener("keydown", (e) => {
    const shape = e.target.closest("path[data-iso3]");
    if (shape && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showState(shape.dataset.iso3, shape); }
  });
  document.getElementById("map-canvas").replaceChildren(svg);
}

function coloursFor(data) {
  const palette = PALETTES[data.view] || {};
  let spare = 0;
  return Object.fromEntries(data.legend.map((l) => [l.key, palette[l.key] || SPARE[spare++ % SPARE.length]]));
}

function paint(data) {
  state.colours = coloursFor(data);
  const byNumeric = new Map(data.states.filter((s) => s.numeric).map((s) => [s.numeric, s]));
  const labels = Object.fromEntries(data.legend.map((l) => [l.key, l.label]));
  const subjectNumeric = data.view === "instruments" ? data.subject.numeric : null;
  for (const [numeric, shape] of state.paths) {
    const found = byNumeric.get(numeric);
    const title = shape.querySelector("title");
    const name = title.dataset.name || title.textContent;
    title.dataset.name = name;
    for (const key of ["iso3", "category", "certainty"]) delete shape.dataset[key];
    shape.removeAttribute("tabindex");
    shape.removeAttribute("role");
    shape.removeAttribute("aria-label");
    shape.classList.remove("possible", "coloured", "subject");
    shape.style.fill = NONE;
    title.textContent = name;
    if (found) {
      const text = `${found.label}: ${labels[found.category]}${found.certainty === "possible" ? " (possibly: a date given only as a year or month)" : ""}`;
      shape.dataset.iso3 = found.iso3;
      shape.dataset.category = found.category;
      shape.dataset.certainty = found.certainty;
      shape.style.fill = state.colours[found.category];
      shape.classList.add("coloured");
      if (found.certainty === "possible") shape.classList.add("possible");
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "button");
      shape.setAttribute("aria-label", text);
      title.textContent = text;
    } else if (subjectNumeric && numeric === subjectNumeric) {
      shape.style.fill = SUBJECT_FILL;
      shape.classList.add("subject");
      title.textContent = `${name}: the state asked about`;
    }
  }
}

function drawLegend(data) {
  const legend = document.getElementById("map-legend");
  const items = data.legend.map((l) => el("li", {},
    el("span", { class: "map-swatch", style: `background:${state.colours[l.key]}` }),
    `${l.label} (${l.count})`));
  items.push(el("li", {}, el("span", { class: "map-swatch map-swatch-possible" }), "lighter, dashed edge: possibly (a date given only as a year or month)"));
  items.push(el("li", {}, el("span", { class: "map-swatch", style: `background:${NONE}` }), "no fact recorded (absence proves nothing)"));
  if (data.view === "instruments") items.push(el("li", {}, el("span", { class: "map-swatch", style: `background:${SUBJECT_FILL}` }), "the state asked about"));
  legend.replaceChildren(...items);
}

function factLine(f) {
  const dates = `${f.start || (f.knownBy ? `date unknown, reported by ${f.knownBy}` : "date unknown")}${f.end ? ` – ${f.end}` : " – open"}`;
  return `${f.label || f.id} — ${f.role}; ${dates}${f.status ? `; ${f.status}` : ""}${f.holds === "possible" ? " (possibly holds on the date)" : ""}`;
}

function drawTable(data) {
  const labels = Object.fromEntries(data.legend.map((l) => [l.key, l.label]));
  const body = document.querySelector("#map-table tbody");
  body.replaceChildren(...data.states.map((s) => {
    const button = el("button", { type: "button", "data-iso3": s.iso3, text: "Facts", "aria-label": `Facts of ${s.label}` });
    button.addEventListener("click", () => showState(s.iso3, button));
    return el("tr", { "data-iso3": s.iso3 },
      el("th", { scope: "row", "data-label": "State", text: s.label + (s.numeric && state.paths.has(s.numeric) ? "" : " (too small for this map)") }),
      el("td", { "data-label": "Colour" }, el("span", { class: "map-swatch", style: `background:${state.colours[s.category]}` }),
        `${labels[s.category]}${s.certainty === "possible" ? " (possibly)" : ""}`),
      el("td", { "data-label": "Facts", text: String(s.facts.length) }),
      el("td", { "data-label": "Details" }, button));
  }));
  document.getElementById("map-caption").textContent = `${data.states.length} states coloured: ${document.getElementById("map-title").textContent}`;
  const others = document.getElementById("map-others");
  others.replaceChildren();
  if (data.others.length) {
    others.append(el("h3", { text: "Not states, so not on the map" }),
      el("ul", {}, ...data.others.map((o) => el("li", { text: `${o.label} (${o.id}): ${labels[o.category] || o.category}; ${o.facts.length} facts` }))));
  }
}

// --- the panel -------------------------------------------------------------------------------

const factsAbout = new Map();
function rowsAbout(actor) {
  if (!factsAbout.has(actor)) {
    factsAbout.set(actor, fetch(`/queries/facts-about?subject=${encodeURIComponent(actor)}&limit=10000`)
      .then((r) => (r.ok ? r.json() : { rows: [] })).then((d) => d.rows || []));
  }
  return factsAbout.get(actor);
}

function evidenceOf(row, fact) {
  const documents = new Map((row.evidence || []).map((e) => [e.url, e]));
  const list = el("ul", { class: "map-citations" });
  const seen = new Set();
  for (const step of ((row.explanation || {}).steps || []).filter((s) => s.fact === fact)) {
    for (const c of step.citations || []) {
      if (seen.has(`${c.url} ${c.quote}`)) continue;
      seen.add(`${c.url} ${c.quote}`);
      const doc = documents.get(c.url) || {};
      const title = doc.title || c.url;
      list.append(el("li", {}, safeHref(c.url) ? el("a", { href: c.url, rel: "noopener noreferrer", text: title }) : el("span", { text: title }),
        el("span", { class: "map-meta", text: ` — ${[doc.publisher, c.tier || doc.tier, doc.published].filter(Boolean).join(" · ")}` }),
        c.quote ? el("blockquote", { text: `“${c.quote}”` }) : null));
    }
  }
  return list;
}

async function showState(iso3, opener) {
  const data = state.data;
  const found = data && data.states.find((s) => s.iso3 === iso3);
  if (!found) return;
  const labels = Object.fromEntries(data.legend.map((l) => [l.key, l.label]));
  const panel = document.getElementById("map-panel");
  panel.dataset.iso3 = iso3;
  delete panel.dataset.loaded;
  for (const shape of state.paths.values()) shape.classList.toggle("selected", shape.dataset.iso3 === iso3);
  const facts = el("ol", { class: "map-facts" });
  const slots = new Map();
  for (const f of found.facts) {
    const slot = el("div", { class: "map-evidence" });
    slots.set(f.fact, slot);
    facts.append(el("li", { "data-fact": f.fact }, el("span", { text: factLine(f) }), slot));
  }
  panel.replaceChildren(
    el("h2", { id: "map-panel-title", text: found.label }),
    el("p", {}, el("span", { class: "map-swatch", style: `background:${state.colours[found.category]}` }),
      `${labels[found.category]}${found.certainty === "possible" ? " (possibly)" : ""} — ${document.getElementById("map-title").textContent}`),
    el("p", {}, el("a", { href: `/id/state/${iso3}`, text: `Page of ${found.label}` }),
      " · ", el("a", { href: `/timeline?subject=state:${iso3}`, text: "its timeline" })),
    el("h3", { text: "Facts behind the colour, with their sources" }), facts);
  if (opener) panel.focus({ preventScroll: true });
  if (window.matchMedia("(max-width: 900px)").matches) panel.scrollIntoView({ block: "nearest" });
  const rows = await rowsAbout(found.id);
  if (panel.dataset.iso3 !== iso3) return;
  for (const [fact, slot] of slots) {
    const row = rows.find((r) => r.fact === fact);
    slot.replaceChildren(row ? evidenceOf(row, fact) : el("p", { class: "hint", text: "No source found for this fact." }));
  }
  panel.dataset.loaded = iso3;
}

// --- controls --------------------------------------------------------------------------------

const form = () => document.getElementById("map-form");
const currentView = () => form().elements.view.value;
const SELECTS = { members: "map-grouping", restrictions: "map-technology", instruments: "map-state" };
const TITLES = {
  members: (d) => `Members of ${d.subject.label} as of ${d.asOf}, by role`,
  restrictions: (d) => `Restrictive measures on ${d.subject.label} (or narrower) in force on ${d.asOf}: imposers and targets`,
  instruments: (d) => `States party with ${d.subject.label} to instruments on AI in force on ${d.asOf}`,
};

function showPickers() {
  for (const label of document.querySelectorAll("[data-for-view]")) label.hidden = label.dataset.forView !== currentView();
}

async function fillOptions(wanted) {
  const options = await (await fetch("/api/map/options")).json();
  const defaults = { grouping: "alliance:brics", technology: "tech:semiconductors", state: "state:CHN" };
  for (const [kind, id] of [["grouping", "map-grouping"], ["technology", "map-technology"], ["state", "map-state"]]) {
    const select = document.getElementById(id);
    select.replaceChildren(...options[kind].map((o) => el("option", { value: o.id, text: o.label })));
    select.value = wanted[kind] || defaults[kind];
  }
}

async function load() {
  const view = currentView();
  const subject = document.getElementById(SELECTS[view]).value;
  const asOf = document.getElementById("map-date").value || todayText();
  const status = document.getElementById("map-status");
  status.classList.remove("error");
  status.textContent = "Loading…";
  const query = new URLSearchParams({ view, subject, as_of: asOf });
  const response = await fetch(`/api/map?${query}`);
  const data = await response.json();
  if (!response.ok) {
    status.textContent = data.detail || `The map could not be loaded (${response.status}).`;
    status.classList.add("error");
    return;
  }
  state.data = data;
  history.replaceState(null, "", `/map?${query}`);
  document.getElementById("map-title").textContent = TITLES[view](data);
  paint(data);
  drawLegend(data);
  drawTable(data);
  status.textContent = `${data.states.length} states coloured${data.others.length ? `, ${data.others.length} other actors listed below the table` : ""}.`;
  document.body.dataset.asOf = data.asOf;
  document.body.dataset.mapView = view;
}

function syncSlider(dateText) {
  const slider = document.getElementById("map-slider");
  slider.value = String(monthIndex(dateText));
  document.getElementById("map-slider-label").textContent = monthText(Number(slider.value));
}

async function start() {
  const params = new URLSearchParams(location.search);
  const view = params.get("view") || "members";
  const radio = form().querySelector(`input[name=view][value="${view}"]`);
  if (radio) radio.checked = true;
  const wanted = {};
  if (params.get("subject")) wanted[{ members: "grouping", restrictions: "technology", instruments: "state" }[view]] = params.get("subject");
  const date = document.getElementById("map-date");
  if (params.get("as_of")) date.value = params.get("as_of");
  const slider = document.getElementById("map-slider");
  slider.max = String(monthIndex(todayText()));
  syncSlider(date.value);
  showPickers();
  await Promise.all([drawBase(), fillOptions(wanted)]);

  form().addEventListener("submit", (e) => { e.preventDefault(); load(); });
  form().addEventListener("change", (e) => {
    if (e.target.name === "view") showPickers();
    if (e.target === slider) date.value = `${monthText(Number(slider.value))}-01`;
    if (e.target === date) syncSlider(date.value);
    load();
  });
  slider.addEventListener("input", () => {
    document.getElementById("map-slider-label").textContent = monthText(Number(slider.value));
  });
  try {
    await load();
  } finally {
    document.body.dataset.ready = "true";
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
