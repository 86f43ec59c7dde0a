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

// A form sent, then shown again by the browser's Back button and sent again unchanged, acts once. The server
// gives each form a one-off key (_once) and does the work once per key; but a page shown again by Back is fetched
// anew (pages are not stored), with a new key. So the key sent from this history entry is kept in the entry's
// state with a digest of the answers sent, and sending the same answers again from it sends the same key: the
// server answers "already done" instead of recording it twice. Different answers are a new piece of work.
// Only a digest is kept: a browser's session history is written to disk, the answers must not be.
const SENT = "pathwayOnce";

function digest(form, submitter) {
  const parts = [];
  for (const [name, value] of new FormData(form, submitter)) {
    if (name === "_once" || name === "csrf_token") continue;
    const text = value instanceof File ? `${value.name}|${value.size}|${value.lastModified}` : value;
    parts.push(`${name.length}:${name}=${text.length}:${text}`);
  }
  // cyrb53: a fast 53-bit string hash (the page is not defending against an attacker here, only matching).
  const joined = parts.join("&");
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < joined.length; i += 1) {
    const ch = joined.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  const key = form instanceof HTMLFormElement ? form.querySelector('input[name="_once"]') : null;
  if (!key || event.defaultPrevented) return;
  const place = String(Array.prototype.indexOf.call(document.forms, form));
  const state = history.state && typeof history.state === "object" ? history.state : {};
  const sent = { ...(state[SENT] || {}) };
  const answers = digest(form, event.submitter);
  if (sent[place] && sent[place].answers === answers) {
    key.value = sent[place].key;
  } else {
    sent[place] = { answers, key: key.value };
    history.replaceState({ ...state, [SENT]: sent }, "");
  }
});

// A wide table scrolls within its own box on a narrow or zoomed-in screen, never the whole page (WCAG 1.4.10).
// While the box has something to scroll it is a region a keyboard can reach and scroll, named by the table's
// caption (or the heading before it); when everything fits it is a plain box again.
let tableBoxes = 0;

function tableName(box) {
  const caption = box.querySelector("caption");
  if (caption) return caption;
  for (let node = box; node && node !== document.body; node = node.parentElement) {
    for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
      if (/^H[1-4]$/.test(before.tagName)) return before;
    }
  }
  return document.querySelector("h1");
}

function fitTables() {
  for (const box of document.querySelectorAll(".pathway-table-scroll")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      const name = tableName(box);
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      if (name) {
        if (!name.id) name.id = `pathway-table-name-${(tableBoxes += 1)}`;
        box.setAttribute("aria-labelledby", name.id);
      }
    } else {
      for (const attribute of ["role", "tabindex", "aria-labelledby"]) box.removeAttribute(attribute);
    }
  }
}

for (const table of document.querySelectorAll("table.govuk-table")) {
  if (table.parentElement.classList.contains("pathway-table-scroll")) continue;
  const box = document.createElement("div");
  box.className = "pathway-table-scroll";
  table.before(box);
  box.append(table);
}
fitTables();
window.addEventListener("resize", fitTables);
