// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

// GOV.UK Frontend 5 starts its components only on pages that say the browser supports them.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Guidance attached to an answer (e.g. the screening form's green/red notes) shows as soon as it is chosen.
// Not GOV.UK's conditional reveal: that sets aria-expanded on radio inputs, which radios do not support.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "radio") return;
  for (const radio of document.querySelectorAll(`input[type="radio"][name="${CSS.escape(input.name)}"][data-reveal]`)) {
    const panel = document.getElementById(radio.dataset.reveal);
    if (panel) panel.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
  }
});
