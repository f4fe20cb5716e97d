// The 404 page: look up the name the missing address seems to mean (and whatever the reader
// types) with /search, and list the entities found, each linked to its page.
(function () {
  "use strict";
  function show(target, query, found) {
    target.replaceChildren();
    if (!query) return;
    var heading = document.createElement("h2");
    heading.textContent = found.length ? "Did you mean" : "No entity is called “" + query + "”";
    target.appendChild(heading);
    if (!found.length) return;
    var list = document.createElement("ul");
    list.className = "nf-list";
    found.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(hit.iri).pathname.replace(/^\/alliance-graph/, "");
      link.textContent = hit.label;
      item.appendChild(link);
      var meta = document.createElement("small");
      meta.textContent = " " + hit.kind + (hit.matched && hit.matched !== hit.label ? " · matched “" + hit.matched + "”" : "");
      item.appendChild(meta);
      list.appendChild(item);
    });
    target.appendChild(list);
  }
  // A busy service answers 429/503 with Retry-After: ask again a few times before giving up.
  function lookup(query, attempts) {
    return fetch("/search?limit=8&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if ((response.status === 503 || response.status === 429) && attempts > 1) {
          var wait = 1000 * (parseInt(response.headers.get("Retry-After") || "1", 10) || 1);
          return new Promise(function (resolve) { setTimeout(resolve, wait); })
            .then(function () { return lookup(query, attempts - 1); });
        }
        return response.ok ? response.json() : { results: [] };
      });
  }
  function search(query, target) {
    if (!query) { show(target, "", []); return Promise.resolve(); }
    return lookup(query, 5)
      .then(function (body) { show(target, query, body.results || []); })
      .catch(function () { show(target, query, []); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.name-search");
    var input = document.getElementById("nf-q");
    var target = document.getElementById("nf-results");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search(input.value.trim(), target);
    });
    search(input.value.trim(), target).then(function () { document.body.dataset.ready = "true"; });
  });
})();
