// What the map and timeline views both build their panels and tables with (a classic script,
// loaded before either): el("a", { class, text, href }, ...children) and the one rule for which
// source URLs may become links (http and https only).
"use strict";

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};
const safeHref = (url) => (/^https?:\/\//i.test(url || "") ? url : null);
