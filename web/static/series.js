/* global document, window, EventSource, setTimeout, clearTimeout, URLSearchParams, fetch, location, DOMParser */
// Series page: live progress from the API's server-sent events (polling if the stream is
// unavailable), and the parameter map drawn as SVG from /web-api/series/:id/map.
'use strict';

(function () {
  const { api, renderProgress, renderState, FINAL } = window.tuplet;
  const root = document.getElementById('series');
  if (!root) return;
  const id = root.dataset.id;
  const SVG = 'http://www.w3.org/2000/svg';
  const STATE_COLORS = {
    pending: '#c3c9d2',
    queued: '#93b4e6',
    running: '#2f7de1',
    succeeded: '#1f9d55',
    failed: '#d92d20',
    cancelled: '#e8a317',
  };

  // ---- live progress ----
  let finalSeen = root.dataset.final === '1';
  function applyProgress(p) {
    renderProgress(root.querySelector('[data-progress]'), p);
    for (const [state, n] of Object.entries(p.counts ?? {})) {
      const el = root.querySelector(`[data-count="${state}"]`);
      if (el) el.textContent = Number(n).toLocaleString('en');
    }
    const reason = root.querySelector('[data-series-reason]');
    if (reason && 'reason' in p) reason.textContent = p.reason ?? '';
    const waiting = root.querySelector('[data-series-wait-reason]');
    if (waiting && 'waitReason' in p) {
      waiting.textContent = p.waitReason ? `Waiting: ${p.waitReason}` : '';
      waiting.hidden = !p.waitReason;
    }
    const holder = root.querySelector('[data-series-state]');
    if (holder?.querySelector('[data-state]')?.dataset.state !== p.state) {
      renderState(holder, p.state);
      const title = document.querySelector('h1 [data-state]');
      if (title) {
        title.className = `state state-${p.state}`;
        title.dataset.state = p.state;
        title.textContent = p.state.replace(/_/g, ' ');
      }
    }
    if (FINAL.includes(p.state) && !finalSeen) {
      finalSeen = true;
      refreshSections(true);
      clearTimeout(mapTimer);
      mapTimer = setTimeout(() => loadMap(), 0);
    } else refreshSections(false);
    scheduleMapRefresh();
  }

  // The runs table and the actions are server-rendered: while the series runs (and once when
  // it ends) they are swapped in from a fresh copy of this page, without reloading it.
  const SECTIONS = ['runs', 'series-actions'];
  let lastSections = Date.now();
  let sectionsTimer;
  async function swapSections() {
    lastSections = Date.now();
    try {
      const res = await fetch(location.href, {
        headers: { Accept: 'text/html' },
        credentials: 'same-origin',
      });
      if (!res.ok) return;
      const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const id of SECTIONS) {
        const now = document.getElementById(id);
        const next = fresh.getElementById(id);
        // Leave a section alone while the keyboard focus is inside it.
        if (now && next && !now.contains(document.activeElement)) now.replaceWith(next);
      }
    } catch {
      // keep what is shown
    }
  }
  function refreshSections(now) {
    clearTimeout(sectionsTimer);
    sectionsTimer = setTimeout(swapSections, now ? 0 : Math.max(0, 5000 - (Date.now() - lastSections)));
  }

  let pollTimer;
  async function poll() {
    try {
      const { series } = await api('GET', `/web-api/progress?ids=${encodeURIComponent(id)}`);
      if (series[id]) applyProgress(series[id]);
      if (series[id] && FINAL.includes(series[id].state)) return;
    } catch {
      // try again later
    }
    pollTimer = setTimeout(poll, 3000);
  }

  if (!finalSeen) {
    if (typeof EventSource === 'function') {
      const events = new EventSource(`/api/v1/series/${encodeURIComponent(id)}/events`);
      let failures = 0;
      events.addEventListener('progress', (e) => {
        failures = 0;
        const p = JSON.parse(e.data);
        applyProgress(p);
        if (FINAL.includes(p.state)) events.close();
      });
      events.addEventListener('error', () => {
        // The stream ends when the series is final; repeated errors mean no stream: poll.
        if (finalSeen || ++failures >= 3) {
          events.close();
          if (!finalSeen) poll();
        }
      });
    } else poll();
  }
  window.addEventListener('pagehide', () => clearTimeout(pollTimer));

  // ---- parameter map ----
  const mapBox = document.getElementById('map');
  if (!mapBox) return;
  const xSel = document.getElementById('map-x');
  const ySel = document.getElementById('map-y');
  const colorSel = document.getElementById('map-color');
  const fixedBox = document.getElementById('map-fixed');
  const legend = document.getElementById('map-legend');
  const fixed = {};
  let mapTimer;
  let lastMapLoad = 0;

  function scheduleMapRefresh() {
    clearTimeout(mapTimer);
    const wait = Math.max(0, 3000 - (Date.now() - lastMapLoad));
    mapTimer = setTimeout(loadMap, wait);
  }

  function el(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const RAMP = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  function ramp(t) {
    const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
    const i = Math.min(RAMP.length - 2, Math.floor(x));
    const f = x - i;
    const c = RAMP[i].map((v, k) => Math.round(v + (RAMP[i + 1][k] - v) * f));
    return `rgb(${c.join(',')})`;
  }

  const short = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

  function renderFixedSelectors(data) {
    const axes = new Set([data.x?.name, data.y?.name]);
    fixedBox.replaceChildren();
    for (const p of data.parameters) {
      if (axes.has(p.name)) continue;
      const wrap = document.createElement('div');
      const label = document.createElement('label');
      const selectId = `map-fix-${p.name}`;
      label.htmlFor = selectId;
      label.textContent = p.name;
      label.title = p.name;
      const select = document.createElement('select');
      select.id = selectId;
      p.values.forEach((v, i) =>
        select.add(new window.Option(v, String(i), false, (data.fixed[p.name] ?? 0) === i)),
      );
      select.addEventListener('change', () => {
        fixed[p.name] = Number(select.value);
        loadMap();
      });
      wrap.append(label, select);
      fixedBox.append(wrap);
    }
  }

  function draw(data) {
    const metric = data.metric;
    // The compact answer (web/data/map.ts): states as one character per cell, and each cell's
    // run index (null: the sweep has no such combination).
    const STATES = Object.keys(STATE_COLORS);
    const cells = [];
    for (let i = 0; i < data.states.length; i++) {
      const code = data.states[i];
      cells.push({
        index: data.indices[i],
        state: code === '-' ? null : STATES[Number(code)],
        value: data.values ? data.values[i] : null,
      });
    }
    const numbers = metric ? cells.map((c) => c.value).filter((v) => typeof v === 'number') : [];
    let min = 0;
    let max = 0;
    if (numbers.length) {
      min = numbers.reduce((a, b) => Math.min(a, b));
      max = numbers.reduce((a, b) => Math.max(a, b));
    }
    const cell = Math.max(8, Math.min(44, Math.floor(760 / Math.max(1, data.columns))));
    const xLabels = data.x ? data.x.values : [''];
    const yLabels = data.y ? data.y.values : [''];
    // Axis names are the Columns/Rows selectors above the map; the SVG holds values and cells.
    const left = Math.min(170, 12 + 7 * Math.max(1, ...yLabels.map((l) => Math.min(l.length, 22))));
    const longestX = Math.max(...xLabels.map((l) => Math.min(l.length, 18)));
    const rotate = longestX * 7 > cell;
    const top = 8 + (rotate ? Math.min(110, longestX * 6) : 14);
    const width = left + data.columns * cell + (rotate ? Math.min(100, longestX * 5) : 12);
    const height = top + data.rows * cell + 8;
    const svg = el('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'group',
      'aria-label': `Parameter map: ${data.x?.name ?? ''} by ${data.y?.name ?? ''}`,
    });
    xLabels.forEach((label, c) => {
      const x = left + c * cell + cell / 2;
      const t = rotate
        ? el(
            'text',
            { x, y: top - 4, 'font-size': 11, transform: `rotate(-50 ${x} ${top - 4})` },
            short(label, 18),
          )
        : el('text', { x, y: top - 4, 'font-size': 11, 'text-anchor': 'middle' }, short(label, 18));
      t.append(el('title', {}, label));
      svg.append(t);
    });
    yLabels.forEach((label, r) => {
      const t = el(
        'text',
        { x: left - 4, y: top + r * cell + cell / 2 + 4, 'font-size': 11, 'text-anchor': 'end' },
        short(label, 22),
      );
      t.append(el('title', {}, label));
      svg.append(t);
    });
    cells.forEach((c, i) => {
      const r = Math.floor(i / data.columns);
      const col = i % data.columns;
      let fill = '#eef0f3';
      if (metric)
        fill =
          typeof c.value === 'number' ? ramp(max === min ? 0.5 : (c.value - min) / (max - min)) : '#eef0f3';
      else if (c.state) fill = STATE_COLORS[c.state] ?? '#eef0f3';
      // A combination the sweep excludes is a plain cell, not a link to a run.
      const a =
        c.index === null
          ? el('g', { 'data-state': '' })
          : el('a', {
              href: `/series/${encodeURIComponent(id)}/runs/${c.index}`,
              'data-index': c.index,
              'data-state': c.state ?? '',
            });
      const rect = el('rect', {
        x: left + col * cell + 1,
        y: top + r * cell + 1,
        width: cell - 2,
        height: cell - 2,
        rx: 2,
        fill,
      });
      const parts = [c.index === null ? 'excluded by the sweep' : `run ${c.index}`];
      if (data.x) parts.push(`${data.x.name} = ${data.x.values[col]}`);
      if (data.y) parts.push(`${data.y.name} = ${data.y.values[r]}`);
      parts.push(c.state ?? 'no run');
      if (metric) parts.push(`${metric} = ${c.value ?? '–'}`);
      a.append(rect, el('title', {}, parts.join('\n')));
      svg.append(a);
    });
    mapBox.replaceChildren(svg);
    if (data.truncated) {
      const p = document.createElement('p');
      p.className = 'muted small';
      p.style.padding = '0 0.6rem';
      p.textContent = `Showing the first ${data.columns} × ${data.rows} values.`;
      mapBox.append(p);
    }
    legend.replaceChildren();
    if (metric) {
      const lo = document.createElement('span');
      lo.textContent = numbers.length ? String(Number(min.toPrecision(4))) : 'no values';
      const bar = document.createElement('span');
      bar.className = 'ramp';
      const hi = document.createElement('span');
      hi.textContent = numbers.length ? String(Number(max.toPrecision(4))) : '';
      const name = document.createElement('span');
      name.textContent = metric;
      name.className = 'muted';
      legend.append(name, lo, bar, hi);
    } else {
      for (const [state, color] of Object.entries(STATE_COLORS)) {
        const item = document.createElement('span');
        item.innerHTML = `<svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${color}"/></svg> `;
        item.append(state);
        legend.append(item);
      }
    }
  }

  async function loadMap() {
    clearTimeout(mapTimer);
    lastMapLoad = Date.now();
    const q = new URLSearchParams();
    q.set('x', xSel.value);
    if (ySel) {
      if (ySel.value === xSel.value) {
        const other = [...ySel.options].find((o) => o.value !== xSel.value);
        if (other) ySel.value = other.value;
      }
      q.set('y', ySel.value);
    }
    if (colorSel.value) q.set('metric', colorSel.value);
    for (const [k, v] of Object.entries(fixed)) q.set(`fix.${k}`, String(v));
    try {
      const data = await api('GET', `/web-api/series/${encodeURIComponent(id)}/map?${q}`);
      renderFixedSelectors(data);
      draw(data);
    } catch (error) {
      mapBox.textContent = `The map could not be loaded: ${error.message}`;
    }
  }

  for (const s of [xSel, ySel, colorSel]) s?.addEventListener('change', loadMap);
  loadMap();
})();
