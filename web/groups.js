// User groups: the list, and one group's page with its direct members (users and nested
// groups) to add and remove, its effective members, and its LDAP connection.
import { api, get, mapLimit } from './api.js';
import { h, field, clearErrors, showError, withBusy, toast, confirmDialog, badge,
  listTable, listQuery, debounce } from './ui.js';
import { ldapConnection } from './ldap.js';
import { stateBadge } from './users.js';

const gid = (g) => ((g.attributes && g.attributes.posixGroups) || [])[0]?.id ?? '';

export function groupsPage() {
  const table = listTable({
    name: 'groups',
    searchLabel: 'Search groups',
    searchPlaceholder: 'name or description',
    empty: 'No user groups yet.',
    defaultSort: 'name',
    columns: [
      { label: 'Name', sort: 'name', render: (g) => h('a', { href: `#/groups/${g.id}` }, g.name) },
      { label: 'Description', sort: 'description', key: 'description', narrow: true },
      { label: 'GID', render: gid },
    ],
    load: async (state) => {
      const r = await api('GET', `/api/v2/usergroups?${listQuery(state)}`);
      return { rows: r.data, total: Number(r.headers.get('x-total-count') || r.data.length) };
    },
  });
  table.refresh();
  const form = h('form', { class: 'panel', novalidate: true, id: 'group-create' },
    h('h2', {}, 'New user group'),
    h('div', { class: 'grid' },
      field('name', 'Group name', { required: true }),
      field('description', 'Description')),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create group')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { name: form.name.value.trim(), description: form.description.value.trim() };
    try {
      const { data } = await withBusy(e.submitter || form.querySelector('button'), 'Creating…',
        () => api('POST', '/api/v2/usergroups', body));
      toast(`Group ${data.name} created`);
      location.hash = `#/groups/${data.id}`;
    } catch (err) { showError(form, err); }
  });
  return h('section', {}, h('h1', {}, 'User groups'),
    h('div', { class: 'toolbar' }, table.searchField), table.element, form);
}

async function nameOf(member) {
  try {
    if (member.type === 'user') {
      const u = await get(`/api/systemusers/${member.id}`);
      return { ...member, name: u.username, user: u };
    }
    const g = await get(`/api/v2/usergroups/${member.id}`);
    return { ...member, name: g.name };
  } catch { return { ...member, name: member.id }; }
}

export async function groupPage(id) {
  let group;
  try {
    group = await get(`/api/v2/usergroups/${encodeURIComponent(id)}`);
  } catch (err) {
    return h('section', {}, h('h1', {}, 'User group'), h('p', { class: 'alert', role: 'alert' }, err.message));
  }
  const page = h('section', {});
  const members = h('div', {});
  const effective = h('div', {});
  const title = h('h1', {}, group.name);

  const form = h('form', { class: 'panel', novalidate: true, id: 'group-form' },
    h('h2', {}, 'Details'),
    h('div', { class: 'grid' },
      field('name', 'Group name', { value: group.name, required: true }),
      field('description', 'Description', { value: group.description }),
      field('gid', 'GID number', { value: gid(group), inputmode: 'numeric' })),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Save changes'),
      h('button', { type: 'button', class: 'danger', onclick: async (e) => {
        const button = e.currentTarget;  // null once the handler has awaited
        if (!await confirmDialog(`Delete ${group.name}?`,
          'Members stay; the group disappears from LDAP and from every application at once.')) return;
        try {
          await withBusy(button, 'Deleting…', () => api('DELETE', `/api/v2/usergroups/${group.id}`));
          toast(`Group ${group.name} deleted`);
          location.hash = '#/groups';
        } catch (err) { showError(form, err); }
      } }, 'Delete group')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {};
    if (form.name.value.trim() !== group.name) body.name = form.name.value.trim();
    if (form.description.value.trim() !== group.description) body.description = form.description.value.trim();
    const g = form.gid.value.trim();
    if (g !== String(gid(group))) {
      body.attributes = { posixGroups: [{ id: /^\d+$/.test(g) ? Number(g) : g, name: body.name || group.name }] };
    }
    if (!Object.keys(body).length) { toast('Nothing changed'); return; }
    try {
      const { data } = await withBusy(e.submitter || form.querySelector('button'), 'Saving…',
        () => api('PATCH', `/api/v2/usergroups/${group.id}`, body));
      group = data;
      title.textContent = group.name;
      toast('Saved');
    } catch (err) { showError(form, err, { attributes: 'gid' }); }
  });

  async function changeMember(op, type, memberId) {
    await api('POST', `/api/v2/usergroups/${group.id}/members`, { op, type, id: memberId });
    await Promise.all([loadMembers(), loadEffective()]);
  }

  async function loadMembers() {
    const direct = await get(`/api/v2/usergroups/${group.id}/members?limit=100`);
    const named = await mapLimit(direct.map((d) => d.to), 4, nameOf);
    const err = h('div', { class: 'alert', role: 'alert' });
    const rows = named.map((m) => h('tr', {},
      h('td', {}, m.type === 'user' ? h('a', { href: `#/users/${m.id}` }, m.name)
        : h('a', { href: `#/groups/${m.id}` }, m.name)),
      h('td', {}, m.type === 'user' ? 'User' : 'Group (nested)'),
      h('td', {}, m.user ? stateBadge(m.user) : ''),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${m.name}`,
        onclick: async (e) => {
          try {
            await withBusy(e.currentTarget, 'Removing…', () => changeMember('remove', m.type, m.id));
            toast(`${m.name} removed`);
          } catch (ex) { err.textContent = ex.message; }
        } }, 'Remove'))));
    members.replaceChildren(
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Member', 'Kind', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'No members yet.'))))),
      err, addMemberForm(changeMember));
  }

  async function loadEffective() {
    const r = await api('GET', `/api/v2/usergroups/${group.id}/membership?limit=25`);
    const total = Number(r.headers.get('x-total-count') || r.data.length);
    const named = await mapLimit(r.data, 4, nameOf);
    effective.replaceChildren(
      h('p', {}, `${total} user${total === 1 ? '' : 's'} in this group, nested groups included`,
        total > named.length ? ` (first ${named.length} shown)` : '', '.'),
      h('ul', { class: 'results' }, named.map((m) => h('li', {},
        h('a', { href: `#/users/${m.id}` }, m.name),
        (m.paths && m.paths[0] && m.paths[0].length > 1) ? badge('through a nested group') : badge('direct')))));
  }

  page.replaceChildren(
    h('p', {}, h('a', { href: '#/groups' }, '← User groups')),
    title, form,
    h('div', { class: 'panel' }, h('h2', {}, 'Members'), members),
    h('div', { class: 'split' },
      h('div', { class: 'panel' }, h('h2', {}, 'Effective members'), effective),
      h('div', { class: 'panel' }, h('h2', {}, 'LDAP'), groupLdap(group))));
  await Promise.all([loadMembers(), loadEffective()]).catch((e) => {
    members.replaceChildren(h('p', { class: 'alert', role: 'alert' }, e.message));
  });
  return page;
}

// Search users or groups by name and add one as a member.
function addMemberForm(changeMember) {
  const results = h('ul', { class: 'results', hidden: true, 'aria-label': 'Matches' });
  const kind = field('kind', 'Add a', { options: [['user', 'User'], ['user_group', 'Group (nested)']] });
  const query = field('member_search', 'Name', { placeholder: 'Type to search' });
  const err = h('div', { class: 'alert', role: 'alert' });
  const input = query.querySelector('input');
  const select = kind.querySelector('select');
  const search = debounce(async () => {
    const term = input.value.trim();
    if (!term) { results.hidden = true; return; }
    try {
      const type = select.value;
      const items = type === 'user'
        ? (await get(`/api/systemusers?limit=8&search=${encodeURIComponent(term)}&fields=username%20email`)).results
          .map((u) => ({ id: u._id, label: `${u.username} (${u.email})` }))
        : (await get(`/api/v2/usergroups?limit=8&search=${encodeURIComponent(term)}`))
          .map((g) => ({ id: g.id, label: g.name }));
      results.replaceChildren(...(items.length ? items.map((it) => h('li', {}, it.label,
        h('button', { type: 'button', 'aria-label': `Add ${it.label}`, onclick: async (e) => {
          err.textContent = '';
          try {
            await withBusy(e.currentTarget, 'Adding…', () => changeMember('add', type, it.id));
            toast(`${it.label} added`);
          } catch (ex) { err.textContent = ex.message; }
        } }, 'Add'))) : [h('li', { class: 'muted' }, 'No matches')]));
      results.hidden = false;
    } catch (ex) { err.textContent = ex.message; }
  }, 250);
  input.addEventListener('input', search);
  select.addEventListener('change', search);
  return h('div', { class: 'add-member' }, h('h3', {}, 'Add members'),
    h('div', { class: 'toolbar' }, kind, h('div', { class: 'grow' }, query)), results, err);
}

function groupLdap(group) {
  return ldapConnection('user_group', group.id, { label: 'Connected to the LDAP directory',
    subject: group.name, hint: 'the group and its members are served over LDAP' });
}
