// LDAP: what an application needs to connect (Organization ID, ORG DN, host, ports, base DN,
// bind DN pattern, CA certificate), the users and groups connected to the directory, and the
// lockout and password expiration actions.
import { api, get, mapLimit } from './api.js';
import { h, field, copyButton, toast, withBusy, debounce } from './ui.js';

let cached = null;
// The org's one LDAP server ({id, name, userLockoutAction, userPasswordExpirationAction}).
export async function ldapServer() {
  if (!cached) cached = get('/api/v2/ldapservers').then((list) => list[0]);
  try { return await cached; } catch (e) { cached = null; throw e; }
}

// A checkbox that connects `type` ('user' | 'user_group') `id` to the directory or disconnects
// it; `subject` names it in the confirmation.
export function ldapToggle(type, id, { label, subject, checked, hint }) {
  const f = field(`ldap-${type}-${id}`, label, { type: 'checkbox', checked, hint });
  const input = f.querySelector('input');
  const err = h('div', { class: 'alert', role: 'alert' });
  input.addEventListener('change', async () => {
    err.textContent = '';
    input.disabled = true;
    try {
      const ldap = await ldapServer();
      await api('POST', `/api/v2/ldapservers/${ldap.id}/associations`,
        { op: input.checked ? 'add' : 'remove', type, id });
      toast(`${subject} ${input.checked ? 'connected to' : 'disconnected from'} LDAP`);
    } catch (e) {
      input.checked = !input.checked;
      err.textContent = e.message;
    } finally { input.disabled = false; }
  });
  return h('div', {}, f, err);
}

// Loads whether a user or group is connected to the directory and shows its toggle.
export function ldapConnection(type, id, options) {
  const box = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const path = type === 'user' ? 'users' : 'usergroups';
  get(`/api/v2/${path}/${id}/associations?targets=ldap_server`)
    .then((assoc) => box.replaceChildren(ldapToggle(type, id, { ...options, checked: assoc.length > 0 })))
    .catch((e) => box.replaceChildren(h('p', { class: 'error' }, e.message)));
  return box;
}

function fact(label, value, copy) {
  return [h('dt', {}, label), h('dd', {}, h('code', {}, value), copy ? copyButton(value, `Copy ${label}`) : null)];
}

export async function ldapPage() {
  let ldap, conn;
  try {
    ldap = await ldapServer();
    conn = await get(`/api/v2/ldapservers/${ldap.id}/connection`);
  } catch (err) {
    return h('section', {}, h('h1', {}, 'LDAP'), h('p', { class: 'alert', role: 'alert' }, err.message));
  }
  const host = location.hostname;
  const details = h('dl', { class: 'facts' },
    fact('Organization ID', conn.orgId, true),
    fact('ORG DN', conn.orgDn, true),
    conn.ldapsPort ? fact('LDAPS URL', `ldaps://${host}:${conn.ldapsPort}`, true) : null,
    conn.ldapPort ? fact('LDAP URL (StartTLS)', `ldap://${host}:${conn.ldapPort}`, true) : null,
    fact('Base DN (users and groups)', conn.baseDn, true),
    fact('Bind DN pattern', conn.bindDnPattern, true),
    fact('Group filter', '(objectClass=groupOfNames)', true),
    [h('dt', {}, 'CA certificate'), h('dd', {}, conn.caCertificate
      ? h('a', { class: 'button secondary', href: `/api/v2/ldapservers/${ldap.id}/cacert`, download: 'skydir-ca.pem' },
        'Download CA certificate')
      : h('span', { class: 'muted' }, 'This server uses an operator-provided certificate.'))]);

  const policy = h('form', { class: 'panel', novalidate: true, id: 'ldap-policy' },
    h('h2', {}, 'Lockout and password expiration'),
    h('div', { class: 'grid' },
      field('userLockoutAction', 'When a user is locked out', { value: ldap.userLockoutAction,
        options: [['disable', 'Keep the entry, refuse binds'], ['remove', 'Remove the user from LDAP']] }),
      field('userPasswordExpirationAction', 'When a password expires', { value: ldap.userPasswordExpirationAction,
        options: [['disable', 'Keep the entry, refuse binds'], ['remove', 'Remove the user from LDAP']] })),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save')));
  policy.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { userLockoutAction: policy.userLockoutAction.value,
      userPasswordExpirationAction: policy.userPasswordExpirationAction.value };
    try {
      const { data } = await withBusy(e.submitter || policy.querySelector('button'), 'Saving…',
        () => api('PATCH', `/api/v2/ldapservers/${ldap.id}`, body));
      cached = Promise.resolve(data);
      toast('Saved');
    } catch (err) { policy.querySelector('.alert').textContent = err.message; }
  });

  return h('section', {},
    h('h1', {}, 'LDAP'),
    h('div', { class: 'panel' }, h('h2', {}, 'Connection details'),
      h('p', { class: 'hint' }, 'Give these to an application configured for JumpCloud LDAP: only the host name changes.'),
      details),
    h('div', { class: 'split' },
      connected(ldap, 'user', 'Connected users'),
      connected(ldap, 'user_group', 'Connected user groups')),
    policy);
}

// The users or groups connected to the directory, each with a toggle, and a search to connect more.
function connected(ldap, type, title) {
  const list = h('ul', { class: 'results' }, h('li', { class: 'muted' }, 'Loading…'));
  const err = h('div', { class: 'alert', role: 'alert' });
  const status = h('p', { class: 'hint', 'aria-live': 'polite' });
  const path = (id) => (type === 'user' ? `/api/systemusers/${id}` : `/api/v2/usergroups/${id}`);
  const label = (o) => (type === 'user' ? o.username : o.name);
  const row = (id, name) => h('li', {}, ldapToggle(type, id, { label: name, subject: name, checked: true }));
  async function load() {
    try {
      const r = await api('GET', `/api/v2/ldapservers/${ldap.id}/associations?targets=${type}&limit=100`);
      const total = Number(r.headers.get('x-total-count') || r.data.length);
      const rows = await mapLimit(r.data, 4, async (edge) => {
        const o = await get(path(edge.to.id)).catch(() => null);
        return row(edge.to.id, o ? label(o) : edge.to.id);
      });
      list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'muted' }, 'Nothing connected yet.')]));
      status.textContent = total > rows.length ? `${total} connected; the first ${rows.length} are shown.` : '';
    } catch (e) { list.replaceChildren(h('li', { class: 'error' }, e.message)); }
  }
  const search = field(`connect-${type}`, type === 'user' ? 'Connect a user' : 'Connect a group',
    { placeholder: 'Type a name' });
  const input = search.querySelector('input');
  const matches = h('ul', { class: 'results', hidden: true, 'aria-label': 'Matches' });
  input.addEventListener('input', debounce(async () => {
    const term = input.value.trim();
    if (!term) { matches.hidden = true; return; }
    try {
      const items = type === 'user'
        ? (await get(`/api/systemusers?limit=8&search=${encodeURIComponent(term)}&fields=username`)).results
          .map((u) => ({ id: u._id, name: u.username }))
        : (await get(`/api/v2/usergroups?limit=8&search=${encodeURIComponent(term)}`)).map((g) => ({ id: g.id, name: g.name }));
      matches.replaceChildren(...(items.length ? items.map((it) => h('li', {}, it.name,
        h('button', { type: 'button', 'aria-label': `Connect ${it.name}`, onclick: async (e) => {
          try {
            await withBusy(e.currentTarget, 'Connecting…', () => api('POST',
              `/api/v2/ldapservers/${ldap.id}/associations`, { op: 'add', type, id: it.id }));
            toast(`${it.name} connected`);
            matches.hidden = true;
            input.value = '';
            await load();
          } catch (ex) { err.textContent = ex.message; }
        } }, 'Connect'))) : [h('li', { class: 'muted' }, 'No matches')]));
      matches.hidden = false;
    } catch (ex) { err.textContent = ex.message; }
  }, 250));
  load();
  return h('div', { class: 'panel' }, h('h2', {}, title), list, status, err, search, matches);
}
