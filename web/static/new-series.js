/* global document, window, location, setTimeout, clearTimeout, CSS */
// The new-series form: line numbers for the INI editor, a live preview from
// POST /api/v1/sweeps/preview as you type (errors pinned to their line, and the values the
// chosen application's parameter schema refuses flagged on theirs), the schema's guide for the
// chosen application, resources shown for what the chosen host supports, the other hosts a
// series may spread over (`hosts`) or a host pool instead (`pool`, docs/multi-host.md), and the
// launch (POST /api/v1/series, with the package package-upload.js uploaded) → the series page.
'use strict';

(function () {
  const { api } = window.tuplet;
  const form = document.getElementById('new-series');
  const ini = document.getElementById('ini');
  const gutter = document.getElementById('gutter');
  const countEl = document.getElementById('preview-count');
  const errorEl = document.getElementById('preview-error');
  const paramsEl = document.getElementById('preview-params');
  const dirsEl = document.getElementById('preview-dirs');
  const hostSelect = document.getElementById('host');
  const launchError = document.getElementById('launch-error');
  const appSelect = document.getElementById('application');
  const schemaEl = document.getElementById('preview-schema');
  const schemaList = document.getElementById('preview-schema-list');
  /** The boxes of the other hosts (more-hosts.tsx); none when only one host is granted. */
  const moreHostBoxes = [...document.querySelectorAll('#more-hosts input[type=checkbox]')];
  /** The pool select (pool-select.tsx); absent when no host offered is in a pool. */
  const poolSelect = document.getElementById('pool');
  let badLine = null;
  let lastCount = null;
  /** Lines the parameter schema flags: line → 'bad' (a refused value) or 'warn' (an unknown key). */
  let schemaMarks = new Map();
  let schemaErrors = 0;

  function renderGutter() {
    const n = ini.value.split('\n').length;
    const out = [];
    for (let i = 1; i <= n; i++) {
      const mark = i === badLine ? 'bad' : schemaMarks.get(i);
      out.push(mark ? `<span class="${mark}">${i}</span>` : String(i));
    }
    gutter.innerHTML = out.join('\n') + '\n';
    gutter.scrollTop = ini.scrollTop;
  }

  function li(text, cls) {
    const el = document.createElement('li');
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }

  function showPreview(p) {
    lastCount = p.count;
    countEl.textContent = Number(p.count).toLocaleString('en');
    countEl.dataset.count = String(p.count);
    errorEl.hidden = true;
    badLine = null;
    paramsEl.replaceChildren(
      ...(p.parameters.length
        ? p.parameters.map((q) => {
            const name = q.section ? `${q.section}.${q.key}` : q.key;
            const values =
              q.values.length > 12 ? [...q.values.slice(0, 12), `… (${q.values.length} values)`] : q.values;
            return li(`${name}: ${values.join(', ')}`);
          })
        : [li('none: one run with these values', 'muted')]),
    );
    const more = Number(p.count) - p.tuples.length;
    dirsEl.replaceChildren(
      ...p.tuples.map((t) => li(t.dir)),
      ...(more > 0 ? [li(`… and ${more.toLocaleString('en')} more`, 'muted')] : []),
    );
    showSchema(p.schema);
    showReuse(p.reuse);
    renderGutter();
    review();
  }

  // What already succeeded elsewhere (docs/reuse.md): offered with a box to tick, never ticked for you.
  const reuseEl = document.getElementById('reuse');
  const reuseBox = document.getElementById('reuse-box');
  function showReuse(offer) {
    reuseEl.hidden = !offer || offer.tuples === 0;
    if (reuseEl.hidden) {
      reuseBox.checked = false;
      return;
    }
    const where = offer.sources.map((s) => s.description || s.id).join(', ');
    document.getElementById('reuse-text').textContent =
      `${offer.tuples.toLocaleString('en')} of ${offer.count.toLocaleString('en')} tuples already succeeded ` +
      `in series ${where} — reuse them and run only the other ${(offer.count - offer.tuples).toLocaleString('en')}?`;
    document.getElementById('reuse-sources').replaceChildren(
      ...offer.sources.flatMap((s, i) => {
        const a = document.createElement('a');
        a.href = `/series/${encodeURIComponent(s.id)}`;
        a.textContent = `${s.description || s.id} (${s.tuples.toLocaleString('en')})`;
        return i === 0 ? [a] : [document.createTextNode(', '), a];
      }),
    );
  }

  /** What the preview needs to say what could be reused: where the series would run, and how. */
  async function reuseFields() {
    const fields = body();
    const out = {};
    // The preview offers reuse for one host: a multi-host series' key is over its host list.
    for (const key of [fields.hosts || fields.pool ? null : 'host', 'resources', 'group', 'visibility'])
      if (key && fields[key] !== undefined) out[key] = fields[key];
    const packageId = await window.tuplet.packageForLaunch().catch(() => undefined);
    if (packageId) out.package = packageId;
    return out;
  }

  /** What the chosen application's schema says of the values, when it has one. */
  function showSchema(findings) {
    const hasSchema = Boolean(document.querySelector(`[data-schema-for="${CSS.escape(appSelect.value)}"]`));
    schemaMarks = new Map();
    schemaErrors = findings?.errors.length ?? 0;
    schemaEl.hidden = !hasSchema || !findings;
    if (schemaEl.hidden) return;
    for (const w of findings.warnings) schemaMarks.set(w.line, 'warn');
    for (const e of findings.errors) schemaMarks.set(e.line, 'bad');
    const items = [
      ...findings.errors.map((e) => Object.assign(li(e.message, 'error'), { title: e.key })),
      ...findings.warnings.map((w) => li(w.message, 'muted')),
    ];
    schemaList.replaceChildren(...(items.length ? items : [li('every value fits the schema', 'muted')]));
  }

  function showError(err) {
    lastCount = null;
    countEl.textContent = '–';
    delete countEl.dataset.count;
    errorEl.textContent = err.message;
    errorEl.hidden = false;
    badLine = err.data?.error?.line ?? null;
    showSchema(null);
    renderGutter();
    review();
  }

  let timer;
  let seq = 0;
  async function preview() {
    const mine = ++seq;
    if (!ini.value.trim()) {
      showError(Object.assign(new Error('The INI file is empty.'), { data: null }));
      return;
    }
    try {
      const application = appSelect.value || undefined;
      const where = application ? await reuseFields() : {};
      const p = await api('POST', '/api/v1/sweeps/preview', { ...where, ini: ini.value, application });
      if (mine === seq) showPreview(p);
    } catch (err) {
      if (mine === seq) showError(err);
    }
  }
  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(preview, 250);
  }

  /** The chosen pool's option, when a pool replaces the hosts. */
  function chosenPool() {
    return poolSelect?.value ? poolSelect.selectedOptions[0] : undefined;
  }

  function adaptToHost() {
    // A pool's option carries what a host's does, for the kinds of its hosts (pool-select.tsx).
    const option = chosenPool() ?? hostSelect.selectedOptions[0];
    const kind = option?.dataset.kind ?? 'local';
    const gpus = Number(option?.dataset.gpus || 0);
    for (const el of document.querySelectorAll('#new-series [data-for]')) {
      const show =
        el.dataset.for === 'slurm'
          ? kind === 'slurm'
          : el.dataset.for === 'gpus'
            ? kind === 'slurm' || gpus > 0
            : true;
      el.hidden = !show;
      for (const input of el.querySelectorAll('input, textarea, select')) input.disabled = !show;
    }
    if (kind === 'slurm') offerChoices(option);
    const partition = document.getElementById('partition');
    if (partition && !partition.value && option?.dataset.partition)
      partition.placeholder = option.dataset.partition;
    review();
  }

  // The hosts the chosen application runs on, when it names some (`hosts`): the others are not
  // offered (the list holds only the hosts the user's groups may use already; the API refuses the rest).
  function narrowHosts() {
    const listed = appSelect.selectedOptions[0]?.dataset.hosts;
    const only = listed ? JSON.parse(listed) : null;
    let offered = 0;
    // A pool none of whose hosts runs the application would be refused (empty_pool): not offered.
    for (const option of poolSelect?.options ?? []) {
      if (!option.value) continue;
      const usable = !only || JSON.parse(option.dataset.hosts).some((name) => only.includes(name));
      option.hidden = !usable;
      option.disabled = !usable;
    }
    if (poolSelect?.selectedOptions[0]?.disabled) poolSelect.value = '';
    const pool = chosenPool();
    for (const option of hostSelect.options) {
      const allowed = !option.value || !only || only.includes(option.value);
      option.hidden = !allowed;
      // A drained host stays in the list, greyed: it takes no new series (docs/multi-host.md).
      option.disabled = !allowed || 'drained' in option.dataset;
      if (!option.disabled && option.value) offered++;
    }
    if (!hostSelect.selectedOptions[0] || hostSelect.selectedOptions[0].disabled) {
      hostSelect.value = [...hostSelect.options].find((o) => !o.disabled)?.value ?? '';
    }
    // A pool names the hosts itself: the Host and the boxes are not sent while one is chosen.
    hostSelect.disabled = Boolean(pool);
    for (const box of moreHostBoxes) {
      const offer = (!only || only.includes(box.value)) && box.value !== hostSelect.value;
      box.closest('label').hidden = !offer;
      box.disabled = !offer || Boolean(pool) || 'drained' in box.dataset;
    }
    const limit = document.getElementById('host-limit');
    limit.hidden = !only;
    limit.textContent = !only
      ? ''
      : offered > 0
        ? `${appSelect.value} runs only on ${only.join(', ')}.`
        : `${appSelect.value} runs only on ${only.join(', ')}: none of them is open to you. Ask an admin.`;
  }

  // Account and QOS: only what the chosen host allows this user; hidden when it allows none.
  function offerChoices(option) {
    for (const el of document.querySelectorAll('#new-series [data-choices]')) {
      const select = el.querySelector('select');
      const field = el.dataset.choices === 'account' ? 'accounts' : 'qos';
      const offered = JSON.parse(option?.dataset[field] || '[]');
      const keep = select.value || select.dataset.chosen;
      select.replaceChildren(
        new window.Option("the cluster's default", ''),
        ...offered.map((name) => new window.Option(name, name, false, name === keep)),
      );
      el.hidden = offered.length === 0;
      select.disabled = offered.length === 0;
    }
  }

  // High priority (docs/fair-share.md): offered to admins, and to members only while a group of
  // theirs that an admin allowed highPriority is chosen (data-groups); the API decides in the end.
  function narrowPriority() {
    const high = document.querySelector('#priority option[value="high"]');
    if (!high?.dataset.groups) return;
    const group = document.getElementById('group')?.value ?? '';
    high.disabled = !JSON.parse(high.dataset.groups).includes(group);
    if (high.disabled && high.selected) document.getElementById('priority').value = 'normal';
  }

  function review() {
    const set = (key, value) => {
      const el = document.querySelector(`[data-review="${key}"]`);
      if (el) el.textContent = value || '–';
    };
    set(
      'count',
      lastCount === null
        ? 'fix the INI file first'
        : schemaErrors > 0
          ? `${Number(lastCount).toLocaleString('en')}, but fix the values the parameter schema refuses first`
          : Number(lastCount).toLocaleString('en'),
    );
    set('application', document.getElementById('application').value);
    const pool = chosenPool();
    set('host', pool ? `pool ${pool.value}: ${chosenHosts().join(', ')}` : chosenHosts().join(', '));
    set('description', document.getElementById('description').value);
  }

  function body() {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.disabled || 'nosubmit' in el.dataset) continue;
      const raw = el.value;
      if (raw.trim() === '') continue;
      let value = raw;
      if (el.dataset.type === 'int') value = parseInt(raw, 10);
      else if (el.dataset.type === 'list')
        value = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      else if (el.dataset.type === 'lines')
        value = raw
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
      const parts = el.name.split('.');
      let target = out;
      for (const p of parts.slice(0, -1)) target = target[p] ??= {};
      target[parts.at(-1)] = value;
    }
    out.ini = ini.value;
    const hosts = chosenHosts();
    if (hosts.length > 1 && !out.pool) out.hosts = hosts;
    return out;
  }

  /** The Host, then the other hosts ticked (and offered): the order of `hosts`, `hosts[i]` in refusals. */
  function chosenHosts() {
    const pool = chosenPool();
    if (pool) return JSON.parse(pool.dataset.hosts);
    const more = moreHostBoxes.filter((box) => box.checked && !box.disabled).map((box) => box.value);
    return hostSelect.value ? [hostSelect.value, ...more] : more;
  }

  /** Marks the host a refusal names by its place in `hosts` (api/series/hosts.ts: `hosts[1]: …`). */
  function markRefusedHost(message, sent) {
    for (const el of document.querySelectorAll('#new-series [data-refused]'))
      el.removeAttribute('data-refused');
    const index = /^hosts\[(\d+)\]/.exec(message ?? '')?.[1];
    const name = index === undefined ? undefined : sent?.[Number(index)];
    if (name === undefined) return;
    const target =
      name === hostSelect.value
        ? hostSelect
        : document.querySelector(`#more-hosts [data-more-host="${CSS.escape(name)}"]`);
    target?.setAttribute('data-refused', '');
  }

  /** The `hosts` of the last launch, to name the host a refusal's `hosts[i]` means. */
  let sentHosts;
  async function launch(event) {
    event.preventDefault();
    const button = document.getElementById('launch');
    button.disabled = true;
    launchError.hidden = true;
    try {
      // The package went up when it was chosen (package-upload.js); a refused one stops here.
      const packageId = await window.tuplet.packageForLaunch();
      const withPackage = (fields) => ({
        ...fields,
        ...(packageId ? { package: packageId } : {}),
        ...(reuseBox.checked ? { reuse: true } : {}),
      });
      let created;
      const from = document.getElementById('from').value;
      const fields = body();
      sentHosts = fields.hosts;
      // A clone takes one host of its own (POST …/clone has no `hosts` nor `pool`): several or a
      // pool make a new series.
      if (from && !packageId && !fields.hosts && !fields.pool) {
        // A clone records its parent (and keeps its package); fields left empty here are cleared.
        const overrides = {
          description: '',
          tags: [],
          resources: {},
          ...fields,
          ...(reuseBox.checked ? { reuse: true } : {}),
        };
        created = await api('POST', `/api/v1/series/${encodeURIComponent(from)}/clone`, overrides);
      } else {
        created = await api('POST', '/api/v1/series', withPackage(fields));
      }
      location.href = `/series/${encodeURIComponent(created.id)}`;
    } catch (err) {
      launchError.textContent = err.message;
      launchError.hidden = false;
      markRefusedHost(err.message, sentHosts);
      const line = err.data?.error?.line;
      if (line) {
        badLine = line;
        renderGutter();
      }
      button.disabled = false;
    }
  }

  document.getElementById('from').addEventListener('change', (e) => {
    location.href = e.target.value ? `/series/new?from=${encodeURIComponent(e.target.value)}` : '/series/new';
  });
  ini.addEventListener('input', () => {
    renderGutter();
    schedulePreview();
  });
  ini.addEventListener('scroll', () => (gutter.scrollTop = ini.scrollTop));
  // Tab inserts spaces in the editor; Escape then Tab leaves it (keyboard users are not trapped).
  let escaped = false;
  ini.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') escaped = true;
    else if (e.key === 'Tab' && !escaped && !e.shiftKey) {
      e.preventDefault();
      const { selectionStart: s, selectionEnd: end } = ini;
      ini.setRangeText('    ', s, end, 'end');
      ini.dispatchEvent(new window.Event('input'));
    } else escaped = false;
  });
  for (const select of [hostSelect, poolSelect])
    select?.addEventListener('change', () => {
      narrowHosts();
      adaptToHost();
      schedulePreview();
    });
  // Another application: its schema's guide beside the editor, and the preview checked anew.
  appSelect.addEventListener('change', () => {
    for (const el of document.querySelectorAll('[data-schema-for]'))
      el.hidden = el.dataset.schemaFor !== appSelect.value;
    narrowHosts();
    adaptToHost();
    void preview();
  });
  form.addEventListener('input', (e) => {
    if (e.target !== ini) review();
  });
  document.getElementById('group')?.addEventListener('change', narrowPriority);
  // Where and how the series runs decides what could be reused: the preview asks again.
  form.addEventListener('change', (e) => {
    if (e.target !== ini && e.target !== reuseBox && e.target !== appSelect) schedulePreview();
  });
  form.addEventListener('submit', launch);
  narrowHosts();
  narrowPriority();
  adaptToHost();
  renderGutter();
  void preview();
})();
