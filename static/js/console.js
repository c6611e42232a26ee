/* Agent chat console: the queue and any number of the agent's chats over one socket (docs/chat-protocol.md).
 * Reads its settings and translated words from <script type="application/json" id="console-config">.
 * What people wrote is shown as text (textContent), never as HTML.
 */
(function () {
  "use strict";
  var configNode = document.getElementById("console-config");
  if (!configNode || !window.WebSocket || !window.fetch) return;
  var config = JSON.parse(configNode.textContent);
  var strings = config.strings || {};
  var me = config.user;

  function $(id) { return document.getElementById(id); }
  var queueList = $("queue-list"), queueEmpty = $("queue-empty"), queueCount = $("queue-count");
  var mineList = $("mine-list"), mineEmpty = $("mine-empty");
  var chatName = $("chat-name"), chatFacts = $("chat-facts"), chatNone = $("chat-none"), chatOpen = $("chat-open");
  var logs = $("chat-logs"), typingLine = $("typing"), replyForm = $("reply-form"), replyBox = $("chat-reply");
  var sendButton = $("send-reply"), canned = $("canned"), transferForm = $("transfer-form"), transferTo = $("transfer-to");
  var endButton = $("end-chat"), closeButton = $("close-chat"), endDialog = $("end-dialog");
  var panelBody = $("panel-body"), connection = $("connection"), presenceStatus = $("presence-status");
  var noticeBox = $("console-notice"), announcer = $("console-announce");
  var panelHint = panelBody.firstElementChild;
  var sheet = $("shortcut-sheet"), sheetButton = document.querySelector("[data-shortcut-sheet]");

  function t(key, params) {
    var text = strings[key] || "";
    Object.keys(params || {}).forEach(function (name) { text = text.split("%(" + name + ")s").join(String(params[name])); });
    return text;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatter(options) {
    try { return new Intl.NumberFormat(config.language, options); } catch (error) { return null; }
  }
  var plain = formatter({ useGrouping: false }), padded = formatter({ useGrouping: false, minimumIntegerDigits: 2 });
  function number(value, pad) {
    var format = pad ? padded : plain;
    if (format) return format.format(value);
    return pad && value < 10 ? "0" + value : String(value);
  }
  function duration(total) {
    total = Math.max(0, Math.floor(total));
    var hours = Math.floor(total / 3600), minutes = Math.floor((total % 3600) / 60), seconds = total % 60;
    if (hours) return number(hours) + ":" + number(minutes, true) + ":" + number(seconds, true);
    return number(minutes) + ":" + number(seconds, true);
  }
  var clockFormat = (function () {
    try { return new Intl.DateTimeFormat(config.language, { hour: "2-digit", minute: "2-digit" }); } catch (error) { return null; }
  })();
  function clock(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    return clockFormat ? clockFormat.format(date) : date.toISOString().slice(11, 16);
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function webUrl(url) {
    try { var parsed = new URL(url, window.location.href); } catch (error) { return ""; }
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : "";
  }

  var announceTimer = null;
  function announce(text) {
    if (!announcer || !text) return;
    announcer.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { announcer.textContent = text; }, 50);
  }

  var noticeTimer = null;
  function notice(text, isError) {
    if (!noticeBox) return;
    noticeBox.textContent = "";
    clearTimeout(noticeTimer);
    if (!text) return;
    var line = el("p", "notice" + (isError ? " error" : ""), text);
    line.setAttribute("dir", "auto");
    noticeBox.appendChild(line);
    noticeTimer = setTimeout(function () { noticeBox.textContent = ""; }, 20000);
  }

  function setConnection(text) {
    connection.textContent = text;
    connection.hidden = !text;
  }

  /* ---- state ---- */
  var chats = {};       // conversation id → what this console knows of one of the agent's chats
  var order = [];       // the agent's chats, in the order they were opened
  var waiting = [];     // the queue: {id, customer, locale, preview, since}, longest waiting first
  var selected = null;  // the chat on screen
  var accepting = {};   // accepts sent and not yet answered
  var queueLoaded = false;

  function chatFor(id) {
    if (!chats[id]) {
      var log = el("ol", "chat-log");
      log.setAttribute("role", "log");
      log.setAttribute("aria-labelledby", "chat-title");
      log.hidden = true;
      logs.appendChild(log);
      chats[id] = {
        id: id, name: "", locale: "en", status: "active", lastSeq: 0, buffer: {}, syncAsked: -1, unacked: {},
        unread: 0, agentRead: 0, visitorRead: 0, visitorTyping: false, typingTimer: null, draft: "", preview: "", log: log
      };
      order.push(id);
    }
    return chats[id];
  }
  function current() { return selected ? chats[selected] : null; }
  function displayName(chat) { return chat.name || t("visitor"); }

  /* ---- the socket: frames go out through a small bucket that stays under the server's rate limit ---- */
  var socket = null, outbox = [], tokens = 15, lastRefill = Date.now(), flushTimer = null;
  var retry = 1000, heartbeatTimer = null, stopped = false, joinedHere = {};

  function isOpen() { return socket && socket.readyState === WebSocket.OPEN; }
  function refill() {
    var now = Date.now();
    tokens = Math.min(15, tokens + (now - lastRefill) / 500);
    lastRefill = now;
  }
  function flush() {
    clearTimeout(flushTimer);
    if (!isOpen()) return;
    refill();
    while (outbox.length && tokens >= 1) { tokens -= 1; socket.send(JSON.stringify(outbox.shift())); }
    if (outbox.length) flushTimer = setTimeout(flush, 500);
  }
  // `droppable` frames (typing on) are skipped rather than queued when the bucket is low.
  function send(frame, droppable) {
    if (droppable) {
      refill();
      if (!isOpen() || tokens < 1 || outbox.length) return;
      tokens -= 1;
      socket.send(JSON.stringify(frame));
      return;
    }
    outbox.push(frame);
    flush();
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var opened = new WebSocket(scheme + window.location.host + config.socket);
    socket = opened;
    joinedHere = {};
    opened.addEventListener("open", flush);
    opened.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      var handler = frame && handlers[frame.type];
      if (handler) handler(frame);
    });
    opened.addEventListener("close", function (event) {
      if (opened !== socket) return;
      clearInterval(heartbeatTimer);
      outbox = [];
      accepting = {};
      if (event.code === 4401) { stopped = true; setConnection(t("signedOut")); return; }
      if (stopped) return;
      setConnection(t("offline"));
      var delay = retry * (0.75 + Math.random() / 2);
      retry = Math.min(retry * 2, 30000);
      setTimeout(connect, delay);
    });
  }

  function join(chat) {
    if (joinedHere[chat.id]) return;
    joinedHere[chat.id] = true;
    send({ type: "join", conversation: chat.id, last_seq: chat.lastSeq });
    // Messages that were never acknowledged go again with the same client_id: the server keeps each once.
    Object.keys(chat.unacked).forEach(function (clientId) { send(chat.unacked[clientId]); });
  }

  function resendUnacked() {
    order.forEach(function (id) {
      var chat = chats[id];
      Object.keys(chat.unacked).forEach(function (clientId) { send(chat.unacked[clientId]); });
    });
  }

  /* ---- presence ---- */
  function presenceChoice() {
    var checked = document.querySelector('input[name="presence"]:checked');
    return checked ? checked.value : "online";
  }
  function beat() { send({ type: "heartbeat", status: presenceChoice() }); }
  document.querySelectorAll('input[name="presence"]').forEach(function (radio) { radio.addEventListener("change", beat); });

  /* ---- the queue ---- */
  var queueTimer = null;
  function refreshQueueSoon() {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(function () { send({ type: "queue" }); }, 600);
  }

  function removeWaiting(id) {
    var before = waiting.length;
    waiting = waiting.filter(function (item) { return item.id !== id; });
    if (waiting.length !== before) renderQueue();
  }

  function focusedId(list, attribute) {
    var active = document.activeElement;
    return active && list.contains(active) ? active.getAttribute(attribute) : null;
  }
  function refocus(list, attribute, id) {
    if (!id) return;
    var again = list.querySelector("[" + attribute + '="' + id + '"]');
    if (again) again.focus();
  }

  function queueItem(item) {
    var li = el("li", "chat-item");
    li.dataset.conversation = item.id;
    var who = el("p", "item-who");
    who.id = "who-" + item.id;
    who.appendChild(el("bdi", "", item.customer || t("visitor")));
    who.appendChild(document.createTextNode(" "));
    var language = el("span", "item-lang", (config.languages || {})[item.locale] || item.locale);
    language.lang = item.locale;
    who.appendChild(language);
    var preview = el("p", "item-preview", item.preview);
    preview.dir = "auto";
    preview.lang = item.locale;
    var wait = el("p", "item-wait");
    wait.id = "wait-" + item.id;
    var button = el("button", "button item-action", t("accept"));
    button.type = "button";
    button.setAttribute("data-accept", item.id);
    button.setAttribute("aria-describedby", who.id + " " + wait.id);
    if (accepting[item.id]) button.disabled = true;
    li.append(who, preview, wait, button);
    return li;
  }

  function renderQueue() {
    var keep = focusedId(queueList, "data-accept");
    queueList.replaceChildren.apply(queueList, waiting.map(queueItem));
    queueEmpty.hidden = waiting.length > 0;
    if (queueCount) queueCount.textContent = number(waiting.length);
    tick();
    refocus(queueList, "data-accept", keep);
  }

  function tick() {
    var now = Date.now();
    waiting.forEach(function (item) {
      var node = document.getElementById("wait-" + item.id);
      if (node) node.textContent = t("waiting", { time: duration((now - item.since) / 1000) });
    });
  }
  setInterval(tick, 1000);

  function accept(id) {
    if (accepting[id]) return;
    accepting[id] = true;
    joinedHere[id] = true;  // the server joins the winner's socket to the chat itself
    send({ type: "accept", conversation: id });
    renderQueue();
  }
  queueList.addEventListener("click", function (event) {
    var button = event.target.closest("[data-accept]");
    if (button) accept(button.getAttribute("data-accept"));
  });

  /* ---- the agent's own chats ---- */
  var mineTimer = null;
  function renderMineSoon() {
    if (mineTimer) return;
    mineTimer = setTimeout(function () { mineTimer = null; renderMine(); }, 50);
  }

  function mineItem(chat) {
    var li = el("li", "chat-item mine" + (chat.status === "ended" ? " is-ended" : ""));
    li.dataset.conversation = chat.id;
    var button = el("button", "item-open");
    button.type = "button";
    button.setAttribute("data-open", chat.id);
    if (chat.id === selected) button.setAttribute("aria-current", "true");
    var who = el("span", "item-who");
    who.appendChild(el("bdi", "", displayName(chat)));
    button.appendChild(who);
    if (chat.status === "ended") button.appendChild(el("span", "item-status", (config.statuses || {}).ended));
    var preview = el("span", "item-preview", chat.preview);
    preview.dir = "auto";
    preview.lang = chat.locale;
    button.appendChild(preview);
    if (chat.unread) button.appendChild(el("span", "item-unread", t("unread", { count: number(chat.unread) })));
    li.appendChild(button);
    return li;
  }

  function renderMine() {
    clearTimeout(mineTimer);
    mineTimer = null;
    var keep = focusedId(mineList, "data-open");
    mineList.replaceChildren.apply(mineList, order.map(function (id) { return mineItem(chats[id]); }));
    mineEmpty.hidden = order.length > 0;
    refocus(mineList, "data-open", keep);
  }
  mineList.addEventListener("click", function (event) {
    var button = event.target.closest("[data-open]");
    if (button && chats[button.getAttribute("data-open")]) select(button.getAttribute("data-open"), true);
  });

  function removeChat(chat) {
    delete chats[chat.id];
    delete joinedHere[chat.id];
    order = order.filter(function (id) { return id !== chat.id; });
    chat.log.remove();
    if (selected === chat.id) {
      selected = null;
      renderHeader();
      panelBody.replaceChildren(panelHint.cloneNode(true));
    }
    renderMine();
  }

  function handedOn(chat) {
    // The notice is a status region itself: announcing it again would read it twice.
    notice(t("handedOn", { name: displayName(chat) }), false);
    removeChat(chat);
  }

  function markEnded(chat) {
    chat.status = "ended";
    chat.visitorTyping = false;
    if (selected === chat.id) { renderHeader(); renderTyping(); }
    renderMineSoon();
  }

  /* ---- the chat on screen ---- */
  function renderHeader() {
    var chat = current();
    chatNone.hidden = !!chat;
    chatOpen.hidden = !chat;
    if (!chat) { chatName.textContent = chatName.dataset.none || chatName.textContent; chatFacts.textContent = ""; return; }
    chatName.textContent = displayName(chat);
    chatFacts.textContent = [(config.languages || {})[chat.locale] || chat.locale, (config.statuses || {})[chat.status] || chat.status].join(" · ");
    var ended = chat.status === "ended";
    replyBox.disabled = ended;
    sendButton.disabled = ended;
    if (canned) canned.disabled = ended;
    transferForm.hidden = ended;
    endButton.hidden = ended;
    closeButton.hidden = !ended;
  }

  function renderTyping() {
    var chat = current();
    typingLine.textContent = chat && chat.visitorTyping ? t("typing") : "";
  }

  function scrollDown(chat) {
    if (selected === chat.id) logs.scrollTop = logs.scrollHeight;
  }

  function select(id, focusReply) {
    var previous = current();
    if (previous) previous.draft = replyBox.value;
    stopMyTyping();
    selected = id;
    Object.keys(chats).forEach(function (key) { chats[key].log.hidden = key !== id; });
    var chat = chats[id];
    replyBox.value = chat.draft || "";
    renderHeader();
    renderTyping();
    renderMine();
    loadPanel(chat);
    scrollDown(chat);
    scheduleRead();
    if (focusReply && !replyBox.disabled) replyBox.focus();
  }

  /* ---- messages, kept in seq order, each once ---- */
  function who(chat, frame) {
    if (frame.author === "visitor") return displayName(chat);
    if (frame.author === "bot") return t("bot");
    return frame.name || t("you");
  }

  function systemText(frame) {
    var event = (frame.payload || {}).event;
    if (event === "joined") return t("joined", { name: frame.body });
    if (event === "transferred") return t("transferred", { name: frame.body });
    if (event === "ended") return t("ended");
    return frame.body;
  }

  function articleList(articles) {
    var list = el("ul", "msg-articles");
    list.setAttribute("aria-label", t("suggested"));
    articles.forEach(function (article) {
      var item = el("li");
      var href = webUrl(article.url);
      var link = el(href ? "a" : "span", "", article.title);
      link.dir = "auto";
      if (href) { link.href = href; link.target = "_blank"; link.rel = "noopener noreferrer"; }
      item.appendChild(link);
      if (article.snippet) {
        var snippet = el("span", "msg-snippet", article.snippet);
        snippet.dir = "auto";
        item.appendChild(snippet);
      }
      list.appendChild(item);
    });
    return list;
  }

  function messageItem(chat, frame) {
    var item = el("li", "msg msg-" + frame.author);
    item.dataset.seq = frame.seq;
    if (frame.author === "system") {
      var line = el("p", "msg-event", systemText(frame));
      line.dir = "auto";
      item.appendChild(line);
      return item;
    }
    var head = el("p", "msg-head");
    head.appendChild(el("bdi", "msg-who", who(chat, frame)));
    head.appendChild(document.createTextNode(" "));
    var time = el("time", "", clock(frame.created_at));
    time.dateTime = frame.created_at;
    head.appendChild(time);
    var body = el("p", "msg-body", frame.body);
    body.dir = "auto";
    if (frame.author !== "agent") body.lang = chat.locale;
    item.append(head, body);
    var articles = (frame.payload && frame.payload.articles) || [];
    if (articles.length) item.appendChild(articleList(articles));
    return item;
  }

  function pendingItem(frame) {
    var item = el("li", "msg msg-agent pending");
    item.dataset.client = frame.client_id;
    var head = el("p", "msg-head");
    head.appendChild(el("bdi", "msg-who", t("you")));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("span", "msg-state", t("sending")));
    var body = el("p", "msg-body", frame.body);
    body.dir = "auto";
    item.append(head, body);
    return item;
  }

  function pendingFor(chat, clientId) {
    var items = chat.log.querySelectorAll(".pending");
    for (var i = 0; i < items.length; i++) if (items[i].dataset.client === clientId) return items[i];
    return null;
  }

  function updateSeen(chat) {
    var old = chat.log.querySelector(".msg-seen");
    if (old) old.remove();
    var mine = chat.log.querySelectorAll(".msg-agent:not(.pending)");
    for (var i = mine.length - 1; i >= 0; i--) {
      if (Number(mine[i].dataset.seq) <= chat.visitorRead) { mine[i].appendChild(el("p", "msg-seen", t("seen"))); return; }
    }
  }

  function show(chat, frame) {
    if (frame.client_id) {
      delete chat.unacked[frame.client_id];
      var pending = pendingFor(chat, frame.client_id);
      if (pending) pending.remove();
    }
    // Confirmed messages go above any still being sent.
    chat.log.insertBefore(messageItem(chat, frame), chat.log.querySelector(".pending"));
    var looking = selected === chat.id && document.visibilityState === "visible";
    if (frame.author === "visitor") {
      chat.preview = frame.body;
      chat.visitorTyping = false;
      if (selected === chat.id) renderTyping();
      if (!looking && frame.seq > chat.agentRead) {
        chat.unread += 1;
        announce(t("newMessage", { name: displayName(chat) }));
      }
    } else if (frame.author === "agent") {
      updateSeen(chat);
    } else if (frame.author === "system" && (frame.payload || {}).event === "ended") {
      markEnded(chat);
    }
    scrollDown(chat);
    if (looking) scheduleRead();
    renderMineSoon();
  }

  function receive(frame) {
    var chat = chats[frame.conversation];
    if (!chat || frame.seq <= chat.lastSeq || chat.buffer[frame.seq]) return;
    chat.buffer[frame.seq] = frame;
    while (chat.buffer[chat.lastSeq + 1]) {
      var next = chat.buffer[chat.lastSeq + 1];
      delete chat.buffer[chat.lastSeq + 1];
      chat.lastSeq = next.seq;
      show(chat, next);
    }
    // A gap (we have 7 and got 9): ask once for what is missing.
    if (Object.keys(chat.buffer).length && chat.syncAsked !== chat.lastSeq) {
      chat.syncAsked = chat.lastSeq;
      send({ type: "sync", conversation: chat.id, last_seq: chat.lastSeq });
    }
  }

  /* ---- read receipts ---- */
  var readTimer = null;
  function scheduleRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(markRead, 300);
  }
  function markRead() {
    var chat = current();
    if (!chat || document.visibilityState !== "visible") return;
    if (chat.lastSeq > chat.agentRead) {
      chat.agentRead = chat.lastSeq;
      send({ type: "read", conversation: chat.id, seq: chat.lastSeq });
    }
    if (chat.unread) { chat.unread = 0; renderMineSoon(); }
  }
  document.addEventListener("visibilitychange", scheduleRead);

  /* ---- typing, debounced: "on" at most every 3 s while typing, "off" after 4 s idle or when the box empties ---- */
  var typingFor = null, typingSentAt = 0, typingStopTimer = null;
  function stopMyTyping() {
    clearTimeout(typingStopTimer);
    if (typingFor && chats[typingFor]) send({ type: "typing", conversation: typingFor, on: false });
    typingFor = null;
    typingSentAt = 0;
  }
  replyBox.addEventListener("input", function () {
    var chat = current();
    if (!chat || chat.status === "ended") return;
    if (!replyBox.value.trim()) { stopMyTyping(); return; }
    var now = Date.now();
    if (typingFor !== chat.id || now - typingSentAt > 3000) {
      if (typingFor && typingFor !== chat.id) stopMyTyping();
      typingFor = chat.id;
      typingSentAt = now;
      send({ type: "typing", conversation: chat.id, on: true }, true);
    }
    clearTimeout(typingStopTimer);
    typingStopTimer = setTimeout(stopMyTyping, 4000);
  });

  /* ---- sending ---- */
  function sendReply() {
    var chat = current();
    if (!chat || chat.status === "ended") return;
    var body = replyBox.value.trim();
    if (!body) return;
    var frame = { type: "message", conversation: chat.id, client_id: newId(), body: body };
    chat.unacked[frame.client_id] = frame;
    chat.log.appendChild(pendingItem(frame));
    replyBox.value = "";
    chat.draft = "";
    stopMyTyping();
    scrollDown(chat);
    send(frame);
  }
  replyForm.addEventListener("submit", function (event) { event.preventDefault(); sendReply(); });

  function failPending(chat, frame) {
    delete chat.unacked[frame.client_id];
    var pending = pendingFor(chat, frame.client_id);
    if (!pending) return;
    pending.classList.add("failed");
    pending.querySelector(".msg-state").textContent = t("notSent", { reason: frame.message || frame.code });
    announce(t("notSent", { reason: frame.message || frame.code }));
  }

  /* ---- frames from the server ---- */
  var handlers = {
    welcome: function (frame) {
      me = frame.user;
      retry = 1000;
      setConnection("");
      beat();
      clearInterval(heartbeatTimer);
      heartbeatTimer = setInterval(beat, (config.heartbeatSeconds || 20) * 1000);
      order.forEach(function (id) { if (chats[id].status !== "ended") join(chats[id]); });
    },
    queue: function (frame) {
      var before = {};
      waiting.forEach(function (item) { before[item.id] = true; });
      var now = Date.now();
      waiting = [];
      (frame.items || []).forEach(function (item) {
        if (item.status === "waiting") {
          waiting.push({ id: item.conversation, customer: item.customer, locale: item.locale, preview: item.preview,
            since: now - (item.waiting_seconds || 0) * 1000 });
          if (queueLoaded && !before[item.conversation]) announce(t("newWaiting", { name: item.customer || t("visitor") }));
        } else if (item.status === "active" && item.assignee === me && !accepting[item.conversation]) {
          var chat = chatFor(item.conversation);
          chat.name = chat.name || item.customer;
          chat.locale = item.locale;
          chat.preview = chat.preview || item.preview;
          join(chat);
        }
      });
      queueLoaded = true;
      renderQueue();
      renderMine();
    },
    "queue.changed": function (frame) {
      var id = frame.conversation, chat = chats[id];
      if (frame.status === "waiting") { refreshQueueSoon(); return; }
      removeWaiting(id);
      if (frame.status === "active" && frame.assignee === me) {
        if (accepting[id]) return;
        // Handed to this agent by a colleague: open it here.
        if (!chat) { join(chatFor(id)); renderMine(); } else join(chat);
      } else if (frame.status === "active" && chat) {
        handedOn(chat);
      } else if (frame.status === "ended" && chat) {
        markEnded(chat);
      }
    },
    conversation: function (frame) {
      var chat = chatFor(frame.conversation);
      var accepted = accepting[chat.id];
      delete accepting[chat.id];
      joinedHere[chat.id] = true;
      chat.status = frame.status;
      chat.locale = frame.locale;
      chat.name = frame.customer ? frame.customer.name || frame.customer.email : "";
      chat.visitorRead = Math.max(chat.visitorRead, frame.visitor_read_seq || 0);
      chat.agentRead = Math.max(chat.agentRead, frame.agent_read_seq || 0);
      if (accepted) { removeWaiting(chat.id); select(chat.id, true); }
      else if (selected === chat.id) renderHeader();
      renderMine();
    },
    message: receive,
    ack: function (frame) {
      var chat = chats[frame.conversation];
      if (chat) delete chat.unacked[frame.client_id];
    },
    typing: function (frame) {
      var chat = chats[frame.conversation];
      if (!chat || frame.by !== "visitor") return;
      chat.visitorTyping = !!frame.on && chat.status !== "ended";
      clearTimeout(chat.typingTimer);
      // A visitor whose "off" never comes (a closed tab) stops typing after a while.
      if (chat.visitorTyping) chat.typingTimer = setTimeout(function () { chat.visitorTyping = false; renderTyping(); }, 8000);
      if (selected === chat.id) renderTyping();
    },
    read: function (frame) {
      var chat = chats[frame.conversation];
      if (!chat) return;
      if (frame.by === "visitor") {
        chat.visitorRead = Math.max(chat.visitorRead, frame.seq);
        updateSeen(chat);
      } else if (frame.seq > chat.agentRead) {
        // Read in another of this agent's tabs.
        chat.agentRead = frame.seq;
        chat.unread = 0;
        renderMineSoon();
      }
    },
    presence: function (frame) {
      presenceStatus.textContent = t(frame.status === "away" ? "away" : "online");
    },
    error: function (frame) {
      var id = frame.conversation, chat = id ? chats[id] : null;
      if (id && accepting[id]) {
        delete accepting[id];
        delete joinedHere[id];
        removeWaiting(id);
        notice(frame.message, true);
        announce(frame.message);
        refreshQueueSoon();
      } else if (chat && frame.client_id && chat.unacked[frame.client_id]) {
        failPending(chat, frame);
      } else if (chat && frame.code === "not_your_chat") {
        handedOn(chat);
      } else if (chat && frame.code === "not_joined") {
        delete joinedHere[id];
        join(chat);
      } else if (frame.code === "rate_limited") {
        setTimeout(resendUnacked, 2000);
      } else {
        notice(frame.message || t("failed"), true);
      }
    },
    pong: function () {}
  };

  /* ---- transfer, end, close ---- */
  transferForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var chat = current(), to = parseInt(transferTo.value, 10);
    if (!chat || !to) { transferTo.focus(); return; }
    send({ type: "transfer", conversation: chat.id, to: to });
    transferTo.value = "";
  });

  var ending = null;
  endButton.addEventListener("click", function () {
    var chat = current();
    if (!chat) return;
    ending = chat.id;
    if (endDialog.showModal) endDialog.showModal();
    else if (window.confirm(endDialog.querySelector("h2").textContent)) send({ type: "end", conversation: ending });
  });
  endDialog.addEventListener("close", function () {
    if (endDialog.returnValue === "end" && ending && chats[ending]) send({ type: "end", conversation: ending });
    endDialog.returnValue = "";
    ending = null;
    if (!replyBox.disabled) replyBox.focus();
  });

  closeButton.addEventListener("click", function () {
    var chat = current();
    if (!chat) return;
    send({ type: "leave", conversation: chat.id });
    removeChat(chat);
    var next = mineList.querySelector("[data-open]") || queueList.querySelector("[data-accept]");
    if (next) next.focus();
  });

  /* ---- canned replies (ticket macros) ---- */
  function chatUrl(template, id) { return template.replace(config.placeholder, id); }

  if (canned) {
    canned.addEventListener("change", function () {
      var chat = current(), macro = canned.value;
      canned.value = "";
      if (!chat || !macro) return;
      var url = chatUrl(config.macroUrl, chat.id).replace(/\/0\/$/, "/" + encodeURIComponent(macro) + "/");
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
        .then(function (data) {
          if (!data.body) return;
          replyBox.value = replyBox.value.trim() ? replyBox.value.replace(/\s+$/, "") + "\n\n" + data.body : data.body;
          replyBox.focus();
          replyBox.dispatchEvent(new Event("input"));
        })
        .catch(function () { notice(t("macroFailed"), true); });
    });
  }

  /* ---- the customer panel, and converting the chat to a ticket ---- */
  function showPanel(html, id) {
    if (selected !== id) return;
    var doc = new DOMParser().parseFromString(html, "text/html");
    panelBody.replaceChildren.apply(panelBody, Array.prototype.map.call(doc.body.childNodes, function (node) {
      return document.importNode(node, true);
    }));
  }

  function loadPanel(chat) {
    var id = chat.id;
    fetch(chatUrl(config.panelUrl, id), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.text(); })
      .then(function (html) { showPanel(html, id); })
      .catch(function () { if (selected === id) panelBody.replaceChildren(el("p", "notice error", t("panelFailed"))); });
  }

  panelBody.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-convert]");
    if (!form) return;
    event.preventDefault();
    var id = selected, button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        showPanel(html, id);
        var said = panelBody.querySelector("[role=status], [role=alert], [aria-invalid=true]");
        if (said) {
          if (!said.matches("input")) said.tabIndex = -1;
          said.focus();
        }
      })
      .catch(function () {
        if (button) button.disabled = false;
        notice(t("failed"), true);
      });
  });

  /* ---- keyboard ---- */
  function openSheet() { if (sheet && sheet.showModal && !sheet.open) sheet.showModal(); }
  if (sheet && sheetButton && sheet.showModal) {
    sheetButton.hidden = false;
    sheetButton.addEventListener("click", openSheet);
  }

  function isField(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function dialogOpen() { return !!document.querySelector("dialog[open]"); }

  function moveItem(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll("#queue-list [data-accept], #mine-list [data-open]"));
    if (!items.length) return;
    var index = items.indexOf(document.activeElement);
    index = index < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
    items[index].focus();
    items[index].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    var target = event.target;
    if (target === replyBox && event.key === "Enter" && !event.shiftKey && !event.altKey && !event.isComposing) {
      event.preventDefault();  // Enter and Ctrl/Cmd+Enter send; Shift+Enter is a new line
      sendReply();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isField(target)) {
      if (event.key === "Escape" && !dialogOpen()) target.blur();
      return;
    }
    if (dialogOpen()) return;
    var key = event.key, handled = true;
    var inLists = !!(target.closest && target.closest(".console-lists"));
    if (key === "?") openSheet();
    else if (key === "j" || (inLists && key === "ArrowDown")) moveItem(1);
    else if (key === "k" || (inLists && key === "ArrowUp")) moveItem(-1);
    else if (key === "r" && current() && !replyBox.disabled) replyBox.focus();
    else handled = false;
    if (handled) event.preventDefault();
  });

  /* ---- start ---- */
  chatName.dataset.none = chatName.textContent;
  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) socket.close();
  });
  window.addEventListener("pageshow", function (event) {
    // Back from the page cache: the old socket is gone.
    if (event.persisted) { stopped = false; connect(); }
  });
  setConnection(t("connecting"));
  connect();
})();
