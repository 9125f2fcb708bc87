// Small DOM helpers. Everything from the API goes in as text (never innerHTML).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let fieldSeq = 0;
// A labelled input. opts: {type, value, required, hint, checked, options, autocomplete, ...}
export function field(name, label, opts = {}) {
  const id = `f-${name.replace(/[^a-z0-9]/gi, '-')}-${++fieldSeq}`;
  const err = h('span', { class: 'error', id: `${id}-err`, 'aria-live': 'polite' });
  let input;
  if (opts.type === 'checkbox') {
    input = h('input', { type: 'checkbox', id, name, checked: !!opts.checked,
      'aria-describedby': `${id}-err` });
    return h('div', { class: 'field check' }, input, h('label', { for: id }, label,
      opts.hint ? h('span', { class: 'hint' }, ` — ${opts.hint}`) : null), err);
  }
  if (opts.options) {
    input = h('select', { id, name, 'aria-describedby': `${id}-err` },
      opts.options.map(([v, t]) => h('option', { value: v, selected: v === opts.value }, t)));
  } else if (opts.type === 'textarea') {
    input = h('textarea', { id, name, rows: 2, 'aria-describedby': `${id}-err` });
    input.value = opts.value ?? '';
  } else {
    input = h('input', { id, name, type: opts.type || 'text', required: !!opts.required,
      autocomplete: opts.autocomplete || 'off', placeholder: opts.placeholder,
      min: opts.min, 'aria-describedby': `${id}-err`, inputmode: opts.inputmode });
    input.value = opts.value ?? '';
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, label, opts.required ? h('span', { class: 'hint' }, ' (required)') : null),
    opts.hint ? h('span', { class: 'hint' }, opts.hint) : null, input, err);
}

// Clears the inline errors of a form.
export function clearErrors(form) {
  form.querySelectorAll('.error').forEach((e) => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const alert = form.querySelector('.alert');
  if (alert) alert.textContent = '';
}

// Shows an ApiError next to the field it names (mapping API names onto form names), else in
// the form's alert box. `names` maps API field names to input names when they differ.
export function showError(form, err, names = {}) {
  const apiField = err.field ? err.field.split(/[.[]/)[0] : null;
  const name = apiField ? (names[err.field] || names[apiField] || apiField) : null;
  const input = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const box = document.getElementById(input.getAttribute('aria-describedby'));
    if (box) box.textContent = err.detail;
    input.focus();
    return;
  }
  const alert = form.querySelector('.alert') || form.appendChild(h('div', { class: 'alert', role: 'alert' }));
  alert.textContent = err.message.charAt(0).toUpperCase() + err.message.slice(1);
}

// Runs `action` with `button` disabled and showing `busyText`, for anything slow.
export async function withBusy(button, busyText, action) {
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyText;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = text;
  }
}

export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 3000);
}

export function confirmDialog(title, text, okLabel = 'Delete') {
  const dlg = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dlg.returnValue = '';
  dlg.showModal();
  document.getElementById('confirm-cancel').focus();
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
  });
}

export async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Plain HTTP on another host has no clipboard API: select a copy for Ctrl+C instead.
    const area = h('textarea', { class: 'visually-hidden' });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast('Copied');
  if (button) button.focus();
}

export function copyButton(text, label) {
  return h('button', { type: 'button', class: 'secondary', 'aria-label': label,
    onclick: (e) => copyText(text, e.currentTarget) }, 'Copy');
}

export function badge(text, kind = '') { return h('span', { class: `badge ${kind}` }, text); }

// An RFC 3339 string, or a number of microseconds or milliseconds since the epoch.
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(typeof iso === 'number' && iso > 1e14 ? iso / 1000 : iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

// A sortable, paged table over a list endpoint. spec: {columns: [{key, label, sort, render,
// narrow}], load({limit, skip, sort, search}) -> {rows, total}, empty, pageSize}.
export function listTable(spec) {
  const state = { skip: 0, sort: spec.defaultSort || '', search: '', limit: spec.pageSize || 25 };
  const body = h('tbody');
  const status = h('span', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'secondary', onclick: () => go(-1) }, 'Previous');
  const next = h('button', { type: 'button', class: 'secondary', onclick: () => go(1) }, 'Next');
  const heads = spec.columns.map((c) => {
    const th = h('th', { scope: 'col', class: c.narrow ? 'hide-narrow' : null });
    if (!c.sort) { th.append(c.label); return th; }
    th.append(h('button', { type: 'button', onclick: () => {
      state.sort = state.sort === c.sort ? `-${c.sort}` : c.sort;
      state.skip = 0;
      refresh();
    } }, c.label));
    return th;
  });
  const table = h('table', {}, h('thead', {}, h('tr', {}, heads)), body);
  async function refresh() {
    heads.forEach((th, i) => {
      const key = spec.columns[i].sort;
      th.removeAttribute('aria-sort');
      if (key && state.sort === key) th.setAttribute('aria-sort', 'ascending');
      if (key && state.sort === `-${key}`) th.setAttribute('aria-sort', 'descending');
    });
    let result;
    try {
      result = await spec.load(state);
    } catch (e) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: spec.columns.length, class: 'empty' },
        h('span', { class: 'error', role: 'alert' }, e.message))));
      return;
    }
    const { rows, total } = result;
    body.replaceChildren(...(rows.length ? rows.map((row) => h('tr', {},
      spec.columns.map((c) => h('td', { class: c.narrow ? 'hide-narrow' : null },
        c.render ? c.render(row) : String(row[c.key] ?? '')))))
      : [h('tr', {}, h('td', { colspan: spec.columns.length, class: 'empty' },
        state.search ? 'Nothing matches this search.' : spec.empty))]));
    const first = total ? state.skip + 1 : 0;
    status.textContent = `${first}–${state.skip + rows.length} of ${total}`;
    prev.disabled = state.skip === 0;
    next.disabled = state.skip + rows.length >= total;
  }
  function go(dir) {
    state.skip = Math.max(0, state.skip + dir * state.limit);
    refresh();
  }
  const search = h('input', { type: 'search', id: `search-${spec.name}`, name: 'search',
    placeholder: spec.searchPlaceholder || 'Search', autocomplete: 'off' });
  search.addEventListener('input', debounce(() => {
    state.search = search.value.trim();
    state.skip = 0;
    refresh();
  }, 250));
  const searchField = h('div', { class: 'field grow' },
    h('label', { for: search.id }, spec.searchLabel || 'Search'), search);
  return {
    searchField,
    element: h('div', {}, h('div', { class: 'table-wrap' }, table), h('div', { class: 'pager' }, status, prev, next)),
    refresh,
  };
}

// Builds the query string of a list request.
export function listQuery(state, extra = {}) {
  const q = new URLSearchParams({ limit: state.limit, skip: state.skip, ...extra });
  if (state.sort) q.set('sort', state.sort);
  if (state.search) q.set('search', state.search);
  return q.toString();
}
