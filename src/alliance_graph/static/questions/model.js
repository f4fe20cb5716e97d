// Which columns an answer shows, and in what shape: an IRI column with a "…Label" companion
// becomes one linked column; a column empty on the whole page is left out; "explanation" becomes the row's why panel; "evidence" its sources.

export const SPECIAL = new Set(["explanation", "evidence"]);

function blank(value) {
  return value === null || value === undefined || value === "";
}

// The columns to draw, and those left out because no row of this page has a value in them
// (they stay in every download).
export function displayColumns(columns, rows = []) {
  const present = new Set(columns);
  const shown = [];
  const empty = [];
  for (const name of columns) {
    if (SPECIAL.has(name)) continue;
    if (name.endsWith("Label") && present.has(name.slice(0, -5))) continue;
    const label = present.has(`${name}Label`) ? `${name}Label` : null;
    if (rows.length && rows.every((row) => blank(row[name]) && (!label || blank(row[label])))) {
      empty.push(name);
      continue;
    }
    shown.push({ name, label });
  }
  if (present.has("evidence")) shown.push({ name: "evidence", label: null });
  return { shown, empty };
}

// The text a column sorts by in a row (the label where there is one).
export function sortKey(row, column) {
  const value = column.label ? row[column.label] ?? row[column.name] : row[column.name];
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((e) => (e && e.title) || "").join(" ");
  return String(value);
}

// The steps of an explanation once each: a chain may pass the same fact twice (one row per
// disagreeing membership record), and a reader needs each fact once, in its first place.
export function distinctSteps(explanation) {
  const seen = new Set();
  const steps = [];
  for (const step of (explanation && explanation.steps) || []) {
    const key = `${step.fact}|${step.dates}`;
    if (seen.has(key)) continue;
    seen.add(key);
    steps.push(step);
  }
  return steps;
}

// Every quote the row's explanation cites from the document at ``url``.
export function quotesFor(explanation, url) {
  const quotes = [];
  for (const step of (explanation && explanation.steps) || []) {
    for (const c of step.citations || []) {
      if (c.url === url && c.quote && !quotes.includes(c.quote)) quotes.push(c.quote);
    }
  }
  return quotes;
}
