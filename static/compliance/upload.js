// Upload forms of the compliance checklist: drop files on the zone, see the upload's progress.
// Without this script the same forms post normally (one request, the page answers).
(function () {
  "use strict";
  function enhance(form) {
    var zone = form.querySelector(".dropzone");
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    if (!zone || !input) return;
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) input.files = event.dataTransfer.files;
    });
    form.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !window.FormData || !bar) return;
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      bar.hidden = false;
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      request.addEventListener("load", function () {
        // The server redirects to the checklist (stored) or answers the page with the refusal.
        if (request.responseURL && request.status < 400) { window.location.assign(request.responseURL); return; }
        document.documentElement.innerHTML = new DOMParser().parseFromString(request.responseText, "text/html").documentElement.innerHTML;
      });
      request.addEventListener("error", function () { form.submit(); });
      request.send(new FormData(form));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload]").forEach(enhance);
  });
})();
