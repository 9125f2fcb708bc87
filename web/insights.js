// Insights: the audit trail (binds, sign-ins, every change) with filters by time, actor,
// action and outcome, newest first, through POST /insights/directory/v1/events.
import { api } from './api.js';
import { h, field, withBusy, badge, formatTime, showError, clearErrors } from './ui.js';

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function insightsPage() {
  const since = new Date(Date.now() - 24 * 3600 * 1000);
  const form = h('form', { class: 'panel', novalidate: true, id: 'insights-filter' },
    h('div', { class: 'grid' },
      field('start_time', 'From', { type: 'datetime-local', value: localInput(since) }),
      field('end_time', 'To', { type: 'datetime-local' }),
      field('actor', 'Actor', { placeholder: 'username, DN or key id', hint: 'exact' }),
      field('event_type', 'Action', { value: '', options: [['', 'Any'],
        ['ldap_bind', 'LDAP bind'], ['admin_login_attempt', 'Console sign-in'], ['admin_logout', 'Console sign-out'],
        ['user_create', 'User created'], ['user_update', 'User changed'], ['user_password_set', 'Password set'],
        ['user_suspend', 'User suspended'], ['user_activate', 'User activated'], ['user_unlock', 'User unlocked'],
        ['user_delete', 'User deleted'], ['user_lockout', 'User locked out'],
        ['group_create', 'Group created'], ['group_update', 'Group changed'], ['group_delete', 'Group deleted'],
        ['group_member_add', 'Member added'], ['group_member_remove', 'Member removed'],
        ['ldap_association_add', 'Connected to LDAP'], ['ldap_association_remove', 'Disconnected from LDAP'],
        ['org_settings_update', 'Settings changed'], ['apikey_create', 'API key created'],
        ['apikey_revoke', 'API key revoked']] }),
      field('success', 'Outcome', { value: '', options: [['', 'Any'], ['true', 'Success'], ['false', 'Failure']] }),
      field('service', 'Service', { value: 'all', options: [['all', 'All'], ['ldap', 'LDAP'], ['directory', 'Directory']] })),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show events')));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  let cursor = null;
  let query = null;

  // One line per event: the fields a change touched, or a bind's outcome.
  function summary(detail) {
    if (!detail) return '';
    if (detail.changes) return `changed ${Object.keys(detail.changes).join(', ')}`;
    return Object.entries(detail).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  }
  function row(e) {
    const detail = summary(e.detail);
    return h('tr', {},
      h('td', {}, formatTime(e.timestamp)),
      h('td', {}, e.event_type),
      h('td', {}, e.success ? badge('success', 'ok') : badge('failure', 'bad')),
      h('td', {}, `${e.initiated_by.type}: ${e.initiated_by.id}`),
      h('td', { class: 'hide-narrow' }, e.resource.id ? `${e.resource.type} ${e.resource.id}` : ''),
      h('td', { class: 'hide-narrow' }, e.client_ip),
      h('td', { class: 'hide-narrow detail', title: JSON.stringify(e.detail) }, detail));
  }
  async function load(button, append) {
    const q = { ...query, limit: 50 };
    if (append && cursor) q.search_after = cursor;
    const r = await withBusy(button, 'Loading…', () => api('POST', '/insights/directory/v1/events', q));
    const next = r.headers.get('X-Search_after');
    cursor = next ? JSON.parse(next) : null;
    const rows = r.data.map(row);
    if (!append) body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No events match.'))]));
    else body.append(...rows);
    more.hidden = !cursor || r.data.length < 50;
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const and = {};
    if (form.event_type.value) and.event_type = form.event_type.value;
    if (form.success.value) and.success = form.success.value === 'true';
    if (form.actor.value.trim()) and['initiated_by.id'] = form.actor.value.trim();
    query = { service: [form.service.value],
      start_time: new Date(form.start_time.value || since).toISOString() };
    if (form.end_time.value) query.end_time = new Date(form.end_time.value).toISOString();
    if (Object.keys(and).length) query.search_term = { and };
    try { await load(e.submitter || form.querySelector('button'), false); } catch (err) { showError(form, err); }
  });
  more.addEventListener('click', async () => {
    try { await load(more, true); } catch (err) { showError(form, err); }
  });
  setTimeout(() => { if (form.isConnected) form.requestSubmit(); }, 0);
  return h('section', {}, h('h1', {}, 'Insights'), form,
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Time', 'Action', 'Outcome', 'Actor'].map((t) => h('th', { scope: 'col' }, t)),
        ['Target', 'Address', 'Detail'].map((t) => h('th', { scope: 'col', class: 'hide-narrow' }, t)))),
      body)),
    h('div', { class: 'pager' }, more));
}
