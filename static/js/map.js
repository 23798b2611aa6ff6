/* The results map with JavaScript: Leaflet (static/vendor) draws the same points as the
   server's SVG, from /recherche/carte.json (all matching offers), with clusters that open on
   a click and a tile background only when MAP_TILES_URL is set. Without JavaScript, or if
   anything fails, the server's SVG map stays. No inline script or style (CSP). */
(function () {
  "use strict";
  var loading = null;

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }

  function leaflet(box) {
    if (window.L && window.L.markerClusterGroup) return Promise.resolve();
    if (!loading) {
      var d = box.dataset;
      loading = Promise.all([
        load("link", { rel: "stylesheet", href: d.leafletCss }),
        load("link", { rel: "stylesheet", href: d.clusterCss }),
        load("script", { src: d.leafletJs })
      ]).then(function () { return load("script", { src: d.clusterJs }); });
    }
    return loading;
  }

  var SHAPES = {
    avip: '<rect class="mark mark-avip" x="4" y="4" width="12" height="12"/>',
    free: '<path class="mark mark-free" d="M10 2L17 16L3 16Z"/>',
    atypical: '<path class="mark mark-atypical" d="M10 2L18 10L10 18L2 10Z"/>',
    other: '<circle class="mark mark-other" cx="10" cy="10" r="6"/>'
  };

  function icon(category) {
    return L.divIcon({
      className: "lf-mark",
      html: '<svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">' + (SHAPES[category] || SHAPES.other) + "</svg>",
      iconSize: [20, 20]
    });
  }

  function text(s) {
    var span = document.createElement("span");
    span.textContent = s;
    return span.innerHTML;
  }

  function draw(box, data) {
    var holder = document.createElement("div");
    holder.className = "leaflet-holder";
    holder.id = "carte-interactive";
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", "Carte interactive : " + data.text);
    var svg = box.querySelector("svg.map");
    svg.parentNode.insertBefore(holder, svg);
    svg.classList.add("is-replaced");
    var map = L.map(holder, { attributionControl: true, zoomControl: false, scrollWheelZoom: false, maxZoom: 18, minZoom: 5, zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", "Fermer la fiche"); close.setAttribute("title", "Fermer la fiche"); }
    });
    map.attributionControl.setPrefix(false);
    var d = box.dataset;
    if (d.tiles) {
      L.tileLayer(d.tiles, { attribution: text(d.tilesAttribution || ""), maxZoom: 18 }).addTo(map);
    }
    fetch(d.outlines).then(function (r) { return r.json(); }).then(function (geo) {
      L.geoJSON(geo, { interactive: false, style: { className: "lf-area", fillOpacity: 1, fillColor: "#fbfbfd", color: "#9aa0b4", weight: 1 } }).addTo(map).bringToBack();
    }).catch(function () {});
    map.attributionControl.addAttribution(text(data.attribution));
    var center = L.latLng(data.center[0], data.center[1]);
    map.fitBounds(center.toBounds(data.radius_km * 2000));
    L.circle(center, { radius: data.radius_km * 1000, className: "map-radius", interactive: false }).addTo(map);
    L.circleMarker(center, { radius: 6, className: "lf-place", interactive: false }).addTo(map);
    var newTab = d.newTab ? ' target="_blank" rel="noopener"' : "";
    var group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 30 });
    data.points.forEach(function (p) {
      var label = p[4] + " (" + (data.categories[p[2]] || "") + ")";
      var m = L.marker([p[0], p[1]], { icon: icon(p[2]), title: label, alt: label, keyboard: true });
      m.bindPopup('<a href="' + text(data.offer_url.replace("{id}", p[3])) + '"' + newTab + ">" + text(p[4]) + "</a><br>" + text(data.categories[p[2]] || ""));
      group.addLayer(m);
    });
    map.addLayer(group);
  }

  function init(root) {
    var box = (root || document).querySelector("#carte[data-points]");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    leaflet(box)
      .then(function () { return fetch(box.dataset.points, { headers: { Accept: "application/json" } }); })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { if (data.center) draw(box, data); })
      .catch(function (e) { if (window.console) console.warn("carte :", e); /* the server SVG map stays */ });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function () { init(document); });
})();
