// Live progress on the round page: found / expected per division, refreshed every 5 s while counting.
(function () {
  "use strict";
  var table = document.getElementById("progress");
  if (!table || !table.dataset.live) return;
  function refresh() {
    fetch(table.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.sheets.forEach(function (sheet) {
          var row = table.querySelector('tr[data-sheet="' + sheet.id + '"]');
          if (!row) return;
          row.querySelector('[data-field="found"]').textContent = sheet.found + " / " + sheet.expected;
          row.querySelector('[data-field="missing"]').textContent = sheet.missing;
          row.querySelector('[data-field="pending"]').textContent = sheet.pending;
        });
      }, function () { /* offline: try again later */ });
  }
  setInterval(refresh, 5000);
})();
