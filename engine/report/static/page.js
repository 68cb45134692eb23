// mediaopt report: sortable and filterable tables, the storage treemap, the lineage graph.
// Plain ES2017 with no library, inlined in the page so it works from file:// and offline.
"use strict";
(function () {
  var DATA = JSON.parse(document.getElementById("mediaopt-data").textContent || "{}");
  var UNITS = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };
  var SVGNS = "http://www.w3.org/2000/svg";

  function human(n) {
    var units = ["B", "KB", "MB", "GB", "TB", "PB"];
    var i = 0;
    while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return i === 0 ? n.toFixed(0) + " B" : n.toFixed(1) + " " + units[i];
  }

  function el(tag, attrs, parent) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  // ---- tables: click a header to sort, type to filter ------------------------------------
  function cellValue(cell) {
    var raw = cell.getAttribute("data-v");
    if (raw !== null) return parseFloat(raw);
    var text = cell.textContent.trim();
    var m = /^([-+]?[\d,]*\.?\d+)\s*(%|B|KB|MB|GB|TB|PB|MB\/s|x|s|fps)?$/.exec(text);
    if (!m) return null;
    var value = parseFloat(m[1].replace(/,/g, ""));
    return m[2] && UNITS[m[2]] ? value * UNITS[m[2]] : value;
  }

  function sortTable(table, column, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (r) {
      var c = r.cells[column];
      return !c || c.textContent.trim() === "" || c.textContent.trim() === "-" ||
        cellValue(c) !== null;
    });
    var down = th.getAttribute("aria-sort") !== "descending";
    Array.prototype.forEach.call(th.parentNode.cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
    rows.sort(function (a, b) {
      var x = a.cells[column], y = b.cells[column];
      var order;
      if (numeric) {
        order = (cellValue(x) || 0) - (cellValue(y) || 0);
      } else {
        order = (x ? x.textContent : "").localeCompare(y ? y.textContent : "");
      }
      return down ? -order : order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function filterTable(table, text, counter) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var hay = row.textContent.toLowerCase();
      var keep = words.every(function (w) { return hay.indexOf(w) >= 0; });
      row.hidden = !keep;
      if (keep) shown++;
    });
    if (counter) counter.textContent = shown + " of " + table.tBodies[0].rows.length + " rows";
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.title = "Sort by " + th.textContent;
      th.addEventListener("click", function () { sortTable(table, i, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter") sortTable(table, i, th);
      });
    });
    var input = table.parentNode.querySelector("input.filter[data-table='" + table.id + "']");
    if (input) {
      var counter = table.parentNode.querySelector(".count[data-table='" + table.id + "']");
      input.addEventListener("input", function () { filterTable(table, input.value, counter); });
    }
  });

  // ---- treemap: squarified (Bruls, Huizing, van Wijk 2000), as QDirStat draws it -----------
  var KIND_COLOURS = {
    video: "#4c78a8", sequence: "#f58518", image: "#54a24b", audio: "#b279a2",
    unknown: "#e45756", other: "#bab0ac", folder: "#dde3ea"
  };
  var CATEGORY_COLOURS = {
    orphan: "#e45756", duplicate: "#f58518", near_duplicate: "#ff9da6",
    superseded: "#b279a2", regenerable: "#72b7b2", host_cache: "#eeca3b",
    dormant_project: "#9d755d", render_settings: "#4c78a8", sequence_trim: "#54a24b",
    movie_trim: "#54a24b"
  };

  function worst(row, side) {
    var sum = 0, max = 0, min = Infinity;
    row.forEach(function (r) { sum += r.area; max = Math.max(max, r.area); min = Math.min(min, r.area); });
    var s2 = side * side, sum2 = sum * sum;
    return Math.max(s2 * max / sum2, sum2 / (s2 * min));
  }

  function squarify(items, x, y, w, h) {
    var out = [];
    var total = items.reduce(function (s, it) { return s + it.value; }, 0);
    if (!total || w <= 0 || h <= 0) return out;
    var scale = (w * h) / total;
    var rest = items.filter(function (it) { return it.value > 0; }).map(function (it) {
      return { item: it, area: it.value * scale };
    });
    while (rest.length) {
      var side = Math.min(w, h);
      var row = [rest.shift()];
      while (rest.length && worst(row.concat([rest[0]]), side) <= worst(row, side)) {
        row.push(rest.shift());
      }
      var area = row.reduce(function (s, r) { return s + r.area; }, 0);
      var thick = area / side;
      var along = 0;
      row.forEach(function (r) {
        var len = r.area / thick;
        if (w >= h) out.push({ item: r.item, x: x, y: y + along, w: thick, h: len });
        else out.push({ item: r.item, x: x + along, y: y, w: len, h: thick });
        along += len;
      });
      if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
    }
    return out;
  }

  function setupTreemap() {
    var box = document.getElementById("treemap");
    if (!box || !DATA.tree) return;
    var svg = el("svg", { "class": "treemap", role: "img" }, box);
    var crumbs = document.getElementById("treemap-path");
    var status = document.getElementById("treemap-status");
    var colourBy = document.getElementById("treemap-colour");
    var upButton = document.getElementById("treemap-up");
    var stack = [DATA.tree];

    function colour(node) {
      if (colourBy && colourBy.value === "category") {
        return node.category ? CATEGORY_COLOURS[node.category] || "#888" : "#d5dbe1";
      }
      return KIND_COLOURS[node.kind] || "#8da0b3";
    }

    // Every box drawn inside a child of the shown folder zooms into that child: one level
    // per click, wherever the reader clicks in it (the nested boxes cover the folder's own).
    function draw(node, x, y, w, h, depth, top) {
      var kids = node.children || [];
      squarify(kids.map(function (k) { return { value: k.bytes, node: k }; }), x, y, w, h)
        .forEach(function (cell) {
          var n = cell.item.node;
          var zoom = depth === 0 ? (n.kind === "folder" ? n : null) : top;
          var g = el("g", { "data-path": n.path, "data-kind": n.kind }, svg);
          var rect = el("rect", {
            x: cell.x.toFixed(1), y: cell.y.toFixed(1),
            width: Math.max(cell.w - 0.5, 0).toFixed(1),
            height: Math.max(cell.h - 0.5, 0).toFixed(1),
            fill: n.kind === "folder" ? "#f4f6f8" : colour(n),
            stroke: n.kind === "folder" ? "#8a96a3" : "#ffffff",
            "stroke-width": n.kind === "folder" ? 1 : 0.5
          }, g);
          el("title", {}, rect).textContent = n.path + "\n" + human(n.bytes) + " in " + n.files +
            " asset" + (n.files === 1 ? "" : "s") + (n.category ? "\nplan: " + n.category : "");
          g.addEventListener("mouseover", function (e) {
            e.stopPropagation();
            status.textContent = n.path + " — " + human(n.bytes) + ", " + n.files + " assets" +
              (n.category ? " — plan: " + n.category.replace("_", " ") : "");
          });
          if (zoom) {
            g.classList.add("zoomable");
            g.addEventListener("click", function (e) { e.stopPropagation(); zoomTo(zoom); });
          }
          if (n.kind === "folder") {
            var header = cell.w > 60 && cell.h > 28 ? 14 : 0;
            if (header) {
              var label = el("text", { x: cell.x + 3, y: cell.y + 11, "class": "tm-folder" }, g);
              label.textContent = clip(n.name + " " + human(n.bytes), cell.w);
            }
            if (depth < 12 && cell.w > 6 && cell.h > header + 6) {
              draw(n, cell.x + 2, cell.y + header + 1, cell.w - 4, cell.h - header - 3,
                depth + 1, zoom);
            }
          } else if (cell.w > 50 && cell.h > 14) {
            var text = el("text", { x: cell.x + 3, y: cell.y + 11, "class": "tm-asset" }, g);
            text.textContent = clip(n.name, cell.w);
          }
        });
    }

    function clip(text, width) {
      var chars = Math.max(Math.floor((width - 6) / 6.2), 1);
      return text.length > chars ? text.slice(0, Math.max(chars - 1, 1)) + "…" : text;
    }

    function legends() {
      var byCategory = colourBy && colourBy.value === "category";
      var kinds = document.getElementById("legend-kind");
      var categories = document.getElementById("legend-category");
      if (kinds) kinds.hidden = byCategory;
      if (categories) categories.hidden = !byCategory;
    }

    function render() {
      var node = stack[stack.length - 1];
      legends();
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var w = Math.max(box.clientWidth, 300), h = Math.round(Math.min(Math.max(w * 0.55, 320), 620));
      svg.setAttribute("viewBox", "0 0 " + w + " " + h);
      svg.setAttribute("width", w);
      svg.setAttribute("height", h);
      svg.setAttribute("data-root", node.path);
      draw(node, 0, 0, w, h, 0, null);
      crumbs.textContent = stack.map(function (n) { return n.name; }).join(" / ") +
        " — " + human(node.bytes);
      upButton.disabled = stack.length === 1;
    }

    function zoomTo(node) {
      stack.push(node);
      render();
    }

    upButton.addEventListener("click", function () {
      if (stack.length > 1) { stack.pop(); render(); }
    });
    if (colourBy) colourBy.addEventListener("change", render);
    window.addEventListener("resize", render);
    render();
  }

  // ---- lineage: sources on the left, what was made from them to the right -----------------
  var EDGE_COLOURS = {
    proxy: "#72b7b2", transcode: "#4c78a8", render: "#f58518", version: "#b279a2",
    conform: "#54a24b"
  };

  var LINEAGE_ALL = 150;

  function setupLineage() {
    var select = document.getElementById("lineage-project");
    var box = document.getElementById("lineage-graph");
    if (!select || !box || !DATA.lineage) return;
    function render() {
      var chosen = select.value;
      var edges = DATA.lineage.edges.filter(function (e) {
        return chosen === "" || e.source.indexOf(chosen + "/") === 0 ||
          e.derivative.indexOf(chosen + "/") === 0;
      });
      while (box.firstChild) box.removeChild(box.firstChild);
      if (!edges.length) {
        box.textContent = "No source-to-derivative links in this project.";
        return;
      }
      var layer = {};
      edges.forEach(function (e) { layer[e.source] = 0; layer[e.derivative] = 0; });
      for (var pass = 0; pass < 8; pass++) {  // longest path; bounded, so a cycle ends
        edges.forEach(function (e) {
          layer[e.derivative] = Math.max(layer[e.derivative], layer[e.source] + 1);
        });
      }
      var columns = [];
      Object.keys(layer).sort().forEach(function (n) {
        (columns[layer[n]] = columns[layer[n]] || []).push(n);
      });
      var colW = 300, rowH = 30, nodeW = 230;
      var height = Math.max.apply(null, columns.map(function (c) { return c.length; })) * rowH + 20;
      var svg = el("svg", {
        width: columns.length * colW, height: height, "class": "lineage",
        "data-edges": edges.length
      }, box);
      var pos = {};
      columns.forEach(function (col, i) {
        col.forEach(function (n, j) { pos[n] = { x: 10 + i * colW, y: 10 + j * rowH }; });
      });
      edges.forEach(function (e) {
        var a = pos[e.source], b = pos[e.derivative];
        var x1 = a.x + nodeW, y1 = a.y + 11, x2 = b.x, y2 = b.y + 11, mid = (x1 + x2) / 2;
        var path = el("path", {
          d: "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2,
          fill: "none", stroke: EDGE_COLOURS[e.kind] || "#888", "stroke-width": 1.6,
          "stroke-dasharray": e.confidence < 1 ? "4 3" : ""
        }, svg);
        el("title", {}, path).textContent = e.kind + " (" + e.confidence.toFixed(2) + "): " +
          e.evidence;
      });
      Object.keys(pos).forEach(function (n) {
        var g = el("g", { "class": "lineage-node" }, svg);
        el("rect", { x: pos[n].x, y: pos[n].y, width: nodeW, height: 22, rx: 4 }, g);
        var name = n.split("/").slice(-2).join("/");  // the folder tells copies apart
        var text = el("text", { x: pos[n].x + 6, y: pos[n].y + 15 }, g);
        text.textContent = name.length > 34 ? "…" + name.slice(-33) : name;
        el("title", {}, g).textContent = n;
      });
    }
    select.addEventListener("change", render);
    // Hundreds of links in one graph read as a wall: start on the largest project then.
    if (DATA.lineage.edges.length > LINEAGE_ALL && select.options.length > 1) {
      select.selectedIndex = 1;
    }
    render();
  }

  // ---- a link to an action's evidence opens it ------------------------------------------
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }

  window.addEventListener("hashchange", openTarget);
  window.addEventListener("beforeprint", function () {  // paper has no click to open them
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
      d.open = true;
    });
  });
  setupTreemap();
  setupLineage();
  openTarget();
})();
