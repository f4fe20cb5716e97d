// The cells of an answer row: linked entities, certainty and tie marks, the evidence as
// expandable sources (publisher, tier, date, quotes), and the why panel's chain of facts.

import { el } from "./dom.js";
import { entityPath, isEntity, shortIri } from "./format.js";
import { distinctSteps, quotesFor } from "./model.js";

const CERTAINTY_TEXT = {
  certain: "holds on the date whatever the precise days",
  possible: "may hold: a date is unknown or only given as a year or month",
};

function entityLink(iri, label) {
  return el("a", { href: entityPath(iri) }, label || shortIri(iri));
}

export function valueNode(row, column) {
  const value = row[column.name];
  if (value === null || value === undefined || value === "") return null;
  if (column.name === "certainty" && CERTAINTY_TEXT[value]) {
    return el("span", { className: `certainty ${value}` }, value,
      el("span", { className: "visually-hidden" }, `: ${CERTAINTY_TEXT[value]}`));
  }
  if (column.name === "tie") return el("span", { className: `tie tie-${String(value).replace(/\W+/g, "-")}` }, value);
  if (isEntity(value)) return entityLink(value, column.label ? row[column.label] : null);
  if (column.label && row[column.label]) return document.createTextNode(String(row[column.label]));
  return document.createTextNode(String(value));
}

function host(url) {
  try { return new URL(url).hostname.replace(/^www\./, ""); } catch { return url; }
}

// One document of the row's evidence, closed to its title; open, everything the graph records.
function sourceDetails(source, explanation) {
  const quotes = quotesFor(explanation, source.url);
  return el("details", { className: "source" },
    el("summary", {}, source.title || host(source.url)),
    el("dl", { className: "source-facts" },
      source.publisher && [el("dt", {}, "publisher"), el("dd", {}, source.publisher)],
      source.tier && [el("dt", {}, "tier"), el("dd", {}, source.tier)],
      [el("dt", {}, "published"), el("dd", {}, source.published || "date unknown")]),
    quotes.map((q) => el("blockquote", { className: "quote" }, `“${q}”`)),
    el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer", className: "source-link" },
      `Open the document (${host(source.url)})`));
}

export function evidenceNode(row) {
  const sources = Array.isArray(row.evidence) ? row.evidence : [];
  if (!sources.length) return el("span", { className: "muted" }, "no document cited");
  return el("div", { className: "sources" }, sources.map((s) => sourceDetails(s, row.explanation)));
}

// The chain of facts behind a row: each step with its kind, label, dates and quoted citations.
export function whyPanel(explanation) {
  const steps = distinctSteps(explanation);
  return el("div", { className: "why-panel" },
    el("p", { className: "why-lead" }, `Why this row: ${steps.length} fact${steps.length === 1 ? "" : "s"}, in order.`),
    el("ol", { className: "chain" }, steps.map((step) => el("li", { className: "step" },
      el("p", { className: "step-head" },
        el("span", { className: "kind" }, step.kind || "fact"), " ",
        isEntity(step.fact) ? entityLink(step.fact, step.label) : (step.label || step.fact)),
      el("p", { className: "step-dates" }, step.dates || "date unknown",
        step.knownBy ? ` · reported by ${step.knownBy}` : ""),
      (step.citations || []).length
        ? el("ul", { className: "citations" }, step.citations.map((c) => el("li", {},
            el("a", { href: c.url, target: "_blank", rel: "noopener noreferrer" }, host(c.url)),
            c.tier ? el("span", { className: "tier" }, ` (${c.tier})`) : "",
            c.quote ? el("q", {}, c.quote) : "")))
        : el("p", { className: "muted" }, "no citation recorded")))));
}
