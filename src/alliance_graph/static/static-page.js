// Pages the server draws whole (entity pages, /ontology, the 404 page) have nothing left to draw:
// they are ready as soon as the document is, which tests and tools wait for (data-ready).
document.addEventListener("DOMContentLoaded", function () {
  document.body.dataset.ready = "true";
});
