(function () {
  'use strict';
  var source = document.getElementById('records');
  var records = source ? JSON.parse(source.textContent) : [];
  var byId = {};
  records.forEach(function (r) { byId[r.id] = r; });
  var list = document.getElementById('browser-list');
  var detail = document.getElementById('browser-detail');
  var filter = document.getElementById('browser-filter');
  var typeSelect = document.getElementById('browser-type');
  var count = document.getElementById('browser-count');
  if (!list || !detail) { return; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  var types = [];
  records.forEach(function (r) { if (types.indexOf(r.type) < 0) { types.push(r.type); } });
  types.sort().forEach(function (t) { var o = el('option', null, t); o.value = t; typeSelect.appendChild(o); });

  function matches(r, q, t) {
    if (t && r.type !== t) { return false; }
    if (!q) { return true; }
    var hay = (r.id + ' ' + r.title + ' ' + (r.text || '') + ' ' + JSON.stringify(r.fields)).toLowerCase();
    return hay.indexOf(q) >= 0;
  }

  function renderList() {
    var q = filter.value.trim().toLowerCase();
    var t = typeSelect.value;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var shown = 0;
    records.forEach(function (r) {
      if (!matches(r, q, t)) { return; }
      shown++;
      var li = el('li');
      li.setAttribute('data-id', r.id);
      li.appendChild(el('span', 'ty ' + r.type, r.type.replace('_', ' ')));
      li.appendChild(document.createTextNode(r.title || r.id));
      li.addEventListener('click', function () { show(r.id); });
      list.appendChild(li);
    });
    count.textContent = shown + ' of ' + records.length + ' records';
  }

  function link(id) {
    var r = byId[id];
    if (!r) { return el('span', 'missing', id + ' (not in this report)'); }
    var a = el('a', null, r.type + ': ' + (r.title || id));
    a.addEventListener('click', function () { show(id); });
    return a;
  }

  function lineage(r, depth, seen) {
    var ul = el('ul', 'lineage');
    (r.parents || []).forEach(function (p) {
      var li = el('li');
      li.appendChild(link(p));
      var parent = byId[p];
      if (parent && depth < 8 && !seen[p]) {
        seen[p] = true;
        if (parent.fields && parent.fields.origin) {
          var origin = el('div', 'sub', 'source file: ' + parent.fields.origin);
          li.appendChild(origin);
        }
        if ((parent.parents || []).length) { li.appendChild(lineage(parent, depth + 1, seen)); }
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function show(id) {
    var r = byId[id];
    if (!r) { return; }
    Array.prototype.forEach.call(list.children, function (li) {
      li.className = li.getAttribute('data-id') === id ? 'on' : '';
    });
    while (detail.firstChild) { detail.removeChild(detail.firstChild); }
    detail.appendChild(el('h3', null, r.title || r.id));
    detail.appendChild(el('div', 'sub', r.type + ' · ' + r.id));
    var table = el('table');
    Object.keys(r.fields || {}).forEach(function (k) {
      var tr = el('tr');
      tr.appendChild(el('th', null, k));
      tr.appendChild(el('td', null, r.fields[k]));
      table.appendChild(tr);
    });
    if (table.firstChild) { detail.appendChild(table); }
    if (r.runs) {
      var box = el('div', 'text');
      r.runs.forEach(function (run) {
        if (run.segment !== undefined) { box.appendChild(el('span', 'seg', run.segment)); return; }
        box.appendChild(el('span', run.loss ? 'loss' : null, run.text));
      });
      var masked = r.runs.some(function (run) { return run.loss !== undefined; });
      detail.appendChild(el('h4', null, masked ? 'text (green: inside the loss)' : 'text'));
      detail.appendChild(box);
    } else if (r.text) {
      detail.appendChild(el('h4', null, 'text'));
      detail.appendChild(el('div', 'text', r.text));
    }
    detail.appendChild(el('h4', null, 'lineage'));
    if ((r.parents || []).length) {
      var seen = {};
      seen[r.id] = true;
      detail.appendChild(lineage(r, 0, seen));
    } else {
      detail.appendChild(el('div', 'missing', r.fields && r.fields.origin ? 'read from ' + r.fields.origin
          : 'no parents recorded'));
    }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, '', '#record=' + encodeURIComponent(id));
    }
  }

  filter.addEventListener('input', renderList);
  typeSelect.addEventListener('change', renderList);
  renderList();
  function fromHash() {
    var wanted = /#record=(.+)$/.exec(window.location.hash);
    var id = wanted ? decodeURIComponent(wanted[1]) : null;
    if (id && byId[id]) {
      show(id);
      return true;
    }
    return false;
  }
  window.addEventListener('hashchange', function () {
    if (fromHash()) { document.getElementById('browser-card').scrollIntoView(); }
  });
  if (!fromHash()) {
    var first = records.filter(function (r) { return r.type === 'sequence'; })[0] || records[0];
    if (first) { show(first.id); }
  }
})();
