// eventlens dashboard: map, timeline and table over the REST API, with filters
// that drive all three, an article view and a story view.
//
// Untrusted text (article titles, text, sources, evidence, names) is only ever
// written with textContent / createTextNode; nothing from the data is parsed
// as HTML, and the page's Content-Security-Policy runs only our own scripts.
"use strict";

(function () {
  // ---------------------------------------------------------------- constants

  var TYPE_COLOURS = {
    ASSAULT: "#d62728", COERCE: "#ff7f0e", THREATEN: "#9467bd", PROTEST: "#1f77b4",
    MOBILIZE: "#8c564b", SANCTION: "#e377c2", ACCUSE: "#7f7f7f", REJECT: "#bcbd22",
    REQUEST: "#17becf", RETREAT: "#2ca02c", AID: "#98df8a", COOPERATE: "#aec7e8",
    CONCEDE: "#ffbb78", SUPPORT: "#c5b0d5", CONSULT: "#c49c94", AGREE: "#dbdb8d"
  };
  var STATUS_COLOURS = {
    occurred: "#b2182b", attempted: "#ef8a62", foiled: "#2166ac", planned: "#67a9cf",
    threatened: "#762a83", warned: "#c2a5cf", denied: "#4d4d4d", hypothetical: "#bababa"
  };
  var STATUS_HELP = {
    occurred: "happened or ongoing", attempted: "tried and failed",
    foiled: "prevented before it was carried out", planned: "intended or prepared",
    threatened: "an actor threatened it", warned: "a third party warned of it",
    denied: "reported as not having happened", hypothetical: "conditional or speculative"
  };
  // Where markers overlap, the rarer statuses an analyst looks for stay on top.
  var STATUS_RISE = {
    occurred: 0, hypothetical: 100, denied: 200, warned: 300, threatened: 400,
    planned: 500, attempted: 600, foiled: 700
  };
  var SVG = "http://www.w3.org/2000/svg";
  var FILTER_KEYS = ["date_from", "date_to", "country", "event_type", "actor", "q", "min_confidence"];
  var PAGE = 100;

  // -------------------------------------------------------------------- state

  var state = {
    meta: null,
    filters: {},          // name -> string (single-valued form fields)
    statuses: [],         // checked statuses (none: all)
    cursor: null,
    period: "auto",
    generation: 0         // bumps on every refresh; stale answers are dropped
  };
  var map, markerLayer, chart;

  // ------------------------------------------------------------------ helpers

  // Text from the data is data: control characters (C0/C1: ANSI/OSC escapes) and
  // bidirectional overrides/isolates/marks are removed before it is shown.
  var CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  function plain(s) { return String(s).replace(CONTROLS, ""); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined) return;
        if (k === "text") e.textContent = plain(v);
        else if (k === "class") e.className = v;
        else if (k === "dataset") Object.keys(v).forEach(function (d) { e.dataset[d] = v[d]; });
        else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, typeof v === "string" ? plain(v) : v);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(plain(c)) : c);
    });
    return e;
  }

  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // A link only for http(s) URLs; anything else (javascript:, data:) stays text.
  function safeLink(url, label) {
    var u = null;
    try { u = new URL(url, window.location.href); } catch (e) { u = null; }
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) {
      return el("span", { text: label || url || "" });
    }
    var a = el("a", { target: "_blank", rel: "noopener noreferrer nofollow", text: label || u.href });
    a.href = u.href;
    return a;
  }

  function showMessage(text) {
    var m = document.getElementById("message");
    m.textContent = text || "";
    m.hidden = !text;
  }

  function api(path, params) {
    var qs = params ? params.toString() : "";
    return fetch(path + (qs ? "?" + qs : ""), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) {
            var d = body && body.detail;
            var msg = Array.isArray(d)
              ? d.map(function (x) { return (x.loc || []).slice(-1)[0] + ": " + x.msg; }).join("; ")
              : String(d || r.statusText);
            throw new Error(msg);
          }
          return body;
        });
      });
  }

  function filterParams(extra) {
    var p = new URLSearchParams();
    FILTER_KEYS.forEach(function (k) {
      var v = state.filters[k];
      if (v !== undefined && v !== null && String(v).trim() !== "") p.append(k, String(v).trim());
    });
    state.statuses.forEach(function (s) { p.append("status", s); });
    Object.keys(extra || {}).forEach(function (k) { if (extra[k] !== null) p.set(k, extra[k]); });
    return p;
  }

  // Sources that say they are synthetic (the bundled samples) stand out.
  function sourceClass(source) { return /synthetic/i.test(source || "") ? "synthetic" : "muted"; }

  function typeColour(t) { return TYPE_COLOURS[t] || "#555"; }

  function actorName(a) { return a ? (a.name || a.text) : null; }

  function placeName(loc) {
    if (!loc) return "";
    var parts = [loc.name || loc.text];
    if (loc.admin1 && loc.admin1 !== loc.name) parts.push(loc.admin1);
    if (loc.country) parts.push(loc.country);
    return parts.filter(Boolean).join(", ");
  }

  function countsText(c) {
    if (!c) return "";
    return ["killed", "injured", "arrested", "participants"]
      .filter(function (k) { return c[k] !== null && c[k] !== undefined; })
      .map(function (k) { return c[k] + " " + k; }).join(", ");
  }

  // The status symbol: one shape per status, in the event type's colour.
  function statusShape(status, colour, size) {
    var s = svgEl("svg", { viewBox: "-10 -10 20 20", width: size, height: size, "class": "sym" });
    var stroke = { stroke: colour, "stroke-width": 2.5, fill: "#fff" };
    function add(tag, attrs) { s.appendChild(svgEl(tag, attrs)); }
    switch (status) {
      case "occurred":
        add("circle", { r: 8, fill: colour, stroke: "#fff", "stroke-width": 1.5 }); break;
      case "attempted":
        add("circle", { r: 8, fill: "#fff", stroke: colour, "stroke-width": 2.5 });
        add("path", { d: "M0,-8 A8,8 0 0,1 0,8 Z", fill: colour }); break;
      case "foiled":
        add("circle", Object.assign({ r: 8 }, stroke));
        add("path", { d: "M-5,-5 L5,5 M5,-5 L-5,5", stroke: colour, "stroke-width": 2.5 }); break;
      case "planned":
        add("circle", Object.assign({ r: 8, "stroke-dasharray": "3 2.5" }, stroke)); break;
      case "threatened":
        add("path", Object.assign({ d: "M0,-9 L8.5,7 L-8.5,7 Z" }, stroke));
        add("path", { d: "M0,-3 L0,2 M0,4 L0,5", stroke: colour, "stroke-width": 2 }); break;
      case "warned":
        add("path", Object.assign({ d: "M0,-9 L9,0 L0,9 L-9,0 Z" }, stroke));
        add("path", { d: "M0,-4 L0,1 M0,3 L0,4", stroke: colour, "stroke-width": 2 }); break;
      case "denied":
        add("rect", Object.assign({ x: -7, y: -7, width: 14, height: 14 }, stroke));
        add("path", { d: "M-7,7 L7,-7", stroke: colour, "stroke-width": 2 }); break;
      default:
        add("circle", { r: 6, fill: "#fff", stroke: colour, "stroke-width": 1.5, "stroke-dasharray": "1.5 2" });
    }
    return s;
  }

  function statusBadge(status, type) {
    return el("span", { "class": "badge status-" + status, title: STATUS_HELP[status] || "" },
      [statusShape(status, typeColour(type), 14), status]);
  }

  function typeCell(ev) {
    var sw = el("span", { "class": "type-swatch" });
    sw.style.background = typeColour(ev.event_type);  // CSSOM: allowed by the CSP
    return el("span", { "class": "badge" }, [sw, ev.event_type + (ev.mode ? " · " + ev.mode : "")]);
  }

  // ------------------------------------------------------------------ filters

  function buildFilters(meta) {
    var box = document.getElementById("status-filter");
    meta.statuses.forEach(function (s) {
      var cb = el("input", { type: "checkbox", name: "status", value: s });
      cb.checked = state.statuses.indexOf(s) >= 0;
      box.appendChild(el("label", { "class": "chip", title: STATUS_HELP[s] || "", dataset: { status: s } },
        [cb, statusShape(s, STATUS_COLOURS[s], 14), s]));
    });
    var form = document.getElementById("filters");
    form.addEventListener("change", function (e) { if (e.target.name) readForm(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); readForm(); });
    form.querySelectorAll("input[type=search]").forEach(function (i) {
      i.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); readForm(); } });
    });
    document.getElementById("reset").addEventListener("click", function () {
      form.reset();
      form.querySelectorAll("input[name=status]").forEach(function (c) { c.checked = false; });
      readForm();
    });
    document.getElementById("period").addEventListener("change", function (e) {
      state.period = e.target.value;
      refreshTimeline(state.generation);
    });
  }

  function fillOptions(select, rows, labeller, selected) {
    rows.forEach(function (r) {
      var o = el("option", { value: r.key, text: labeller(r) });
      if (r.key === selected) o.selected = true;
      select.appendChild(o);
    });
  }

  function writeForm() {
    var form = document.getElementById("filters");
    FILTER_KEYS.forEach(function (k) {
      var f = form.elements[k];
      if (f && state.filters[k] !== undefined) f.value = state.filters[k];
    });
  }

  function readForm() {
    var form = document.getElementById("filters");
    var f = {};
    FILTER_KEYS.forEach(function (k) { var i = form.elements[k]; if (i && i.value !== "") f[k] = i.value; });
    state.filters = f;
    state.statuses = Array.prototype.slice.call(form.querySelectorAll("input[name=status]:checked"))
      .map(function (c) { return c.value; });
    saveUrl();
    refreshAll();
  }

  function loadUrl() {
    var p = new URLSearchParams(window.location.search);
    FILTER_KEYS.forEach(function (k) { if (p.get(k)) state.filters[k] = p.get(k); });
    state.statuses = p.getAll("status");
  }

  function saveUrl() {
    var qs = filterParams().toString();
    history.replaceState(null, "", (qs ? "?" + qs : window.location.pathname) + window.location.hash);
    ["csv", "geojson", "jsonl"].forEach(function (fmt) {
      document.getElementById("export-" + fmt).href =
        "/api/export/events?" + filterParams({ format: fmt }).toString();
    });
    ["md", "pdf"].forEach(function (fmt) {
      document.getElementById("brief-" + fmt).href =
        "/api/brief?" + filterParams({ format: fmt }).toString();
    });
  }

  // ---------------------------------------------------------------------- map

  function initMap(meta) {
    map = L.map("map", { worldCopyJump: true, preferCanvas: false, attributionControl: true })
      .setView([25, 20], 2);
    map.attributionControl.setPrefix("Leaflet");
    if (meta.tile_url) {
      L.tileLayer(meta.tile_url, { maxZoom: 18 }).addTo(map);
      if (meta.tile_attribution) map.attributionControl.addAttribution(escapeText(meta.tile_attribution));
    } else {
      fetch("/static/vendor/world-atlas/countries-110m.json").then(function (r) { return r.json(); })
        .then(function (world) {
          var land = topojson.feature(world, world.objects.countries);
          L.geoJSON(land, {
            interactive: false,
            style: { color: "#8a94a3", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }
          }).addTo(map).bringToBack();
        });
      map.attributionControl.addAttribution("Outlines: Natural Earth");
    }
    map.attributionControl.addAttribution("Places: © GeoNames (CC BY 4.0), region centres © OpenStreetMap contributors (ODbL)");
    markerLayer = L.layerGroup().addTo(map);
    legendBox(meta);
  }

  function escapeText(s) { var d = document.createElement("div"); d.textContent = plain(s); return d.innerHTML; }

  function legendBox(meta) {
    var box = document.getElementById("legend-statuses");
    meta.statuses.forEach(function (st) {
      box.appendChild(el("span", { "class": "item", title: STATUS_HELP[st] }, [statusShape(st, "#333", 14), st]));
    });
  }

  function updateLegendTypes(types) {
    var box = document.getElementById("legend-types");
    if (!box) return;
    box.textContent = "";
    types.forEach(function (t) {
      var sw = el("span", { "class": "type-swatch" });
      sw.style.background = typeColour(t);
      box.appendChild(el("span", { "class": "item" }, [sw, t]));
    });
  }

  var iconCache = {};

  // Marker icons are built once per look (type, status, size, label) and cloned.
  function markerIcon(type, status, n) {
    var size = Math.round(18 + Math.min(10, 3 * Math.log2(n)));
    var label = n > 1 && status === "occurred" ? (n > 99 ? "99+" : String(n)) : "";
    var key = type + "|" + status + "|" + size + "|" + label;
    var proto = iconCache[key];
    if (!proto) {
      proto = el("div", { dataset: { status: status, type: type } });
      var s = statusShape(status, typeColour(type), size);
      if (label) {
        var t = svgEl("text", { x: 0, y: 3.5, "text-anchor": "middle", "class": "n" });
        t.textContent = label;
        s.appendChild(t);
      }
      proto.appendChild(s);
      iconCache[key] = proto;
    }
    var wrap = proto.cloneNode(true);
    wrap.dataset.n = String(n);
    return L.divIcon({
      html: wrap, className: "ev-marker status-" + status + " type-" + type,
      iconSize: [size, size], iconAnchor: [size / 2, size / 2]
    });
  }

  function refreshMap(gen) {
    return api("/api/map/events", filterParams({ limit: "5000" })).then(function (res) {
      if (gen !== state.generation) return;
      var t0 = performance.now();
      markerLayer.clearLayers();
      // One marker per place, type and status, with the number of events it stands for.
      var groups = {};
      var order = [];
      res.points.forEach(function (p) {
        var k = p.lat.toFixed(4) + "," + p.lon.toFixed(4) + "|" + p.event_type + "|" + p.status;
        if (!groups[k]) { groups[k] = { lat: p.lat, lon: p.lon, type: p.event_type, status: p.status, ids: [] }; order.push(k); }
        groups[k].ids.push(p.id);
      });
      var atPlace = {};
      order.forEach(function (k) {
        var g = groups[k]; var pk = g.lat.toFixed(4) + "," + g.lon.toFixed(4);
        (atPlace[pk] = atPlace[pk] || []).push(g);
      });
      var types = {};
      Object.keys(atPlace).forEach(function (pk) {
        var gs = atPlace[pk];
        gs.forEach(function (g, i) {
          types[g.type] = true;
          var icon = markerIcon(g.type, g.status, g.ids.length);
          // Several groups at one place sit on a small ring so that each stays clickable.
          if (gs.length > 1) {
            var a = 2 * Math.PI * i / gs.length, r = 9 + gs.length;
            var sz = icon.options.iconSize[0];
            icon.options.iconAnchor = [sz / 2 - r * Math.cos(a), sz / 2 - r * Math.sin(a)];
          }
          var m = L.marker([g.lat, g.lon], {
            icon: icon, keyboard: true, riseOnHover: true, zIndexOffset: STATUS_RISE[g.status] || 0,
            title: g.ids.length + " × " + g.type + " (" + g.status + ")"
          });
          m.on("click", function () { openMarker(m, g); });
          m.addTo(markerLayer);
        });
      });
      updateLegendTypes(Object.keys(types).sort());
      performance.measure("eventlens:map-draw", { start: t0 });
      var note = res.truncated ? " (map shows the newest " + res.points.length + " of " + res.total + " located)" : "";
      document.getElementById("map").dataset.points = String(res.points.length);
      return note;
    });
  }

  function openMarker(marker, g) {
    var box = el("div", { "class": "popup-list" }, [el("div", { "class": "muted", text: "Loading…" })]);
    marker.unbindPopup();
    marker.bindPopup(box, { maxWidth: 380 }).openPopup();
    var eps = 1e-4;
    var p = filterParams({
      bbox: [g.lon - eps, g.lat - eps, g.lon + eps, g.lat + eps].map(function (x) {
        return Math.max(-180, Math.min(180, x)).toFixed(5);
      }).join(","),
      event_type: g.type, limit: "20"
    });
    p.delete("status"); p.append("status", g.status);
    api("/api/events", p).then(function (res) {
      box.textContent = "";
      box.appendChild(el("div", { "class": "muted", text: g.ids.length + " event" + (g.ids.length > 1 ? "s" : "") + " here" }));
      res.items.forEach(function (it) { box.appendChild(popupEvent(it)); });
      marker.getPopup().update();
    }).catch(function (e) { box.textContent = "Could not load: " + e.message; });
  }

  function popupEvent(it) {
    var ev = it.event;
    var who = [actorName(ev.actor), actorName(ev.recipient)].filter(Boolean).join(" → ");
    return el("div", { "class": "ev", dataset: { eventId: ev.id } }, [
      el("div", {}, [el("strong", { text: (ev.date.value || "undated") + " " }), typeCell(ev), " ", statusBadge(ev.status, ev.event_type)]),
      who ? el("div", { text: who }) : null,
      el("div", { "class": "muted", text: placeName(ev.location) }),
      el("blockquote", { "class": "evidence-quote", text: ev.evidence.text }),
      it.article.source ? el("div", { "class": sourceClass(it.article.source), text: it.article.source }) : null,
      el("div", { "class": "actions" }, [
        el("button", { type: "button", "class": "link open-article", text: "Article",
          onclick: function () { go("article", ev.article_id, ev.id); } }),
        it.story_id ? el("button", { type: "button", "class": "link open-story", text: "Story",
          onclick: function () { go("story", it.story_id); } }) : null
      ])
    ]);
  }

  // ----------------------------------------------------------------- timeline

  function pickPeriod() {
    if (state.period !== "auto") return state.period;
    var lo = state.filters.date_from || (state.meta && state.meta.date_min);
    var hi = state.filters.date_to || (state.meta && state.meta.date_max);
    if (!lo || !hi) return "month";
    var days = (Date.parse(hi) - Date.parse(lo)) / 864e5;
    return days <= 92 ? "day" : days <= 3 * 366 ? "week" : days <= 15 * 366 ? "month" : "year";
  }

  function nextKey(key, period) {
    var d = new Date(key + "T00:00:00Z");
    if (period === "day") d.setUTCDate(d.getUTCDate() + 1);
    else if (period === "week") d.setUTCDate(d.getUTCDate() + 7);
    else if (period === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCFullYear(d.getUTCFullYear() + 1);
    return d.toISOString().slice(0, 10);
  }

  function periodEnd(key, period) {
    var d = new Date(nextKey(key, period) + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() - 1);
    return d.toISOString().slice(0, 10);
  }

  function byYear(counts) {
    var out = {}, keys = [];
    counts.forEach(function (c) {
      var y = c.key.slice(0, 4) + "-01-01";
      if (!out[y]) { out[y] = { key: y, n: 0, split: {} }; keys.push(y); }
      out[y].n += c.n;
      Object.keys(c.split || {}).forEach(function (s) { out[y].split[s] = (out[y].split[s] || 0) + c.split[s]; });
    });
    return keys.map(function (k) { return out[k]; });
  }

  function refreshTimeline(gen) {
    var period = pickPeriod();
    // Years are months added up here (the API counts by day, week or month).
    return api("/api/counts/events", filterParams({ by: period === "year" ? "month" : period, split: "status" })).then(function (res) {
      if (gen !== state.generation) return;
      if (period === "year") res.counts = byYear(res.counts);
      var byKey = {};
      res.counts.forEach(function (c) { byKey[c.key] = c.split || {}; });
      var keys = [];
      if (res.counts.length) {
        var k = res.counts[0].key, last = res.counts[res.counts.length - 1].key, guard = 0;
        while (k <= last && guard++ < 5000) { keys.push(k); k = nextKey(k, period); }
      }
      var statuses = state.meta.statuses.filter(function (s) {
        return res.counts.some(function (c) { return c.split && c.split[s]; });
      });
      var datasets = statuses.map(function (s) {
        return {
          label: s, backgroundColor: STATUS_COLOURS[s], stack: "s",
          data: keys.map(function (key) { return (byKey[key] || {})[s] || 0; })
        };
      });
      document.getElementById("timeline-note").textContent =
        res.total + " events, " + res.unknown + " undated; per " + period;
      var canvas = document.getElementById("timeline");
      canvas.dataset.period = period;
      canvas.dataset.buckets = String(keys.length);
      if (chart) chart.destroy();
      chart = new Chart(canvas, {
        type: "bar",
        data: { labels: keys, datasets: datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } },
                    y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: "bottom", labels: { boxWidth: 10 } } },
          onClick: function (_e, items) {
            if (!items.length) return;
            var key = keys[items[0].index];
            state.filters.date_from = key;
            state.filters.date_to = period === "day" ? key : periodEnd(key, period);
            writeForm(); saveUrl(); refreshAll();
          }
        }
      });
    });
  }

  // -------------------------------------------------------------------- table

  function eventRow(it) {
    var ev = it.event;
    var who = [actorName(ev.actor), actorName(ev.recipient)];
    var tr = el("tr", { dataset: { eventId: ev.id, status: ev.status, type: ev.event_type }, tabindex: "0" }, [
      el("td", { "class": "nowrap", text: ev.date.value || "—" }),
      el("td", { "class": "nowrap" }, [typeCell(ev)]),
      el("td", {}, [statusBadge(ev.status, ev.event_type)]),
      el("td", { text: (who[0] || "?") + " → " + (who[1] || "?") }),
      el("td", { text: placeName(ev.location) }),
      el("td", { "class": "evidence", text: ev.evidence.text }),
      el("td", { "class": sourceClass(it.article.source), text: it.article.source || "" })
    ]);
    function open() { go("article", ev.article_id, ev.id); }
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", function (e) { if (e.key === "Enter") open(); });
    return tr;
  }

  function refreshTable(gen, append) {
    var p = filterParams({ limit: String(PAGE) });
    if (append && state.cursor) p.set("cursor", state.cursor);
    var jobs = [api("/api/events", p)];
    if (!append) jobs.push(api("/api/counts/events", filterParams({ by: "status" })));
    return Promise.all(jobs).then(function (res) {
      if (gen !== state.generation) return;
      var body = document.querySelector("#events tbody");
      if (!append) body.textContent = "";
      res[0].items.forEach(function (it) { body.appendChild(eventRow(it)); });
      state.cursor = res[0].next_cursor;
      document.getElementById("more").hidden = !state.cursor;
      if (res[1]) {
        document.getElementById("count").textContent = res[1].total + " match" + (res[1].total === 1 ? "es" : "");
      }
    });
  }

  // ------------------------------------------------------------------ refresh

  function refreshAll() {
    var gen = ++state.generation;
    document.body.dataset.state = "loading";
    showMessage("");
    state.cursor = null;
    return Promise.all([refreshMap(gen), refreshTimeline(gen), refreshTable(gen, false)])
      .then(function (res) {
        if (gen !== state.generation) return;
        if (res[0]) showMessage(res[0].trim());
        document.body.dataset.state = "ready";
        document.body.dataset.generation = String(gen);
      })
      .catch(function (e) {
        if (gen !== state.generation) return;
        showMessage("Could not load: " + e.message);
        document.body.dataset.state = "error";
      });
  }

  // ------------------------------------------------------------ detail views

  function go(kind, id, focus) {
    window.location.hash = "#/" + kind + "/" + encodeURIComponent(id) + (focus ? "/" + encodeURIComponent(focus) : "");
  }

  function route() {
    var m = window.location.hash.match(/^#\/(article|story)\/([^/]+)(?:\/([^/]+))?$/);
    var pane = document.getElementById("detail");
    if (!m) { pane.hidden = true; document.getElementById("detail-body").textContent = ""; return; }
    var id = decodeURIComponent(m[2]);
    var focus = m[3] ? decodeURIComponent(m[3]) : null;
    pane.hidden = false;
    pane.dataset.state = "loading";
    var body = document.getElementById("detail-body");
    body.textContent = "Loading…";
    var job = m[1] === "article" ? showArticle(id, focus, body) : showStory(id, body);
    job.then(function () { pane.dataset.state = "ready"; })
      .catch(function (e) { body.textContent = "Could not load: " + e.message; pane.dataset.state = "error"; });
  }

  // The article's text with every event's evidence highlighted; the focused one stands out.
  function highlighted(text, evs, focus) {
    var box = el("div", { "class": "article-text", id: "article-text" });
    var cuts = [0, text.length];
    evs.forEach(function (it) {
      var e = it.event.evidence;
      if (e.start >= 0 && e.end <= text.length && e.start < e.end) cuts.push(e.start, e.end);
    });
    cuts = cuts.filter(function (v, i, a) { return a.indexOf(v) === i; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      var seg = text.slice(a, b);
      var covering = evs.filter(function (it) {
        var e = it.event.evidence; return e.start <= a && b <= e.end && e.start < e.end;
      });
      if (!covering.length) { box.appendChild(document.createTextNode(plain(seg))); continue; }
      var ids = covering.map(function (it) { return it.event.id; });
      var mk = el("mark", { dataset: { events: ids.join(" ") }, title: covering.map(function (it) {
        return it.event.event_type + " (" + it.event.status + ")"; }).join("; ") }, [seg]);
      if (focus && ids.indexOf(focus) >= 0) mk.className = "focus";
      mk.addEventListener("click", (function (first) {
        return function () { focusEvent(first); };
      })(ids[0]));
      box.appendChild(mk);
    }
    return box;
  }

  function focusEvent(id) {
    var m = window.location.hash.match(/^#\/article\/([^/]+)/);
    if (m) history.replaceState(null, "", window.location.pathname + window.location.search + "#/article/" + m[1] + "/" + encodeURIComponent(id));
    document.querySelectorAll("#article-text mark").forEach(function (mk) {
      mk.classList.toggle("focus", mk.dataset.events.split(" ").indexOf(id) >= 0);
    });
    document.querySelectorAll("#article-events li").forEach(function (li) {
      li.classList.toggle("focus", li.dataset.eventId === id);
    });
    var first = document.querySelector("#article-text mark.focus");
    if (first) first.scrollIntoView({ block: "center" });
  }

  function eventSummary(it, extra) {
    var ev = it.event;
    var who = [actorName(ev.actor), actorName(ev.recipient)];
    return [
      el("div", {}, [el("strong", { text: (ev.date.value || "undated") + " " }), typeCell(ev), " ", statusBadge(ev.status, ev.event_type),
        el("span", { "class": "muted", text: "  confidence " + ev.confidence })]),
      el("div", { text: (who[0] || "?") + " → " + (who[1] || "?") + (placeName(ev.location) ? " · " + placeName(ev.location) : "") }),
      countsText(ev.counts) ? el("div", { text: countsText(ev.counts) }) : null,
      el("blockquote", { "class": "evidence-quote", text: ev.evidence.text })
    ].concat(extra || []);
  }

  function showArticle(id, focus, body) {
    document.getElementById("detail-kind").textContent = "Article";
    return api("/api/articles/" + encodeURIComponent(id)).then(function (res) {
      var a = res.article;
      body.textContent = "";
      body.appendChild(el("h2", { id: "article-title", text: a.title || "(untitled article)" }));
      body.appendChild(el("div", { "class": "meta" }, [
        a.source ? el("span", { id: "article-source", "class": sourceClass(a.source), text: a.source }) : null,
        a.published ? el("span", { text: "published " + a.published }) : null,
        a.url ? safeLink(a.url) : null
      ]));
      body.appendChild(el("h3", { text: "Events in this article (" + res.events.length + ")" }));
      var list = el("ul", { "class": "event-list", id: "article-events" });
      res.events.forEach(function (it) {
        var li = el("li", { dataset: { eventId: it.event.id } }, eventSummary(it, [
          el("div", { "class": "actions" }, [
            el("button", { type: "button", "class": "link", text: "Show in text",
              onclick: function () { focusEvent(it.event.id); } }),
            it.story_id ? el("button", { type: "button", "class": "link open-story", text: "Story",
              onclick: function () { go("story", it.story_id); } }) : null
          ])
        ]));
        if (it.event.id === focus) li.className = "focus";
        list.appendChild(li);
      });
      body.appendChild(list);
      body.appendChild(el("h3", { text: "Text" }));
      body.appendChild(a.text ? highlighted(a.text, res.events, focus) : el("p", { "class": "muted", text: "The store holds no text for this article." }));
      body.appendChild(el("p", { "class": "muted", text: res.attribution }));
      if (focus) {
        var f = body.querySelector("mark.focus");
        if (f) f.scrollIntoView({ block: "center" });
      }
    });
  }

  function showStory(id, body) {
    document.getElementById("detail-kind").textContent = "Story";
    return api("/api/stories/" + encodeURIComponent(id)).then(function (res) {
      var s = res.story;
      body.textContent = "";
      body.appendChild(el("h2", {}, [el("span", { text: s.event_type + (s.mode ? " · " + s.mode : "") + " " }), statusBadge(s.status, s.event_type)]));
      var kv = el("dl", { "class": "kv" });
      [["Date", s.date.value || "unknown"], ["Place", placeName(s.location)],
       ["Actor → recipient", (s.actor || "?") + " → " + (s.recipient || "?")],
       ["Counts", countsText(s.counts) || "—"],
       ["Reports", s.n_reports + " reports in " + s.n_articles + " articles from " + s.n_sources + " sources"],
       ["Sources", s.sources.join(", ")]].forEach(function (r) {
        kv.appendChild(el("dt", { text: r[0] })); kv.appendChild(el("dd", { text: r[1] }));
      });
      body.appendChild(kv);
      if (s.evidence) body.appendChild(el("blockquote", { "class": "evidence-quote", text: s.evidence }));
      var names = Object.keys(s.conflicts || {});
      body.appendChild(el("h3", { text: names.length ? "Where reports disagree" : "Reports agree on every coded value" }));
      if (names.length) {
        var t = el("table", { "class": "conflicts", id: "story-conflicts" }, [
          el("thead", {}, [el("tr", {}, [el("th", { text: "Field" }), el("th", { text: "Value" }), el("th", { text: "Sources" })])])
        ]);
        var tb = el("tbody");
        names.forEach(function (n) {
          s.conflicts[n].forEach(function (v, i) {
            tb.appendChild(el("tr", {}, [
              el("td", { text: i === 0 ? n : "" }), el("td", { text: String(v.value) }),
              el("td", { text: v.n_sources + ": " + v.sources.join(", ") })
            ]));
          });
        });
        t.appendChild(tb);
        body.appendChild(t);
      }
      body.appendChild(el("h3", { text: "Every report (" + res.reports.length + ")" }));
      var list = el("ul", { "class": "event-list", id: "story-reports" });
      res.reports.forEach(function (it) {
        list.appendChild(el("li", { dataset: { eventId: it.event.id } }, [
          el("div", {}, [el("strong", { text: it.article.source || "unknown source" }), " ",
            el("span", { text: it.article.title || "" }),
            it.article.published ? el("span", { "class": "muted", text: " · " + it.article.published }) : null])
        ].concat(eventSummary(it, [
          el("div", { "class": "actions" }, [
            el("button", { type: "button", "class": "link open-article", text: "Article",
              onclick: function () { go("article", it.event.article_id, it.event.id); } }),
            it.article.url ? safeLink(it.article.url, "original") : null
          ])
        ]))));
      });
      body.appendChild(list);
      var more = res.coverage || [];
      if (more.length) {
        // The other articles of its reports' threads: the same happening, reported
        // without an event of this story.
        body.appendChild(el("h3", { text: "Also reported in (" + more.length + " more articles, same thread)" }));
        var cov = el("ul", { "class": "event-list", id: "story-coverage" });
        more.forEach(function (a) {
          cov.appendChild(el("li", {}, [
            el("div", {}, [el("strong", { text: a.source || "unknown source" }), " ",
              el("span", { text: a.title || "" }),
              a.published ? el("span", { "class": "muted", text: " · " + a.published }) : null]),
            el("div", { "class": "actions" }, [
              el("button", { type: "button", "class": "link open-article", text: "Article",
                onclick: function () { go("article", a.id); } }),
              a.url ? safeLink(a.url, "original") : null
            ])
          ]));
        });
        body.appendChild(cov);
      }
      body.appendChild(el("p", { "class": "muted", text: res.attribution }));
    });
  }

  // -------------------------------------------------------------------- brief

  // The brief for the current filters (the date filters are its period), made by
  // the server; the message shows progress, then a link to the downloaded file.
  function makeBrief() {
    var button = document.getElementById("brief");
    var url = "/api/brief?" + filterParams({ format: "html" }).toString();
    button.disabled = true;
    document.body.dataset.brief = "loading";
    showMessage("Making the brief for the current filters…");
    fetch(url).then(function (r) {
      if (!r.ok) {
        return r.json().then(function (b) { throw new Error(String((b && b.detail) || r.statusText)); });
      }
      var name = (r.headers.get("content-disposition") || "").match(/filename="([^"]+)"/);
      return r.blob().then(function (blob) { return { blob: blob, name: name ? name[1] : "eventlens-brief.html" }; });
    }).then(function (res) {
      var m = document.getElementById("message");
      m.textContent = "Brief ready: ";
      var a = el("a", { id: "brief-ready", download: res.name, text: res.name });
      a.href = URL.createObjectURL(res.blob);
      m.appendChild(a);
      m.hidden = false;
      a.click();
      document.body.dataset.brief = "ready";
    }).catch(function (e) {
      showMessage("Could not make the brief: " + e.message);
      document.body.dataset.brief = "error";
    }).then(function () { button.disabled = false; });
  }

  // --------------------------------------------------------------------- init

  function init() {
    loadUrl();
    document.getElementById("detail-close").addEventListener("click", function () {
      history.pushState(null, "", window.location.pathname + window.location.search);
      route();
    });
    document.getElementById("more").addEventListener("click", function () { refreshTable(state.generation, true); });
    document.getElementById("brief").addEventListener("click", makeBrief);
    window.addEventListener("hashchange", route);
    api("/api/meta").then(function (meta) {
      state.meta = meta;
      var t = meta.totals;
      document.getElementById("totals").textContent =
        t.events + " events · " + t.stories + " stories · " + t.articles + " articles";
      document.getElementById("credits").textContent = plain(meta.credits || meta.attribution || "");
      buildFilters(meta);
      initMap(meta);
      writeForm();
      saveUrl();
      route();
      // The option lists load beside the first refresh, not before it.
      var form = document.getElementById("filters");
      var label = function (r) { return r.key + " (" + r.n + ")"; };
      var options = Promise.all([
        api("/api/counts/events", new URLSearchParams({ by: "country" })),
        api("/api/counts/events", new URLSearchParams({ by: "event_type" }))
      ]).then(function (res) {
        fillOptions(form.elements.country, res[0].counts, label, state.filters.country);
        fillOptions(form.elements.event_type, res[1].counts, label, state.filters.event_type);
      });
      return Promise.all([refreshAll(), options]);
    }).catch(function (e) {
      showMessage("Could not load the store: " + e.message);
      document.body.dataset.state = "error";
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
