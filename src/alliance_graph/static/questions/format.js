// How the answer's values read: short names for the graph's IRIs, entity-page paths, column
// headings in words, and one line of text per value (for sorting and for spreadsheet cells).

export const ID_BASE = "https://w3id.org/alliance-graph/";
const KIND_PREFIX = { institution: "inst", technology: "tech", source: "src" };

export function isEntity(value) {
  return typeof value === "string" && value.startsWith(ID_BASE + "id/");
}

export function shortIri(value) {
  if (!isEntity(value)) return value;
  const [kind, ...rest] = value.slice((ID_BASE + "id/").length).split("/");
  return `${KIND_PREFIX[kind] || kind}:${rest.join("/")}`;
}

export function entityPath(iri) {
  return iri.slice(ID_BASE.length - 1);
}

// "stateLabel" → "state label", "as_of" → "as of", "inForce" → "in force".
export function heading(column) {
  return column.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

// The same flattening the API's CSV uses: IRIs short, evidence as "title <url>", the
// explanation as its sentence.
export function plainText(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) {
    return value.map((e) => (e && typeof e === "object" ? `${e.title || ""} <${e.url}>`.trim() : String(e))).join("; ");
  }
  if (typeof value === "object") return value.sentence !== undefined ? String(value.sentence) : JSON.stringify(value);
  if (isEntity(value)) return shortIri(value);
  return String(value);
}
