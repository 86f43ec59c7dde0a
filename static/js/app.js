// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

// GOV.UK Frontend 5 starts its components only on pages that say the browser supports them.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
