// Portal behaviour that needs no inline script (the CSP allows scripts from 'self' only).
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) {
    target.setAttribute("aria-busy", "false");
  }
});
