/* Agent inbox and ticket page: keyboard shortcuts, live updates and presence.
 * Progressive: every action is a plain link or form without this script.
 * Reads its settings from <script type="application/json" id="inbox-live"> (page, ticket, user, strings).
 */
(function () {
  "use strict";
  var configNode = document.getElementById("inbox-live");
  if (!configNode || !window.fetch) return;
  var config = JSON.parse(configNode.textContent);
  var strings = config.strings || {};
  var onTicket = config.page === "ticket";

  function format(text, name) { return text.replace("%(name)s", name); }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function fetchHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text().then(function (text) { return new DOMParser().parseFromString(text, "text/html"); });
    });
  }

  function withParam(name, value) {
    var url = new URL(window.location.href);
    url.searchParams.set(name, value);
    return url.toString();
  }

  /* ---- shortcut sheet ---- */
  var sheet = document.getElementById("shortcut-sheet");
  var sheetButton = document.querySelector("[data-shortcut-sheet]");
  function openSheet() { if (sheet && sheet.showModal && !sheet.open) sheet.showModal(); }
  if (sheetButton && sheet && sheet.showModal) {
    sheetButton.hidden = false;
    sheetButton.addEventListener("click", openSheet);
  }

  /* ---- inbox list: a current row moved with j/k ---- */
  var current = null;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".ticket-row")); }
  function setCurrent(row, focus) {
    if (current) current.classList.remove("is-current");
    current = row;
    if (!row) return;
    row.classList.add("is-current");
    var link = row.querySelector(".ticket-link");
    if (focus && link) link.focus();
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(current);
    index = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    setCurrent(list[index], true);
  }
  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest(".ticket-row");
    if (row && row !== current) setCurrent(row, false);
  });

  function bulk(ticketId, fields) {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("tickets", ticketId);
    data.append("next", window.location.pathname + window.location.search);
    Object.keys(fields).forEach(function (key) { data.append(key, fields[key]); });
    // The answer is a redirect back here with a message; not following it leaves the message for the reload.
    // (getAttribute: the form's buttons are named "action", which shadows form.action.)
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
      .then(function () { window.location.reload(); });
  }

  function submitForm(id) {
    var form = document.getElementById(id);
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  /* ---- ticket page: public reply and internal note tabs ---- */
  var replyForm = document.getElementById("reply-form");
  var replyBody = document.getElementById("reply-body");
  var tablist = document.querySelector(".reply-tabs");
  function setMode(mode, focus) {
    if (!replyForm || !tablist) return;
    replyForm.dataset.mode = mode;
    tablist.querySelectorAll("[role=tab]").forEach(function (tab) {
      var selected = tab.dataset.mode === mode;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
    });
    if (focus && replyBody) { replyBody.focus(); replyBody.scrollIntoView({ block: "center" }); }
  }
  if (replyForm && tablist) {
    tablist.hidden = false;
    replyForm.classList.add("has-tabs");
    tablist.addEventListener("click", function (event) {
      var tab = event.target.closest("[role=tab]");
      if (tab) setMode(tab.dataset.mode, false);
    });
    tablist.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      var mode = replyForm.dataset.mode === "reply" ? "note" : "reply";
      setMode(mode, false);
      tablist.querySelector("[data-mode=" + mode + "]").focus();
      event.preventDefault();
    });
  }

  /* ---- macro picker fills the reply box ---- */
  var macroSelect = document.getElementById("reply-macro");
  if (macroSelect && replyBody) {
    macroSelect.addEventListener("change", function () {
      var option = macroSelect.options[macroSelect.selectedIndex];
      if (!option || !option.dataset.preview) return;
      fetch(option.dataset.preview, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) throw new Error(); return response.json(); })
        .then(function (data) {
          replyBody.value = replyBody.value.trim() ? replyBody.value.replace(/\s+$/, "") + "\n\n" + data.body : data.body;
          setMode("reply", true);
        })
        .catch(function () { announce(strings.macroFailed || ""); });
    });
  }

  /* ---- keyboard ---- */
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) && event.key === "Escape" && !(sheet && sheet.open)) {
      event.target.blur();  // leave the field so the shortcuts work again, as the sheet says
      return;
    }
    if (typing(event.target) || (sheet && sheet.open)) return;
    var key = event.key;
    var handled = true;
    if (key === "?") openSheet();
    else if (key === "/") { var search = document.getElementById("inbox-q"); if (search) search.focus(); }
    else if (onTicket && key === "r") setMode("reply", true);
    else if (onTicket && key === "n") setMode("note", true);
    else if (onTicket && key === "a") submitForm("assign-me-form");
    else if (onTicket && key === "s") submitForm("solve-form");
    else if (!onTicket && key === "j") move(1);
    else if (!onTicket && key === "k") move(-1);
    else if (!onTicket && key === "o" && current) window.location.assign(current.querySelector(".ticket-link").href);
    else if (!onTicket && key === "x" && current) { var box = current.querySelector("input[type=checkbox]"); box.checked = !box.checked; }
    else if (!onTicket && key === "a" && current) bulk(current.dataset.ticket, { action: "assign", assignee: "me" });
    else if (!onTicket && key === "s" && current) bulk(current.dataset.ticket, { action: "status", status: "solved" });
    else handled = false;
    if (handled) event.preventDefault();
  });

  /* ---- live updates ---- */
  var liveStatus = document.getElementById("live-status");
  function announce(text) { if (liveStatus) liveStatus.textContent = text; }

  /* ---- SLA alerts: a visible notice linking to the ticket ---- */
  function showAlert(frame) {
    var box = document.getElementById("sla-alerts");
    if (!box || !config.ticketUrl) return;
    var breach = frame.level === "breach";
    var text = (breach ? strings.slaBreach : strings.slaWarning) || "";
    var notice = document.createElement("p");
    notice.className = "notice " + (breach ? "error" : "warning");
    notice.setAttribute("dir", "auto");
    var link = document.createElement("a");
    link.href = config.ticketUrl.replace("/0/", "/" + Number(frame.ticket) + "/");
    link.textContent = text.replace("%(number)s", String(Number(frame.ticket))).replace("%(subject)s", String(frame.subject || ""));
    notice.appendChild(link);
    box.appendChild(notice);
    while (box.children.length > 3) box.removeChild(box.firstChild);
  }

  var refreshTimer = null;
  function refreshList() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      var checked = {};
      document.querySelectorAll(".ticket-row input[type=checkbox]:checked").forEach(function (box) { checked[box.value] = true; });
      var currentId = current ? current.dataset.ticket : null;
      var hadFocus = current && current.contains(document.activeElement);
      fetchHtml(withParam("fragment", "list")).then(function (doc) {
        ["inbox-views", "inbox-list"].forEach(function (id) {
          var fresh = doc.getElementById(id), old = document.getElementById(id);
          if (fresh && old) old.replaceWith(document.importNode(fresh, true));
        });
        document.querySelectorAll(".ticket-row input[type=checkbox]").forEach(function (box) { box.checked = !!checked[box.value]; });
        current = null;
        var row = currentId && document.querySelector('.ticket-row[data-ticket="' + currentId + '"]');
        if (row) setCurrent(row, hadFocus);
        announce(strings.updated || "");
      }).catch(function () {});
    }, 400);
  }

  var activity = document.getElementById("activity");
  function refreshTimeline() {
    fetchHtml(withParam("fragment", "timeline")).then(function (doc) {
      var region = document.getElementById("timeline");
      var fresh = doc.querySelector(".timeline");
      if (region && fresh) { region.textContent = ""; region.appendChild(document.importNode(fresh, true)); }
    }).catch(function () {});
    if (activity) {
      activity.textContent = (strings.activity || "") + " ";
      var link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = strings.reload || "";
      activity.appendChild(link);
      activity.hidden = false;
    }
  }

  /* ---- presence: who else has this ticket open ---- */
  var presenceBox = document.getElementById("presence");
  var others = {};
  function showPresence() {
    if (!presenceBox) return;
    presenceBox.textContent = Object.keys(others).map(function (name) {
      return format(others[name] === "replying" ? strings.replying : strings.viewing, name);
    }).join(" ");
  }

  var socket = null, retry = 1000, myState = "viewing", idleTimer = null, leaving = false;
  function send(frame) { if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame)); }
  function sendPresence(state) {
    myState = state;
    if (onTicket) send({ type: "presence", ticket: config.ticket, state: state });
  }
  if (onTicket && replyBody) {
    replyBody.addEventListener("input", function () {
      if (myState !== "replying") sendPresence("replying");
      clearTimeout(idleTimer);
      idleTimer = setTimeout(function () { sendPresence("viewing"); }, 30000);
    });
  }

  function onFrame(frame) {
    if (frame.type === "sla.alert") {
      showAlert(frame);
      if (!onTicket) refreshList();
    } else if (frame.type === "ticket.changed") {
      if (!onTicket) refreshList();
      else if (frame.ticket === config.ticket && frame.actor !== config.user) refreshTimeline();
    } else if (frame.type === "presence" && onTicket && frame.ticket === config.ticket) {
      if (frame.state === "left") delete others[frame.user];
      else others[frame.user] = frame.state;
      showPresence();
    }
  }

  function connect() {
    if (!window.WebSocket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + config.socket);
    socket.addEventListener("open", function () {
      retry = 1000;
      announce("");
      sendPresence(myState);
    });
    socket.addEventListener("message", function (event) {
      try { onFrame(JSON.parse(event.data)); } catch (error) { /* a frame we cannot read is not worth a crash */ }
    });
    socket.addEventListener("close", function (event) {
      others = {};
      showPresence();
      if (leaving || event.code === 4401) return;
      announce(strings.offline || "");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }
  window.addEventListener("pagehide", function () {
    leaving = true;
    sendPresence("left");
    if (socket) socket.close();
  });
  window.addEventListener("pageshow", function (event) {
    // Back from the page cache: the old socket is gone.
    if (event.persisted) { leaving = false; myState = "viewing"; connect(); }
  });
  connect();
})();
