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

// Radios with data-reveals="ID" show that element only while checked. GOV.UK's own conditional
// reveal marks radios aria-expanded, which ARIA does not allow on a radio; this keeps the
// markup valid. Without JavaScript every revealed part simply stays visible.
const revealers = document.querySelectorAll("input[type=radio][data-reveals]");
const syncReveals = () => {
  for (const input of revealers) {
    const target = document.getElementById(input.dataset.reveals);
    if (target) target.hidden = !input.checked;
  }
};
for (const input of revealers) {
  for (const sibling of document.querySelectorAll(`input[type=radio][name="${input.name}"]`)) {
    sibling.addEventListener("change", syncReveals);
  }
}
syncReveals();
