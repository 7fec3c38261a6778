// The overview's map: one circle per school of the table below (the table is the data, so the
// page works without this script), coloured as the table marks it; tap for its card's link.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || typeof L === "undefined") { return; }
  var colours = { none: "#b0b7bf", one: "#2f80ed", many: "#e2553d" };
  // Quiet schools first, so the ones with activity are drawn on top of them.
  var order = { none: 0, one: 1, many: 2 };
  var rows = Array.prototype.slice.call(
    document.querySelectorAll("#schools tbody tr[data-lat]")
  ).sort(function (a, b) { return (order[a.className] || 0) - (order[b.className] || 0); });
  box.hidden = false;
  var map = L.map(box);
  L.tileLayer(box.dataset.tiles, {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  var points = [];
  rows.forEach(function (row) {
    var point = [parseFloat(row.dataset.lat), parseFloat(row.dataset.lon)];
    var link = row.querySelector("a");
    var marker = L.circleMarker(point, {
      radius: 7, weight: 1, color: "#222", fillOpacity: 0.9,
      fillColor: colours[row.className] || colours.none, className: "school " + row.className
    });
    var popup = document.createElement("a");
    popup.href = link.href;
    popup.textContent = link.textContent;
    marker.bindPopup(popup);
    marker.addTo(map);
    points.push(point);
  });
  if (points.length) { map.fitBounds(points, { padding: [20, 20], maxZoom: 15 }); }
  else { map.setView([-9.19, -75.02], 5); }  // Peru
  box.dataset.markers = String(points.length);
  var note = document.getElementById("map-note");
  if (note) { note.hidden = true; }
})();
