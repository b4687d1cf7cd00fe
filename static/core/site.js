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
