// The analysts' page: question forms, the SPARQL editor and the answer table, all over the API.
"use strict";

const ID_BASE = "https://w3id.org/alliance-graph/";
const PREFIXES = { "https://w3id.org/alliance-graph/id/": "" };

function shortIri(value) {
  if (typeof value !== "string" || !value.startsWith(ID_BASE + "id/")) return value;
  const rest = value.slice((ID_BASE + "id/").length);
  const [kind, key] = rest.split("/");
  const prefix = { institution: "inst", technology: "tech", source: "src" }[kind] || kind;
  return `${prefix}:${key}`;
}

function cell(value) {
  const td = document.createElement("td");
  if (Array.isArray(value)) {
    value.forEach((e, i) => {
      const a = document.createElement("a");
      a.href = e.url; a.textContent = e.title || e.url; a.className = "source"; a.title = e.quote || "";
      td.appendChild(a);
      if (i < value.length - 1) td.appendChild(document.createTextNode("; "));
    });
  } else if (typeof value === "string" && value.startsWith(ID_BASE + "id/")) {
    const a = document.createElement("a");
    a.href = value.slice(ID_BASE.length - 1); a.textContent = shortIri(value);
    td.appendChild(a);
  } else {
    td.textContent = value === null || value === undefined ? "" : String(value);
  }
  return td;
}

function showTable(columns, rows) {
  const table = document.getElementById("answer");
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  columns.forEach((c, i) => {
    const th = document.createElement("th"); th.textContent = c;
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

async function ask(form) {
  const params = new URLSearchParams();
  for (const input of form.querySelectorAll("input")) if (input.value) params.append(input.name, input.value);
  status("Asking…");
  const response = await fetch(`/queries/${form.dataset.name}?${params}`);
  const data = await response.json();
  if (!response.ok) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
    status(detail, true); return;
  }
  showTable(data.columns, data.rows);
  status(`${data.rows.length} row(s)${data.next ? " (more: raise the limit)" : ""}.`);
  document.getElementById("sparql").value = data.sparql;
  history.replaceState(null, "", `?q=${form.dataset.name}&${params}#results`);
}

function sparqlUrl(format) {
  const query = document.getElementById("sparql").value;
  return `/sparql?query=${encodeURIComponent(query)}&format=${format}`;
}

async function runSparql() {
  const query = document.getElementById("sparql").value;
  status("Running…");
  const response = await fetch(sparqlUrl("json"));
  const text = await response.text();
  if (!response.ok) { status(text, true); return; }
  const data = JSON.parse(text);
  if ("boolean" in data) { showTable(["answer"], [{ answer: String(data.boolean) }]); status("ASK answered."); return; }
  const rows = data.results.bindings.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.value])));
  showTable(data.head.vars, rows);
  status(`${rows.length} row(s).`);
  history.replaceState(null, "", `?sparql=${encodeURIComponent(query)}#results`);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.question").forEach((form) => {
    form.addEventListener("submit", (e) => { e.preventDefault(); ask(form); });
    form.querySelector(".to-editor").addEventListener("click", async () => {
      await ask(form); document.getElementById("editor").scrollIntoView();
    });
  });
  document.getElementById("run").addEventListener("click", runSparql);
  document.getElementById("csv").addEventListener("click", (e) => { e.currentTarget.href = sparqlUrl("csv"); });
  document.getElementById("json").addEventListener("click", (e) => { e.currentTarget.href = sparqlUrl("json"); });
  const url = new URLSearchParams(location.search);
  if (url.get("sparql")) { document.getElementById("sparql").value = url.get("sparql"); runSparql(); }
  if (url.get("q")) {
    const form = document.querySelector(`form.question[data-name="${url.get("q")}"]`);
    if (form) {
      for (const input of form.querySelectorAll("input")) if (url.has(input.name)) input.value = url.get(input.name);
      ask(form);
    }
  }
});
