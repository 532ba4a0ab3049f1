/* Cluster Readiness: progressive enhancement only. Every page works without this file.
   Follow-up questions appear and disappear as the answer they depend on changes
   (without JavaScript they are always shown, with "Answer only if ..." in words).
   (The language picker needs no script: on a page with answers not yet saved its buttons belong
   to that page's form, see templates/base.html.) */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* ---- Conditions: the same operators as readiness/conditions.py ---- */
  var DONT_KNOW = "dont_know";
  function asList(v) { return Array.isArray(v) ? v : [v]; }
  function num(v) { var n = typeof v === "number" ? v : parseFloat(v); return isFinite(n) ? n : null; }
  function cmp(fn) { return function (a, b) { var x = num(a), y = num(b); return x !== null && y !== null && fn(x, y); }; }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  var OPERATORS = {
    eq: same,
    ne: function (a, b) { return !same(a, b); },
    "in": function (a, b) { return asList(b).some(function (x) { return same(a, x); }); },
    not_in: function (a, b) { return !asList(b).some(function (x) { return same(a, x); }); },
    lt: cmp(function (a, b) { return a < b; }),
    lte: cmp(function (a, b) { return a <= b; }),
    gt: cmp(function (a, b) { return a > b; }),
    gte: cmp(function (a, b) { return a >= b; }),
    includes: function (a, b) { return asList(a).indexOf(b) >= 0; },
    includes_any: function (a, b) { return asList(a).some(function (x) { return asList(b).indexOf(x) >= 0; }); },
    excludes: function (a, b) { return asList(a).indexOf(b) < 0; },
    count_gte: function (a, b) { return asList(a).length >= (num(b) || 0); },
    count_lte: function (a, b) { return asList(a).length <= (num(b) || 0); }
  };
  function isKnown(v) {
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) { return false; }
    return !same(v, DONT_KNOW) && !same(v, [DONT_KNOW]);
  }
  function evaluate(cond, answerOf) {
    if (cond.all) { return cond.all.every(function (c) { return evaluate(c, answerOf); }); }
    if (cond.any) { return cond.any.some(function (c) { return evaluate(c, answerOf); }); }
    if (cond.not) { return !evaluate(cond.not, answerOf); }
    if (!cond.answer) { return true; }  /* scores are not known while answering: never hide on them */
    var actual = answerOf(cond.answer), known = isKnown(actual);
    var flag = cond.value === undefined || cond.value === null ? true : Boolean(cond.value);
    if (cond.op === "answered") { return known === flag; }
    if (cond.op === "unknown") { return !known === flag; }
    if (!known || !OPERATORS[cond.op]) { return false; }
    return OPERATORS[cond.op](actual, cond.value);
  }

  /* The current answer to a question of this page, as the server would store it. */
  function pageAnswer(form, id) {
    var inputs = Array.prototype.filter.call(form.elements, function (e) { return e.name === id && !e.disabled; });
    if (!inputs.length) { return undefined; }
    var first = inputs[0];
    if (first.type === "checkbox") {
      return inputs.filter(function (e) { return e.checked; }).map(function (e) { return e.value; });
    }
    if (first.type === "radio") {
      var chosen = inputs.filter(function (e) { return e.checked; })[0];
      return chosen ? chosen.value : null;
    }
    if (first.classList.contains("input-number")) {
      var text = first.value.trim().replace(",", ".");
      return text === "" ? null : num(text);
    }
    return first.value.trim() || null;
  }

  function setUpFollowUps(form) {
    var followUps = form.querySelectorAll(".question[data-show-if]");
    if (!followUps.length) { return; }
    var rules = Array.prototype.map.call(followUps, function (el) {
      return { el: el, spec: JSON.parse(el.getAttribute("data-show-if")) };
    });
    function refresh() {
      rules.forEach(function (r) {
        var show = evaluate(r.spec["if"], function (id) {
          var v = pageAnswer(form, id);
          return v === undefined ? r.spec.known[id] : v;
        });
        /* A follow-up that has an error message stays visible: the officer must see it. */
        if (!show && r.el.classList.contains("has-error")) { show = true; }
        r.el.hidden = !show;
        /* Disabled fields are not sent (the server drops answers that do not apply) but keep
           their state, so a follow-up that comes back still shows what was ticked. */
        Array.prototype.forEach.call(r.el.querySelectorAll("input, textarea, select"), function (e) {
          if (e.name !== "confirm_drop") { e.disabled = !show; }
        });
      });
    }
    form.addEventListener("change", refresh);
    form.addEventListener("input", refresh);
    refresh();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), setUpFollowUps);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
