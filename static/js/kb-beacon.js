/* Anonymous reading beacon for help-centre articles (docs/analytics.md).
 * Records the view, engaged seconds (page visible, reader active in the last 30 s), the deepest
 * scroll, what the reader did next and a helpful vote; sends them once each time the page is hidden.
 * Sends nothing when the browser asks for Do-Not-Track or Global Privacy Control. No cookie.
 * <script src=".../kb-beacon.js" defer data-endpoint="/kb/beacon" data-article="42" data-locale="fa"
 *         data-help="/fa/help/" data-search="/fa/help/search/"></script>
 * Next actions: links marked data-kb-next="article|search|chat|ticket", the chat launcher
 * (data-helpdesk-chat-open), links to search results, body links to other help-centre pages,
 * and search forms (role="search"); a form marked data-kb-vote="1|0" is a helpful vote.
 * A followed same-site "ticket" link gets ?kb_session=<id>, so the ticket it opens counts as a contact.
 */
(function () {
  "use strict";
  var script = document.currentScript, nav = navigator, doc = document;
  if (!script || !nav.sendBeacon || !window.crypto || nav.doNotTrack === "1" || window.doNotTrack === "1" ||
      nav.globalPrivacyControl) return;
  var data = script.dataset, endpoint = data.endpoint, article = +data.article, locale = data.locale;
  var IDLE_MS = 30000, BATCH = 25, MAX_NEXT = 10;
  var pending = [], engaged = 0, sentEngaged = 0, depth = 0, sentDepth = 0, nexts = 0, lastActive = Date.now();

  function newId() {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  var session;
  try {  // sessionStorage: one id per tab until it closes, never sent as a cookie
    session = sessionStorage.getItem("kb-session") || newId();
    sessionStorage.setItem("kb-session", session);
  } catch (e) {
    session = newId();  // storage blocked: the id lives as long as the page
  }

  function add(kind, extra) {
    var event = { kind: kind, article: article, locale: locale };
    for (var key in extra) event[key] = extra[key];
    pending.push(event);
  }

  function active() { lastActive = Date.now(); }

  function measure() {
    var root = doc.documentElement, seen = (window.scrollY + window.innerHeight) / Math.max(root.scrollHeight, 1);
    depth = Math.max(depth, Math.min(100, Math.round(seen * 100)));
  }

  function flush() {
    if (engaged > sentEngaged) { add("engaged", { value: engaged - sentEngaged }); sentEngaged = engaged; }
    if (depth > sentDepth) { add("scroll", { value: depth }); sentDepth = depth; }
    while (pending.length) {
      nav.sendBeacon(endpoint, JSON.stringify({ session: session, events: pending.splice(0, BATCH) }));
    }
  }

  function nextAction(kind) {
    if (kind && nexts < MAX_NEXT) { nexts++; add("next", { next: kind }); }
  }

  function classify(link) {
    var kind = link.getAttribute("data-kb-next");
    if (kind) return kind;
    if (link.hasAttribute("data-helpdesk-chat-open")) return "chat";
    if (link.origin !== location.origin) return "";
    if (data.search && link.pathname.indexOf(data.search) === 0) return "search";
    // A link in the article's body to another page of the same help centre.
    if (link.closest(".kb-body") && link.pathname !== location.pathname &&
        link.pathname.indexOf(data.help || "/") === 0) return "article";
    return "";
  }

  add("view");
  measure();
  setInterval(function () {
    if (doc.visibilityState === "visible" && Date.now() - lastActive < IDLE_MS) engaged++;
  }, 1000);
  ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"].forEach(function (type) {
    doc.addEventListener(type, active, { passive: true });
  });
  window.addEventListener("scroll", function () { active(); measure(); }, { passive: true });
  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]"), kind = link && classify(link), url;
    nextAction(kind);
    if (kind === "ticket" && link.origin === location.origin) {
      url = new URL(link.href);
      url.searchParams.set("kb_session", session);
      link.href = url;
    }
  }, true);
  doc.addEventListener("submit", function (event) {
    var form = event.target, vote = form.getAttribute("data-kb-vote");
    if (vote !== null) add("vote", { value: +vote });
    else if (form.getAttribute("role") === "search") nextAction("search");
  }, true);
  doc.addEventListener("visibilitychange", function () {
    if (doc.visibilityState === "hidden") flush(); else active();
  });
  window.addEventListener("pagehide", flush);
}());
