/* The chat widget's loader: one script tag on any page draws the launcher; the chat opens in an iframe
 * served by the helpdesk, created on first open. See docs/widget.md.
 * <script src="https://HELPDESK/static/widget/loader.js" data-locale="fa" data-colour="#0b7285"
 *         data-position="end" data-identity="…" async></script>
 * Its words come from the helpdesk (/<locale>/chat/widget/launcher.json) unless the tag carries them
 * (data-label-launcher, data-label-frame, data-label-unread), as on the help centre's own pages.
 * When the surveys' exit-intent question is on (launcher.json says so), a visitor whose pointer leaves
 * the page through its top edge is asked it once, in a small frame, at most once in 30 days.
 */
(function () {
  "use strict";
  var existing = window.HelpdeskChat;
  if (existing && existing.loaded) return;
  var script = document.currentScript || document.querySelector("script[src*='/widget/loader.js']");
  if (!script || !window.URL || !window.postMessage) return;

  var origin = new URL(script.src, window.location.href).origin;
  var data = script.dataset;
  var LOCALES = ["en", "ar", "fa"];
  var guess = String(data.locale || document.documentElement.lang || "en").toLowerCase().split(/[-_]/)[0];
  var locale = LOCALES.indexOf(guess) >= 0 ? guess : "en";
  var rtl = locale === "ar" || locale === "fa";
  var colour = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(data.colour || data.color || "") ? (data.colour || data.color) : "#0b5cad";
  var side = data.position === "start" ? "start" : "end";
  var TOKEN = /^[A-Za-z0-9_-]+\.[0-9a-f]{64}$/;

  var identity = TOKEN.test(data.identity || "") ? data.identity : "";
  var host, root, wrap, launcher, panel, frame, badge, badgeText, strings, exitPanel, exitFrame, exitReturn;
  var opened = false, ready = false, wantOpen = false;

  function post(message) {
    if (!frame || !ready) return;
    message.helpdesk = "chat";
    frame.contentWindow.postMessage(message, origin);
  }

  function inkFor(hex) {
    if (hex.length === 4) hex = "#" + hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3];
    var sum = 0;
    [[1, 0.2126], [3, 0.7152], [5, 0.0722]].forEach(function (part) {
      var c = parseInt(hex.substr(part[0], 2), 16) / 255;
      sum += part[1] * (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    });
    // White or near-black, whichever contrasts more with the shop's colour.
    return 1.05 / (sum + 0.05) >= (sum + 0.05) / 0.0647 ? "#fff" : "#1b1f24";
  }

  var CSS_TEXT =
    ":host{all:initial}" +
    ".launcher{position:fixed;z-index:2147483000;inset-block-end:20px;inset-inline-" + side + ":20px;" +
    "inline-size:56px;block-size:56px;border-radius:50%;border:0;padding:0;cursor:pointer;display:flex;" +
    "align-items:center;justify-content:center;background:" + colour + ";color:" + inkFor(colour) + ";" +
    "box-shadow:0 4px 14px rgba(0,0,0,.3)}" +
    ".launcher:focus{outline:none}" +
    ".launcher:focus-visible{outline:3px solid #b45309;outline-offset:3px;box-shadow:0 0 0 3px #fff,0 4px 14px rgba(0,0,0,.3)}" +
    ".launcher svg{inline-size:28px;block-size:28px}" +
    ".launcher .shut,.launcher[aria-expanded=true] .talk{display:none}" +
    ".launcher[aria-expanded=true] .shut{display:block}" +
    ".badge{position:absolute;inset-block-start:-4px;inset-inline-end:-4px;min-inline-size:20px;block-size:20px;" +
    "padding:0 5px;border-radius:10px;background:#a61b1b;color:#fff;font:700 12px/20px system-ui,sans-serif;" +
    "text-align:center;box-shadow:0 0 0 2px #fff}" +
    ".hidden{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    ".panel{position:fixed;z-index:2147483000;inset-block-end:88px;inset-inline-" + side + ":20px;" +
    "inline-size:min(380px,calc(100vw - 40px));block-size:min(600px,calc(100vh - 108px));border-radius:12px;" +
    "overflow:hidden;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.3)}" +
    ".panel[hidden]{display:none}" +
    "iframe{display:block;inline-size:100%;block-size:100%;border:0}" +
    // Phones: the chat takes the whole screen; its own close button (and Escape) brings the page back.
    "@media (max-width:480px){.panel{inset:0;inline-size:100%;block-size:100%;border-radius:0}" +
    ".launcher[aria-expanded=true]{display:none}}" +
    ".exit{position:fixed;z-index:2147483001;inset-block-start:20px;inset-inline-start:50%;transform:translateX(-50%);" +
    "inline-size:min(420px,calc(100vw - 40px));block-size:min(440px,calc(100vh - 40px));border-radius:12px;" +
    "overflow:hidden;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.35)}" +
    "[dir=rtl] .exit{transform:translateX(50%)}";

  var SVG = "http://www.w3.org/2000/svg";
  var ICONS = [
    ["talk", { fill: "currentColor", d: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 " +
      "6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z" }],
    ["shut", { d: "M6 6l12 12M18 6L6 18", stroke: "currentColor", "stroke-width": "2.5", "stroke-linecap": "round", fill: "none" }],
  ];

  function icon(spec) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", spec[0]);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    Object.keys(spec[1]).forEach(function (name) { path.setAttribute(name, spec[1][name]); });
    svg.appendChild(path);
    return svg;
  }

  function draw() {
    host = document.createElement("div");
    host.setAttribute("data-helpdesk-chat", "");
    root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      // A constructed sheet is not an inline style, so a shop's strict style-src CSP lets it through.
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS_TEXT);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = document.createElement("style");
      style.textContent = CSS_TEXT;
      root.appendChild(style);
    }

    wrap = document.createElement("div");
    wrap.lang = locale;
    wrap.dir = rtl ? "rtl" : "ltr";
    launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "helpdesk-chat-panel");
    ICONS.forEach(function (spec) { launcher.appendChild(icon(spec)); });
    var name = document.createElement("span");
    name.className = "hidden";
    name.textContent = strings.launcher;
    launcher.appendChild(name);
    badge = document.createElement("span");
    badge.className = "badge";
    badge.setAttribute("aria-hidden", "true");
    badge.hidden = true;
    launcher.appendChild(badge);
    badgeText = document.createElement("span");
    badgeText.className = "hidden";
    launcher.appendChild(badgeText);
    launcher.addEventListener("click", function () { if (opened) close(); else open(); });

    panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "helpdesk-chat-panel";
    panel.hidden = true;
    wrap.appendChild(panel);
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && exitPanel) { event.preventDefault(); closeExit(); }
      else if (event.key === "Escape" && opened) { event.preventDefault(); close(); }
    });
    document.body.appendChild(host);
    if (wantOpen) open();
  }

  function createFrame() {
    frame = document.createElement("iframe");
    frame.src = origin + "/" + locale + "/chat/widget/";
    frame.title = strings.frame;
    frame.addEventListener("load", function () {
      ready = true;
      post({ type: "init", page: window.location.href, identity: identity || null, open: opened, colour: colour });
    });
    panel.appendChild(frame);
  }

  function open() {
    if (!launcher) { wantOpen = true; return; }
    if (opened) return;
    opened = true;
    if (!frame) createFrame();
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
    post({ type: "opened" });
  }

  function close() {
    wantOpen = false;
    if (!launcher || !opened) return;
    opened = false;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    post({ type: "closed" });
    launcher.focus();
  }

  function identify(token) {
    if (typeof token !== "string" || !TOKEN.test(token) || token.length > 2048) return false;
    identity = token;
    post({ type: "identify", identity: token });
    return true;
  }

  function unread(count) {
    badge.hidden = count < 1;
    badge.textContent = count > 9 ? "9+" : String(count);
    badgeText.textContent = count > 0 ? " (" + strings.unread + ")" : "";
  }

  /* ---- the exit-intent question ---- */
  var EXIT_ASKED = "helpdesk-exit-intent-asked", VISITOR = "helpdesk-visitor", EXIT_DAYS = 30, ARM_AFTER_MS = 3000;

  function stored(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (error) { /* storage refused (private mode): then the question is not asked at all */ }
    return null;
  }

  function visitorId() {
    var id = stored(VISITOR);
    if (!/^[0-9a-f]{32}$/.test(id || "") && window.crypto && crypto.getRandomValues) {
      var bytes = crypto.getRandomValues(new Uint8Array(16));
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      stored(VISITOR, id);
    }
    return stored(VISITOR) === id ? id : "";
  }

  function askExit() {
    var visitor = visitorId();
    if (!visitor || exitPanel || opened) return;
    stored(EXIT_ASKED, String(Date.now()));
    exitReturn = document.activeElement;
    exitPanel = document.createElement("div");
    exitPanel.className = "exit";
    exitPanel.setAttribute("role", "dialog");
    exitPanel.setAttribute("aria-label", strings.exit_frame || "");
    exitFrame = document.createElement("iframe");
    exitFrame.title = strings.exit_frame || "";
    exitFrame.src = origin + "/" + locale + "/surveys/exit-intent/?visitor=" + visitor +
      "&page=" + encodeURIComponent(window.location.pathname);
    exitFrame.addEventListener("load", function () { exitFrame.focus(); });
    exitPanel.appendChild(exitFrame);
    wrap.appendChild(exitPanel);
    document.addEventListener("keydown", escapeExit);
  }

  function escapeExit(event) {
    if (event.key === "Escape") closeExit();
  }

  function closeExit() {
    if (!exitPanel) return;
    document.removeEventListener("keydown", escapeExit);
    exitPanel.remove();
    exitPanel = exitFrame = null;
    if (exitReturn && exitReturn.focus && document.contains(exitReturn)) exitReturn.focus();
    exitReturn = null;
  }

  function armExitIntent() {
    var asked = Number(stored(EXIT_ASKED) || 0);
    if (Date.now() - asked < EXIT_DAYS * 864e5 || !visitorId()) return;
    var armedAt = Date.now();
    document.addEventListener("mouseout", function leaving(event) {
      // Desktop only: the pointer leaves through the top edge, towards the tabs and the address bar.
      if (event.relatedTarget || event.clientY > 0 || Date.now() - armedAt < ARM_AFTER_MS || opened) return;
      document.removeEventListener("mouseout", leaving);
      askExit();
    });
  }

  window.addEventListener("message", function (event) {
    if (exitFrame && event.source === exitFrame.contentWindow && event.origin === origin) {
      if (event.data && event.data.helpdesk === "chat" && event.data.type === "exit-close") closeExit();
      return;
    }
    if (!frame || event.source !== frame.contentWindow || event.origin !== origin) return;
    var message = event.data;
    if (!message || message.helpdesk !== "chat") return;
    if (message.type === "close") close();
    else if (message.type === "unread" && typeof message.count === "number") unread(message.count);
  });

  // Links and buttons marked data-helpdesk-chat-open open the chat (their href is the no-script way there).
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-helpdesk-chat-open]") : null;
    if (!target || event.ctrlKey || event.metaKey || event.shiftKey || !launcher) return;
    event.preventDefault();
    open();
  });

  function start(words) {
    strings = words;
    var begin = function () {
      draw();
      if (words.exit_intent === true) armExitIntent();
    };
    if (document.body) begin();
    else document.addEventListener("DOMContentLoaded", begin);
  }

  if (data.labelLauncher && data.labelFrame) {
    start({ launcher: data.labelLauncher, frame: data.labelFrame, unread: data.labelUnread || "" });
  } else if (window.fetch) {
    fetch(origin + "/" + locale + "/chat/widget/launcher.json", { credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(start)
      .catch(function () { /* the helpdesk is unreachable: no launcher rather than a broken one */ });
  }

  var api = { loaded: true, open: open, close: close, identify: identify };
  window.HelpdeskChat = api;
  // Calls queued before the script arrived: window.HelpdeskChat = [["identify", token], ["open"]].
  if (Array.isArray(existing)) {
    existing.forEach(function (call) {
      if (call && typeof api[call[0]] === "function") api[call[0]].apply(null, call.slice(1));
    });
  }
})();
