// The console shell: sign-in, the session, navigation between sections (hash routes, so every
// page has an address and the back button works), sign-out.
import { api, setCsrfToken, onSessionEnded } from './api.js';
import { h, field, clearErrors, showError, withBusy } from './ui.js';
import { usersPage, userPage } from './users.js';
import { groupsPage, groupPage } from './groups.js';
import { ldapPage } from './ldap.js';
import { applicationsPage } from './applications.js';
import { insightsPage } from './insights.js';
import { settingsPage } from './settings.js';
import { session } from './session.js';

const ORG_KEY = 'skydir.organization';
const main = document.getElementById('main');

function signedIn(data) {
  session.user = data.user;
  session.organization = data.organization;
  setCsrfToken(data.csrfToken);
  document.getElementById('who').textContent =
    `${data.user.username} · ${data.organization.displayName}`;
  document.getElementById('topbar').hidden = false;
  if (!location.hash || location.hash === '#/signin') location.hash = '#/users';
  route();
}

function showSignIn(message) {
  session.user = null;
  setCsrfToken(null);
  document.getElementById('topbar').hidden = true;
  document.title = 'Sign in · skydir';
  const params = new URLSearchParams(location.search);
  const org = params.get('org') || localStorage.getItem(ORG_KEY) || '';
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'panel signin', novalidate: true, 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to skydir'),
    message ? h('p', { class: 'notice', role: 'status' }, message) : null,
    field('organization', 'Organization ID', { value: org, required: true,
      hint: 'The 24-character ID shown by "skydir org create" (the organization name works too).' }),
    field('username', 'Username', { required: true, autocomplete: 'username' }),
    field('password', 'Password', { type: 'password', required: true, autocomplete: 'current-password' }),
    h('div', { class: 'alert', role: 'alert' }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {
      organization: form.organization.value.trim(),
      username: form.username.value.trim(),
      password: form.password.value,
    };
    try {
      const { data } = await withBusy(submit, 'Signing in…', () => api('POST', '/api/console/session', body));
      localStorage.setItem(ORG_KEY, body.organization);
      signedIn(data);
    } catch (err) {
      form.password.value = '';
      showError(form, err);
    }
  });
  main.replaceChildren(form);
  (org ? form.username : form.organization).focus();
}

async function signOut() {
  try {
    await api('DELETE', '/api/console/session');
  } catch { /* already ended */ }
  location.hash = '#/signin';
  showSignIn('You are signed out.');
}

const sections = {
  users: (id) => (id ? userPage(id) : usersPage()),
  groups: (id) => (id ? groupPage(id) : groupsPage()),
  ldap: () => ldapPage(),
  applications: (id) => applicationsPage(id),
  insights: () => insightsPage(),
  settings: () => settingsPage(),
};

let routeSeq = 0;
async function route() {
  if (!session.user) return;
  const [, name = 'users', id] = (location.hash || '#/users').split('/');
  const section = sections[name] ? name : 'users';
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const seq = ++routeSeq;
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  const page = await sections[section](id ? decodeURIComponent(id) : null);
  if (seq !== routeSeq) return;  // a newer navigation won
  main.replaceChildren(page);
  const title = page.querySelector('h1');
  document.title = `${title ? title.textContent : 'skydir'} · skydir`;
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
// The skip link moves focus; following its #main would change the route.
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
document.getElementById('signout').addEventListener('click', signOut);
onSessionEnded(() => showSignIn('Your session has ended. Sign in again.'));

(async () => {
  try {
    const { data } = await api('GET', '/api/console/session');
    signedIn(data);
  } catch {
    showSignIn();
  }
})();
