// Drives the admin console in headless Chromium (Debian's chromium, through playwright-core)
// against a running skydir, the way a new administrator follows the guides' console steps.
// Prints one "ok - ..." or "FAIL - ..." line per check (console_suite.sh counts them) and
// writes what the shell half needs (the old session cookie) to $OUT/state.json.
//
// Environment: URL, ORG, ADMIN_USER, ADMIN_PASSWORD, BIND_USER, BIND_PASSWORD,
// LOCKY_NEW_PASSWORD, OUT (the screenshots directory), CHROMIUM (default /usr/bin/chromium),
// SCIM_BASE_URL, SCIM_TOKEN and SCIM_STATE_URL (a tests/scim/target.mjs and its /_state).
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';

const env = process.env;
const URL = env.URL;
const OUT = env.OUT;
let failures = 0;
function ok(desc) { console.log(`ok - ${desc}`); }
function fail(desc, why) {
  failures++;
  console.log(`FAIL - ${desc} : ${String(why).split('\n')[0]}`);
  console.error(String(why));  // the whole story, in browser.err next to the screenshots
}
async function check(desc, fn) {
  try { await fn(); ok(desc); } catch (e) { fail(desc, e.message || e); }
}
function expect(cond, message) { if (!cond) throw new Error(message); }

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
const page = await context.newPage();
page.setDefaultTimeout(15000);

// Any browser console error fails the suite, except the status lines Chromium logs for API
// answers the page expects and shows (401 at a wrong sign-in, 400 for a refused field).
const consoleErrors = [];
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
  consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));

// Screenshots without the passing toast, so that they show the page itself.
async function shot(name, fullPage = true) {
  await page.evaluate(() => document.getElementById('toast').classList.remove('show'));
  await page.waitForTimeout(250);
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage });
}
const heading = (text) => page.getByRole('heading', { level: 1, name: text });
const alertText = (form) => page.locator(`${form} .alert`).first();

await check('the sign-in page loads with a strict Content-Security-Policy', async () => {
  const res = await page.goto(URL);
  expect(res.status() === 200, `status ${res.status()}`);
  const csp = res.headers()['content-security-policy'] || '';
  expect(csp.includes("script-src 'self'") && csp.includes("default-src 'none'"), `CSP: ${csp}`);
  await heading('Sign in to skydir').waitFor();
  await shot('signin');
});

await check('a wrong password at sign-in shows an error', async () => {
  await page.getByLabel('Organization ID').fill(env.ORG);
  await page.getByLabel('Username').fill(env.ADMIN_USER);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'wrong organization, username or password' }).waitFor();
  await shot('signin-error');
});

await check('an administrator signs in and lands on Users', async () => {
  await page.getByLabel('Password').fill(env.ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Users').waitFor();
});

let sessionCookie = '';
await check('the session cookie is HttpOnly and SameSite=Strict', async () => {
  const c = (await context.cookies()).find((x) => x.name === 'skydir_session');
  expect(c, 'no skydir_session cookie');
  expect(c.httpOnly && c.sameSite === 'Strict', JSON.stringify({ httpOnly: c.httpOnly, sameSite: c.sameSite }));
  expect(!(await page.evaluate(() => document.cookie)).includes('skydir_session'), 'readable by scripts');
  sessionCookie = c.value;
});

await check('a validation error from the API is shown next to its field', async () => {
  await page.getByRole('link', { name: 'New user' }).click();
  await heading('New user').waitFor();
  await page.getByLabel('Username').fill('Not-Lowercase');
  await page.getByLabel('Company email').fill('bad@acme.example');
  await page.getByRole('button', { name: 'Create user' }).click();
  const input = page.getByLabel('Username');
  await page.locator('input[name="username"][aria-invalid="true"]').waitFor();
  const describedBy = await input.getAttribute('aria-describedby');
  const message = await page.locator(`#${describedBy}`).textContent();
  expect(/lowercase/i.test(message), `message: ${message}`);
  await shot('user-validation');
});

await check('create a user with "Enable as LDAP Bind DN"', async () => {
  await page.getByLabel('First name').fill('LDAP');
  await page.getByLabel('Last name').fill('Service');
  await page.getByLabel('Username').fill(env.BIND_USER);
  await page.getByLabel('Company email').fill(`${env.BIND_USER}@acme.example`);
  await page.getByLabel('Description').fill('Service account for Infisical');
  await page.getByLabel('Password', { exact: true }).fill(env.BIND_PASSWORD);
  await page.getByLabel('Enable as LDAP Bind DN').check();
  await page.getByRole('button', { name: 'Create user' }).click();
  await heading('LDAP Service').waitFor();
  await page.getByText('LDAP Bind DN', { exact: true }).first().waitFor();
  await shot('user');
});

await check('the users list searches through the API', async () => {
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await heading('Users').waitFor();
  await page.getByLabel('Search users').fill(env.BIND_USER);
  await page.getByRole('cell', { name: env.BIND_USER, exact: true }).waitFor();
  await page.getByText(/^1–1 of 1$/).waitFor();
  await shot('users');
});

async function openUser(username) {
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await heading('Users').waitFor();
  await page.getByLabel('Search users').fill(username);
  await page.getByRole('link', { name: username, exact: true }).click();
}

await check('unlock a locked-out user', async () => {
  await openUser('locky');
  await page.getByText('Locked', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await page.getByText('Active', { exact: true }).waitFor();
});

await check('reset a password', async () => {
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.getByLabel('New password').fill(env.LOCKY_NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await page.getByText('Password set', { exact: true }).waitFor();
});

await check('suspend and unsuspend a user', async () => {
  await page.getByRole('button', { name: 'Suspend', exact: true }).click();
  await page.getByText('Suspended', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Unsuspend', exact: true }).click();
  await page.getByText('Active', { exact: true }).waitFor();
});

await check('delete a user after confirming', async () => {
  await openUser('plain');
  await page.getByRole('button', { name: 'Delete user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Delete plain?').waitFor();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await heading('Users').waitFor();
  await page.getByLabel('Search users').fill('plain');
  await page.getByText('Nothing matches this search.').waitFor();
});

let groupUrl = '';
await check('create a user group', async () => {
  await page.getByRole('link', { name: 'User groups' }).click();
  await heading('User groups').waitFor();
  await page.getByLabel('Group name').fill('Engineers');
  await page.getByLabel('Description').fill('People who build');
  await page.getByRole('button', { name: 'Create group' }).click();
  await heading('Engineers').waitFor();
  groupUrl = page.url();
});

await check('add the user to the group', async () => {
  await page.getByLabel('Name', { exact: true }).fill(env.BIND_USER);
  await page.getByRole('button', { name: new RegExp(`^Add ${env.BIND_USER} `) }).click();
  await page.getByRole('button', { name: `Remove ${env.BIND_USER}` }).waitFor();
  await page.getByText(/^1 user in this group/).waitFor();
});

await check('connect the group to LDAP', async () => {
  const toggle = page.getByLabel('Connected to the LDAP directory');
  await toggle.check();
  await page.getByText('Engineers connected to LDAP').waitFor();
  await shot('group');
});

await check('the LDAP page shows the Organization ID, ORG DN and the connected group', async () => {
  await page.getByRole('link', { name: 'LDAP', exact: true }).click();
  await heading('LDAP').waitFor();
  await page.getByText(env.ORG, { exact: true }).first().waitFor();
  await page.getByText(`o=${env.ORG},dc=jumpcloud,dc=com`, { exact: true }).waitFor();
  await page.getByLabel('Engineers').waitFor();
  expect(await page.getByLabel('Engineers').isChecked(), 'group toggle is off');
  await page.getByRole('link', { name: 'Download CA certificate' }).waitFor();
  await shot('ldap');
});

await check('the CA certificate downloads as PEM', async () => {
  const href = await page.getByRole('link', { name: 'Download CA certificate' }).getAttribute('href');
  const res = await context.request.get(URL + href.slice(1));
  expect(res.status() === 200, `status ${res.status()}`);
  expect((await res.text()).includes('BEGIN CERTIFICATE'), 'not a PEM certificate');
});

await check('Insights lists the sign-ins, failed and successful', async () => {
  await page.getByRole('link', { name: 'Insights' }).click();
  await heading('Insights').waitFor();
  await page.getByLabel('Action').selectOption('admin_login_attempt');
  await page.getByRole('button', { name: 'Show events' }).click();
  await page.getByRole('cell', { name: 'failure' }).first().waitFor();
  await page.getByRole('cell', { name: 'success' }).first().waitFor();
  await page.getByLabel('Action').selectOption('');
  await page.getByRole('button', { name: 'Show events' }).click();
  await page.getByRole('cell', { name: 'group_member_add' }).first().waitFor();
  await shot('insights', false);  // the first screenful; the whole list is long
});

await check('Settings creates an API key and shows its secret once', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await heading('Settings').waitFor();
  await page.getByLabel('Key name').fill('terraform');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.locator('#new-secret').textContent()).trim();
  expect(/^sk_[0-9a-f]{24}_[0-9a-f]+$/.test(secret), `secret ${secret}`);
  const res = await fetch(`${URL}api/systemusers?limit=1`, { headers: { 'x-api-key': secret } });
  expect(res.status === 200, `the new key answers ${res.status}`);
  await page.getByRole('cell', { name: 'terraform', exact: true }).waitFor();
});

await check('Settings revokes an API key after confirming', async () => {
  await page.getByRole('button', { name: 'Revoke terraform' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
  await page.getByText('terraform revoked').waitFor();
  await page.getByRole('cell', { name: 'terraform', exact: true }).waitFor({ state: 'detached' });
});

await check('Settings shows the password and lockout policy', async () => {
  await page.getByLabel('Minimum length').waitFor();
  await page.getByLabel('Wrong passwords before locking').waitFor();
  await shot('settings');
});

await check('a refused policy value is shown at its field; a valid one is saved', async () => {
  await page.getByLabel('Minimum length').fill('0');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.locator('input[name="minLength"][aria-invalid="true"]').waitFor();
  await page.getByText('must be from 1 to 1024').waitFor();
  await page.getByLabel('Minimum length').fill('12');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByText('Policy saved').waitFor();
});

// Applications against the real SCIM target that console_suite.sh started (tests/scim/target.mjs).
const appForm = (id) => page.locator(`#${id}`);
const fact = (name) => page.locator('dl.facts dt').filter({ hasText: new RegExp(`^${name}$`) })
  .locator('xpath=following-sibling::dd[1]');
async function targetState() {
  const res = await fetch(env.SCIM_STATE_URL);
  expect(res.status === 200, `GET /_state: ${res.status}`);
  return res.json();
}
// A saved settings form has its token field emptied again.
const saved = () => page.waitForFunction(() => document.querySelector('#app-form input[name="token"]').value === '');
let appId = '';

await check('the Applications page lists no applications yet', async () => {
  await page.getByRole('link', { name: 'Applications' }).click();
  await heading('Applications').waitFor();
  await page.getByText('No applications yet.').waitFor();
});

await check('an invalid SCIM base URL is shown at its field', async () => {
  const form = appForm('app-create');
  await form.getByLabel('Name').fill('Scimmy');
  await form.getByLabel('SCIM base URL').fill('ftp://x');
  await form.getByLabel('Bearer token').fill(env.SCIM_TOKEN);
  await form.getByRole('button', { name: 'Create application' }).click();
  const input = form.locator('input[name="base_url"][aria-invalid="true"]');
  await input.waitFor();
  const message = await page.locator(`#${await input.getAttribute('aria-describedby')}`).textContent();
  expect(/https:\/\//.test(message), `message: ${message}`);
  expect(await input.evaluate((el) => el === document.activeElement), 'the field is not focused');
});

await check('create an application with SCIM settings; the token is never shown back', async () => {
  const form = appForm('app-create');
  await form.getByLabel('SCIM base URL').fill(env.SCIM_BASE_URL);
  await form.getByLabel('Test user email').fill('jc-test@acme.example');
  await form.getByLabel('When a user leaves').selectOption('deactivate');
  await form.getByLabel('Group management').check();
  await form.getByRole('button', { name: 'Create application' }).click();
  await heading('Scimmy').waitFor();
  appId = decodeURIComponent(new globalThis.URL(page.url()).hash.split('/')[2] || '');
  const settings = appForm('app-form');
  expect(await settings.getByLabel('Bearer token').inputValue() === '', 'the token field is filled in');
  await settings.getByText('A token is stored').waitFor();
  expect(await settings.getByLabel('SCIM base URL').inputValue() === env.SCIM_BASE_URL, 'base URL');
  expect(await settings.getByLabel('Group management').isChecked(), 'group management is off');
  expect(!(await page.content()).includes(env.SCIM_TOKEN), 'the token is in the page');
  const res = await context.request.get(`${URL}api/applications/${appId}`);
  const text = await res.text();
  expect(res.status() === 200 && !text.includes(env.SCIM_TOKEN), `GET the application: ${res.status()}`);
  const scim = JSON.parse(text).scim;
  expect(scim.token_set && scim.group_management && scim.deprovision === 'deactivate' &&
    scim.test_user_email === 'jc-test@acme.example', JSON.stringify(scim));
});

await check('Test connection shows each step with its result', async () => {
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connection works').waitFor();
  const steps = page.getByRole('list', { name: 'Test steps' }).getByRole('listitem');
  const texts = await steps.allTextContents();
  const names = ['read ServiceProviderConfig', 'look up test user', 'create test user',
    'create test group', 'delete test group', 'delete test user'];
  expect(texts.length === names.length, `steps: ${texts.join(' | ')}`);
  names.forEach((n, i) => expect(texts[i].startsWith(`passed ${n}`), `step ${i}: ${texts[i]}`));
  expect(/POST \/Users → 201/.test(texts[2]), `create test user: ${texts[2]}`);
  const state = await targetState();
  expect(!state.users.length && !state.groups.length, 'the test left users or groups in the target');
});

await check('with a wrong token saved, Test connection shows the failed step', async () => {
  const settings = appForm('app-form');
  await settings.getByLabel('Bearer token').fill('wrong-token');
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await saved();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connection failed').waitFor();
  const last = (await page.getByRole('list', { name: 'Test steps' }).getByRole('listitem').allTextContents()).pop();
  expect(/^failed .*→ 401/.test(last), `last step: ${last}`);
  await settings.getByLabel('Bearer token').fill(env.SCIM_TOKEN);
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await saved();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connection works').waitFor();
});

await check('assign the user group Engineers', async () => {
  await page.getByLabel('Assign a user group').fill('Engineers');
  await page.getByRole('button', { name: 'Assign Engineers' }).click();
  await page.getByRole('button', { name: 'Remove Engineers' }).waitFor();
});

await check('the provisioning status updates to show the user and group provisioned', async () => {
  await fact('Provisioned users').filter({ hasText: /^1$/ }).waitFor({ timeout: 30000 });
  await fact('Provisioned groups').filter({ hasText: /^1$/ }).waitFor({ timeout: 30000 });
  await fact('Pending jobs').filter({ hasText: /^0$/ }).waitFor({ timeout: 30000 });
  await fact('State').filter({ hasText: /^active$/ }).waitFor();
  await page.evaluate(() => document.activeElement.blur());  // no focus ring in the picture
  await shot('application');
});

await check('the SCIM target holds the user (userName = email) in the group', async () => {
  const state = await targetState();
  const user = state.users.find((u) => u.userName === `${env.BIND_USER}@acme.example`);
  expect(user && user.active === true, `users: ${JSON.stringify(state.users.map((u) => u.userName))}`);
  const group = state.groups.find((g) => g.displayName === 'Engineers');
  expect(group && group.members.some((m) => m.value === user.id), `groups: ${JSON.stringify(state.groups)}`);
});

await check('Sync now queues a full sync', async () => {
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByText('Full sync queued').waitFor();
  await fact('Pending jobs').filter({ hasText: /^0$/ }).waitFor({ timeout: 30000 });
  await fact('Failed jobs').filter({ hasText: /^0$/ }).waitFor();
});

await check('the Applications list shows the application', async () => {
  await page.getByRole('link', { name: 'Applications', exact: true }).click();
  await heading('Applications').waitFor();
  await page.getByRole('link', { name: 'Scimmy', exact: true }).waitFor();
  await page.getByRole('cell', { name: 'Active', exact: true }).waitFor();
  await shot('applications');
});

await check("an application's page fits a phone screen", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('link', { name: 'Scimmy', exact: true }).click();
  await heading('Scimmy').waitFor();
  await fact('Provisioned users').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await page.setViewportSize({ width: 1280, height: 860 });
});

await check('the console is usable at phone width', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await heading('Users').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await shot('users-phone');
  await page.setViewportSize({ width: 1280, height: 860 });
});

await check('keyboard: skip link, navigation and a visible focus ring', async () => {
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { tag: el.tagName, id: el.id, cls: el.className, text: el.textContent.trim(),
      ring: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
  });
  const hash = await page.evaluate(() => location.hash);
  await page.getByRole('link', { name: 'User groups' }).focus();
  await page.keyboard.press('Shift+Tab');  // Users
  expect((await focused()).text === 'Users', 'Shift+Tab did not reach Users');
  await page.keyboard.press('Shift+Tab');  // the skip link
  let f = await focused();
  expect(f.cls === 'skip' && f.ring, `skip link: ${JSON.stringify(f)}`);
  await page.keyboard.press('Enter');
  f = await focused();
  expect(f.id === 'main', `Enter on the skip link focused ${JSON.stringify(f)}`);
  expect(await page.evaluate(() => location.hash) === hash, 'the skip link changed the page');
  await page.keyboard.press('Tab');
  f = await focused();
  expect(f.tag === 'INPUT' && f.ring, `first control of the page: ${JSON.stringify(f)}`);
});

await check('a POST without the CSRF token is refused with 403 JSON', async () => {
  const res = await context.request.post(`${URL}api/v2/usergroups`, {
    data: { name: 'csrf-probe' }, headers: { 'Content-Type': 'application/json' } });
  expect(res.status() === 403, `status ${res.status()}`);
  const body = await res.json();
  expect(body.message.startsWith('x-csrf-token:'), body.message);
});

await check('sign out returns to the sign-in page', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await heading('Sign in to skydir').waitFor();
  await page.getByText('You are signed out.').waitFor();
});

await check('the old session cookie no longer works', async () => {
  const res = await fetch(`${URL}api/systemusers`, { headers: { Cookie: `skydir_session=${sessionCookie}` } });
  expect(res.status === 401, `status ${res.status}`);
});

await check('no browser console errors', async () => {
  expect(consoleErrors.length === 0, consoleErrors.join(' | '));
});

writeFileSync(`${OUT}/state.json`, JSON.stringify({ groupUrl, sessionCookie }));
await browser.close();
process.exit(failures ? 1 : 0);
