// Starts Swagger UI on /docs from the vendored bundle (no inline script: the CSP forbids it).
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
