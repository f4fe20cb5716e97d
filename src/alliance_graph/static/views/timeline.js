// The timeline view: one subject's facts as vis-timeline ranges, the same facts as a table, and a
// panel with the evidence of the chosen fact (from /queries/facts-about). Dates print as the
// sources give them; a year or month start is drawn as a lighter, uncertain span.
"use strict";

const GROUP_COLOURS = {
  membership: ["#8fb0ea", "#e4ecfb"],
  cooperation: ["#86cfa0", "#e1f4e7"],
  sanction: ["#f0a0a0", "#fbe4e4"],
  "export-control": ["#f2b48a", "#fcebdf"],
  measure: ["#c7a4ec", "#f1e7fb"],
};
const QUIET_STATUSES = new Set(["in-force", "signed"]);
const DAY = 86400000;


// A date as the source gives it: 2011, 2006-09 or 2024-12-11 (never the day derived from it).
const dateText = (d) => (d ? d.text : "");
const timeOf = (d) => el("time", { datetime: d.text, text: d.text });

function fromCell(item) {
  if (item.start) {
    const cell = el("span", {}, timeOf(item.start));
    if (item.startIs === "announced") cell.append(" (announced)");
    return cell;
  }
  if (item.range) return el("span", { text: `date unknown (reported by ${item.range.certainFrom})` });
  return el("span", { text: "date unknown" });
}

function untilCell(item) {
  if (item.end) return el("span", {}, timeOf(item.end));
  return el("span", { text: item.range ? "open (no end recorded)" : "" });
}

const statusText = (item) => item.status || "";

function barLabel(item) {
  const status = item.status && !QUIET_STATUSES.has(item.status) ? ` [${item.status}]` : "";
  return `${item.text}${status}`;
}

function tooltip(item) {
  const from = item.start ? dateText(item.start) : item.range ? `unknown, reported by ${item.range.certainFrom}` : "unknown";
  const until = item.end ? dateText(item.end) : "open";
  return `${item.text} — ${item.relation}; from ${from} until ${until}${item.status ? `; ${item.status}` : ""}`;
}

// The bar's colours: light over the uncertain spans, solid where the fact certainly holds. The
// stops are fractions of the bar, so they stay right at any zoom (limitSize is off).
function barStyle(item) {
  const [solid, light] = GROUP_COLOURS[item.group] || GROUP_COLOURS.measure;
  const r = item.range;
  const from = Date.parse(r.from);
  const to = Date.parse(r.to) + DAY;
  const span = Math.max(to - from, 1);
  const a = ((Date.parse(r.certainFrom) - from) / span) * 100;
  const b = ((Date.parse(r.certainUntil) + (item.end ? 0 : DAY) - from) / span) * 100;
  const stops = [`${light} 0%`, `${light} ${a.toFixed(3)}%`, `${solid} ${a.toFixed(3)}%`,
    `${solid} ${b.toFixed(3)}%`, `${light} ${b.toFixed(3)}%`, `${light} 100%`];
  return `background: linear-gradient(to right, ${stops.join(", ")}); border-color: #1d2433;`;
}

function barClasses(item) {
  const classes = ["tl-bar", `tl-${item.group}`];
  if (item.range.open) classes.push("tl-open");
  if (!item.range.startKnown) classes.push("tl-start-unknown");
  if (item.range.from !== item.range.certainFrom) classes.push("tl-fuzzy-start");
  if (item.end) classes.push("tl-ended");
  if (item.status) classes.push(`tl-status-${item.status.replace(/[^a-z]+/gi, "-").toLowerCase()}`);
  return classes.join(" ");
}

const state = { subject: null, items: new Map(), facts: new Map(), timeline: null };

function barButton(item) {
  const button = el("button", { type: "button", class: "tl-bar-button", "data-fact": item.fact, title: tooltip(item),
    text: barLabel(item) });
  return button;  // vis-data copies it: its clicks are caught on the chart (see start)
}

function visItems(data) {
  const out = [];
  for (const item of data.items) {
    const r = item.range;
    out.push({ id: item.fact, group: item.group, type: "range", start: r.from,
      end: new Date(Date.parse(r.to) + DAY), content: barButton(item), className: barClasses(item), style: barStyle(item) });
    if (item.suspension) {
      const until = item.suspension.until ? Date.parse(item.suspension.until.latest) + DAY : Date.parse(r.to) + DAY;
      out.push({ id: `${item.fact}#suspension`, group: item.group, type: "range",
        start: item.suspension.from.earliest, end: new Date(until), className: "tl-suspension",
        content: el("span", { text: `suspended ${dateText(item.suspension.from)}–${item.suspension.until ? dateText(item.suspension.until) : "?"}` }) });
    }
  }
  return out;
}

function drawChart(data) {
  const container = document.getElementById("tl-chart");
  if (state.timeline) { state.timeline.destroy(); state.timeline = null; }
  container.replaceChildren();
  if (!data.items.length) {
    container.append(el("p", { class: "hint", text: "No dated membership, cooperation instrument or measure is recorded." }));
    return;
  }
  const groups = new vis.DataSet(data.groups.map((g, i) => ({ id: g.id, content: g.label, order: i })));
  const items = new vis.DataSet(visItems(data));
  const first = Math.min(...data.items.map((i) => Date.parse(i.range.from)));
  const today = Date.parse(data.today);
  // vis-timeline keeps itself hidden until its first full draw: the page is ready after that.
  let drawnNow;
  const drawn = new Promise((resolve) => { drawnNow = resolve; });
  state.timeline = new vis.Timeline(container, items, groups, {
    onInitialDrawComplete: () => drawnNow(),
    stack: true, limitSize: false, orientation: "top", zoomMin: 7 * DAY, selectable: true,
    // The last years first, where most facts are (labels stay readable); zoom out for the rest.
    start: new Date(Math.max(first - 180 * DAY, today - 8 * 365 * DAY)), end: new Date(today + 180 * DAY),
    // No height limit: every bar is in the page (and in the tab order), none hidden in a scroller.
    horizontalScroll: false, zoomKey: "ctrlKey", margin: { item: { horizontal: 0, vertical: 3 }, axis: 4 }, groupOrder: "order", showCurrentTime: true,
    tooltip: { followMouse: false, overflowMethod: "cap" },
  });
  state.timeline.on("select", (props) => {
    const id = (props.items || [])[0];
    if (id) showFact(String(id).split("#")[0]);
  });
  return drawn;
}

function drawTable(data) {
  const labels = Object.fromEntries(data.groups.map((g) => [g.id, g.label]));
  const body = document.querySelector("#tl-table tbody");
  body.replaceChildren(...[...data.items, ...data.undated].map((item) => {
    const button = el("button", { type: "button", class: "tl-evidence", "data-fact": item.fact, text: "Evidence",
      "aria-label": `Evidence for ${item.text}` });
    button.addEventListener("click", () => showFact(item.fact, button));
    return el("tr", { "data-fact": item.fact },
      el("td", { "data-label": "Kind", text: labels[item.group] || item.group }),
      el("td", { "data-label": "Fact", text: item.text }),
      el("td", { "data-label": "Part", text: item.relation }),
      el("td", { "data-label": "From" }, fromCell(item)),
      el("td", { "data-label": "Until" }, untilCell(item)),
      el("td", { "data-label": "Status", text: statusText(item) }),
      el("td", { "data-label": "Evidence" }, button));
  }));
  const undated = data.undated.length ? `; ${data.undated.length} undated, listed here only` : "";
  document.getElementById("tl-caption").textContent =
    `Facts of ${data.subject.label || data.subject.id}: ${data.items.length} on the timeline${undated}`;
}

// --- the evidence panel: one call to /queries/facts-about per actor, cached ------------------

const factsAbout = new Map();

function rowsAbout(actor) {
  if (!factsAbout.has(actor)) {
    factsAbout.set(actor, fetch(`/queries/facts-about?subject=${encodeURIComponent(actor)}&limit=10000`)
      .then((r) => (r.ok ? r.json() : { rows: [] })).then((d) => d.rows || []));
  }
  return factsAbout.get(actor);
}

function citationList(row, fact) {
  const steps = ((row.explanation || {}).steps || []).filter((s) => s.fact === fact);
  const documents = new Map((row.evidence || []).map((e) => [e.url, e]));
  const list = el("ol", { class: "tl-citations" });
  const seen = new Set();
  for (const step of steps) {
    for (const c of step.citations || []) {
      const key = `${c.url} ${c.quote}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const doc = documents.get(c.url) || {};
      const link = safeHref(c.url) ? el("a", { href: c.url, rel: "noopener noreferrer", text: doc.title || c.url })
        : el("span", { text: doc.title || c.url || "" });
      const meta = [doc.publisher, c.tier || doc.tier, doc.published].filter(Boolean).join(" · ");
      list.append(el("li", {}, link, el("div", { class: "tl-meta", text: meta }),
        c.quote ? el("blockquote", { text: `“${c.quote}”` }) : null));
    }
  }
  if (!seen.size) {
    for (const doc of row.evidence || []) {
      list.append(el("li", {}, safeHref(doc.url) ? el("a", { href: doc.url, rel: "noopener noreferrer", text: doc.title || doc.url }) : el("span", { text: doc.title || "" }),
        el("div", { class: "tl-meta", text: [doc.publisher, doc.tier, doc.published].filter(Boolean).join(" · ") })));
    }
  }
  return list;
}

function datesLine(item) {
  const from = item.start ? `from ${dateText(item.start)}${item.startIs === "announced" ? " (announced)" : ""}`
    : item.range ? `start unknown, reported by ${item.range.certainFrom}` : "no date and no dated report";
  const until = item.end ? `until ${dateText(item.end)}` : item.range ? "open: no end recorded" : "";
  const suspension = item.suspension
    ? `; suspended from ${dateText(item.suspension.from)}${item.suspension.until ? ` until ${dateText(item.suspension.until)}` : ""}` : "";
  return `${from}; ${until}${suspension}`;
}

async function showFact(fact, opener) {
  const item = state.items.get(fact);
  if (!item) return;
  const panel = document.getElementById("tl-panel");
  panel.dataset.fact = fact;
  const href = fact.startsWith("https://w3id.org/alliance-graph/") ? fact.replace("https://w3id.org/alliance-graph", "") : null;
  const heading = el("h2", { id: "tl-panel-title", text: item.label || item.text });
  const facts = el("dl", { class: "tl-facts" },
    el("dt", { text: "Kind" }), el("dd", { text: item.kind }),
    el("dt", { text: "Part" }), el("dd", { text: item.relation + (item.role ? ` (${item.role})` : "") }),
    el("dt", { text: "Dates" }), el("dd", { text: datesLine(item) }),
    item.status ? el("dt", { text: "Status" }) : null, item.status ? el("dd", { text: item.status }) : null);
  const evidence = el("div", { class: "tl-evidence-list" }, el("p", { class: "hint", text: "Loading the evidence…" }));
  panel.replaceChildren(heading, facts,
    href ? el("p", {}, el("a", { href, text: `Page of ${item.id}` })) : null,
    el("h3", { text: "Evidence" }), evidence);
  if (opener) panel.focus({ preventScroll: true });
  if (window.matchMedia("(max-width: 700px)").matches) panel.scrollIntoView({ block: "nearest" });
  const actor = item.evidenceVia;
  const rows = actor ? await rowsAbout(actor) : [];
  if (panel.dataset.fact !== fact) return;
  const row = rows.find((r) => r.fact === fact);
  evidence.replaceChildren(row ? citationList(row, fact) : el("p", { text: "No source is recorded for this fact." }));
  panel.dataset.loaded = fact;
}

// --- the picker: any name, through the name index ------------------------------------------

const CURIE = /^([a-z][\w-]*:[^\s]+|https?:\/\/\S+)$/i;

function wirePicker(input) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || CURIE.test(text)) return;
    timer = setTimeout(async () => {
      const response = await fetch(`/search?q=${encodeURIComponent(text)}&limit=10`);
      if (!response.ok) return;
      const list = document.getElementById("tl-names");
      list.replaceChildren(...(await response.json()).results.map((e) =>
        el("option", { value: e.id, label: `${e.label} (${e.kind.toLowerCase()}${e.how === "exact" ? "" : `, ${e.how}: ${e.matched}`})` })));
    }, 200);
  });
}

// A prefixed name or IRI as it is; a name through the name index (null: no match). A failing
// search throws, so the page says the search failed rather than that nothing has the name.
async function resolve(text) {
  if (CURIE.test(text) && !/^[a-z]+:$/i.test(text)) return text;
  const response = await fetch(`/search?q=${encodeURIComponent(text)}&limit=1`);
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(`Name search failed (${response.status}${problem.detail ? `: ${problem.detail}` : ""}); ` +
      "try again, or give a prefixed name such as inst:sberbank.");
  }
  const found = (await response.json()).results;
  return found.length ? found[0].id : null;
}

async function load(text) {
  const status = document.getElementById("tl-status");
  status.classList.remove("error");
  let subject;
  try {
    subject = await resolve(text.trim());
  } catch (error) {
    status.textContent = error.message;
    status.classList.add("error");
    return;
  }
  if (!subject) {
    status.textContent = `No state, institution, grouping or technology is named “${text}”.`;
    status.classList.add("error");
    return;
  }
  status.textContent = `Loading ${subject}…`;
  const response = await fetch(`/api/timeline?subject=${encodeURIComponent(subject)}`);
  const data = await response.json();
  if (!response.ok) {
    status.textContent = data.detail || `The timeline could not be loaded (${response.status}).`;
    status.classList.add("error");
    return;
  }
  state.subject = data.subject;
  state.items = new Map([...data.items, ...data.undated].map((i) => [i.fact, i]));
  document.getElementById("tl-subject").value = data.subject.id;
  const url = new URL(location.href);
  url.searchParams.set("subject", data.subject.id);
  history.replaceState(null, "", url);
  drawTable(data);
  await drawChart(data);
  status.textContent = `${data.subject.label} (${data.subject.kind}): ${data.items.length} facts on the timeline` +
    (data.undated.length ? `, ${data.undated.length} without any date (in the table only)` : "") + ".";
}

async function start() {
  const input = document.getElementById("tl-subject");
  wirePicker(input);
  document.getElementById("tl-chart").addEventListener("click", (e) => {
    const button = e.target.closest(".tl-bar-button");
    if (button) showFact(button.dataset.fact, button);
  });
  document.getElementById("tl-form").addEventListener("submit", (e) => { e.preventDefault(); load(input.value); });
  const asked = new URLSearchParams(location.search).get("subject");
  try {
    await load(asked || input.value || "state:RUS");
  } finally {
    document.body.dataset.ready = "true";
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
