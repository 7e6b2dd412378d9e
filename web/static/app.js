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
  // Import upload: the file goes as raw request bodies (no multipart) of at most data-chunk bytes
  // each — the first with ?size= of the whole file, the rest as PUT …/content?offset= — then the
  // job page opens. The server reads no body larger than one chunk.
  function problemText(r, body) {
    if (body && body.errors && body.errors.length) return body.errors[0].reason;
    return (body && (body.detail || body.title)) || String(r.status);
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-upload]")) return;
    e.preventDefault();
    var input = form.querySelector('input[type="file"]');
    var err = document.getElementById("import-error");
    var bar = document.getElementById("import-upload-progress");
    if (!input.files.length) { err.textContent = err.getAttribute("data-nofile") || input.title || "—"; input.setAttribute("aria-invalid", "true"); return; }
    var file = input.files[0];
    var chunk = parseInt(form.getAttribute("data-chunk"), 10) || 524288;
    var url = form.getAttribute("data-upload");
    var headers = { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrf() };
    function fail(msg) { err.textContent = msg; input.setAttribute("aria-invalid", "true"); if (bar) bar.hidden = true; }
    // A chunk the server shed (503) is sent again after its Retry-After, a few times.
    function send(method, target, blob, tries) {
      tries = tries || 0;
      return fetch(target, { method: method, body: blob, credentials: "same-origin", headers: headers }).then(function (r) {
        if (r.status === 503 && tries < 5) {
          var wait = (parseInt(r.headers.get("Retry-After"), 10) || 1) * 1000;
          return new Promise(function (ok) { setTimeout(ok, wait); }).then(function () { return send(method, target, blob, tries + 1); });
        }
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(problemText(r, body));
          return body;
        });
      });
    }
    if (!file.size) { fail(err.getAttribute("data-empty") || "—"); return; }
    function rest(job, offset) {
      if (bar) { bar.hidden = false; bar.value = Math.round(offset * 100 / (file.size || 1)); }
      if (offset >= file.size) { window.location.href = "/imports/" + job.id; return; }
      var end = Math.min(offset + chunk, file.size);
      return send("PUT", "/api/v1/imports/" + job.id + "/content?offset=" + offset, file.slice(offset, end))
        .then(function (j) { return rest(j, end); });
    }
    var first = file.slice(0, Math.min(chunk, file.size));
    send("POST", url + (url.indexOf("?") < 0 ? "?" : "&") + "file_name=" + encodeURIComponent(file.name) + "&size=" + file.size, first)
      .then(function (job) { return rest(job, Math.min(chunk, file.size)); })
      .catch(function (x) { fail(x.message || String(x)); });
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
