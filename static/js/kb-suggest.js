/* Suggestions as you type for the help-centre search box (ARIA 1.2 combobox with a listbox).
 * Progressive: without this script the form still submits to the results page.
 * <script src=".../kb-suggest.js" defer data-input="kb-q" data-api="/api/v1/kb/search"
 *         data-locale="fa" data-found="..." data-none="..."></script>
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var input = document.getElementById(script.dataset.input || "kb-q");
  if (!input) return;
  var api = script.dataset.api || "/api/v1/kb/search";
  var locale = script.dataset.locale || "";
  var DELAY = 200, MIN_CHARS = 2, LIMIT = 6;
  var timer = null, pending = null, items = [], active = -1, lastQuery = "";

  var wrap = document.createElement("div");
  wrap.className = "kb-suggest";
  input.parentNode.insertBefore(wrap, input);
  wrap.appendChild(input);
  var list = document.createElement("ul");
  list.id = input.id + "-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", (input.labels && input.labels[0] && input.labels[0].textContent) || "");
  list.hidden = true;
  wrap.appendChild(list);
  var status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  wrap.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index < 0) { input.removeAttribute("aria-activedescendant"); return; }
    input.setAttribute("aria-activedescendant", items[index].id);
    items[index].scrollIntoView({ block: "nearest" });
  }

  function show(results) {
    list.textContent = "";
    items = results.map(function (result, i) {
      var option = document.createElement("li");
      option.id = list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.lang = result.locale;
      option.dir = "auto";
      option.dataset.url = result.url;
      option.textContent = result.title;
      if (result.snippet) {
        var snippet = document.createElement("span");
        snippet.className = "kb-suggest-snippet";
        snippet.textContent = result.snippet;
        option.appendChild(snippet);
      }
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { window.location.assign(result.url); });
      list.appendChild(option);
      return option;
    });
    active = -1;
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    status.textContent = items.length ? (script.dataset.found || "Suggestions below.") : (script.dataset.none || "");
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    if (pending) pending.abort();
    if (query.length < MIN_CHARS) { show([]); return; }
    pending = new AbortController();
    var url = api + "?suggest=true&limit=" + LIMIT + "&q=" + encodeURIComponent(query) +
      (locale ? "&locale=" + encodeURIComponent(locale) : "");
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (input.value.trim() === query) show(data.results || []); })
      .catch(function () { /* offline or aborted: the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY);
  });

  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) { if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } return; }
      event.preventDefault();
      // Positions cycle through the options and back to the text box (-1).
      var next = active + (event.key === "ArrowDown" ? 1 : -1);
      highlight(next >= items.length ? -1 : next < -1 ? items.length - 1 : next);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].dataset.url);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", close);
})();
