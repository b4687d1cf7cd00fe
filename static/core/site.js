// Portal behaviour that needs no inline script (the CSP allows scripts from 'self' only).
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) {
    target.setAttribute("aria-busy", "false");
  }
});

// A "Print" button (the printable quote) without an inline onclick handler.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// The configurator's build lives in the address bar. After each htmx answer the address becomes the
// build's own (the form's data-build-url, drawn by the server), replacing the current history entry:
// a reload, Back and Forward, the language switch and a shared link then all show the same build.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "configurator") {
    return;
  }
  const form = target.querySelector("[data-build-url]");
  const url = form && form.getAttribute("data-build-url");
  if (url && url !== window.location.pathname + window.location.search) {
    window.history.replaceState(window.history.state, "", url);
  }
});

// The language switch returns to the address as it is now: a page may have changed it since it was
// drawn (the configurator's build), and the switch must not lose that.
document.addEventListener("submit", (event) => {
  const form = event.target.closest(".lang-switch");
  const next = form && form.querySelector("input[name=next]");
  if (next) {
    next.value = window.location.pathname + window.location.search;
  }
});
