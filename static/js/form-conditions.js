// Show and hide conditional questions as answers change. Progressive enhancement: without this script every
// question on the page stays visible and the server drops the answers of questions whose condition is false.
//
// Reads <script type="application/json" id="form-conditions"> (CompiledForm.conditions_json()):
//   {"rules": [{"field": "name", "repeater": null | "children",
//               "when": {"field": "target", "scope": "form" | "row", "op": "equals" | "in" | "not_equals" |
//                        "not_empty", "values": ["as posted"]}}]}
// and toggles [data-field-wrapper="name"] (inside a repeater row: "children-0-name"). The semantics match the
// server (forms/conditions.py): a list answer equals v when it contains v; a missing answer equals nothing, so
// not_equals holds for it; a question whose target is hidden is hidden too. Written conditions ("op": "expr")
// and live calculated values need static/js/form-expr.js, loaded before this script.
(function () {
  "use strict";

  var block = document.getElementById("form-conditions");
  if (!block) {
    return;
  }
  var config;
  try {
    config = JSON.parse(block.textContent || "{}");
  } catch (err) {
    return;
  }
  var rules = Array.isArray(config.rules) ? config.rules : [];
  var root = block.closest("form") || document;
  var MARK = "data-condition-disabled";

  function byName(name) {
    return Array.prototype.filter.call(root.querySelectorAll("[name]"), function (el) {
      return el.name === name;
    });
  }

  function isHidden(el) {
    return Boolean(el.closest("[data-field-wrapper][hidden]"));
  }

  function pad(text) {
    return text.length === 1 ? "0" + text : text;
  }

  // Return the posted values of a question, [] when unanswered or hidden, or null when it is not on the page.
  function valuesOf(name) {
    var els = byName(name);
    if (!els.length) {
      var parts = ["day", "month", "year"].map(function (part) { return byName(name + "-" + part)[0]; });
      if (!parts[0] || !parts[1] || !parts[2]) {
        return null;
      }
      if (isHidden(parts[0])) {
        return [];
      }
      var d = parts[0].value.trim(), m = parts[1].value.trim(), y = parts[2].value.trim();
      if (!d && !m && !y) {
        return [];
      }
      return [/^\d{4}$/.test(y) && /^\d{1,2}$/.test(m) && /^\d{1,2}$/.test(d) ? y + "-" + pad(m) + "-" + pad(d)
                                                                                : y + "-" + m + "-" + d];
    }
    var values = [];
    els.forEach(function (el) {
      if (isHidden(el) || el.type === "file") {
        return;
      }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        return;
      }
      var value = (el.value || "").trim();
      if (value) {
        values.push(value);
      }
    });
    return values;
  }

  function same(a, b) {
    if (a === b) {
      return true;
    }
    var numeric = /^[+-]?(\d+\.?\d*|\.\d+)$/;
    return numeric.test(a) && numeric.test(b) && Number(a) === Number(b);
  }

  function contains(values, wanted) {
    return values.some(function (v) { return same(v, wanted); });
  }

  function holds(when, values) {
    var wanted = when.values || [];
    switch (when.op) {
      case "not_empty":
        return values.length > 0;
      case "equals":
        return contains(values, wanted[0]);
      case "in":
        return wanted.some(function (w) { return contains(values, w); });
      case "not_equals":
        return !contains(values, wanted[0]);
      default:
        return true;
    }
  }

  function apply(wrapper, targetName, when) {
    if (!wrapper) {
      return;
    }
    var values = valuesOf(targetName);
    if (values === null) {
      return; // the target is on another page: the server already decided
    }
    wrapper.hidden = !holds(when, values);
  }

  var expr = window.PathwayExpr;

  function update() {
    // Rules come in layout order, so a target's visibility is settled before the questions that depend on it.
    rules.forEach(function (rule) {
      if (rule.when.op === "expr") {
        // A written condition (forms/expr.py), worked out by form-expr.js; without it the question stays shown.
        var wrapper = root.querySelector('[data-field-wrapper="' + rule.field + '"]');
        if (wrapper && expr) {
          wrapper.hidden = !expr.truthy(expr.evaluate(rule.when.tree, expr.answersOf(root, config)));
        }
        return;
      }
      if (!rule.repeater) {
        apply(root.querySelector('[data-field-wrapper="' + rule.field + '"]'), rule.when.field, rule.when);
        return;
      }
      root.querySelectorAll('[data-repeater="' + rule.repeater + '"]').forEach(function (row) {
        var prefix = row.getAttribute("data-row-prefix") || "";
        var target = rule.when.scope === "row" ? prefix + rule.when.field : rule.when.field;
        apply(row.querySelector('[data-field-wrapper="' + prefix + rule.field + '"]'), target, rule.when);
      });
    });
    // Hidden questions are disabled so their stale answers are not posted; re-shown ones get them back.
    root.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (isHidden(el)) {
        if (!el.disabled) {
          el.disabled = true;
          el.setAttribute(MARK, "");
        }
      } else if (el.hasAttribute(MARK)) {
        el.disabled = false;
        el.removeAttribute(MARK);
      }
    });
    if (expr) {
      expr.refresh(root, config);
    }
  }

  root.addEventListener("change", update);
  root.addEventListener("input", update);
  update();
})();
