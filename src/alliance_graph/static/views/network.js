// The network view.
"use strict";
document.body.dataset.ready = "true";
