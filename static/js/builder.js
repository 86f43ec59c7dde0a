// Progressive enhancement of the form builder's question page: without this script every setting stays visible
// and the server ignores the ones that do not apply. The condition's answer list then holds every question's
// options (grouped by question); with it, only the options of the question chosen, or a box to type the answer in
// when that question is answered in words or a number.
(function () {
  "use strict";

  var target = document.getElementById("show_when_field");
  var details = document.querySelector("[data-condition-details]");
  var answer = document.querySelector("[data-condition-answer]");
  if (!target || !details || !answer) {
    return;
  }
  var choice = document.querySelector("[data-condition-choice]");
  var select = document.getElementById("show_when_option");
  var typed = document.querySelector("[data-condition-typed]");
  // Copies: emptying the list below takes the options out of the page's own groups.
  var groups = select ? Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
    return group.cloneNode(true);
  }) : [];

  function operator() {
    var checked = document.querySelector('input[name="show_when_operator"]:checked');
    return checked ? checked.value : "equals";
  }

  function showOptionsOf(name) {
    // Options cannot be hidden reliably in every browser, so the list is rebuilt from the chosen question's group.
    var chosen = select.value;
    var group = null;
    for (var i = 0; i < groups.length; i += 1) {
      if (groups[i].getAttribute("data-target") === name) {
        group = groups[i];
      }
    }
    while (select.options.length > 1) {
      select.remove(1);
    }
    while (select.lastElementChild && select.lastElementChild.tagName === "OPTGROUP") {
      select.removeChild(select.lastElementChild);
    }
    if (group) {
      var options = group.querySelectorAll("option");
      for (var j = 0; j < options.length; j += 1) {
        select.appendChild(options[j].cloneNode(true));
      }
      select.value = chosen;
      if (select.value !== chosen) {
        select.value = "";
      }
    }
    return group !== null;
  }

  function update() {
    details.hidden = !target.value;
    answer.hidden = !target.value || operator() === "not_empty";
    var listed = select ? showOptionsOf(target.value) : false;
    if (choice) {
      choice.hidden = !listed;
    }
    if (typed) {
      typed.hidden = listed;
    }
  }

  target.addEventListener("change", update);
  details.addEventListener("change", update);
  update();
})();
