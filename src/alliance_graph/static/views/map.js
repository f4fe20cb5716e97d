// The map view.
"use strict";
document.body.dataset.ready = "true";
