// Starts Swagger UI on /docs from the vendored bundle (a file, so that the page needs no inline
// script), and marks the page ready once the specification is drawn (or has failed to load).
window.addEventListener("load", function () {
  function ready() { document.body.dataset.ready = "true"; }
  if (typeof SwaggerUIBundle === "undefined") { ready(); return; }
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: false, // deep links put a link inside each operation's button (nested-interactive)
    validatorUrl: null,
    onComplete: ready,
  });
});
