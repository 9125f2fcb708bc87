// Applications: SCIM provisioning into other software, against the contract of the SCIM issue
// (GET|POST /api/applications, GET|PUT|DELETE /api/applications/{id}, associations, test, sync,
// status under /api/v2/applications/{id}). A server without it answers 404 on the list.
import { api, get, mapLimit } from './api.js';
import { h, field, clearErrors, showError, withBusy, toast, confirmDialog, badge, formatTime } from './ui.js';

export async function applicationsPage() {
  const page = h('section', {}, h('h1', {}, 'Applications'));
  let apps;
  try {
    const data = await get('/api/applications');
    apps = Array.isArray(data) ? data : (data.results || []);
  } catch (err) {
    if (err.status === 404) {
      page.append(h('p', { class: 'notice', role: 'status' }, 'Applications are not available on this server.'));
      return page;
    }
    page.append(h('p', { class: 'alert', role: 'alert' }, err.message));
    return page;
  }
  const detail = h('div', {});
  const list = h('ul', { class: 'results' }, apps.length ? apps.map((a) => h('li', {}, a.name,
    h('button', { type: 'button', class: 'secondary', onclick: () => showApp(detail, a.id) }, 'Open')))
    : h('li', { class: 'muted' }, 'No applications yet.'));
  page.append(list,
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => detail.replaceChildren(appForm(null)) },
      'New application')),
    detail);
  return page;
}

function appForm(app) {
  const scim = (app && app.scim) || {};
  const form = h('form', { class: 'panel', novalidate: true, id: 'app-form' },
    h('h2', {}, app ? `Settings of ${app.name}` : 'New application'),
    h('div', { class: 'grid' },
      field('name', 'Name', { value: app?.name, required: true }),
      field('base_url', 'SCIM base URL', { value: scim.base_url, type: 'url', required: true }),
      field('token', 'Bearer token', { type: 'password', hint: app ? 'Leave empty to keep the stored token' : null }),
      field('test_user_email', 'Test user email', { value: scim.test_user_email, type: 'email' }),
      field('deprovision', 'When a user leaves', { value: scim.deprovision || 'deactivate',
        options: [['deactivate', 'Deactivate in the application'], ['delete', 'Delete in the application']] })),
    field('group_management', 'Group management (push groups)', { type: 'checkbox', checked: scim.group_management }),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, app ? 'Save' : 'Create application')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { name: form.name.value.trim(), scim: {
      base_url: form.base_url.value.trim(), test_user_email: form.test_user_email.value.trim(),
      group_management: form.group_management.checked, deprovision: form.deprovision.value } };
    if (form.token.value) body.scim.token = form.token.value;
    try {
      const { data } = await withBusy(e.submitter || form.querySelector('button'), 'Saving…',
        () => api(app ? 'PUT' : 'POST', app ? `/api/applications/${app.id}` : '/api/applications', body));
      toast('Saved');
      showApp(form.parentElement, data.id);
    } catch (err) { showError(form, err, { 'scim.base_url': 'base_url', 'scim.token': 'token' }); }
  });
  return form;
}

async function showApp(container, id) {
  container.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  let app;
  try { app = await get(`/api/applications/${id}`); } catch (err) {
    container.replaceChildren(h('p', { class: 'alert', role: 'alert' }, err.message));
    return;
  }
  const base = `/api/v2/applications/${app.id}`;
  const steps = h('ul', { class: 'steps', 'aria-live': 'polite' });
  const statusBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const groups = h('ul', { class: 'results' });
  const err = h('div', { class: 'alert', role: 'alert' });
  async function loadStatus() {
    try {
      const s = await get(`${base}/scim/status`);
      const facts = h('dl', { class: 'facts' });
      const add = (k, v) => facts.append(h('dt', {}, k), h('dd', {}, v));
      if (s.state) add('State', badge(s.state, s.state === 'active' ? 'ok' : s.state === 'error' ? 'bad' : ''));
      for (const [k, v] of Object.entries(s.counts || {})) add(k.replace(/_/g, ' '), String(v));
      if (s.health && s.health.last_error) add('Last error', s.health.last_error);
      if (s.health && s.health.last_success) add('Last success', formatTime(s.health.last_success));
      const errors = (s.errors || []).map((j) => h('li', {}, h('code', {}, JSON.stringify(j))));
      statusBox.replaceChildren(facts, errors.length ? h('h3', {}, 'Errors') : null,
        errors.length ? h('ul', { class: 'steps' }, errors) : null);
    } catch (e) { statusBox.replaceChildren(h('p', { class: 'error' }, e.message)); }
  }
  async function loadGroups() {
    try {
      const edges = await get(`${base}/associations?targets=user_group`);
      const rows = await mapLimit(edges, 4, async (edge) => {
        const gid = edge.to ? edge.to.id : edge.id;
        const g = await get(`/api/v2/usergroups/${gid}`).catch(() => ({ id: gid, name: gid }));
        return h('li', {}, g.name, h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
          try {
            await withBusy(e.currentTarget, 'Removing…', () => api('POST', `${base}/associations`,
              { op: 'remove', type: 'user_group', id: gid }));
            loadGroups();
          } catch (ex) { err.textContent = ex.message; }
        } }, 'Remove'));
      });
      groups.replaceChildren(...(rows.length ? rows : [h('li', { class: 'muted' }, 'No groups assigned.')]));
    } catch (e) { groups.replaceChildren(h('li', { class: 'error' }, e.message)); }
  }
  const add = field('app_group', 'Assign a group (name)');
  const addButton = h('button', { type: 'button', onclick: async (e) => {
    const name = add.querySelector('input').value.trim();
    try {
      await withBusy(e.currentTarget, 'Assigning…', async () => {
        const found = await get(`/api/v2/usergroups?filter=name:eq:${encodeURIComponent(name)}`);
        if (!found.length) throw new Error(`No group named ${name}`);
        await api('POST', `${base}/associations`, { op: 'add', type: 'user_group', id: found[0].id });
      });
      loadGroups();
    } catch (ex) { err.textContent = ex.message; }
  } }, 'Assign');
  container.replaceChildren(
    appForm(app),
    h('div', { class: 'panel' }, h('h2', {}, 'Provisioning'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: async (e) => {
          steps.replaceChildren();
          try {
            const { data } = await withBusy(e.currentTarget, 'Testing…', () => api('POST', `${base}/scim/test`, {}));
            const list = Array.isArray(data) ? data : (data.steps || []);
            steps.replaceChildren(...list.map((s) => h('li', {},
              s.ok ? badge('passed', 'ok') : badge('failed', 'bad'), ' ', s.name || '',
              s.method ? h('span', { class: 'muted' }, ` ${s.method} ${s.path || ''} → ${s.status || 'no answer'}`) : '',
              s.detail ? ` — ${s.detail}` : '')));
          } catch (ex) { steps.replaceChildren(h('li', { class: 'error' }, ex.message)); }
        } }, 'Test connection'),
        h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
          try {
            await withBusy(e.currentTarget, 'Syncing…', () => api('POST', `${base}/scim/sync`, {}));
            toast('Sync started');
            loadStatus();
          } catch (ex) { err.textContent = ex.message; }
        } }, 'Sync now'),
        h('button', { type: 'button', class: 'danger', onclick: async (e) => {
          const button = e.currentTarget;  // null once the handler has awaited
          if (!await confirmDialog(`Delete ${app.name}?`, 'Provisioning into it stops.')) return;
          try {
            await withBusy(button, 'Deleting…', () => api('DELETE', `/api/applications/${app.id}`));
            location.reload();
          } catch (ex) { err.textContent = ex.message; }
        } }, 'Delete application')),
      steps, err, h('h3', {}, 'Status'), statusBox),
    h('div', { class: 'panel' }, h('h2', {}, 'Assigned user groups'), groups,
      h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, add), addButton)));
  loadStatus();
  loadGroups();
}
