/* Inside the Passerelle widget: tell the partner page our height, to its origin only (checked by
 * the server against the partner token), and answer its height requests from that origin only. */
(function () {
  "use strict";
  var root = document.documentElement;
  var parentOrigin = root.getAttribute("data-parent-origin");
  var id = root.getAttribute("data-widget-id");
  if (!parentOrigin || !id || window.parent === window) return;
  var last = 0;

  function send(force) {
    var height = Math.ceil(document.body.getBoundingClientRect().height) + 16;
    if (!force && Math.abs(height - last) < 2) return;
    last = height;
    window.parent.postMessage({ type: "passerelle:hauteur", id: id, hauteur: height }, parentOrigin);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    if (event.data && event.data.type === "passerelle:demande-hauteur") send(true);
  });
  if (window.ResizeObserver) new ResizeObserver(function () { send(false); }).observe(document.body);
  document.addEventListener("htmx:afterSettle", function () { send(false); });
  window.addEventListener("load", function () { send(true); });
  send(true);
})();
