// Applications: SCIM provisioning into other software (docs/api.md, "Applications and SCIM
// provisioning"): /api/applications for the list and settings, /api/v2/applications/{id} for
// the associated user groups, Test Connection, a full sync and the provisioning status. A server
// without provisioning answers 404 on the list.
import { api, get, mapLimit } from './api.js';
import { h, field, clearErrors, showError, withBusy, toast, confirmDialog, badge, formatTime,
  debounce } from './ui.js';

// The API names settings "scim.base_url"; the forms name the inputs "base_url".
const SCIM_FIELDS = Object.fromEntries(['base_url', 'token', 'test_user_email', 'group_management',
  'deprovision', 'concurrency'].map((f) => [`scim.${f}`, f]));
// Failed jobs name a skydir user or group by id (or "app"/"sync" for the whole application).
const ERROR_LINKS = { user: '#/users/', group: '#/groups/' };
const STATUS_POLL_MS = 1000;
const STATUS_WATCH_MS = 15000;  // keep polling this long after a change, until nothing is pending

// app.js routes #/applications/<id> here without the id, so the page reads it itself.
export async function applicationsPage(id = '') {
  return id ? applicationPage(id) : listPage();
}

async function listPage() {
  const page = h('section', {}, h('h1', {}, 'Applications'));
  let apps;
  let total;
  try {
    ({ results: apps, totalCount: total } = await get('/api/applications?limit=100&sort=name'));
  } catch (err) {
    if (err.status === 404) {
      page.append(h('p', { class: 'notice', role: 'status' }, 'Applications are not available on this server.'));
      return page;
    }
    page.append(h('p', { class: 'alert', role: 'alert' }, err.message));
    return page;
  }
  const rows = apps.map((a) => h('tr', {},
    h('td', {}, h('a', { href: `#/applications/${a.id}` }, a.name)),
    h('td', { class: 'hide-narrow' }, h('code', {}, a.scim.base_url)),
    h('td', {}, a.active ? badge('Active', 'ok') : badge('Paused', 'warn'))));
  page.append(
    h('p', { class: 'muted' }, 'Users in the user groups assigned to an application are created, ',
      'updated and deactivated in it over SCIM 2.0.'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'SCIM base URL', 'Provisioning'].map((t, i) =>
        h('th', { scope: 'col', class: i === 1 ? 'hide-narrow' : null }, t)))),
      h('tbody', {}, rows.length ? rows
        : h('tr', {}, h('td', { colspan: 3, class: 'empty' }, 'No applications yet.'))))),
    h('div', { class: 'pager' }, h('span', { class: 'muted' },
      `${total} application${total === 1 ? '' : 's'}`, total > apps.length ? ` (first ${apps.length} shown)` : '')),
    settingsForm(null));
  return page;
}

// The settings of an application; `app` null for a new one. The token is write-only: the API
// answers only whether one is stored.
function settingsForm(app) {
  const scim = app ? app.scim : { deprovision: 'deactivate' };
  const form = h('form', { class: 'panel', novalidate: true, id: app ? 'app-form' : 'app-create' },
    h('h2', {}, app ? 'SCIM settings' : 'New application'),
    h('div', { class: 'grid' },
      field('name', 'Name', { value: app?.name, required: true }),
      field('base_url', 'SCIM base URL', { value: scim.base_url, type: 'url', required: true,
        placeholder: 'https://app.example.com/scim/v2' }),
      field('token', 'Bearer token', { type: 'password', required: !app, autocomplete: 'new-password',
        hint: app && scim.token_set ? 'A token is stored; leave empty to keep it.' : null }),
      field('test_user_email', 'Test user email', { value: scim.test_user_email, type: 'email',
        hint: 'Test connection creates and deletes this user.' }),
      field('deprovision', 'When a user leaves', { value: scim.deprovision,
        options: [['deactivate', 'Deactivate the account'], ['delete', 'Delete the account']] })),
    field('group_management', 'Group management', { type: 'checkbox', checked: scim.group_management,
      hint: 'push the assigned groups and their members' }),
    app ? field('active', 'Provisioning active', { type: 'checkbox', checked: app.active,
      hint: 'when off, changes wait until it is on again' }) : null,
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, app ? 'Save changes' : 'Create application'),
      app ? h('button', { type: 'button', class: 'danger', onclick: async (e) => {
        const button = e.currentTarget;  // null once the handler has awaited
        if (!await confirmDialog(`Delete ${app.name}?`,
          'Provisioning into it stops; the users and groups already in it are left as they are.')) return;
        try {
          await withBusy(button, 'Deleting…', () => api('DELETE', `/api/applications/${app.id}`));
          toast(`${app.name} deleted`);
          location.hash = '#/applications';
        } catch (err) { showError(form, err); }
      } }, 'Delete application') : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { name: form.name.value.trim(), scim: {
      base_url: form.base_url.value.trim(), test_user_email: form.test_user_email.value.trim(),
      group_management: form.group_management.checked, deprovision: form.deprovision.value } };
    if (form.token.value) body.scim.token = form.token.value;
    if (app) body.active = form.active.checked;
    try {
      const { data } = await withBusy(e.submitter || form.querySelector('button'), 'Saving…',
        () => api(app ? 'PUT' : 'POST', app ? `/api/applications/${app.id}` : '/api/applications', body));
      form.token.value = '';
      if (!app) {
        toast(`${data.name} created`);
        location.hash = `#/applications/${data.id}`;
        return;
      }
      toast('Saved');
      form.dispatchEvent(new CustomEvent('saved', { detail: data }));
    } catch (err) { showError(form, err, SCIM_FIELDS); }
  });
  return form;
}

async function applicationPage(id) {
  let app;
  try {
    app = await get(`/api/applications/${encodeURIComponent(id)}`);
  } catch (err) {
    return h('section', {}, h('p', {}, h('a', { href: '#/applications' }, '← Applications')),
      h('h1', {}, 'Application'), h('p', { class: 'alert', role: 'alert' }, err.message));
  }
  const title = h('h1', {}, app.name);
  const form = settingsForm(app);
  const status = provisioningStatus(app);
  form.addEventListener('saved', (e) => {
    app = e.detail;
    title.textContent = app.name;
    status.watch();
  });
  const groups = assignedGroups(app, () => status.watch());
  const page = h('section', {},
    h('p', {}, h('a', { href: '#/applications' }, '← Applications')),
    title, form,
    h('div', { class: 'panel' }, h('h2', {}, 'Test connection'), testConnection(app)),
    h('div', { class: 'panel' }, h('h2', {}, 'Assigned user groups'), groups.element),
    h('div', { class: 'panel' }, h('h2', {}, 'Provisioning status'), status.element));
  await Promise.all([groups.load(), status.load()]);
  return page;
}

// Test Connection: each step the server took against the target, with the target's answer.
function testConnection(app) {
  const result = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'button', onclick: async () => {
    result.replaceChildren();
    try {
      const { data } = await withBusy(button, 'Testing…',
        () => api('POST', `/api/v2/applications/${app.id}/scim/test`));
      result.replaceChildren(
        h('p', { class: 'test-summary' }, data.ok ? badge('Connection works', 'ok')
          : badge('Connection failed', 'bad')),
        h('ol', { class: 'steps', 'aria-label': 'Test steps' }, data.steps.map((s) => h('li', {},
          s.ok ? badge('passed', 'ok') : badge('failed', 'bad'), ' ', h('strong', {}, s.step),
          s.method ? h('span', { class: 'muted' },
            ` ${s.method} ${s.path} → ${s.status || 'no answer'}`) : null,
          s.detail ? h('span', { class: 'step-detail' }, ` — ${s.detail}`) : null))));
    } catch (err) { result.replaceChildren(h('p', { class: 'alert', role: 'alert' }, err.message)); }
  } }, 'Test connection');
  return h('div', {},
    h('p', { class: 'muted' }, 'Creates a test user and a test group in the application, then deletes both.'),
    h('div', { class: 'actions' }, button), result);
}

// The groups whose members are provisioned, with a search to assign more. `changed` is called
// after each change (provisioning follows).
function assignedGroups(app, changed) {
  const base = `/api/v2/applications/${app.id}/associations`;
  const body = h('tbody');
  const err = h('div', { class: 'alert', role: 'alert' });
  const results = h('ul', { class: 'results', hidden: true, 'aria-label': 'Matching groups' });
  const query = field('group_search', 'Assign a user group', { placeholder: 'Type a group name' });
  const input = query.querySelector('input');
  let assigned = new Set();

  async function change(op, group, button) {
    err.textContent = '';
    try {
      await withBusy(button, op === 'add' ? 'Assigning…' : 'Removing…',
        () => api('POST', base, { op, type: 'user_group', id: group.id }));
      toast(op === 'add' ? `${group.name} assigned` : `${group.name} removed`);
      await load();
      if (op === 'add') { input.value = ''; results.hidden = true; input.focus(); }
      changed();
    } catch (ex) { err.textContent = ex.message; }
  }

  async function load() {
    const edges = await get(`${base}?targets=user_group&limit=100`);
    const named = await mapLimit(edges.map((e) => e.to.id), 4, (gid) =>
      get(`/api/v2/usergroups/${gid}`).catch(() => ({ id: gid, name: gid })));
    assigned = new Set(named.map((g) => g.id));
    body.replaceChildren(...(named.length ? named.map((g) => h('tr', {},
      h('td', {}, h('a', { href: `#/groups/${g.id}` }, g.name)),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${g.name}`,
        onclick: (e) => change('remove', g, e.currentTarget) }, 'Remove'))))
      : [h('tr', {}, h('td', { colspan: 2, class: 'empty' }, 'No user groups assigned yet.'))]));
  }

  input.addEventListener('input', debounce(async () => {
    const term = input.value.trim();
    if (!term) { results.hidden = true; return; }
    try {
      const found = await get(`/api/v2/usergroups?limit=8&search=${encodeURIComponent(term)}`);
      results.replaceChildren(...(found.length ? found.map((g) => h('li', {}, g.name,
        assigned.has(g.id) ? badge('assigned')
          : h('button', { type: 'button', 'aria-label': `Assign ${g.name}`,
            onclick: (e) => change('add', g, e.currentTarget) }, 'Assign')))
        : [h('li', { class: 'muted' }, 'No matching groups')]));
      results.hidden = false;
    } catch (ex) { err.textContent = ex.message; }
  }, 250));

  return {
    element: h('div', {},
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'User group'), h('th', { scope: 'col' }, ''))),
        body)),
      h('div', { class: 'toolbar add-member' }, h('div', { class: 'grow' }, query)), results, err),
    load: () => load().catch((ex) => { err.textContent = ex.message; }),
  };
}

// GET .../scim/status as facts and a table of failed jobs. After a change it is polled until
// nothing is pending (and at least STATUS_WATCH_MS), while the page is shown.
function provisioningStatus(app) {
  const base = `/api/v2/applications/${app.id}/scim`;
  const facts = h('dl', { class: 'facts' });
  const errors = h('div', {});
  const updated = h('span', { class: 'muted' });
  const err = h('div', { class: 'alert', role: 'alert' });
  let watchUntil = 0;
  let timer = null;

  async function load() {
    let s;
    try {
      s = await get(`${base}/status`);
    } catch (ex) { err.textContent = ex.message; return null; }
    err.textContent = '';
    const stateKind = { active: 'ok', error: 'bad', inactive: 'warn' }[s.state] || '';
    const rows = [
      ['State', badge(s.state, stateKind)],
      ['Pending jobs', String(s.pending_jobs)],
      ['Failed jobs', String(s.failed_jobs)],
      ['Provisioned users', String(s.provisioned_users)],
      ['Deactivated users', String(s.deactivated_users)],
      ['Provisioned groups', String(s.provisioned_groups)],
      ['Last success', s.last_success ? formatTime(s.last_success) : 'never'],
    ];
    if (s.last_failure) rows.push(['Last failure', formatTime(s.last_failure)]);
    if (s.last_error) rows.push(['Last error', s.last_error]);
    if (s.consecutive_failures) rows.push(['Failures in a row', String(s.consecutive_failures)]);
    facts.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    errors.replaceChildren(...(s.errors.length ? [h('h3', {}, 'Errors'),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Object', 'Attempts', 'Error', 'Next'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, s.errors.map((j) => h('tr', {},
          h('td', {}, ERROR_LINKS[j.type] ? h('a', { href: `${ERROR_LINKS[j.type]}${j.id}` }, `${j.type} ${j.id}`)
            : `${j.type} ${j.id}`),
          h('td', {}, String(j.attempts)),
          h('td', { class: 'detail' }, j.error),
          h('td', {}, j.retrying ? `retry ${formatTime(j.next_attempt)}` : 'given up'))))))] : []));
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    return s;
  }

  async function poll() {
    timer = null;
    if (!facts.isConnected) return;  // the page was left
    const s = await load();
    if (s && (s.pending_jobs > 0 || Date.now() < watchUntil)) timer = setTimeout(poll, STATUS_POLL_MS);
  }
  function watch() {
    watchUntil = Date.now() + STATUS_WATCH_MS;
    if (!timer) timer = setTimeout(poll, STATUS_POLL_MS);
  }

  const sync = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    err.textContent = '';
    try {
      await withBusy(sync, 'Syncing…', () => api('POST', `${base}/sync`));
      toast('Full sync queued');
      watch();
    } catch (ex) { err.textContent = ex.message; }
  } }, 'Sync now');
  const refresh = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    await withBusy(refresh, 'Refreshing…', load);
  } }, 'Refresh');
  return {
    element: h('div', {}, facts, errors, err, h('div', { class: 'actions' }, sync, refresh, updated)),
    load: async () => {
      const s = await load();
      if (s && s.pending_jobs > 0) watch();
    },
    watch,
  };
}
