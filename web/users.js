// Users: the list (search, sort and paging done by the API, so it stays fast at 100,000
// users) and one user's page (the fields the guides name, "Enable as LDAP Bind DN", state
// actions, groups and LDAP connection).
import { api, get, mapLimit } from './api.js';
import { h, field, clearErrors, showError, withBusy, toast, confirmDialog, badge, formatTime,
  listTable, listQuery } from './ui.js';
import { ldapConnection } from './ldap.js';

const LIST_FIELDS = 'username email firstname lastname displayname state account_locked ldap_binding_user created';

export function stateBadge(u) {
  if (u.account_locked) return badge('Locked', 'bad');
  if (u.state === 'SUSPENDED') return badge('Suspended', 'warn');
  if (u.state === 'STAGED') return badge('Staged (no password)');
  return badge('Active', 'ok');
}

export function usersPage() {
  const table = listTable({
    name: 'users',
    searchLabel: 'Search users',
    searchPlaceholder: 'username, email or name',
    empty: 'No users yet. Create the first one.',
    defaultSort: 'username',
    columns: [
      { label: 'Username', sort: 'username',
        render: (u) => h('a', { href: `#/users/${u._id}` }, u.username) },
      { label: 'Name', sort: 'lastname', render: (u) => u.displayname || `${u.firstname} ${u.lastname}` },
      { label: 'Email', sort: 'email', key: 'email', narrow: true },
      { label: 'Status', sort: 'state', render: stateBadge },
      { label: 'LDAP Bind DN', narrow: true, render: (u) => (u.ldap_binding_user ? badge('Yes', 'ok') : '') },
      { label: 'Created', sort: 'created', narrow: true, render: (u) => formatTime(u.created) },
    ],
    load: async (state) => {
      const data = await get(`/api/systemusers?${listQuery(state, { fields: LIST_FIELDS })}`);
      return { rows: data.results, total: data.totalCount };
    },
  });
  table.refresh();
  return h('section', {},
    h('h1', {}, 'Users'),
    h('div', { class: 'toolbar' }, table.searchField,
      h('a', { class: 'button', href: '#/users/new' }, 'New user')),
    table.element);
}

function userForm(user) {
  const isNew = !user;
  const u = user || {};
  const phone = (type) => ((u.phoneNumbers || []).find((p) => p.type === type) || {}).number || '';
  return h('form', { class: 'panel', novalidate: true, id: 'user-form' },
    h('h2', {}, 'Details'),
    h('div', { class: 'grid' },
      field('firstname', 'First name', { value: u.firstname, autocomplete: 'off' }),
      field('lastname', 'Last name', { value: u.lastname }),
      field('username', 'Username', { value: u.username, required: true,
        hint: 'Lowercase; the LDAP uid.' }),
      field('email', 'Company email', { value: u.email, type: 'email', required: true }),
      field('displayname', 'Display name', { value: isNew ? '' : u.displayname, hint: 'Default: First Last' }),
      field('description', 'Description', { value: u.description }),
      isNew ? field('password', 'Password', { type: 'password', autocomplete: 'new-password',
        hint: 'Without one the user stays staged (cannot bind) until a password is set.' }) : null,
      field('jobTitle', 'Job title', { value: u.jobTitle }),
      field('department', 'Department', { value: u.department }),
      field('employeeIdentifier', 'Employee ID', { value: u.employeeIdentifier }),
      field('phone_work', 'Work phone', { value: phone('work'), type: 'tel' }),
      field('phone_mobile', 'Mobile phone', { value: phone('mobile'), type: 'tel' }),
      field('unix_uid', 'UID number', { value: u.unix_uid ?? '', inputmode: 'numeric',
        hint: isNew ? 'Allocated when empty' : null }),
      field('unix_guid', 'GID number', { value: u.unix_guid ?? '', inputmode: 'numeric',
        hint: isNew ? 'Allocated when empty' : null })),
    h('h2', {}, 'Permission settings'),
    field('ldap_binding_user', 'Enable as LDAP Bind DN', { type: 'checkbox', checked: u.ldap_binding_user,
      hint: 'may search the directory (service accounts of applications)' }),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, isNew ? 'Create user' : 'Save changes'),
      h('a', { class: 'button secondary', href: '#/users' }, 'Cancel')));
}

// The request body of a user form; only changed fields for an existing user.
function userBody(form, user) {
  const body = {};
  for (const name of ['firstname', 'lastname', 'username', 'email', 'displayname', 'description',
    'jobTitle', 'department', 'employeeIdentifier']) {
    const v = form[name].value.trim();
    if (!user ? v !== '' : v !== (user[name] ?? '')) body[name] = v;
  }
  for (const name of ['unix_uid', 'unix_guid']) {
    const v = form[name].value.trim();
    if (v === '' || (user && Number(v) === user[name])) continue;
    body[name] = /^\d+$/.test(v) ? Number(v) : v;  // the API explains a bad value
  }
  const phones = [['work', form.phone_work.value.trim()], ['mobile', form.phone_mobile.value.trim()]]
    .filter(([, n]) => n).map(([type, number]) => ({ type, number }));
  const oldPhones = JSON.stringify((user && user.phoneNumbers) || []);
  if (!user ? phones.length : JSON.stringify(phones) !== oldPhones) body.phoneNumbers = phones;
  const binding = form.ldap_binding_user.checked;
  if (!user ? binding : binding !== user.ldap_binding_user) body.ldap_binding_user = binding;
  if (!user && form.password.value) body.password = form.password.value;
  return body;
}

const ERROR_NAMES = { phoneNumbers: 'phone_work' };

export async function userPage(id) {
  if (id === 'new') {
    const form = userForm(null);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        const { data } = await withBusy(e.submitter || form.querySelector('button'), 'Creating…',
          () => api('POST', '/api/systemusers', userBody(form, null)));
        toast(`User ${data.username} created`);
        location.hash = `#/users/${data._id}`;
      } catch (err) { showError(form, err, ERROR_NAMES); }
    });
    return h('section', {}, h('p', {}, h('a', { href: '#/users' }, '← Users')), h('h1', {}, 'New user'), form);
  }
  let user;
  try {
    user = await get(`/api/systemusers/${encodeURIComponent(id)}`);
  } catch (err) {
    return h('section', {}, h('h1', {}, 'User'), h('p', { class: 'alert', role: 'alert' }, err.message));
  }
  const page = h('section', {});
  const render = () => {
    const form = userForm(user);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = userBody(form, user);
      if (!Object.keys(body).length) { toast('Nothing changed'); return; }
      try {
        const { data } = await withBusy(e.submitter || form.querySelector('button'), 'Saving…',
          () => api('PUT', `/api/systemusers/${user._id}`, body));
        user = data;
        toast('Saved');
        render();
      } catch (err) { showError(form, err, ERROR_NAMES); }
    });
    page.replaceChildren(
      h('p', {}, h('a', { href: '#/users' }, '← Users')),
      h('h1', {}, user.displayname || user.username),
      statusPanel(user, (u) => { user = u; render(); }),
      form,
      h('div', { class: 'split' }, groupsPanel(user), ldapPanel(user)));
  };
  render();
  return page;
}

function statusPanel(user, changed) {
  const alert = h('div', { class: 'alert', role: 'alert' });
  const act = (label, busy, body) => h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
    alert.textContent = '';
    try {
      const { data } = await withBusy(e.currentTarget, busy, () => api('PUT', `/api/systemusers/${user._id}`, body));
      toast(`${label}: done`);
      changed(data);
    } catch (err) { alert.textContent = err.message; }
  } }, label);
  const resetForm = h('form', { class: 'toolbar', novalidate: true, hidden: true },
    field('password', 'New password', { type: 'password', autocomplete: 'new-password' }),
    h('button', { type: 'submit' }, 'Set password'));
  resetForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(resetForm);
    try {
      const { data } = await withBusy(e.submitter || resetForm.querySelector('button'), 'Setting…',
        () => api('PUT', `/api/systemusers/${user._id}`, { password: resetForm.password.value }));
      toast('Password set');
      changed(data);
    } catch (err) { showError(resetForm, err); }
  });
  resetForm.append(h('div', { class: 'alert', role: 'alert' }));
  const del = h('button', { type: 'button', class: 'danger', onclick: async (e) => {
    const button = e.currentTarget;  // null once the handler has awaited
    const ok = await confirmDialog(`Delete ${user.username}?`,
      'The user disappears from LDAP at once and this cannot be undone.');
    if (!ok) return;
    try {
      await withBusy(button, 'Deleting…', () => api('DELETE', `/api/systemusers/${user._id}`));
      toast(`User ${user.username} deleted`);
      location.hash = '#/users';
    } catch (err) { alert.textContent = err.message; }
  } }, 'Delete user');
  return h('div', { class: 'panel' },
    h('h2', {}, 'Status'),
    h('p', {}, stateBadge(user), ' ', user.ldap_binding_user ? badge('LDAP Bind DN', 'ok') : null,
      ' ', h('span', { class: 'muted' }, `uid ${user.unix_uid} · created ${formatTime(user.created)}`)),
    h('div', { class: 'actions' },
      user.state === 'SUSPENDED' ? act('Unsuspend', 'Unsuspending…', { suspended: false })
        : user.state === 'ACTIVATED' ? act('Suspend', 'Suspending…', { suspended: true }) : null,
      user.account_locked ? act('Unlock', 'Unlocking…', { account_locked: false }) : null,
      h('button', { type: 'button', class: 'secondary', onclick: () => {
        resetForm.hidden = !resetForm.hidden;
        if (!resetForm.hidden) resetForm.password.focus();
      } }, 'Reset password'),
      del),
    resetForm, alert);
}

function groupsPanel(user) {
  const list = h('ul', { class: 'results' }, h('li', { class: 'muted' }, 'Loading…'));
  (async () => {
    try {
      const groups = await get(`/api/v2/users/${user._id}/memberof?limit=100`);
      if (!groups.length) { list.replaceChildren(h('li', { class: 'muted' }, 'Not in any group.')); return; }
      const named = await mapLimit(groups, 4, async (g) => {
        const group = await get(`/api/v2/usergroups/${g.id}`).catch(() => ({ id: g.id, name: g.id }));
        const direct = (g.paths || []).some((p) => p.length === 1);
        return h('li', {}, h('a', { href: `#/groups/${group.id}` }, group.name),
          direct ? badge('direct') : badge('through a nested group'));
      });
      list.replaceChildren(...named);
    } catch (err) { list.replaceChildren(h('li', { class: 'error' }, err.message)); }
  })();
  return h('div', { class: 'panel' }, h('h2', {}, 'User groups'), list,
    h('p', { class: 'hint' }, 'Add users to groups on the group\'s page.'));
}

function ldapPanel(user) {
  return h('div', { class: 'panel' }, h('h2', {}, 'LDAP'),
    ldapConnection('user', user._id, { label: 'Connected to the LDAP directory directly', subject: user.username }),
    h('p', { class: 'hint' },
      'A user is served over LDAP when it is active, not locked, and connected directly or through a connected group.'));
}
