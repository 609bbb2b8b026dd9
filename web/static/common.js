/* global document, window, fetch, location, setTimeout, clearTimeout */
// Shared by every page: JSON calls to the API with the session's CSRF token, a toast for
// results, and two declarative helpers so pages need no script of their own for simple
// actions:
//   <form data-api="POST /api/v1/x" data-then="reload|redirect:/url|show:#id"> fields → JSON
//     (data-type on a field: number, int, list (comma separated), lines, bool, json; empty fields are left out)
//   <button data-action="POST /api/v1/x" data-body='{…}' data-confirm="Sure?" data-then="…">
'use strict';

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

  async function api(method, url, body) {
    const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET' && method !== 'HEAD') init.headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url, init);
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { error: { message: text.slice(0, 200) } };
    }
    if (!res.ok) {
      const err = new Error(data?.error?.message || `${res.status} ${res.statusText}`);
      err.status = res.status;
      err.data = data;
      throw err;
    }
    return data;
  }

  let toastTimer;
  function toast(message, isError) {
    const el = document.getElementById('toast');
    if (!el) return;
    el.textContent = message;
    el.className = 'show' + (isError ? ' error' : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (el.className = ''), isError ? 8000 : 3000);
  }

  function fieldValue(el) {
    const type = el.dataset.type;
    if (el.type === 'checkbox') return el.checked;
    const raw = el.value;
    if (raw.trim() === '') return undefined;
    switch (type) {
      case 'number':
        return Number(raw);
      case 'int':
        return parseInt(raw, 10);
      case 'list':
        return raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      case 'lines':
        return raw
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
      case 'json':
        return JSON.parse(raw);
      default:
        return raw;
    }
  }

  function formJson(form) {
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.name === '_csrf' || el.disabled) continue;
      const value = fieldValue(el);
      if (value === undefined) continue;
      // dotted names build nested objects: resources.cpus → {resources: {cpus}}
      const parts = el.name.split('.');
      let target = body;
      for (const p of parts.slice(0, -1)) target = target[p] ??= {};
      target[parts.at(-1)] = value;
    }
    return body;
  }

  function after(then, data) {
    if (!then || then === 'reload') return location.reload();
    if (then.startsWith('redirect:')) {
      location.href = then.slice('redirect:'.length).replace(':id', encodeURIComponent(data?.id ?? ''));
      return;
    }
    if (then.startsWith('show:')) {
      const el = document.querySelector(then.slice(5));
      if (el) {
        el.hidden = false;
        const out = el.querySelector('[data-token]');
        if (out) out.textContent = data?.token ?? '';
      }
      return;
    }
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof window.HTMLFormElement) || !form.dataset.api) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const [method, url] = form.dataset.api.split(' ');
    const submit = form.querySelector('[type="submit"]');
    if (submit) submit.disabled = true;
    try {
      const data = await api(method, url, formJson(form));
      toast(form.dataset.done || 'Saved');
      after(form.dataset.then, data);
    } catch (error) {
      toast(error.message, true);
    } finally {
      if (submit) submit.disabled = false;
    }
  });

  document.addEventListener('click', async (event) => {
    const button = event.target instanceof window.Element ? event.target.closest('[data-action]') : null;
    if (!button) return;
    event.preventDefault();
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    const [method, url] = button.dataset.action.split(' ');
    button.disabled = true;
    try {
      const data = await api(method, url, button.dataset.body ? JSON.parse(button.dataset.body) : undefined);
      toast(button.dataset.done || 'Done');
      if (button.dataset.then === 'none') return;
      after(button.dataset.then, data);
    } catch (error) {
      toast(error.message, true);
    } finally {
      button.disabled = false;
    }
  });

  const SEGMENTS = ['succeeded', 'failed', 'cancelled', 'running', 'queued'];
  const FINAL = ['completed', 'completed_with_failures', 'failed', 'cancelled'];

  /** Updates a server-rendered progress box (components.tsx ProgressBar) from {count, counts}. */
  function renderProgress(box, { count, counts }) {
    if (!box || !counts) return;
    for (const s of SEGMENTS) {
      const seg = box.querySelector(`[data-segment="${s}"]`);
      if (seg) seg.style.width = count > 0 ? `${((counts[s] * 100) / count).toFixed(2)}%` : '0%';
    }
    const done = counts.succeeded + counts.failed + counts.cancelled;
    const percent = count > 0 ? Math.floor((done * 100) / count) : 0;
    box.querySelector('[role="progressbar"]')?.setAttribute('aria-valuenow', String(percent));
    const label = box.querySelector('[data-progress-label]');
    if (label)
      label.textContent = `${done.toLocaleString('en')} / ${count.toLocaleString('en')} · ${percent}%`;
  }

  function renderState(holder, state) {
    if (!holder || !state) return;
    holder.innerHTML = '';
    const badge = document.createElement('span');
    badge.className = `state state-${state}`;
    badge.dataset.state = state;
    badge.textContent = state.replace(/_/g, ' ');
    holder.append(badge);
  }

  window.tuplet = { api, toast, csrf, renderProgress, renderState, FINAL };
})();
