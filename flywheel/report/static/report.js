// flywheel report: gallery and rejected views with client-side filters and search, the review
// widget (decisions kept in localStorage, downloaded as decisions.json), and Python highlighting.
// Everything runs from file:// — no server, no network.
(function () {
  "use strict";
  var FW = window.FW || {};
  var KEY = "flywheel-review:" + (FW.site || "");
  var ROOT = FW.root || "";

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  // -- review ---------------------------------------------------------------------------------
  function decisions() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; }
  }
  function store(d) {
    localStorage.setItem(KEY, JSON.stringify(d));
    paintReviews();
  }
  function decide(id, decision, note) {
    var d = decisions();
    if (d[id] && d[id].decision === decision && note === (d[id].note || "")) {
      delete d[id];  // clicking the chosen button again takes the decision back
    } else {
      d[id] = {decision: decision, note: note, at: new Date().toISOString()};
    }
    store(d);
  }
  function download() {
    var d = decisions();
    var body = {flywheel_review: 1, catalog: FW.catalog, site: FW.site,
                decisions: Object.keys(d).sort().map(function (id) {
                  return {id: id, decision: d[id].decision, note: d[id].note || "", at: d[id].at};
                })};
    var blob = new Blob([JSON.stringify(body, null, 1)], {type: "application/json"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "decisions.json";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function reviewWidget(id) {
    return '<div class="review" data-id="' + esc(id) + '">' +
      '<button type="button" data-decision="accept" title="accept">✓ accept</button>' +
      '<button type="button" data-decision="reject" title="reject">✗ reject</button>' +
      '<button type="button" data-decision="flag" title="flag for a second look">⚑ flag</button>' +
      '<input class="note" type="text" placeholder="note (why?)" aria-label="review note"></div>';
  }
  function paintReviews() {
    var d = decisions();
    var n = Object.keys(d).length;
    var count = document.getElementById("review-count");
    if (count) count.textContent = n + (n === 1 ? " decision" : " decisions");
    var dl = document.getElementById("download-decisions");
    if (dl) dl.disabled = n === 0;
    document.querySelectorAll(".review").forEach(function (w) {
      var mine = d[w.dataset.id];
      w.querySelectorAll("button").forEach(function (b) {
        b.classList.toggle("chosen", !!mine && mine.decision === b.dataset.decision);
      });
      var note = w.querySelector(".note");
      if (note && mine && document.activeElement !== note) note.value = mine.note || "";
    });
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest(".review button[data-decision]");
    if (b) {
      var w = b.closest(".review");
      decide(w.dataset.id, b.dataset.decision, w.querySelector(".note").value);
      return;
    }
    if (ev.target.id === "download-decisions") download();
    if (ev.target.id === "clear-decisions" && window.confirm("Forget every decision made in this browser?")) store({});
  });
  document.addEventListener("change", function (ev) {
    if (!ev.target.matches(".review .note")) return;
    var w = ev.target.closest(".review");
    var d = decisions();
    if (d[w.dataset.id]) { d[w.dataset.id].note = ev.target.value; store(d); }
  });

  // -- Python highlighting (a few token classes; the code is flywheel's own matplotlib/PIL code) --
  var KW = "False|None|True|and|as|assert|break|class|continue|def|del|elif|else|except|finally|for|from|" +
           "global|if|import|in|is|lambda|not|or|pass|raise|return|try|while|with|yield";
  var TOKEN = new RegExp("(#[^\\n]*)|([rbfRBF]{0,2}(?:\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'))" +
                         "|\\b(" + KW + ")\\b|\\b(\\d+(?:\\.\\d*)?(?:e[+-]?\\d+)?)\\b|\\b([A-Za-z_]\\w*)(?=\\()", "g");
  function highlight(code) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(code)) !== null) {
      out += esc(code.slice(last, m.index));
      var cls = m[1] ? "c" : m[2] ? "s" : m[3] ? "k" : m[4] ? "n" : "f";
      out += '<span class="' + cls + '">' + esc(m[0]) + "</span>";
      last = TOKEN.lastIndex;
    }
    return out + esc(code.slice(last));
  }

  // -- gallery and rejected views -------------------------------------------------------------
  // A record: i id, k kind, d domain, n knowledge node, v version, r round, a accepted, s difficulty,
  // q question, x answer, im / ed image and edited image hashes, f failing verifiers, fr their reasons,
  // p passed verdicts, t verdicts, h latest human decision [decision, note, reviewer] or null.
  var FILTERS = ["node", "kind", "version", "round", "outcome", "dmin", "dmax", "q"];

  function state() {
    var p = new URLSearchParams(location.hash.slice(1));
    var s = {page: Math.max(1, parseInt(p.get("page") || "1", 10) || 1)};
    FILTERS.forEach(function (f) { s[f] = p.get(f) || ""; });
    return s;
  }
  function setState(s) {
    var p = new URLSearchParams();
    FILTERS.forEach(function (f) { if (s[f]) p.set(f, s[f]); });
    if (s.page > 1) p.set("page", s.page);
    location.hash = p.toString();
  }
  function distinct(data, key) {
    var seen = {};
    // "" (a sample without a version) is no choice: it would match the unset filter and show selected
    data.forEach(function (r) { if (r[key] !== null && r[key] !== undefined && r[key] !== "") seen[r[key]] = true; });
    return Object.keys(seen).sort(function (a, b) { return isNaN(a - b) ? (a < b ? -1 : a > b ? 1 : 0) : a - b; });
  }
  function select(name, label, values, s, labels) {
    var h = '<label>' + esc(label) + ' <select name="' + name + '"><option value="">all</option>';
    values.forEach(function (v) {
      h += '<option value="' + esc(v) + '"' + (String(s[name]) === String(v) ? " selected" : "") + ">" +
           esc(labels ? labels(v) : v) + "</option>";
    });
    return h + "</select></label>";
  }
  function outcomes(data) {
    var fails = {};
    data.forEach(function (r) { r.f.forEach(function (v) { fails[v] = true; }); });
    return ["accepted", "rejected", "human-rejected", "human-reviewed"].concat(
      Object.keys(fails).sort().map(function (v) { return "fails:" + v; }));
  }
  function matches(r, s) {
    if (s.node && r.n !== s.node) return false;
    if (s.kind && r.k !== s.kind) return false;
    if (s.version && String(r.v) !== s.version) return false;
    if (s.round !== "" && String(r.r) !== s.round) return false;
    if (s.dmin !== "" && !(r.s >= parseFloat(s.dmin))) return false;
    if (s.dmax !== "" && !(r.s <= parseFloat(s.dmax))) return false;
    if (s.q && r.q.toLowerCase().indexOf(s.q.toLowerCase()) < 0) return false;
    var o = s.outcome;
    if (o === "accepted") return r.a;
    if (o === "rejected") return !r.a;
    if (o === "human-rejected") return !!r.h && r.h[0] === "reject";
    if (o === "human-reviewed") return !!r.h;
    if (o.indexOf("fails:") === 0) return r.f.indexOf(o.slice(6)) >= 0;
    return true;
  }
  function thumb(sha, alt) {
    return sha ? '<img loading="lazy" src="' + ROOT + "thumb/" + sha.slice(0, 2) + "/" + sha + '.jpg" alt="' + alt + '">'
               : '<div class="noimg">no ' + alt + ' stored</div>';  // a reject's PNGs are kept only with --keep-rejected-images
  }
  function verdictLine(r) {
    var h = r.a ? '<span class="ok">✓ ' + r.p + "/" + r.t + " verifiers</span>"
                : '<span class="bad">✗ ' + r.f.map(esc).join(", ") + "</span>";
    if (r.h) h += ' <span class="human ' + esc(r.h[0]) + '">human: ' + esc(r.h[0]) + (r.h[2] ? " (" + esc(r.h[2]) + ")" : "") + "</span>";
    return h;
  }
  function card(r, mode) {
    var href = ROOT + "s/" + r.i + ".html";
    var reasons = "";
    if (mode === "rejected") {
      reasons = '<ul class="reasons">' + r.f.map(function (v, j) {
        return "<li><b>" + esc(v) + "</b>: " + esc(r.fr[j]) + "</li>";
      }).join("") + (r.h && r.h[0] === "reject" ? '<li class="human reject"><b>human (' + esc(r.h[2]) + ")</b>: " +
                     esc(r.h[1] || "rejected") + "</li>" : "") + "</ul>";
    }
    return '<article class="card' + (r.a ? "" : " rejected") + '" data-id="' + r.i + '">' +
      '<a class="imgs" href="' + href + '">' + thumb(r.im, "figure") + thumb(r.ed, "edited figure") + "</a>" +
      '<div class="meta"><a href="' + href + '">' + r.i + "</a> · " + esc(r.k) + " · round " + r.r +
      (r.v ? " · " + esc(r.v) : "") + " · difficulty " + (r.s == null ? "–" : r.s.toFixed(2)) + "</div>" +
      '<div class="node">' + esc(r.n) + "</div>" +
      '<p class="q">' + esc(r.q) + "</p>" + '<p class="ans">answer: <b>' + esc(r.x) + "</b></p>" +
      '<div class="verdicts">' + verdictLine(r) + "</div>" + reasons + reviewWidget(r.i) + "</article>";
  }
  function view(root) {
    var data = window.FW_SAMPLES || [];
    var mode = root.dataset.mode;
    var per = parseInt(root.dataset.perPage, 10) || 60;
    var s = state();
    var hasVersion = data.some(function (r) { return r.v; });
    var nodes = distinct(data, "n");
    var bar = '<form class="filters" onsubmit="return false">' +
      select("node", "knowledge node", nodes, s) + select("kind", "kind", distinct(data, "k"), s) +
      (hasVersion ? select("version", "version", distinct(data, "v"), s) : "") +
      select("round", "round", distinct(data, "r"), s) +
      select("outcome", mode === "rejected" ? "failing verifier" : "verifier outcome", outcomes(data), s) +
      '<label>difficulty <input name="dmin" type="number" step="0.25" size="4" value="' + esc(s.dmin) + '"> – ' +
      '<input name="dmax" type="number" step="0.25" size="4" value="' + esc(s.dmax) + '"></label>' +
      '<label>search <input name="q" type="search" placeholder="words in the question" value="' + esc(s.q) + '"></label>' +
      "</form>";
    var hits = data.filter(function (r) { return matches(r, s); });
    var pages = Math.max(1, Math.ceil(hits.length / per));
    var page = Math.min(s.page, pages);
    var shown = hits.slice((page - 1) * per, page * per);
    var nav = function (top) {
      return '<nav class="pager"><button type="button" data-page="' + (page - 1) + '"' + (page <= 1 ? " disabled" : "") +
        ">← previous</button> <span class=\"where\">page " + page + " of " + pages + " · <b" +
        (top ? ' id="match-count"' : "") + ">" + hits.length + "</b> of " + data.length + " samples</span> " +
        '<button type="button" data-page="' + (page + 1) + '"' + (page >= pages ? " disabled" : "") + ">next →</button></nav>";
    };
    root.innerHTML = bar + nav(true) + '<div class="cards ' + mode + '">' +
      shown.map(function (r) { return card(r, mode); }).join("") + "</div>" + (shown.length > 6 ? nav(false) : "");
    root.querySelectorAll(".filters select, .filters input").forEach(function (el) {
      el.addEventListener(el.tagName === "SELECT" ? "change" : "input", function () {
        var next = state();
        next[el.name] = el.value;
        next.page = 1;
        setState(next);
      });
    });
    root.querySelectorAll(".pager button").forEach(function (b) {
      b.addEventListener("click", function () {
        var next = state();
        next.page = parseInt(b.dataset.page, 10);
        setState(next);
        window.scrollTo(0, 0);
      });
    });
    paintReviews();
  }

  function init() {
    document.querySelectorAll("pre.py").forEach(function (el) { el.innerHTML = highlight(el.textContent); });
    document.querySelectorAll(".review-slot").forEach(function (el) { el.outerHTML = reviewWidget(el.dataset.id); });
    var root = document.getElementById("view");
    if (root) {
      var render = function () {
        var focused = document.activeElement && document.activeElement.name;
        view(root);
        if (focused) {  // keep typing in the search box while the cards re-render
          var el = root.querySelector('[name="' + focused + '"]');
          if (el) { el.focus(); if (el.type === "search") el.setSelectionRange(el.value.length, el.value.length); }
        }
      };
      window.addEventListener("hashchange", render);
      render();
    }
    paintReviews();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
