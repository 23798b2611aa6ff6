/* Passerelle partner widget loader.
 *
 *   <script src="https://passerelle.example.fr/static/js/embed.js" data-token="…"
 *           data-commune="83137" async></script>
 *
 * Inserts an iframe after each such script tag (several widgets may share a page), then sizes
 * it to its content: the widget posts its height to this page's origin only, and this page
 * accepts messages only from the widget's origin and from that very iframe. */
(function () {
  "use strict";
  var PRESETS = { commune: "code_insee", departement: "departement", rayon: "rayon", avip: "avip" };
  var registry = window.__passerelleWidgets = window.__passerelleWidgets || { frames: {}, count: 0, listening: false };

  function widgetOrigin(script) {
    return new URL(script.src, document.baseURI).origin;
  }

  function listen() {
    if (registry.listening) return;
    registry.listening = true;
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (!data || data.type !== "passerelle:hauteur" || typeof data.id !== "string") return;
      var entry = registry.frames[data.id];
      if (!entry || event.origin !== entry.origin || event.source !== entry.frame.contentWindow) return;
      var height = Math.round(Number(data.hauteur));
      if (height > 0 && height < 20000) entry.frame.style.height = height + "px";
    });
  }

  function build(script) {
    script.setAttribute("data-passerelle-pret", "1");
    var origin = widgetOrigin(script);
    var kind = script.getAttribute("data-widget") === "estimateur" ? "estimateur" : "recherche";
    var id = "passerelle-" + (++registry.count) + "-" + Math.random().toString(36).slice(2, 8);
    var params = new URLSearchParams();
    params.set("token", script.getAttribute("data-token") || "");
    params.set("parent", window.location.origin);
    params.set("id", id);
    if (kind === "recherche") {
      Object.keys(PRESETS).forEach(function (name) {
        var value = script.getAttribute("data-" + name);
        if (value) params.set(PRESETS[name], value);
      });
      (script.getAttribute("data-types") || "").split(",").forEach(function (value) {
        if (value.trim()) params.append("type", value.trim());
      });
    }
    var frame = document.createElement("iframe");
    frame.src = origin + "/widget/" + kind + "?" + params.toString();
    frame.title = kind === "recherche" ? "Trouver un mode de garde (Passerelle)" : "Estimer mes aides à la garde (Passerelle)";
    frame.setAttribute("data-passerelle-id", id);
    frame.setAttribute("loading", "lazy");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.minHeight = "320px";
    frame.style.height = "640px";
    frame.addEventListener("load", function () {
      frame.contentWindow.postMessage({ type: "passerelle:demande-hauteur", id: id }, origin);
    });
    registry.frames[id] = { frame: frame, origin: origin };
    script.parentNode.insertBefore(frame, script.nextSibling);
  }

  listen();
  var scripts = document.querySelectorAll("script[data-token][src*='embed.js']:not([data-passerelle-pret])");
  Array.prototype.forEach.call(scripts, build);
})();
