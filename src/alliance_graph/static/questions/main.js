// The questions page: a gallery of named questions, and one answer at a time, drawn where the
// reader will see it. Asking marks the button and the answer busy, then scrolls to the answer
// and announces it; a problem replaces the previous answer in the same place; pages follow the
// API's limit/offset; downloads are of exactly the page shown.

import { fetchPage, questionUrl } from "./api.js";
import { el } from "./dom.js";
import { saveXlsx, setLinks } from "./downloads.js";
import { wirePicker } from "./picker.js";
import { answerTable, shownRows } from "./table.js";

const $ = (id) => document.getElementById(id);
const EDITOR = "/editor";

// What is on screen: the question, its values and page, and the page the service answered.
const current = { form: null, name: "", values: [], limit: 100, offset: 0, data: null, url: "" };
let inFlight = null;

function formValues(form) {
  const values = [];
  for (const field of form.elements) {
    if (!field.name || field.disabled) continue;
    if (field.type === "checkbox") { if (field.checked) values.push([field.name, field.value]); continue; }
    if (field.value.trim() !== "") values.push([field.name, field.value.trim()]);
  }
  return values;
}

function sameValues(a, b) {
  return new URLSearchParams(a).toString() === new URLSearchParams(b).toString();
}

function setBusy(form, busy) {
  const button = form && form.querySelector("button.ask");
  if (button) {
    button.setAttribute("aria-busy", String(busy));
    button.textContent = busy ? "Asking…" : "Ask";
  }
  $("results").setAttribute("aria-busy", String(busy));
}

// Focus first, then scroll: leaving the form can fold its hints and move the answer up.
function showAnswerPlace() {
  const heading = $("answer-title");
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "start" });
}

// Counts the answers and problems drawn, so a reader (or a test) can tell a new one from the last.
function markDrawn() {
  const results = $("results");
  results.dataset.drawn = String(Number(results.dataset.drawn || 0) + 1);
}

function clearAnswer() {
  $("answer-box").replaceChildren();
  $("answer-tools").hidden = true;
  $("problem").hidden = true;
  $("problem").replaceChildren();
}

function askedLine(form, values) {
  const title = form.querySelector("h3").textContent;
  const text = values.length ? values.map(([k, v]) => `${k.replace(/_/g, " ")} = ${v}`).join(", ") : "default values";
  return [el("strong", {}, title), ` — ${text}. `, el("a", { href: `#${form.id}` }, "Change the values")];
}

function statusText(data) {
  const n = data.rows.length;
  const first = data.offset + 1;
  const last = data.offset + n;
  if (!n && data.offset > 0) return `No rows on this page: the answer has ${data.offset} rows.`;
  if (!n) {
    const certain = data.columns.includes("certainty") && (data.parameters || {}).certainty !== "possible";
    return certain
      ? "No row is certain on this date. Ask again with certainty = possible to see rows whose dates are unknown or imprecise."
      : "No rows: nothing in the graph answers this question for these values.";
  }
  const range = n === 1 ? `Row ${first}` : `Rows ${first}–${last}`;
  if (data.next) return `${range} shown; the answer has more rows: the next page shows them.`;
  if (data.offset > 0) return `${range} of ${last}: the last page of the answer.`;
  return `${n} row${n === 1 ? "" : "s"}: the whole answer. Each row says its certainty, its evidence and why.`;
}

function drawProblem(problem) {
  clearAnswer();
  const box = $("problem");
  box.append(el("h3", {}, problem.title),
    problem.detail ? el("p", {}, problem.detail) : "",
    problem.messages.length ? el("ul", {}, problem.messages.map((m) => el("li", {}, m))) : "",
    problem.hint ? el("p", { className: "hint" }, problem.hint) : "");
  box.hidden = false;
  $("status").textContent = `The question could not be answered: ${problem.title}.`;
  $("status").className = "error";
}

function drawAnswer(data, url) {
  clearAnswer();
  current.data = data;
  current.url = url;
  const stem = `${data.query}-rows-${data.offset + 1}-${data.offset + data.rows.length}`;
  if (data.rows.length) {
    const box = el("div", { className: "table-box", tabindex: "0", role: "region", "aria-label": "Answer rows" },
      answerTable(data, `${data.title}: ${statusText(data)}`));
    $("answer-box").append(box);
    const empty = box.querySelector("table").dataset.empty;
    if (empty) box.before(el("p", { className: "hint" }, `Not shown, empty on every row of this page: ${empty.split(" ").join(", ")} (the downloads keep them).`));
  }
  if (data.resolved && data.resolved.length) {
    $("answer-box").prepend(el("ul", { className: "resolved" },
      data.resolved.map((r) => el("li", {}, typeof r === "string" ? r : JSON.stringify(r)))));
  }
  setLinks(url, data, stem);
  $("download-xlsx").dataset.stem = stem;
  $("page-prev").disabled = data.offset === 0;
  $("page-next").disabled = !data.next;
  const size = $("page-size");
  if (![...size.options].some((o) => o.value === String(data.limit))) size.append(el("option", {}, String(data.limit)));
  size.value = String(data.limit);
  $("answer-tools").hidden = false;
  $("status").className = "";
  $("status").textContent = statusText(data);
  const editorLink = current.form.querySelector("a.to-editor");
  if (data.sparql) editorLink.href = `${EDITOR}?query=${encodeURIComponent(data.sparql)}`;
}

async function ask(form, { limit = current.limit, offset = 0, scroll = true } = {}) {
  const values = formValues(form);
  const url = questionUrl(form.dataset.name, values, limit, offset);
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  if (current.form && current.form !== form) setBusy(current.form, false);
  Object.assign(current, { form, name: form.dataset.name, values, limit, offset });
  setBusy(form, true);
  $("asked").replaceChildren(...askedLine(form, values));
  $("asked").hidden = false;
  $("status").className = "";
  $("status").textContent = "Asking the graph…";
  let result;
  try {
    result = await fetchPage(url, controller.signal);
  } catch (error) {
    if (error.name === "AbortError") return;
    result = { ok: false, problem: { title: "The page could not ask", detail: String(error), messages: [] } };
  }
  if (inFlight !== controller) return;  // a newer question replaced this one
  inFlight = null;
  setBusy(form, false);
  if (result.ok) {
    drawAnswer(result.data, url);
    const page = new URLSearchParams([["q", form.dataset.name], ...values]);
    if (limit !== 100) page.set("limit", String(limit));
    if (offset) page.set("offset", String(offset));
    history.replaceState(null, "", `?${page}`);
  } else {
    current.data = null;
    drawProblem(result.problem);
  }
  if (scroll) showAnswerPlace();
  markDrawn();
}

// "SPARQL in the editor": the question's text with its values bound, as the service binds it.
async function openInEditor(form, link, event) {
  if (link.getAttribute("href") !== EDITOR) return;  // already the bound text: follow the link
  event.preventDefault();
  const values = formValues(form);
  if (current.data && current.form === form && sameValues(current.values, values) && current.data.sparql) {
    window.location.assign(`${EDITOR}?query=${encodeURIComponent(current.data.sparql)}`);
    return;
  }
  link.setAttribute("aria-busy", "true");
  const result = await fetchPage(questionUrl(form.dataset.name, values, 1, 0));
  link.removeAttribute("aria-busy");
  if (result.ok && result.data.sparql) {
    window.location.assign(`${EDITOR}?query=${encodeURIComponent(result.data.sparql)}`);
  } else if (!result.ok) {
    current.form = form;
    $("asked").replaceChildren(...askedLine(form, values));
    $("asked").hidden = false;
    drawProblem(result.problem);
    showAnswerPlace();
    markDrawn();
  }
}

function wireForm(form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(form, { limit: Number($("page-size").value) || 100, offset: 0 });
  });
  const link = form.querySelector("a.to-editor");
  form.addEventListener("input", () => link.setAttribute("href", EDITOR));
  form.addEventListener("change", () => link.setAttribute("href", EDITOR));
  link.addEventListener("click", (event) => openInEditor(form, link, event));
}

function wireTools() {
  $("page-prev").addEventListener("click", () => {
    if (current.form) ask(current.form, { limit: current.limit, offset: Math.max(0, current.offset - current.limit) });
  });
  $("page-next").addEventListener("click", () => {
    if (current.form && current.data && current.data.next) {
      ask(current.form, { limit: current.limit, offset: current.offset + current.limit });
    }
  });
  $("page-size").addEventListener("change", () => {
    if (current.form) ask(current.form, { limit: Number($("page-size").value), offset: 0 });
  });
  $("download-xlsx").addEventListener("click", async () => {
    const table = $("answer");
    if (!current.data) return;
    const button = $("download-xlsx");
    button.setAttribute("aria-busy", "true");
    try {
      await saveXlsx(current.data.columns, table ? shownRows(table) : [], button.dataset.stem || current.name);
    } catch (error) {
      $("status").textContent = `The spreadsheet could not be written: ${error.message}`;
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
}

// A link to /?q=<name>&<values> (what the page itself writes after an answer) asks it again.
async function askFromAddress() {
  const url = new URLSearchParams(location.search);
  const form = url.get("q") && document.querySelector(`form.question[data-name="${CSS.escape(url.get("q"))}"]`);
  if (!form) return;
  for (const field of form.elements) {
    if (!field.name || !url.has(field.name)) continue;
    if (field.type === "checkbox") field.checked = url.getAll(field.name).includes(field.value);
    else field.value = url.get(field.name);
  }
  const limit = Number(url.get("limit")) || 100;
  const offset = Number(url.get("offset")) || 0;
  await ask(form, { limit, offset });
}

async function start() {
  document.querySelectorAll("input.picker").forEach(wirePicker);
  document.querySelectorAll("form.question").forEach(wireForm);
  wireTools();
  await askFromAddress();
  document.body.dataset.ready = "true";
}

start();
