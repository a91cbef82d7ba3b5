// Starts GOV.UK Frontend and MoJ Frontend components. Loaded as a module, so no inline script is
// needed (the Content-Security-Policy forbids inline scripts).
import { initAll as initGovuk } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();

// Elements with data-print-page print the page (e.g. a summary to hand over).
for (const button of document.querySelectorAll("[data-print-page]")) {
  button.addEventListener("click", () => window.print());
}
