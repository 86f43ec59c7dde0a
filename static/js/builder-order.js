// Progressive enhancement of the form builder's questions page: questions move without reloading the page, by
// dragging one onto another's place or with the "Position" box and the Move up / Move down buttons, and each
// move is announced. Without this script the same forms post and the page reloads; the server decides every move
// (a stale page gets the usual "someone else changed this form" answer).
(function () {
  "use strict";

  var outline = document.getElementById("builder-outline");
  var live = document.getElementById("builder-announce");
  if (!outline || !live || !outline.hasAttribute("data-reorder") || !window.fetch || !window.FormData ||
      !window.DOMParser) {
    return;
  }
  var dragging = null;
  var busy = false;

  function announce(text) {
    // Emptied first so that the same words twice in a row are still read out.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function addHandles() {
    var rows = outline.querySelectorAll("[data-position-row]");
    for (var i = 0; i < rows.length; i += 1) {
      var key = rows[i].querySelector(".govuk-summary-list__key");
      if (!key || key.querySelector(".pathway-drag-handle")) {
        continue;
      }
      var handle = document.createElement("span");
      handle.className = "pathway-drag-handle";
      handle.setAttribute("draggable", "true");
      handle.setAttribute("aria-hidden", "true");
      handle.setAttribute("title", "Drag to move " + rows[i].getAttribute("data-label"));
      handle.textContent = "\u2630";
      key.insertBefore(handle, key.firstChild);
    }
  }

  function refresh() {
    return fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin", headers: {"Accept": "text/html"}
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("reload");
      }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("builder-outline");
      if (!fresh) {
        throw new Error("reload");
      }
      outline.innerHTML = fresh.innerHTML;
      addHandles();
    });
  }

  function send(form) {
    if (busy) {
      return;
    }
    busy = true;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("refused");
      }
      // The move was made; an answer that is not the JSON asked for only lacks the words to announce.
      return (response.headers.get("Content-Type") || "").indexOf("json") >= 0 ? response.json()
        : {message: "Question moved", anchor: ""};
    }).then(function (body) {
      return refresh().then(function () {
        busy = false;
        announce(body.message);
        var row = document.getElementById(body.anchor);
        if (row) {
          row.setAttribute("tabindex", "-1");
          row.focus();
        }
      });
    }).catch(function () {
      // A refused move (a wrong position, someone else's change) is shown by the page itself, as without script.
      busy = false;
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  function rowOf(node) {
    return node && node.closest ? node.closest("[data-position-row]") : null;
  }

  function clearMarks() {
    var marked = outline.querySelectorAll(".pathway-drop-target, .pathway-dragging");
    for (var i = 0; i < marked.length; i += 1) {
      marked[i].classList.remove("pathway-drop-target", "pathway-dragging");
    }
  }

  outline.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-move-form")) {
      event.preventDefault();
      send(form);
    }
  });

  outline.addEventListener("dragstart", function (event) {
    var row = event.target.classList && event.target.classList.contains("pathway-drag-handle") ? rowOf(event.target)
      : null;
    if (!row) {
      return;
    }
    dragging = row;
    row.classList.add("pathway-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.getAttribute("data-path"));
  });

  outline.addEventListener("dragover", function (event) {
    var row = rowOf(event.target);
    if (!dragging || !row || row === dragging) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!row.classList.contains("pathway-drop-target")) {
      clearMarks();
      dragging.classList.add("pathway-dragging");
      row.classList.add("pathway-drop-target");
    }
  });

  outline.addEventListener("drop", function (event) {
    var row = rowOf(event.target);
    var from = dragging;
    dragging = null;
    clearMarks();
    if (!from || !row || row === from) {
      return;
    }
    event.preventDefault();
    var form = from.querySelector(".govuk-summary-list__actions [data-position-form]");
    if (!form) {
      return;
    }
    form.querySelector("input[name=position]").value = row.getAttribute("data-position");
    send(form);
  });

  outline.addEventListener("dragend", function () {
    dragging = null;
    clearMarks();
  });

  addHandles();
})();
