// Work out written calculations (scores, outcomes) and written conditions in the browser, with the same rules
// as the server (forms/expr.py evaluates the same compiled trees). Progressive enhancement: without this script
// the values shown are the ones worked out from the saved answers, and the server works them out again on save.
//
// Reads the "results", "fields" and "saved" parts of <script type="application/json" id="form-conditions">
// (forms/browser.py) and writes each result into <output data-result="key">. form-conditions.js calls
// PathwayExpr.refresh() after each change, once hidden questions are settled.
(function () {
  "use strict";

  function isNumber(v) {
    return typeof v === "number";
  }

  function same(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") {
      return typeof a === "boolean" && typeof b === "boolean" && a === b;
    }
    if (isNumber(a) && isNumber(b)) {
      return a === b;
    }
    if (a === null || b === null) {
      return a === b;
    }
    return typeof a === typeof b && !Array.isArray(a) && !Array.isArray(b) && a === b;
  }

  function equal(a, b) {
    if (Array.isArray(a)) {
      return a.some(function (x) { return same(x, b); });
    }
    if (Array.isArray(b)) {
      return b.some(function (x) { return same(a, x); });
    }
    return same(a, b);
  }

  function truthy(v) {
    if (typeof v === "boolean") {
      return v;
    }
    if (isNumber(v)) {
      return v !== 0;
    }
    if (typeof v === "string" || Array.isArray(v)) {
      return v.length > 0;
    }
    return v !== null && v !== undefined;
  }

  function empty(v) {
    if (v === null || v === undefined) {
      return true;
    }
    if (typeof v === "string") {
      return v.trim().length === 0;
    }
    if (Array.isArray(v)) {
      return v.length === 0;
    }
    return typeof v === "object" && Object.keys(v).length === 0;
  }

  function compare(op, a, b) {
    if (op === "=") {
      return equal(a, b);
    }
    if (op === "!=") {
      return !equal(a, b);
    }
    if (!((isNumber(a) && isNumber(b)) || (typeof a === "string" && typeof b === "string"))) {
      return false;
    }
    switch (op) {
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      default: return a >= b;
    }
  }

  function arith(op, a, b) {
    if (!(isNumber(a) && isNumber(b))) {
      return null;
    }
    switch (op) {
      case "+": return a + b;
      case "-": return a - b;
      case "*": return a * b;
      default: return b === 0 ? null : a / b;
    }
  }

  function get(answers, name) {
    return Object.prototype.hasOwnProperty.call(answers, name) ? answers[name] : null;
  }

  function evaluate(tree, answers) {
    var kind = tree[0];
    switch (kind) {
      case "num": case "str": case "bool": return tree[1];
      case "null": return null;
      case "ref": return get(answers, tree[1]);
      case "neg": {
        var v = evaluate(tree[1], answers);
        return isNumber(v) ? -v : null;
      }
      case "not": return !truthy(evaluate(tree[1], answers));
      case "and": return truthy(evaluate(tree[1], answers)) && truthy(evaluate(tree[2], answers));
      case "or": return truthy(evaluate(tree[1], answers)) || truthy(evaluate(tree[2], answers));
      case "cmp": return compare(tree[1], evaluate(tree[2], answers), evaluate(tree[3], answers));
      case "arith": return arith(tree[1], evaluate(tree[2], answers), evaluate(tree[3], answers));
      case "if": return evaluate(truthy(evaluate(tree[1], answers)) ? tree[2] : tree[3], answers);
      case "count":
        return tree[1].filter(function (pair) { return equal(get(answers, pair[0]), pair[1]); }).length;
      case "score":
        return tree[1].reduce(function (total, entry) {
          var value = get(answers, entry[0]);
          return entry[1].reduce(function (t, pair) { return equal(value, pair[0]) ? t + pair[1] : t; }, total);
        }, 0);
      case "sum":
        return tree[1].reduce(function (t, n) { var v = get(answers, n); return isNumber(v) ? t + v : t; }, 0);
      case "answered":
        return tree[1].filter(function (n) { return !empty(get(answers, n)); }).length;
      default:
        throw new Error("unknown step " + kind);
    }
  }

  function text(value) {
    if (value === null || value === undefined) {
      return "Not known yet";
    }
    if (typeof value === "boolean") {
      return value ? "Yes" : "No";
    }
    if (isNumber(value)) {
      return String(Math.round(value * 100) / 100);
    }
    if (Array.isArray(value)) {
      return value.map(text).join(", ");
    }
    return typeof value === "string" ? value : "";
  }

  // Return the typed answers of the questions calculations read: from the page when they are on it (hidden
  // ones count as unanswered, as on the server), otherwise as saved.
  function answersOf(root, config) {
    var out = {};
    var fields = config.fields || {};
    Object.keys(fields).forEach(function (name) {
      var els = Array.prototype.filter.call(root.querySelectorAll("[name]"), function (el) {
        return el.name === name;
      });
      if (!els.length) {
        if (Object.prototype.hasOwnProperty.call(config.saved || {}, name)) {
          out[name] = config.saved[name];
        }
        return;
      }
      var info = fields[name];
      var values = [];
      els.forEach(function (el) {
        if (el.disabled || el.closest("[data-field-wrapper][hidden]")) {
          return;
        }
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
          return;
        }
        var raw = (el.value || "").trim();
        if (!raw) {
          return;
        }
        var option = (info.options || []).filter(function (o) { return o[0] === raw; })[0];
        if (option) {
          values.push(option[1]);
        } else if (info.kind === "number" && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw)) {
          values.push(Number(raw));
        } else {
          values.push(raw);
        }
      });
      if (info.kind === "list") {
        if (values.length) {
          out[name] = values;
        }
      } else if (values.length) {
        out[name] = values[0];
      }
    });
    return out;
  }

  function refresh(root, config) {
    var answers = answersOf(root, config);
    (config.results || []).forEach(function (result) {
      var value = evaluate(result.tree, answers);
      root.querySelectorAll('[data-result="' + result.key + '"]').forEach(function (out) {
        var span = out.querySelector("[data-result-text]") || out;
        span.textContent = text(value);
        var colour = typeof value === "string" ? (result.colours || {})[value] : "";
        if (span !== out) {
          span.className = colour ? "govuk-tag govuk-tag--" + colour : "pathway-result-value";
        }
      });
    });
    return answers;
  }

  window.PathwayExpr = {evaluate: evaluate, truthy: truthy, text: text, answersOf: answersOf, refresh: refresh};
})();
