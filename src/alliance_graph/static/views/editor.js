// The SPARQL editor view: YASGUI on the service's own /sparql, offline and under the site's CSP.
//
// Tabs, history and shareable links are YASGUI's own (its localStorage persistence, its share
// button, `?query=` or `#query=` in the address opening a tab that runs). What this file adds:
// the endpoint pinned to this origin (a shared link cannot point the page elsewhere), completion
// from /api/terms instead of the network, a table whose CSV is the rows it shows, an SVG bar chart,
// and the service's own error message in the results area.
"use strict";
(function () {
  const agEditor = (window.AgEditor = window.AgEditor || {});
  const ENDPOINT = new URL("/sparql", window.location.href).href;
  const FIRST_QUERY = [
    "# Members of BRICS that are states. The project's prefixes (ag:, alliance:, org:, prov: ...)",
    "# are predeclared by the service: no PREFIX lines needed. Ctrl-Enter runs the query.",
    "SELECT ?state ?label WHERE {",
    "  ?state ag:memberOf alliance:brics ; a ag:State ; rdfs:label ?label",
    "} ORDER BY ?label",
    "",
  ].join("\n");

  /**
   * What the service said about a failed query. YASQE turns a failed response into an Error whose
   * message is the body, losing the status: the body is the service's text/plain message, or a
   * Problem (RFC 9457) whose title, detail and status are read back here.
   */
  agEditor.describeError = function describeError(error) {
    const text = typeof error.text === "string" ? error.text.trim() : "";
    let status = error.status;
    let message = text;
    if (text.startsWith("{")) {
      try {
        const problem = JSON.parse(text);
        const parts = [problem.title, problem.detail].filter((part) => typeof part === "string" && part);
        if (parts.length) message = parts.join(": ");
        if (typeof problem.status === "number") status = status || problem.status;
      } catch (_) {
        // Not JSON after all: show it as it came.
      }
    }
    if (!message) message = status ? `The service answered ${status} ${error.statusText || ""}`.trim() : "The service could not be reached.";
    return { status, message };
  };

  function renderError(error) {
    const { status, message } = agEditor.describeError(error);
    const box = document.createElement("div");
    box.className = "ag-query-error";
    box.setAttribute("role", "alert");
    const heading = document.createElement("p");
    heading.className = "ag-query-error-title";
    const busy = status === 503 || status === 429 ? ", try again shortly" : "";
    heading.textContent = "The query failed" + (status ? ` (HTTP ${status}${busy})` : "");
    const body = document.createElement("pre");
    body.className = "ag-query-error-message";
    body.textContent = message;
    box.append(heading, body);
    return Promise.resolve(box);
  }

  /**
   * YASGUI puts its "+" button inside the element with role=tablist, where only tabs may be
   * (axe-core: aria-required-children, critical). Its own button stays in the DOM, hidden (YASGUI
   * inserts new tabs before it), and a labelled button just after the tab list does the same job.
   */
  function moveAddTabOutOfTablist(yasgui) {
    const list = yasgui.rootEl.querySelector(".tabsList");
    const original = list && list.querySelector("button.addTab");
    if (!original) return;
    original.parentElement.hidden = true;
    const add = document.createElement("button");
    add.type = "button";
    add.className = "ag-add-tab";
    add.textContent = "+";
    add.title = "New tab";
    add.setAttribute("aria-label", "New query tab");
    add.addEventListener("click", () => yasgui.addTab(true));
    list.after(add);
  }

  /**
   * YASR redraws its controls on every result; a few come without a name or with a disabled look
   * but no disabled state. Patch them as they appear: the page-size select gets a label, and a
   * result view that does not apply says so (aria-disabled) instead of only looking grey.
   */
  function labelWhatYasguiDraws(root) {
    const patch = () => {
      for (const sizer of root.querySelectorAll("select.tableSizer:not([aria-label])")) {
        sizer.setAttribute("aria-label", "Rows per page");
      }
      for (const button of root.querySelectorAll(".yasr_btnGroup .yasr_btn")) {
        const off = button.classList.contains("disabled");
        if (off !== (button.getAttribute("aria-disabled") === "true")) {
          button.setAttribute("aria-disabled", String(off));
        }
      }
    };
    patch();
    new MutationObserver(patch).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  }

  /**
   * `?query=` has opened its tab (YASGUI reads it once, at start): drop it from the address, or a
   * reload after editing would open the original query again in yet another tab. The share button
   * gives a link to the current query.
   */
  function forgetConsumedQuery() {
    const url = new URL(window.location.href);
    if (!url.searchParams.has("query")) return;
    window.history.replaceState(null, "", url.pathname);
  }

  function pinEndpoint(tabConfig) {
    tabConfig.requestConfig = Object.assign({}, tabConfig.requestConfig, { endpoint: ENDPOINT });
    return tabConfig;
  }

  function start(vocabulary) {
    agEditor.predeclarePrefixes(Yasgui.Yasqe, vocabulary.prefixes || {});
    agEditor.registerCompleters(Yasgui.Yasqe, vocabulary);
    agEditor.registerTable(Yasgui.Yasr);
    agEditor.registerChart(Yasgui.Yasr);
    // A tab builds its YASR from Yasr.defaults (only `prefixes` comes from the Yasgui config).
    Object.assign(Yasgui.Yasr.defaults, {
      pluginOrder: ["table", "response", "chart"],
      defaultPlugin: "table",
      errorRenderers: [renderError],
    });
    const root = document.getElementById("yasgui");
    const yasgui = new Yasgui(root, {
      persistenceId: "alliance-graph-editor",
      copyEndpointOnNewTab: false,
      populateFromUrl: pinEndpoint,
      requestConfig: { endpoint: ENDPOINT, method: "POST" },
      endpointCatalogueOptions: { getData: () => [{ endpoint: ENDPOINT }], keys: [] },
      yasqe: {
        value: FIRST_QUERY,
        autocompleters: agEditor.COMPLETERS,
        prefixCcApi: null,
        editorHeight: "260px",
        screenReaderLabel: "SPARQL query",
      },
      yasr: { prefixes: vocabulary.prefixes || {} },
    });
    // A tab restored from history keeps the endpoint it was saved with: bring it home too.
    for (const id of Object.keys(yasgui._tabs)) {
      const tab = yasgui._tabs[id];
      if (tab.getEndpoint() !== ENDPOINT) tab.setEndpoint(ENDPOINT);
    }
    moveAddTabOutOfTablist(yasgui);
    labelWhatYasguiDraws(yasgui.rootEl);
    forgetConsumedQuery();
    agEditor.yasgui = yasgui;
    document.body.dataset.ready = "true";
  }

  function vocabulary() {
    return fetch("/api/terms", { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { prefixes: {}, terms: [] }))
      .catch(() => ({ prefixes: {}, terms: [] }));
  }

  vocabulary().then(start);
})();
