// Progressive enhancement of the form builder's question page: without this script every setting stays visible
// and the server ignores the ones that do not apply.
(function () {
  "use strict";

  var target = document.getElementById("show_when_field");
  var details = document.querySelector("[data-condition-details]");
  var answer = document.querySelector("[data-condition-answer]");
  if (!target || !details || !answer) {
    return;
  }

  function operator() {
    var checked = document.querySelector('input[name="show_when_operator"]:checked');
    return checked ? checked.value : "equals";
  }

  function update() {
    details.hidden = !target.value;
    answer.hidden = !target.value || operator() === "not_empty";
  }

  target.addEventListener("change", update);
  details.addEventListener("change", update);
  update();
})();
