// The timeline view.
"use strict";
document.body.dataset.ready = "true";
