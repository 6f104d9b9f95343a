// Camera scanning for the scanner page: the browser's BarcodeDetector where there is one, otherwise
// jsQR (served by the app itself when the set-up installed it). The text box always works without this.
(function () {
  "use strict";
  var script = document.currentScript;
  var start = document.getElementById("start");
  var video = document.getElementById("video");
  var camera = document.getElementById("camera");
  var statusLine = document.getElementById("camera-status");
  var noCamera = document.getElementById("no-camera");
  var input = document.getElementById("number");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.isSecureContext) {
    noCamera.hidden = false;
    return;
  }
  start.hidden = false;

  // A plain scanner page submits its form; a counting page (data-scan-event) takes each code as an event
  // and the camera keeps scanning (the same code again within 3 s is ignored).
  var continuous = !!input.form.dataset.scanEvent;
  var last = { text: "", at: 0 };

  function go(text) {
    if (continuous && text === last.text && Date.now() - last.at < 3000) return true;
    last = { text: text, at: Date.now() };
    input.value = text;
    if (!continuous) {
      input.form.submit();
      return false;
    }
    input.form.dispatchEvent(new CustomEvent("scanned", { detail: text }));
    return true;
  }

  function loadFallback() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve(window.jsQR);
      var tag = document.createElement("script");
      tag.src = script.dataset.fallback;
      tag.onload = function () { window.jsQR ? resolve(window.jsQR) : reject(); };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function detectorLoop(detector) {
    detector.detect(video).then(function (codes) {
      if (codes.length && !go(codes[0].rawValue)) return;
      requestAnimationFrame(function () { detectorLoop(detector); });
    }).catch(function () { requestAnimationFrame(function () { detectorLoop(detector); }); });
  }

  function canvasLoop(decode) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    (function tick() {
      if (video.readyState >= 2) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        var frame = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = decode(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
        if (code && code.data && !go(code.data)) return;
      }
      requestAnimationFrame(tick);
    })();
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      camera.hidden = false;
      start.hidden = true;
      return video.play();
    }).then(function () {
      if ("BarcodeDetector" in window) {
        detectorLoop(new window.BarcodeDetector({ formats: ["qr_code"] }));
      } else {
        loadFallback().then(canvasLoop, function () {
          statusLine.textContent = noCamera.textContent;
        });
      }
    }).catch(function (error) {
      statusLine.textContent = error && error.message ? error.message : String(error);
      camera.hidden = false;
    });
  });
})();
