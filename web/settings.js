// Settings: API keys (created here, the secret shown once; revoked here) and the password and
// lockout policy of the organization.
import { api, get } from './api.js';
import { h, field, clearErrors, showError, withBusy, toast, confirmDialog, formatTime, copyButton } from './ui.js';
import { session } from './session.js';

export async function settingsPage() {
  const page = h('section', {}, h('h1', {}, 'Settings'));
  const keys = h('tbody');
  const secretBox = h('div', { 'aria-live': 'polite' });
  const keysErr = h('div', { class: 'alert', role: 'alert' });

  async function loadKeys() {
    try {
      const list = await get('/api/v2/apikeys?limit=100&sort=-created');
      keys.replaceChildren(...(list.length ? list.map((k) => h('tr', {},
        h('td', {}, k.name), h('td', {}, k.role), h('td', { class: 'hide-narrow' }, formatTime(k.created)),
        h('td', { class: 'hide-narrow' }, k.last_used ? formatTime(k.last_used) : 'never'),
        h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${k.name}`,
          onclick: async (e) => {
            const button = e.currentTarget;  // null once the handler has awaited
            if (!await confirmDialog(`Revoke ${k.name}?`, 'Scripts using this key stop working at once.', 'Revoke')) return;
            try {
              await withBusy(button, 'Revoking…', () => api('DELETE', `/api/v2/apikeys/${k.id}`));
              toast(`${k.name} revoked`);
              loadKeys();
            } catch (ex) { keysErr.textContent = ex.message; }
          } }, 'Revoke'))))
        : [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No API keys.'))]));
    } catch (ex) { keysErr.textContent = ex.message; }
  }

  const keyForm = h('form', { class: 'toolbar', novalidate: true, id: 'key-form' },
    h('div', { class: 'grow' }, field('name', 'Key name', { required: true, placeholder: 'e.g. terraform' })),
    field('role', 'Role', { value: 'admin', options: [['admin', 'Admin'], ['read-only', 'Read-only']] }),
    h('button', { type: 'submit' }, 'Create key'),
    h('div', { class: 'alert', role: 'alert' }));
  keyForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(keyForm);
    try {
      const { data } = await withBusy(e.submitter || keyForm.querySelector('button'), 'Creating…',
        () => api('POST', '/api/v2/apikeys', { name: keyForm.name.value.trim(), role: keyForm.role.value }));
      secretBox.replaceChildren(h('div', { class: 'notice' },
        h('p', {}, h('strong', {}, `Key ${data.name} created. `), 'Copy the secret now: it is shown only once.'),
        h('p', { class: 'secret', id: 'new-secret' }, data.secret), copyButton(data.secret, 'Copy the secret')));
      keyForm.name.value = '';
      loadKeys();
    } catch (err) { showError(keyForm, err); }
  });

  const org = await get(`/api/organizations/${session.organization.id}`).catch((e) => ({ error: e }));
  page.append(
    h('div', { class: 'panel' }, h('h2', {}, 'API keys'),
      h('p', { class: 'hint' }, 'Scripts send a key in the x-api-key header; it acts on this organization.'),
      keyForm, secretBox,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Role'),
          h('th', { scope: 'col', class: 'hide-narrow' }, 'Created'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Last used'),
          h('th', { scope: 'col' }, ''))), keys)), keysErr),
    org.error ? h('p', { class: 'alert', role: 'alert' }, org.error.message) : policyForm(org));
  loadKeys();
  return page;
}

function policyForm(org) {
  const p = org.settings.passwordPolicy;
  const num = (name, label, hint) => field(name, label, { value: p[name], inputmode: 'numeric', hint });
  const check = (name, label) => field(name, label, { type: 'checkbox', checked: p[name] });
  const form = h('form', { class: 'panel', novalidate: true, id: 'policy-form' },
    h('h2', {}, 'Password policy'),
    h('div', { class: 'grid' },
      num('minLength', 'Minimum length'),
      num('maxHistory', 'Previous passwords that may not be reused', '0: no history'),
      num('passwordExpirationInDays', 'Passwords expire after (days)', '0: never')),
    check('needsUppercase', 'Require an uppercase letter'),
    check('needsLowercase', 'Require a lowercase letter'),
    check('needsNumeric', 'Require a digit'),
    check('needsSymbolic', 'Require a symbol'),
    h('h2', {}, 'Account lockout'),
    check('enableMaxLoginAttempts', 'Lock accounts after repeated wrong passwords (LDAP binds and console sign-ins)'),
    h('div', { class: 'grid' },
      num('maxLoginAttempts', 'Wrong passwords before locking'),
      num('lockoutWindowSeconds', 'Counted within (seconds)'),
      num('lockoutTimeInSeconds', 'Unlock automatically after (seconds)', '0: only an administrator unlocks')),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save policy')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const policy = {};
    for (const [k, v] of Object.entries(p)) {
      const input = form[k];
      if (!input) continue;
      const value = input.type === 'checkbox' ? input.checked
        : (/^\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : input.value.trim());
      if (value !== v) policy[k] = value;
    }
    if (!Object.keys(policy).length) { toast('Nothing changed'); return; }
    try {
      const { data } = await withBusy(e.submitter || form.querySelector('button'), 'Saving…',
        () => api('PUT', `/api/organizations/${org.id}`, { settings: { passwordPolicy: policy } }));
      Object.assign(p, data.settings.passwordPolicy);
      toast('Policy saved');
    } catch (err) {
      showError(form, { ...err, field: err.field ? err.field.replace('settings.passwordPolicy.', '') : null,
        detail: err.detail, message: err.message });
    }
  });
  return form;
}
