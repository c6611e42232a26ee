/* The chat window in the widget's iframe: chat protocol v1 on the visitor's socket (docs/chat-protocol.md),
 * the knowledge-base search, and the rating after a chat ends. See docs/widget.md.
 * Reads its settings and words from <script type="application/json" id="helpdesk-chat-config">.
 * Everything people wrote is rendered as text (textContent), never as HTML.
 */
(function () {
  "use strict";
  const configNode = document.getElementById("helpdesk-chat-config");
  if (!configNode || !window.WebSocket || !window.JSON) return;
  const config = JSON.parse(configNode.textContent);
  const S = config.strings || {};
  const $ = (id) => document.getElementById(id);
  const el = {
    close: $("hc-close"), status: $("hc-status"), error: $("hc-error"), log: $("hc-log"), typing: $("hc-typing"),
    rating: $("hc-rating"), rated: $("hc-rated"), ended: $("hc-ended"), newChat: $("hc-new-chat"),
    compose: $("hc-compose"), input: $("hc-input"), email: $("hc-email"), emailInput: $("hc-email-input"),
    actions: $("hc-actions"), end: $("hc-end"), announce: $("hc-announce"),
    searchForm: $("hc-search-form"), q: $("hc-q"), searchStatus: $("hc-search-status"), results: $("hc-results"),
    toChat: $("hc-to-chat"), tabs: Array.from(document.querySelectorAll("[role=tab]")),
  };

  const PING_MS = 20000, PONG_MS = 10000, INIT_WAIT_MS = 3000, TYPING_REPEAT_MS = 4000, TYPING_IDLE_MS = 6000;
  const KEY_RE = /^[A-Za-z0-9_-]{20,128}$/;
  const KB_SESSION_RE = /^[A-Za-z0-9_-]{22,36}$/;
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const COLOUR_RE = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
  const MAX_ORIGIN = 500, MAX_IDENTITY = 2048;
  const MESSAGE_ERRORS = ["message_too_long", "empty_message", "conversation_ended", "invalid_frame"];
  const framed = window.parent !== window;

  const format = (text, values) => String(text || "").replace(/%\((\w+)\)s/g, (all, key) => (key in values ? values[key] : all));

  /* ---- what the browser keeps: the visitor key, the conversation, and messages not yet acknowledged ---- */
  const memory = {};
  const STORE = "helpdesk-chat:";
  function load(name) {
    try { return window.localStorage.getItem(STORE + name); } catch (e) { return memory[name] || null; }
  }
  function save(name, value) {
    try {
      if (value == null) window.localStorage.removeItem(STORE + name);
      else window.localStorage.setItem(STORE + name, value);
    } catch (e) { memory[name] = value; }
  }
  function loadOutbox() {
    try {
      const list = JSON.parse(load("outbox") || "[]");
      return Array.isArray(list) ? list.filter((entry) => entry && entry.frame && typeof entry.frame.client_id === "string") : [];
    } catch (e) { return []; }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  const stored = (value, pattern) => (value && pattern.test(value) ? value : null);
  const state = {
    socket: null, welcomed: false, started: false, retry: 0, retryTimer: 0, pingTimer: 0, pongTimer: 0, fatal: false,
    visitorKey: stored(load("visitor_key"), KEY_RE), conversation: stored(load("conversation"), UUID_RE), asked: null,
    status: "", seen: 0, live: 0, agentRead: 0, readSent: 0, rating: undefined, ratingPending: false,
    agentName: "", syncing: false, typingOn: false, typingAt: 0, typingIdle: 0, agentTypingTimer: 0,
    identity: "", refused: "", page: "", parentOrigin: null, open: !framed, unread: 0, outbox: loadOutbox(),
  };
  const bySeq = new Map();

  function saveOutbox() { save("outbox", state.outbox.length ? JSON.stringify(state.outbox) : null); }

  // The help centre's anonymous reading session in this tab (static/js/kb-beacon.js), so a chat started
  // after reading counts as a contact (docs/analytics.md). Not sent when the browser asks not to be tracked.
  function kbSession() {
    const nav = navigator;
    if (nav.doNotTrack === "1" || window.doNotTrack === "1" || nav.globalPrivacyControl) return null;
    try { return stored(window.sessionStorage.getItem("kb-session"), KB_SESSION_RE); } catch (e) { return null; }
  }

  /* ---- the socket ---- */
  function send(frame) {
    const socket = state.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    if (!state.welcomed && frame.type !== "hello" && frame.type !== "ping") return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function hello() {
    state.asked = state.conversation;
    const frame = {
      type: "hello", v: config.v, visitor_key: state.visitorKey, conversation: state.conversation,
      last_seq: state.conversation ? state.seen : 0, locale: config.locale,
    };
    if (state.identity) frame.identity = state.identity;
    if (state.page) frame.origin = state.page;
    const kb = kbSession();
    if (kb) frame.kb_session = kb;
    send(frame);
  }

  function connect() {
    clearTimeout(state.retryTimer);
    if (state.fatal || (state.socket && state.socket.readyState <= WebSocket.OPEN)) return;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + config.socket);
    state.socket = socket;
    state.welcomed = false;
    socket.addEventListener("open", () => { hello(); heartbeat(); });
    socket.addEventListener("message", (event) => {
      if (socket !== state.socket) return;
      clearTimeout(state.pongTimer);
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame.type === "string" && handlers[frame.type]) handlers[frame.type](frame);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== state.socket) return;
      state.socket = null;
      state.welcomed = false;
      clearInterval(state.pingTimer);
      clearTimeout(state.pongTimer);
      if (event.code === 4400) {
        state.fatal = true;
        showError(S.reload);
        return;
      }
      showStatus();
      // Back off (1 s, 2 s, 4 s … 30 s, with jitter); a rate-limit close waits the longest.
      const base = event.code === 4408 ? 30000 : Math.min(30000, 1000 * Math.pow(2, state.retry));
      state.retry += 1;
      state.retryTimer = setTimeout(connect, base * (0.5 + Math.random() / 2));
    });
  }

  function heartbeat() {
    clearInterval(state.pingTimer);
    state.pingTimer = setInterval(() => {
      if (!send({ type: "ping" })) return;
      clearTimeout(state.pongTimer);
      const socket = state.socket;
      // No answer at all: the connection is dead even if the browser has not noticed yet.
      state.pongTimer = setTimeout(() => { if (socket) socket.close(); }, PONG_MS);
    }, PING_MS);
  }

  function flushOutbox() {
    state.outbox = state.outbox.filter((entry) => {
      entry.tries = (entry.tries || 0) + 1;
      send(entry.frame);
      // The server stays silent about a button that no longer applies: try it once more, then let go.
      return entry.frame.type !== "button" || entry.tries < 2;
    });
    saveOutbox();
  }

  function forget(clientId) {
    const before = state.outbox.length;
    state.outbox = state.outbox.filter((entry) => entry.frame.client_id !== clientId);
    if (state.outbox.length !== before) saveOutbox();
  }

  function requestSync() {
    if (state.syncing || !send({ type: "sync", last_seq: state.seen })) return;
    state.syncing = true;
    setTimeout(() => { state.syncing = false; }, 3000);
  }

  /* ---- frames from the server ---- */
  const handlers = {
    welcome(frame) {
      if (frame.conversation !== state.asked) clearTranscript();
      state.conversation = frame.conversation;
      state.visitorKey = frame.visitor_key;
      save("conversation", frame.conversation);
      save("visitor_key", frame.visitor_key);
      state.welcomed = true;
      state.retry = 0;
      state.status = frame.status;
      // After a reconnect, what arrived meanwhile is news; on a fresh page the history is not.
      state.live = frame.conversation === state.asked && state.seen > 0 ? state.seen : frame.last_seq;
      state.agentRead = Math.max(state.agentRead, frame.agent_read_seq || 0);
      state.rating = frame.rating;
      hideError();
      if (state.refused) showError(state.refused); // the identity token was refused just before this welcome
      state.refused = "";
      flushOutbox();
      refresh();
      if (frame.last_seq <= state.seen) markRead();
    },
    message(frame) {
      if (frame.conversation && frame.conversation !== state.conversation) return;
      if (typeof frame.seq !== "number" || bySeq.has(frame.seq)) return;
      state.syncing = false;
      const live = frame.seq > state.live;
      if (frame.client_id) {
        forget(frame.client_id);
        const pending = el.log.querySelector(`[data-client-id="${CSS.escape(frame.client_id)}"]`);
        if (pending) pending.remove();
      }
      place(renderMessage(frame), frame.seq);
      bySeq.set(frame.seq, frame);
      while (bySeq.has(state.seen + 1)) state.seen += 1;
      if (bySeq.size > state.seen) requestSync(); // a gap: something before this one is missing
      learnFrom(frame, live);
      if (live && frame.author !== "visitor") {
        announce(frame);
        if (frame.author === "agent") showAgentTyping(false);
        if (!state.open || document.visibilityState !== "visible") {
          state.unread += 1;
          toParent({ type: "unread", count: state.unread });
        }
      }
      refresh();
      scrollDown();
      markRead();
    },
    ack(frame) {
      forget(frame.client_id);
      const pending = el.log.querySelector(`[data-client-id="${CSS.escape(String(frame.client_id))}"]`);
      if (!pending) return;
      pending.querySelector(".hc-state").textContent = "";
      // The message itself follows the ack; if its nudge went missing, ask for it.
      setTimeout(() => { if (pending.isConnected && !bySeq.has(frame.seq)) requestSync(); }, 2000);
    },
    typing(frame) {
      if (frame.by === "agent") showAgentTyping(frame.on, frame.name);
    },
    read(frame) {
      if (frame.conversation && frame.conversation !== state.conversation) return;
      if (frame.by === "agent") state.agentRead = Math.max(state.agentRead, frame.seq);
      else state.readSent = Math.max(state.readSent, frame.seq);
      refreshSeen();
    },
    rated(frame) {
      state.rating = frame.score;
      state.ratingPending = false;
      el.rated.textContent = S.rated;
      el.rated.hidden = false;
      const hadFocus = el.rating.contains(document.activeElement);
      refresh();
      if (hadFocus) el.newChat.focus();
    },
    error(frame) {
      const code = frame.code;
      if (code === "invalid_identity") {
        state.identity = "";
        state.refused = frame.message || S.failed;
        return;
      }
      if (code === "hello_required") { hello(); return; }
      if (code === "rate_limited") {
        showError(frame.message);
        setTimeout(flushOutbox, 3000);
        return;
      }
      if (frame.client_id && MESSAGE_ERRORS.indexOf(code) >= 0) failed(frame.client_id);
      if (state.ratingPending) {
        state.ratingPending = false;
        if (code === "already_rated") state.rating = state.rating || 0;
        refresh();
      }
      showError(frame.message || S.failed);
    },
    pong() {},
  };

  function learnFrom(frame, live) {
    const payload = frame.payload || {};
    if (frame.author === "agent" && frame.name) state.agentName = frame.name;
    if (frame.author === "system" && (payload.event === "joined" || payload.event === "transferred")) state.agentName = frame.body;
    if (!live) return; // the welcome's status already says where an older conversation stands
    if (frame.author === "bot" && payload.action === "handoff") state.status = "waiting";
    if (frame.author === "system" && (payload.event === "joined" || payload.event === "transferred")) state.status = "active";
    if (frame.author === "system" && payload.event === "ended") {
      state.status = "ended";
      showAgentTyping(false);
    }
  }

  /* ---- the transcript ---- */
  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text != null) element.textContent = text;
    return element;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : "";
    } catch (e) { return ""; }
  }

  const clock = (() => {
    try { return new Intl.DateTimeFormat(config.locale, { hour: "numeric", minute: "2-digit" }); } catch (e) { return null; }
  })();

  function systemText(frame) {
    const event = (frame.payload || {}).event;
    const name = frame.body || S.team;
    if (event === "joined") return format(S.joined, { name: name });
    if (event === "transferred") return format(S.transferred, { name: name });
    if (event === "ended") return S.ended;
    return frame.body;
  }

  function who(frame) {
    if (frame.author === "visitor") return S.you;
    if (frame.author === "bot") return S.bot;
    return frame.name || S.team;
  }

  function articleLink(title, url, locale) {
    const href = safeUrl(url);
    const link = node(href ? "a" : "span", "", title);
    link.dir = "auto";
    if (locale) link.lang = locale;
    if (href) {
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener";
      link.appendChild(node("span", "visually-hidden", " " + S.new_tab));
    }
    return link;
  }

  function renderMessage(frame) {
    const payload = frame.payload || {};
    const item = node("li", "hc-msg hc-" + frame.author);
    if (frame.author === "system") {
      item.appendChild(node("p", "hc-bubble", systemText(frame)));
      return item;
    }
    item.appendChild(node("p", frame.author === "visitor" ? "hc-who visually-hidden" : "hc-who", who(frame)));
    const bubble = node("p", "hc-bubble", frame.body);
    bubble.dir = "auto";
    item.appendChild(bubble);
    if (frame.author === "bot") {
      if (payload.action) item.dataset.action = payload.action;
      const articles = Array.isArray(payload.articles) ? payload.articles : [];
      if (articles.length) {
        const cards = node("ul", "hc-cards");
        cards.setAttribute("aria-label", S.articles);
        articles.forEach((article) => {
          const card = node("li", "hc-card");
          card.appendChild(articleLink(String(article.title || ""), article.url));
          if (article.snippet) {
            const snippet = node("p", "", String(article.snippet));
            snippet.dir = "auto";
            card.appendChild(snippet);
          }
          cards.appendChild(card);
        });
        item.appendChild(cards);
      }
      const buttons = Array.isArray(payload.buttons) ? payload.buttons : [];
      if (buttons.length) {
        const group = node("div", "hc-buttons");
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", S.bot);
        buttons.forEach((button) => {
          const control = node("button", "", String(button.label || button.id));
          control.type = "button";
          control.dataset.button = String(button.id);
          group.appendChild(control);
        });
        item.appendChild(group);
      }
    }
    item.appendChild(meta(frame.created_at));
    return item;
  }

  function meta(createdAt) {
    const line = node("p", "hc-meta");
    const when = createdAt ? new Date(createdAt) : new Date();
    if (clock && !isNaN(when)) {
      const time = node("time", "", clock.format(when));
      time.dateTime = when.toISOString();
      line.appendChild(time);
    }
    line.appendChild(node("span", "hc-state"));
    return line;
  }

  function place(item, seq) {
    item.dataset.seq = String(seq);
    // Messages in seq order; messages still being sent stay after them.
    const next = Array.from(el.log.children).find((child) => !child.dataset.seq || Number(child.dataset.seq) > seq);
    el.log.insertBefore(item, next || null);
  }

  function addPending(frame) {
    const item = renderMessage({ author: "visitor", body: frame.body, payload: {} });
    item.classList.add("hc-pending");
    item.dataset.clientId = frame.client_id;
    item.querySelector(".hc-state").textContent = S.sending;
    el.log.appendChild(item);
    scrollDown();
  }

  function failed(clientId) {
    forget(clientId);
    const pending = el.log.querySelector(`[data-client-id="${CSS.escape(String(clientId))}"]`);
    if (!pending) return;
    pending.classList.replace("hc-pending", "hc-failed");
    pending.querySelector(".hc-state").textContent = S.not_sent;
  }

  function clearTranscript() {
    el.log.textContent = "";
    bySeq.clear();
    state.seen = 0;
    state.agentRead = 0;
    state.readSent = 0;
    state.agentName = "";
    el.rated.hidden = true;
    state.outbox.forEach((entry) => { if (entry.frame.type === "message") addPending(entry.frame); });
  }

  function scrollDown() { el.log.scrollTop = el.log.scrollHeight; }

  function refreshSeen() {
    el.log.querySelectorAll(".hc-seen").forEach((mark) => { mark.textContent = ""; mark.classList.remove("hc-seen"); });
    const mine = Array.from(el.log.querySelectorAll(".hc-visitor[data-seq]")).pop();
    if (mine && Number(mine.dataset.seq) <= state.agentRead) {
      const mark = mine.querySelector(".hc-state");
      mark.textContent = S.seen;
      mark.classList.add("hc-seen");
    }
  }

  function refreshButtons() {
    const last = el.log.lastElementChild;
    el.log.querySelectorAll("[data-button]").forEach((button) => {
      button.disabled = state.status !== "bot" || button.closest("li") !== last;
    });
  }

  /* ---- what the visitor sees around the transcript ---- */
  function showStatus() {
    let text = S.connecting;
    if (!state.welcomed) text = state.retry ? S.reconnecting : S.connecting;
    else if (state.status === "bot") text = S.status_bot;
    else if (state.status === "waiting") text = S.status_waiting;
    else if (state.status === "active") text = format(S.status_active, { name: state.agentName || S.team });
    else if (state.status === "ended") text = S.status_ended;
    if (el.status.textContent !== text) el.status.textContent = text;
  }

  function showError(text) {
    el.error.textContent = text || S.failed;
    el.error.hidden = false;
  }

  function hideError() { el.error.hidden = true; }

  function asksForEmail() {
    const last = el.log.lastElementChild;
    return state.status === "bot" && !!last && last.dataset.action === "ask_email";
  }

  function refresh() {
    const ended = state.status === "ended";
    const email = !ended && asksForEmail();
    const hadFocus = document.hasFocus() ? document.activeElement : null;
    el.compose.hidden = ended || email;
    el.email.hidden = !email;
    el.actions.hidden = !(state.status === "waiting" || state.status === "active");
    el.ended.hidden = !ended;
    el.rating.hidden = !(ended && state.rating === null);
    el.rating.querySelector("button[type=submit]").disabled = state.ratingPending;
    if (email && (hadFocus === el.input || hadFocus === document.body)) el.emailInput.focus();
    if (!email && !el.compose.hidden && hadFocus === el.emailInput) el.input.focus();
    if (ended && (hadFocus === el.input || hadFocus === el.end)) {
      (el.rating.hidden ? el.newChat : el.rating.querySelector("input[name=score]")).focus();
    }
    if (!ended && hadFocus === el.newChat) el.input.focus();
    showStatus();
    refreshButtons();
    refreshSeen();
  }

  function announce(frame) {
    const text = frame.author === "system" ? systemText(frame) : format(S.announce, { name: who(frame), text: frame.body });
    el.announce.textContent = text;
  }

  function showAgentTyping(on, name) {
    clearTimeout(state.agentTypingTimer);
    el.typing.hidden = !on;
    if (!on) return;
    el.typing.textContent = format(S.typing, { name: name || state.agentName || S.team });
    // A lost "off" must not leave the indicator up for ever.
    state.agentTypingTimer = setTimeout(() => { el.typing.hidden = true; }, 8000);
  }

  /* ---- read receipts: only what the visitor could actually see ---- */
  function visible() { return state.open && document.visibilityState === "visible" && !$("hc-chat").hidden; }

  function markRead() {
    const latest = Math.max(0, ...bySeq.keys());
    if (!visible() || latest <= state.readSent || !state.welcomed) return;
    if (send({ type: "read", seq: latest })) state.readSent = latest;
  }

  /* ---- writing ---- */
  function post(frame) {
    state.outbox.push({ frame: frame, tries: 0 });
    saveOutbox();
    send(frame);
  }

  function sendText(text) {
    const body = text.trim();
    if (!body) return false;
    const frame = { type: "message", client_id: uuid(), body: body.slice(0, config.maxBody || 4000) };
    addPending(frame);
    post(frame);
    typing(false);
    refresh();
    return true;
  }

  function typing(on) {
    clearTimeout(state.typingIdle);
    if (on) state.typingIdle = setTimeout(() => typing(false), TYPING_IDLE_MS);
    if (on === state.typingOn && (!on || Date.now() - state.typingAt < TYPING_REPEAT_MS)) return;
    if (!send({ type: "typing", on: on })) return;
    state.typingOn = on;
    state.typingAt = Date.now();
  }

  function autogrow() {
    el.input.style.blockSize = "auto";
    el.input.style.blockSize = el.input.scrollHeight + 2 + "px";
  }

  el.compose.addEventListener("submit", (event) => {
    event.preventDefault();
    if (sendText(el.input.value)) {
      el.input.value = "";
      autogrow();
    }
  });
  el.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.compose.requestSubmit();
    }
  });
  el.input.addEventListener("input", () => {
    autogrow();
    if (state.status !== "waiting" && state.status !== "active") return;
    typing(el.input.value.trim() !== "");
  });

  el.email.addEventListener("submit", (event) => {
    event.preventDefault();
    if (sendText(el.emailInput.value)) el.emailInput.value = "";
  });

  el.log.addEventListener("click", (event) => {
    const button = event.target.closest("[data-button]");
    if (!button || button.disabled) return;
    button.closest(".hc-buttons").querySelectorAll("button").forEach((other) => { other.disabled = true; });
    post({ type: "button", button: button.dataset.button, client_id: uuid() });
    el.input.focus();
  });

  el.end.addEventListener("click", () => { send({ type: "end" }); });

  el.newChat.addEventListener("click", () => {
    state.conversation = null;
    state.status = "";
    state.rating = undefined;
    save("conversation", null);
    if (state.welcomed) hello();
    else connect();
    el.input.focus();
  });

  el.rating.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = el.rating.querySelector("input[name=score]:checked");
    if (!picked || state.ratingPending) return;
    const comment = el.rating.elements.comment.value.trim().slice(0, 2000);
    if (send({ type: "rate", score: Number(picked.value), comment: comment })) {
      state.ratingPending = true;
      refresh();
    }
  });

  /* ---- the help-centre search ---- */
  let searching = null;
  el.searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = el.q.value.trim();
    el.results.textContent = "";
    el.searchStatus.textContent = "";
    if (!query || !window.fetch) return;
    if (searching) searching.abort();
    searching = new AbortController();
    const url = config.search + "?limit=5&locale=" + encodeURIComponent(config.locale) + "&q=" + encodeURIComponent(query);
    fetch(url, { signal: searching.signal, headers: { Accept: "application/json" }, credentials: "omit" })
      .then((response) => { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
      .then((data) => showResults(Array.isArray(data.results) ? data.results : []))
      .catch((error) => { if (error.name !== "AbortError") el.searchStatus.textContent = S.search_failed; });
  });

  function showResults(results) {
    el.results.textContent = "";
    el.searchStatus.textContent = results.length ? S.search_found : S.search_none;
    results.forEach((result) => {
      const item = node("li");
      item.appendChild(articleLink(String(result.title || ""), result.url, result.locale));
      if (result.snippet) {
        const snippet = node("p", "", String(result.snippet));
        snippet.dir = "auto";
        item.appendChild(snippet);
      }
      el.results.appendChild(item);
    });
  }

  /* ---- tabs (arrow keys follow the reading direction) ---- */
  function selectTab(tab, focus) {
    el.tabs.forEach((other) => {
      const chosen = other === tab;
      other.setAttribute("aria-selected", chosen ? "true" : "false");
      other.tabIndex = chosen ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !chosen;
    });
    if (focus) tab.focus();
    markRead();
  }
  el.tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab, false));
    tab.addEventListener("keydown", (event) => {
      const forward = document.documentElement.dir === "rtl" ? "ArrowLeft" : "ArrowRight";
      const back = forward === "ArrowLeft" ? "ArrowRight" : "ArrowLeft";
      const last = el.tabs.length - 1;
      const to = { [forward]: index === last ? 0 : index + 1, [back]: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      selectTab(el.tabs[to], true);
    });
  });
  el.toChat.addEventListener("click", () => {
    selectTab(el.tabs[0], false);
    (el.compose.hidden ? el.tabs[0] : el.input).focus();
  });

  /* ---- the page around the iframe (the loader), by postMessage ---- */
  function toParent(message) {
    if (framed && state.parentOrigin) window.parent.postMessage(Object.assign({ helpdesk: "chat" }, message), state.parentOrigin);
  }

  const text = (value, max) => typeof value === "string" && value.length <= max;
  const fromParent = {
    init(data) {
      if (data.page !== undefined && !text(data.page, 4096)) return false;
      if (data.identity != null && !text(data.identity, MAX_IDENTITY)) return false;
      if (data.colour !== undefined && !(typeof data.colour === "string" && COLOUR_RE.test(data.colour))) return false;
      if (data.open !== undefined && typeof data.open !== "boolean") return false;
      if (data.colour) brand(data.colour);
      el.close.hidden = false;
      if (!state.started) state.page = pageAddress(data.page);
      if (data.identity && data.identity !== state.identity) {
        state.identity = data.identity;
        if (state.welcomed) hello();
      }
      start();
      setOpen(data.open !== false);
      return true;
    },
    identify(data) {
      if (!text(data.identity, MAX_IDENTITY) || !data.identity) return false;
      state.identity = data.identity;
      if (state.welcomed) hello();
      return true;
    },
    opened() { setOpen(true); return true; },
    closed() { setOpen(false); return true; },
  };

  window.addEventListener("message", (event) => {
    if (!framed || event.source !== window.parent) return;
    if (state.parentOrigin && event.origin !== state.parentOrigin) return;
    const data = event.data;
    if (!data || typeof data !== "object" || data.helpdesk !== "chat" || !Object.prototype.hasOwnProperty.call(fromParent, data.type)) return;
    if (!state.parentOrigin && data.type !== "init") return;
    const origin = event.origin;
    if (fromParent[data.type](data) && origin !== "null") state.parentOrigin = origin;
  });

  function pageAddress(page) {
    // The page's address without its query or fragment, which may carry a shop's session or the visitor's data.
    try {
      const url = new URL(page);
      if (url.protocol !== "https:" && url.protocol !== "http:") return "";
      return (url.origin + url.pathname).slice(0, MAX_ORIGIN);
    } catch (e) { return ""; }
  }

  function brand(colour) {
    let hex = colour.slice(1);
    if (hex.length === 3) hex = hex.replace(/./g, "$&$&");
    const channel = (i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    // White or near-black, whichever reads better on the shop's colour.
    const ink = (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.0647) ? "#ffffff" : "#1b1f24";
    document.documentElement.style.setProperty("--brand", "#" + hex);
    document.documentElement.style.setProperty("--brand-ink", ink);
  }

  function setOpen(open) {
    state.open = open;
    if (!open) return;
    state.unread = 0;
    toParent({ type: "unread", count: 0 });
    const panel = el.tabs.find((tab) => tab.getAttribute("aria-selected") === "true");
    const target = panel === el.tabs[0] ? [el.emailInput, el.input, el.newChat].find((field) => !field.closest("[hidden]")) : el.q;
    (target || panel).focus();
    markRead();
  }

  el.close.addEventListener("click", () => toParent({ type: "close" }));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && framed && state.parentOrigin) {
      event.preventDefault();
      toParent({ type: "close" });
    }
  });
  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("online", () => { state.retry = 0; connect(); });

  function start() {
    if (state.started) return;
    state.started = true;
    clearTranscript();
    refresh();
    connect();
  }

  document.querySelector("[role=tablist]").hidden = false;
  selectTab(el.tabs[0], false);
  showStatus();
  if (framed) setTimeout(start, INIT_WAIT_MS); // framed by a page without the loader: chat anyway
  else {
    start();
    setOpen(true);
  }
})();
