// GraphML of exactly the graph on screen: built in the browser from the drawn elements, so the
// download and the picture cannot disagree. Every value is escaped as XML text.
"use strict";

(function () {
  const NODE_KEYS = ["label", "kind", "href"];
  const EDGE_KEYS = ["fact", "label", "tie", "kind", "certainty", "since", "until", "href"];

  function escapeXml(value) {
    return String(value).replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[c]));
  }

  function dataLines(data, keys, prefix) {
    return keys
      .filter((k) => data[k] !== undefined && data[k] !== null && data[k] !== "")
      .map((k) => `      <data key="${prefix}_${k}">${escapeXml(data[k])}</data>`);
  }

  // nodes and edges: arrays of plain data objects ({id, label, ...}, {id, source, target, ...}).
  function graphml(nodes, edges, asOf) {
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
      ...NODE_KEYS.map((k) => `  <key id="n_${k}" for="node" attr.name="${k}" attr.type="string"/>`),
      ...EDGE_KEYS.map((k) => `  <key id="e_${k}" for="edge" attr.name="${k}" attr.type="string"/>`),
      '  <key id="g_asOf" for="graph" attr.name="asOf" attr.type="string"/>',
      '  <graph id="alliance-network" edgedefault="undirected">',
      `    <data key="g_asOf">${escapeXml(asOf || "")}</data>`,
    ];
    for (const n of nodes) {
      lines.push(`    <node id="${escapeXml(n.id)}">`, ...dataLines(n, NODE_KEYS, "n"), "    </node>");
    }
    for (const e of edges) {
      lines.push(
        `    <edge id="${escapeXml(e.id)}" source="${escapeXml(e.source)}" target="${escapeXml(e.target)}">`,
        ...dataLines(e, EDGE_KEYS, "e"),
        "    </edge>",
      );
    }
    lines.push("  </graph>", "</graphml>", "");
    return lines.join("\n");
  }

  window.networkGraphml = graphml;
})();
