// The analysts' page: question forms, the SPARQL editor, the answer table, the network and the
// timeline, all drawn from the service's own API. No framework; CodeMirror 5 and Cytoscape.js
// are loaded from /vendor when installed, and the page degrades to a text box without them.
"use strict";

const ID_BASE = "https://w3id.org/alliance-graph/";
const KIND_PREFIX = { institution: "inst", technology: "tech", source: "src" };
let editor = null;
let lastTable = { columns: [], rows: [] };

function shortIri(value) {
  if (typeof value !== "string" || !value.startsWith(ID_BASE + "id/")) return value;
  const [kind, key] = value.slice((ID_BASE + "id/").length).split("/");
  return `${KIND_PREFIX[kind] || kind}:${key}`;
}

function entityPath(iri) {
  return iri.slice(ID_BASE.length - 1);
}

function cell(value) {
  const td = document.createElement("td");
  if (Array.isArray(value)) {
    value.forEach((e, i) => {
      const a = document.createElement("a");
      a.href = e.url; a.textContent = e.title || e.url; a.className = "source"; a.target = "_blank";
      a.title = [e.publisher, e.tier, e.published, e.quote && `“${e.quote}”`].filter(Boolean).join(" · ");
      td.appendChild(a);
      if (i < value.length - 1) td.appendChild(document.createTextNode("; "));
    });
  } else if (value && typeof value === "object" && Array.isArray(value.steps)) {
    td.appendChild(explanationCell(value));
  } else if (value === "certain" || value === "possible") {
    const mark = document.createElement("span");
    mark.className = `certainty ${value}`; mark.textContent = value;
    mark.title = value === "certain" ? "Holds on the date whatever the precise days"
                                     : "May hold: a date is unknown or only given as a year or month";
    td.appendChild(mark);
  } else if (typeof value === "string" && value.startsWith(ID_BASE + "id/")) {
    const a = document.createElement("a");
    a.href = entityPath(value); a.textContent = shortIri(value);
    td.appendChild(a);
  } else {
    td.textContent = value === null || value === undefined ? "" : String(value);
  }
  return td;
}

// The chain of facts behind a row: one sentence, and each step with its dates and quoted citations.
function explanationCell(explanation) {
  const details = document.createElement("details");
  details.className = "explanation";
  const summary = document.createElement("summary");
  summary.textContent = explanation.sentence;
  details.appendChild(summary);
  const list = document.createElement("ol");
  for (const step of explanation.steps) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = entityPath(step.fact); link.textContent = shortIri(step.fact);
    item.append(`${step.kind || "fact"}: ${step.label || ""} (${step.dates}) `, link);
    const quotes = document.createElement("ul");
    for (const c of step.citations || []) {
      const q = document.createElement("li");
      const a = document.createElement("a");
      a.href = c.url; a.target = "_blank"; a.textContent = c.tier || "source";
      q.append(a, ` “${c.quote}”`);
      quotes.appendChild(q);
    }
    item.appendChild(quotes);
    list.appendChild(item);
  }
  details.appendChild(list);
  return details;
}

function showTable(columns, rows) {
  lastTable = { columns, rows };
  const table = document.getElementById("answer");
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  columns.forEach((c, i) => {
    const th = document.createElement("th");
    th.textContent = c; th.title = "sort";
    th.addEventListener("click", () => sortBy(i));
    head.appendChild(th);
  });
  const body = table.createTBody();
  rows.forEach((row) => {
    const tr = body.insertRow();
    columns.forEach((c) => tr.appendChild(cell(row[c])));
  });
}

function sortBy(index) {
  const body = document.querySelector("#answer tbody");
  const rows = Array.from(body.rows);
  const dir = body.dataset.sorted === String(index) ? -1 : 1;
  rows.sort((a, b) => dir * a.cells[index].textContent.localeCompare(b.cells[index].textContent, undefined, { numeric: true }));
  body.dataset.sorted = dir === 1 ? String(index) : "";
  rows.forEach((r) => body.appendChild(r));
}

function status(text, isError) {
  const el = document.getElementById("status");
  el.textContent = text; el.className = isError ? "error" : "";
}

function sparqlText() { return editor ? editor.getValue() : document.getElementById("sparql").value; }
function setSparql(text) { if (editor) editor.setValue(text); else document.getElementById("sparql").value = text; }

// --- named questions --------------------------------------------------------------------------

async function ask(form) {
  const params = new URLSearchParams();
  for (const input of form.querySelectorAll("input")) if (input.value) params.append(input.name, input.value);
  status("Asking…");
  const response = await fetch(`/queries/${form.dataset.name}?${params}`);
  const data = await response.json();
  if (!response.ok) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
    status(detail, true);
    return null;
  }
  showTable(data.columns, data.rows);
  const certainty = data.parameters && data.parameters.certainty;
  status(data.rows.length ? `${data.rows.length} row(s), each with its evidence and explanation.${data.next ? " More rows follow: raise the limit." : ""}`
                          : (columns_have(data.columns, "certainty") && certainty !== "possible"
                             ? "No row is certain on this date. Ask again with certainty = possible to see rows whose dates are unknown or imprecise."
                             : "No rows: nothing in the graph answers this question for these values."));
  history.replaceState(null, "", `?q=${form.dataset.name}&${params}#results`);
  return data;
}

function columns_have(columns, name) { return Array.isArray(columns) && columns.includes(name); }

// --- entity pickers: labels searched as you type ----------------------------------------------

const PICKER_KINDS = { "ag:State": "State", "ag:Institution": "Institution", "ag:Grouping": "Grouping",
                       "ag:Person": "Person", "ag:Technology": "Technology" };

function wirePicker(input) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || /^[a-z]+:[\w-]+$/.test(text) && !text.includes(" ")) return;
    timer = setTimeout(async () => {
      // The name index: any name, in any script ("Россия", "PRC", "Сбер"), with why it matched.
      const kind = PICKER_KINDS[input.dataset.class || ""] || "";
      const query = `q=${encodeURIComponent(text)}&limit=10${kind ? `&kind=${kind}` : ""}`;
      const response = await fetch(`/search?${query}`);
      if (!response.ok) return;
      const list = document.getElementById(input.getAttribute("list"));
      list.replaceChildren(...(await response.json()).results.map((e) => {
        const option = document.createElement("option");
        option.value = e.id;
        option.label = e.how === "exact" ? e.label : `${e.label} (${e.how}: ${e.matched})`;
        return option;
      }));
    }, 200);
  });
}

// --- the SPARQL editor ------------------------------------------------------------------------

async function setUpEditor() {
  const textarea = document.getElementById("sparql");
  if (!window.CodeMirror) return;
  editor = window.CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query", lineNumbers: true, matchBrackets: true, viewportMargin: Infinity,
    extraKeys: { "Ctrl-Space": "autocomplete", "Ctrl-Enter": () => runSparql() },
  });
  const response = await fetch("/api/terms");
  const { prefixes, terms } = await response.json();
  const words = [...Object.keys(prefixes).map((p) => `${p}:`), ...terms].sort();
  window.CodeMirror.registerHelper("hint", "sparql", (cm) => {
    const cursor = cm.getCursor();
    const line = cm.getLine(cursor.line);
    let start = cursor.ch;
    while (start > 0 && /[\w:-]/.test(line[start - 1])) start -= 1;
    const word = line.slice(start, cursor.ch);
    return { list: words.filter((w) => w.startsWith(word)), from: window.CodeMirror.Pos(cursor.line, start), to: cursor };
  });
}

function sparqlUrl(format) {
  return `/sparql?query=${encodeURIComponent(sparqlText())}&format=${format}`;
}

function markError(message) {
  const match = /(\d+):(\d+)/.exec(message);
  if (editor && match) {
    const line = Number(match[1]) - 1;
    editor.addLineClass(line, "background", "error-line");
    editor.setCursor({ line, ch: Number(match[2]) - 1 });
    editor.on("change", () => editor.removeLineClass(line, "background", "error-line"));
  }
}

async function runSparql() {
  status("Running…");
  const response = await fetch(sparqlUrl("json"));
  const text = await response.text();
  if (!response.ok) {
    status(response.status === 503 ? `Timed out: ${text}` : text, true);
    markError(text);
    return;
  }
  const data = JSON.parse(text);
  if ("boolean" in data) { showTable(["answer"], [{ answer: String(data.boolean) }]); status("ASK answered."); return; }
  const rows = data.results.bindings.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.value])));
  showTable(data.head.vars, rows);
  status(rows.length ? `${rows.length} row(s).` : "No rows.");
  history.replaceState(null, "", `?sparql=${encodeURIComponent(sparqlText())}#results`);
  document.getElementById("results").scrollIntoView();
}

// --- network ----------------------------------------------------------------------------------

// The slider counts months since January 2006 (the first BRIC meeting); a month means its last day.
function sliderDate(value) {
  const year = 2006 + Math.floor(value / 12);
  const month = (value % 12) + 1;
  const last = new Date(year, month, 0).getDate();
  const date = `${year}-${String(month).padStart(2, "0")}-${String(last).padStart(2, "0")}`;
  const today = new Date().toISOString().slice(0, 10);
  return date > today ? today : date;
}

async function drawNetwork() {
  const form = document.getElementById("network-form");
  const asOf = sliderDate(Number(document.getElementById("as-of-slider").value));
  document.getElementById("as-of-label").textContent = asOf;
  const params = new URLSearchParams({ as_of: asOf });
  for (const name of ["topic", "alliance"]) if (form.elements[name].value) params.set(name, form.elements[name].value);
  const response = await fetch(`/api/network?${params}`);
  const statusEl = document.getElementById("network-status");
  if (!response.ok) { statusEl.textContent = (await response.json()).detail; statusEl.className = "error"; return; }
  const data = await response.json();
  statusEl.className = "";
  statusEl.textContent = `${data.nodes.length} nodes and ${data.edges.length} links as of ${data.as_of}.`;
  if (!window.cytoscape) { statusEl.textContent += " (Cytoscape is not installed: run make.)"; return; }
  const elements = [
    ...data.nodes.map((n) => ({ data: { id: n.id, label: n.label, kind: n.kind, href: n.href } })),
    ...data.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, kind: e.kind, label: e.label } })),
  ];
  const cy = window.cytoscape({
    container: document.getElementById("cy"), elements,
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, "background-color": "#2357c6", width: 14, height: 14 } },
      { selector: "node[kind = 'grouping']", style: { "background-color": "#d97706", shape: "round-rectangle", width: 22, height: 22 } },
      { selector: "node[kind = 'institution']", style: { "background-color": "#16a34a", shape: "diamond" } },
      { selector: "edge", style: { width: 1, "line-color": "#c5cbd6", "curve-style": "haystack" } },
      { selector: "edge[kind = 'cooperation']", style: { "line-style": "dashed", "line-color": "#b91c1c", width: 1.5, "curve-style": "bezier" } },
    ],
    layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 60 },
  });
  cy.on("tap", "node", (event) => { window.location.href = event.target.data("href"); });
  window.allianceNetwork = cy;
}

// --- timeline ---------------------------------------------------------------------------------

async function drawTimeline() {
  const subject = document.getElementById("timeline-form").elements.subject.value;
  const today = new Date().toISOString().slice(0, 10);
  const params = new URLSearchParams({ from: "1990-01-01", to: today, subject, limit: "1000" });
  const response = await fetch(`/queries/changes-between?${params}`);
  const list = document.getElementById("timeline-list");
  const data = await response.json();
  if (!response.ok) {
    list.replaceChildren(Object.assign(document.createElement("li"), { textContent: data.detail.map ? data.detail.map((d) => d.msg).join("; ") : data.detail, className: "error" }));
    return;
  }
  if (!data.rows.length) { list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "Nothing recorded for this subject." })); return; }
  list.replaceChildren(...data.rows.map((row) => {
    const li = document.createElement("li");
    li.className = row.kind.replace(/\s+/g, "-");
    const when = Object.assign(document.createElement("time"), { textContent: row.date });
    const what = Object.assign(document.createElement("a"), { href: entityPath(row.fact), textContent: row.factLabel || shortIri(row.fact) });
    li.append(when, ` ${row.change}: `, what, ` (${row.kind}) `, cell(row.evidence));
    return li;
  }));
}

// --- wiring -----------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", async () => {
  document.querySelectorAll("input.picker").forEach(wirePicker);
  document.querySelectorAll("form.question").forEach((form) => {
    form.addEventListener("submit", (e) => { e.preventDefault(); ask(form); });
    form.querySelector(".to-editor").addEventListener("click", async () => {
      const data = await ask(form);
      if (data) { setSparql(data.sparql); document.getElementById("editor").scrollIntoView(); }
    });
  });
  document.getElementById("run").addEventListener("click", runSparql);
  document.getElementById("csv").addEventListener("click", (e) => { e.currentTarget.href = sparqlUrl("csv"); });
  document.getElementById("json").addEventListener("click", (e) => { e.currentTarget.href = sparqlUrl("json"); });
  document.getElementById("share").addEventListener("click", (e) => {
    e.currentTarget.href = `/?sparql=${encodeURIComponent(sparqlText())}#editor`;
  });
  document.getElementById("network-form").addEventListener("submit", (e) => { e.preventDefault(); drawNetwork(); });
  document.getElementById("as-of-slider").addEventListener("change", drawNetwork);
  document.getElementById("as-of-slider").addEventListener("input", (e) => {
    document.getElementById("as-of-label").textContent = sliderDate(Number(e.target.value));
  });
  document.getElementById("timeline-form").addEventListener("submit", (e) => { e.preventDefault(); drawTimeline(); });
  await setUpEditor();

  const url = new URLSearchParams(location.search);
  if (url.get("sparql")) { setSparql(url.get("sparql")); runSparql(); }
  if (url.get("q")) {
    const form = document.querySelector(`form.question[data-name="${url.get("q")}"]`);
    if (form) {
      for (const input of form.querySelectorAll("input")) if (url.has(input.name)) input.value = url.get(input.name);
      ask(form);
    }
  }
  await Promise.all([drawNetwork(), drawTimeline()]);
  document.body.dataset.ready = "true";
});
