// The answer as a table: one row group (tbody) per answer row, holding the row and its why
// panel, so sorting moves a row and its panel together. Headers are buttons; on a narrow
// screen the stylesheet turns each row group into a card whose cells carry their headings.

import { el } from "./dom.js";
import { evidenceNode, valueNode, whyPanel } from "./cells.js";
import { heading } from "./format.js";
import { displayColumns, sortKey } from "./model.js";

let panelCount = 0;

function rowGroup(row, index, columns, hasWhy) {
  const group = el("tbody", { className: "row-group" });
  group.answerRow = row;
  group.dataset.index = String(index);
  const tr = el("tr", { className: "answer-row" });
  for (const column of columns) {
    const content = column.name === "evidence" ? evidenceNode(row) : valueNode(row, column);
    tr.append(el("td", { className: `col-${column.name}${content ? "" : " empty"}`, "data-label": heading(column.name) }, content));
  }
  if (hasWhy) {
    panelCount += 1;
    const id = `why-${panelCount}`;
    const button = el("button", { type: "button", className: "why-toggle", "aria-expanded": "false", "aria-controls": id }, "Why?");
    tr.append(el("td", { className: "col-why", "data-label": "why" }, button));
    const panelRow = el("tr", { className: "why-row", id, hidden: true },
      el("td", { colSpan: columns.length + 1 }, whyPanel(row.explanation)));
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide why" : "Why?";
      panelRow.hidden = !open;
    });
    group.append(tr, panelRow);
  } else {
    group.append(tr);
  }
  return group;
}

function sortBy(table, columns, index, button) {
  const groups = Array.from(table.querySelectorAll("tbody.row-group"));
  const th = button.closest("th");
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("thead th").forEach((h) => h.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const column = columns[index];
  groups.sort((a, b) => (ascending ? 1 : -1)
    * sortKey(a.answerRow, column).localeCompare(sortKey(b.answerRow, column), undefined, { numeric: true }));
  groups.forEach((g) => table.append(g));
}

export function answerTable(data, caption) {
  const { shown: columns, empty } = displayColumns(data.columns, data.rows);
  const hasWhy = data.columns.includes("explanation");
  const table = el("table", { className: "answer", id: "answer" }, el("caption", { className: "visually-hidden" }, caption));
  const headRow = el("tr");
  columns.forEach((column, index) => {
    const button = el("button", { type: "button", className: "sort" }, heading(column.name));
    button.addEventListener("click", () => sortBy(table, columns, index, button));
    headRow.append(el("th", { scope: "col", className: `col-${column.name}` }, button));
  });
  if (hasWhy) headRow.append(el("th", { scope: "col", className: "col-why" }, "why"));
  table.append(el("thead", {}, headRow));
  data.rows.forEach((row, i) => table.append(rowGroup(row, i, columns, hasWhy)));
  table.dataset.empty = empty.join(" ");
  return table;
}

// The rows in the order the table shows them now (after any sorting).
export function shownRows(table) {
  return Array.from(table.querySelectorAll("tbody.row-group")).map((g) => g.answerRow);
}
