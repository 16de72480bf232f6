/* Starts Swagger UI on /api/v1/docs (a file: the Content-Security-Policy forbids inline scripts).
   "Try it out" sends the session's CSRF token, as the pages do. */
(function () {
  "use strict";
  var el = document.getElementById("swagger-ui");
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  window.ui = SwaggerUIBundle({
    url: el.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    requestInterceptor: function (req) {
      var token = csrf();
      if (token) req.headers["X-CSRFToken"] = token;
      return req;
    },
  });
})();
