// A YASR result view that draws a bar chart of one numeric column, in SVG, with no network.
//
// Upstream YASR's chart view loads Google Charts from the network, and the @zazuko build ships
// none; the workbench is offline and its CSP allows scripts from 'self' only. So this small
// plugin draws horizontal bars (they read on a phone, where labels would not fit under columns):
// one bar per row, labelled by a column the analyst picks, its length the numeric column picked.
"use strict";
(function () {
  const agEditor = (window.AgEditor = window.AgEditor || {});
  const SVG = "http://www.w3.org/2000/svg";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(
    [
      "integer", "decimal", "double", "float", "int", "long", "short", "byte",
      "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
      "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    ].map((name) => XSD + name)
  );
  const MAX_BARS = 60;
  const BAR = 22;
  const GAP = 6;
  // Drawing attributes on the elements, not in the page's CSS, so a downloaded SVG looks the same.
  const TEXT = { "font-size": 12, "font-family": "system-ui, sans-serif", "dominant-baseline": "middle", fill: "#1a1a1a" };

  function svg(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function isNumber(binding) {
    return binding && binding.type !== "uri" && NUMERIC.has(binding.datatype) && isFinite(Number(binding.value));
  }

  /** The columns whose every bound value is an xsd number (and at least one is bound). */
  agEditor.numericColumns = function numericColumns(vars, bindings) {
    return vars.filter((v) => {
      const bound = bindings.filter((row) => row[v] !== undefined);
      return bound.length > 0 && bound.every((row) => isNumber(row[v]));
    });
  };

  function shorten(iri, prefixes) {
    for (const [prefix, base] of Object.entries(prefixes || {})) {
      if (base && iri.startsWith(base)) return prefix + ":" + iri.slice(base.length);
    }
    return iri;
  }

  function labelOf(binding, prefixes) {
    if (!binding) return "—";
    return binding.type === "uri" ? shorten(binding.value, prefixes) : binding.value;
  }

  function clip(text, room) {
    return text.length > room ? text.slice(0, Math.max(1, room - 1)) + "…" : text;
  }

  function select(id, caption, options, chosen, onChange) {
    const wrap = document.createElement("label");
    wrap.className = "ag-chart-control";
    wrap.htmlFor = id;
    wrap.textContent = caption + " ";
    const box = document.createElement("select");
    box.id = id;
    for (const option of options) {
      const item = document.createElement("option");
      item.value = option;
      item.textContent = "?" + option;
      item.selected = option === chosen;
      box.appendChild(item);
    }
    box.addEventListener("change", () => onChange(box.value));
    const holder = document.createElement("span");
    holder.appendChild(wrap);
    holder.appendChild(box);
    return holder;
  }

  /** The chart as an SVG element: `rows` of {label, value}, `width` in px. */
  agEditor.barChart = function barChart(rows, width, title) {
    const labelWidth = Math.min(220, Math.round(width * 0.38));
    const valueWidth = 64;
    const plot = Math.max(40, width - labelWidth - valueWidth - 12);
    const top = Math.max(0, ...rows.map((r) => r.value));
    const bottom = Math.min(0, ...rows.map((r) => r.value));
    const span = top - bottom || 1;
    const zero = labelWidth + ((0 - bottom) / span) * plot;
    const height = rows.length * (BAR + GAP) + GAP;
    const chart = svg("svg", {
      class: "ag-chart",
      viewBox: `0 0 ${width} ${height}`,
      width: "100%",
      role: "img",
      "aria-label": title,
    });
    chart.appendChild(svg("title", {}, title));
    const room = Math.max(4, Math.floor(labelWidth / 7.2));
    rows.forEach((row, i) => {
      const y = GAP + i * (BAR + GAP);
      const end = labelWidth + ((row.value - bottom) / span) * plot;
      const group = svg("g", { class: "ag-bar" });
      group.appendChild(svg("title", {}, `${row.label}: ${row.text}`));
      group.appendChild(svg("text", { x: labelWidth - 6, y: y + BAR / 2, class: "ag-bar-label", ...TEXT, "text-anchor": "end" }, clip(row.label, room)));
      group.appendChild(svg("rect", { x: Math.min(zero, end), y, width: Math.max(1, Math.abs(end - zero)), height: BAR, fill: "#2f5f8f" }));
      group.appendChild(svg("text", { x: Math.max(zero, end) + 4, y: y + BAR / 2, class: "ag-bar-value", ...TEXT }, row.text));
      chart.appendChild(group);
    });
    chart.appendChild(svg("line", { x1: zero, x2: zero, y1: 0, y2: height, class: "ag-axis", stroke: "#444" }));
    return chart;
  };

  agEditor.registerChart = function registerChart(Yasr) {
    class BarChartPlugin {
      constructor(yasr) {
        this.yasr = yasr;
        this.priority = 5;
        this.label = "Chart";
        this.persistent = {};
      }
      vars() {
        return this.yasr.results ? this.yasr.results.getVariables() || [] : [];
      }
      bindings() {
        return this.yasr.results ? this.yasr.results.getBindings() || [] : [];
      }
      canHandleResults() {
        return agEditor.numericColumns(this.vars(), this.bindings()).length > 0;
      }
      getIcon() {
        const icon = svg("svg", { viewBox: "0 0 16 16", width: 16, height: 16, "aria-hidden": "true" });
        for (const [y, w] of [[2, 12], [7, 8], [12, 14]]) icon.appendChild(svg("rect", { x: 1, y, width: w, height: 3 }));
        return icon;
      }
      choice() {
        const vars = this.vars();
        const numeric = agEditor.numericColumns(vars, this.bindings());
        const value = numeric.includes(this.persistent.value) ? this.persistent.value : numeric[0];
        const labels = vars.filter((v) => v !== value);
        const label = labels.includes(this.persistent.label) ? this.persistent.label : labels[0];
        return { vars, numeric, value, labels, label };
      }
      rows(value, label) {
        const prefixes = this.yasr.getPrefixes();
        return this.bindings()
          .filter((row) => isNumber(row[value]))
          .map((row, i) => ({
            label: label ? labelOf(row[label], prefixes) : String(i + 1),
            value: Number(row[value].value),
            text: row[value].value,
          }));
      }
      draw(persistentConfig) {
        this.persistent = Object.assign({}, this.persistent, persistentConfig);
        const { numeric, value, labels, label } = this.choice();
        const box = document.createElement("div");
        box.className = "ag-chart-view";
        const controls = document.createElement("div");
        controls.className = "ag-chart-controls";
        const redraw = (key) => (picked) => {
          this.persistent[key] = picked;
          this.yasr.storePluginConfig("chart", this.persistent);
          this.yasr.draw();
        };
        controls.appendChild(select("ag-chart-value", "Bar length", numeric, value, redraw("value")));
        if (labels.length) controls.appendChild(select("ag-chart-label", "Bar label", labels, label, redraw("label")));
        box.appendChild(controls);
        const all = this.rows(value, label);
        const rows = all.slice(0, MAX_BARS);
        const width = Math.max(280, Math.min(900, this.yasr.resultsEl.clientWidth || 600));
        box.appendChild(agEditor.barChart(rows, width, `?${value} by ?${label || "row"}`));
        if (all.length > rows.length) {
          const note = document.createElement("p");
          note.className = "ag-chart-note";
          note.textContent = `The first ${rows.length} of ${all.length} rows; the table has them all.`;
          box.appendChild(note);
        }
        this.yasr.resultsEl.appendChild(box);
      }
      download(filename) {
        const chart = this.yasr.resultsEl.querySelector("svg.ag-chart");
        if (!chart) return undefined;
        return {
          contentType: "image/svg+xml",
          title: "Download the chart as SVG",
          filename: `${filename || "chart"}.svg`,
          getData: () => '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(chart),
        };
      }
    }
    Yasr.registerPlugin("chart", BarChartPlugin);
  };
})();
