/* Passerelle: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  /* Estimator: when the inline check reveals the next step, move the keyboard focus there if
     it had left the steps (e.g. Tab from the last field onto the submit button). */
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var el = event.target;
    if (!el || !el.id) return;
    if (el.id === "etat-etapes") {
      var shown = parseInt(el.getAttribute("data-visibles") || "0", 10);
      var before = parseInt(root.getAttribute("data-etapes-vues") || "1", 10);
      root.setAttribute("data-etapes-vues", String(Math.max(shown, before)));
      if (shown > before) {
        var step = document.querySelector('[data-etape="' + shown + '"]');
        var active = document.activeElement;
        var outside = !active || active === document.body || !step ||
          (active.closest && active.closest(".form-actions"));
        if (step && outside) step.focus();
      }
      return;
    }
    /* A field's message changed: keep aria-invalid in step with it. */
    if (el.id.indexOf("erreur-") === 0) {
      var invalid = el.textContent.trim() !== "";
      document.querySelectorAll('[aria-describedby~="' + el.id + '"]').forEach(function (input) {
        if (invalid) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
    }
  });

  /* Search: a filter replaces the address (the form's hx-replace-url); a new place is a new
     search, which pushes one history entry (Back returns to the previous place). */
  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var detail = event.detail || {};
    var form = detail.requestConfig && detail.requestConfig.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-new-search-pushes")) return;
    if (!detail.history || !detail.history.path || !window.URL) return;
    var place = function (address) {
      var params = new URL(address, location.href).searchParams;
      return (params.get("lieu") || "").trim() + "|" + (params.get("code_insee") || "");
    };
    detail.history.type = place(detail.history.path) === place(location.href) ? "replace" : "push";
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-print]")) window.print();
  });

  /* « Copier le texte »: the button is shown only with JavaScript (without it, the text stays
     selectable); the status next to it says it was copied. */
  function copyText(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source) return;
    var message = button.getAttribute("data-copied") || "Texte copié.";
    var done = function () { if (status) status.textContent = message; };
    var select = function () {
      source.focus();
      source.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      if (copied) done();
      else if (status) status.textContent = "Texte sélectionné : copiez-le (appui long ou Ctrl+C).";
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(source.value).then(done, select);
    } else {
      select();
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-copy]");
    if (button) copyText(button);
  });
  function showCopyButtons(root) {
    if (root.matches && root.matches("[data-copy]")) root.hidden = false;
    if (root.querySelectorAll) root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { showCopyButtons(document); });
  /* A fragment swapped in by htmx (the /integrer code) brings its button hidden again. */
  document.addEventListener("htmx:load", function (event) { showCopyButtons(event.detail.elt); });
})();
