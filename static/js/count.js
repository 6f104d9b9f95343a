// The counting page: each scan is queued in the page's own storage (localStorage) first, then sent; a scan
// made without signal waits there and is sent when the connection returns (the "online" event, and a
// retry every few seconds). Each scan carries its own id, so the server records it once even if it is sent
// again (an answer lost on the way). Scans are dropped from the queue only once the server has answered.
(function () {
  "use strict";
  var root = document.getElementById("count");
  var form = document.getElementById("scan-form");
  var recentList = document.getElementById("recent");
  var net = document.getElementById("net");
  var queueKey = "phatsadu.count." + root.dataset.sheet + "." + root.dataset.user;
  var recentKey = queueKey + ".recent";
  var sending = false;

  function load(key) {
    try { return JSON.parse(localStorage.getItem(key)) || []; } catch (error) { return []; }
  }
  function store(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function render() {
    var queue = load(queueKey);
    var recent = load(recentKey);
    recentList.textContent = "";
    queue.slice().reverse().forEach(function (item) {
      var li = document.createElement("li");
      li.dataset.state = "waiting";
      li.textContent = item.number + " · " + recentList.dataset.waiting + (item.photoDropped ? " · " + recentList.dataset.photoDropped : "");
      recentList.appendChild(li);
    });
    recent.forEach(function (item) {
      var li = document.createElement("li");
      li.dataset.state = item.error ? "error" : "sent";
      li.textContent = item.message;
      if (item.error) li.style.color = "#b3261e";
      recentList.appendChild(li);
    });
    showNet(queue.length);
  }

  function showNet(waiting, problem) {
    var text = problem || (navigator.onLine ? net.dataset.online : net.dataset.offline);
    if (waiting) text += " · " + net.dataset.pending + " " + waiting;
    net.textContent = text;
  }

  function remember(entry) {
    var recent = load(recentKey);
    recent.unshift(entry);
    store(recentKey, recent.slice(0, 30));
  }

  function drop(clientId) {
    store(queueKey, load(queueKey).filter(function (item) { return item.client_id !== clientId; }));
  }

  function progress(data) {
    if (!data || !data.progress) return;
    document.getElementById("found").textContent = data.progress.found;
    document.getElementById("expected").textContent = data.progress.expected;
  }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function sendOne(item) {
    var body = { client_id: item.client_id, number: item.number, condition: item.condition, location: item.location,
                 note: item.note, photo: item.photo || "", scanned_at: item.scanned_at };
    return fetch(root.dataset.scanUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.ok && json) {
        return response.json().then(function (data) {
          drop(item.client_id);
          remember({ message: data.message, outcome: data.outcome });
          progress(data);
          return "sent";
        });
      }
      if ((response.status === 400 || response.status === 403) && json) {
        return response.json().then(function (data) {
          drop(item.client_id);
          remember({ message: item.number + ": " + data.error, error: true });
          return "refused";
        });
      }
      return response.type === "opaqueredirect" || response.status === 302 ? "signin" : "server";
    });
  }

  function flush() {
    if (sending) return;
    var queue = load(queueKey);
    if (!queue.length) { render(); return; }
    if (!navigator.onLine) { render(); return; }
    sending = true;
    var problem = "";
    (function next() {
      var pending = load(queueKey);
      if (!pending.length) { sending = false; render(); return; }
      sendOne(pending[0]).then(function (result) {
        if (result === "sent" || result === "refused") return next();
        problem = result === "signin" ? net.dataset.signin : net.dataset.server;
        sending = false; render(); showNet(load(queueKey).length, problem);
      }, function () {
        sending = false; render();  // no connection: keep everything, try again later
      });
    })();
  }

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!file) return resolve("");
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(image.width, image.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.width * scale);
        canvas.height = Math.round(image.height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        resolve(canvas.toDataURL("image/jpeg", 0.8));
      };
      image.onerror = function () { URL.revokeObjectURL(url); resolve(""); };
      image.src = url;
    });
  }

  function enqueue(item) {
    var queue = load(queueKey);
    queue.push(item);
    try {
      store(queueKey, queue);
    } catch (error) {  // storage full: keep the scan, not its photo
      item.photo = ""; item.photoDropped = true;
      queue[queue.length - 1] = item;
      store(queueKey, queue);
    }
  }

  if (form) {
    var number = document.getElementById("number");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = number.value.trim();
      if (!text) return;
      var photoInput = document.getElementById("photo");
      shrink(photoInput.files && photoInput.files[0]).then(function (photo) {
        enqueue({ client_id: newId(), number: text, condition: document.getElementById("condition").value,
                  location: document.getElementById("location").value, note: document.getElementById("note").value,
                  photo: photo, scanned_at: new Date().toISOString() });
        // The condition, the note and the photo belong to the asset just saved: the next one starts usable. The
        // place stays (the inspector is still in that room).
        number.value = ""; document.getElementById("note").value = ""; photoInput.value = "";
        document.getElementById("condition").selectedIndex = 0;
        render();
        number.focus();
        flush();
      });
    });
    form.addEventListener("scanned", function () { form.requestSubmit(); });
  }
  // The label page (/a/<number>) offers "record in this count" while this sheet is being counted here.
  try {
    localStorage.setItem("phatsadu.counting", JSON.stringify({ url: root.dataset.countUrl, division: root.dataset.division }));
  } catch (error) { /* private mode: the label page just will not offer it */ }

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { render(); });
  setInterval(flush, 4000);
  render();
  flush();
})();
