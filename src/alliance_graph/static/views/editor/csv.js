// The editor's CSV: the rows the table shows, written as the service writes text/csv.
//
// YASR's own table download re-serialises the whole response through a JSON-to-CSV library that
// quotes every field and ignores the table's filter and sort. An analyst who filters the table and
// presses "download" expects the rows on the screen, in their order, and the same bytes the
// endpoint would send for `Accept: text/csv` (SPARQL 1.1 CSV: IRIs and lexical forms, blank nodes
// as `_:label`, a field quoted only when it holds a comma, a quote or a line break, CRLF lines).
"use strict";
(function () {
  const agEditor = (window.AgEditor = window.AgEditor || {});

  function field(binding) {
    if (!binding || binding === "") return "";
    const text = binding.type === "bnode" ? "_:" + binding.value : String(binding.value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** CSV of `rows` (objects of variable name to SPARQL JSON binding) over `vars`. */
  agEditor.toCsv = function toCsv(vars, rows) {
    const lines = [vars.map((v) => field({ type: "literal", value: v })).join(",")];
    for (const row of rows) lines.push(vars.map((v) => field(row[v])).join(","));
    return lines.join("\r\n") + "\r\n";
  };

  /** The bindings a YASR table shows (filter and sort applied, every page), as row objects. */
  agEditor.shownRows = function shownRows(table) {
    const vars = table.yasr.results ? table.yasr.results.getVariables() : [];
    if (!table.dataTable) return { vars, rows: [] };
    const shown = table.dataTable.rows({ search: "applied", order: "applied" }).data().toArray();
    // Each table row is [row number, binding of vars[0], binding of vars[1], ...].
    const rows = shown.map((cells) => Object.fromEntries(vars.map((v, i) => [v, cells[i + 1]])));
    return { vars, rows };
  };

  /** Replace YASR's table with one whose download is the CSV of the rows shown. */
  agEditor.registerTable = function registerTable(Yasr) {
    const Table = Yasr.plugins.table;
    class ShownTable extends Table {
      download(filename) {
        const info = super.download(filename);
        return Object.assign({}, info, {
          title: "Download the rows shown as CSV",
          getData: () => {
            const shown = agEditor.shownRows(this);
            return agEditor.toCsv(shown.vars, shown.rows);
          },
        });
      }
    }
    Yasr.registerPlugin("table", ShownTable);
  };
})();
