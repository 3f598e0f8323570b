// Starts ReDoc on /api/redoc/ (a static file: the Content-Security-Policy allows no inline
// script). The schema's address and ReDoc's settings come from the page's data attributes.
"use strict";
(function () {
  const container = document.getElementById("redoc-container");
  const settings = JSON.parse(container.dataset.settings || "{}");
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
