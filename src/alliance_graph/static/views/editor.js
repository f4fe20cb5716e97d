// The sparql editor view.
"use strict";
document.body.dataset.ready = "true";
