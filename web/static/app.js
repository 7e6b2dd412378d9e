// Sdelka's own script: CSRF header for htmx requests, the small-screen menu toggle.
(function () {
  "use strict";
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });
  // Import upload: the file goes as the raw request body (no multipart), then the job page opens.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-upload]")) return;
    e.preventDefault();
    var input = form.querySelector('input[type="file"]');
    var err = document.getElementById("import-error");
    if (!input.files.length) { err.textContent = err.getAttribute("data-empty") || input.title || "—"; input.setAttribute("aria-invalid", "true"); return; }
    var file = input.files[0];
    var url = form.getAttribute("data-upload");
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "file_name=" + encodeURIComponent(file.name), {
      method: "POST", body: file, credentials: "same-origin",
      headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrf() }
    }).then(function (r) {
      return r.json().then(function (body) {
        if (r.ok) { window.location.href = "/imports/" + body.id; return; }
        var msg = body.errors && body.errors.length ? body.errors[0].reason : (body.title || String(r.status));
        err.textContent = msg;
        input.setAttribute("aria-invalid", "true");
      });
    }).catch(function (x) { err.textContent = String(x); });
  });
  document.addEventListener("DOMContentLoaded", function () {
    var nav = document.getElementById("main-nav");
    var btn = document.querySelector(".menu-toggle");
    if (!nav || !btn) return;
    if (window.matchMedia("(max-width: 600px)").matches) nav.classList.add("collapsed");
    btn.addEventListener("click", function () {
      var open = nav.classList.toggle("collapsed") === false;
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
