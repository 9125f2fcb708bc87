// Infisical's LDAP login and test-connection against skydir, as Infisical's code does them
// (CLIENTS.md §1a; Infisical/infisical backend/src/ee/routes/v1/ldap-router.ts,
// services/ldap-config/ldap-config-service.ts bootLdap, services/ldap-config/ldap-fns.ts),
// configured as its JumpCloud guide says (seeds/000_*):
//   URL ldaps://<host>:<port>, Bind DN uid=<svc>,ou=Users,o=<org>,dc=jumpcloud,dc=com,
//   Search Base ou=Users,o=<org>,..., Group Search Base ou=Users,o=<org>,..., CA certificate.
// The login is passport-ldapauth 3.0.1 → ldapauth-fork 5 → ldapjs 2.x (service bind, search
// with (uid={{username}}), user bind with the returned DN); groups and test-connection use
// ldapjs 3.0.7 (= @infisical/ldapjs 3.0.11 without its referral fields).
// Run by ldap_clients_suite.sh; one "ok - "/"FAIL - " line per check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const LdapStrategy = require('passport-ldapauth');
const ldapjs = require('ldapjs');

const E = process.env;
const caCert = readFileSync(E.CA, 'utf8');
const LDAPS = E.LDAPS_URL;
const PLAIN = E.LDAP_URL;
const DEFAULT_GROUP_FILTER = '(|(memberUid={{.Username}})(member={{.UserDN}})(uniqueMember={{.UserDN}}))';
let failures = 0;

function report(name, ok, detail = '') {
  if (ok) {
    console.log(`ok - infisical: ${name}`);
  } else {
    failures += 1;
    console.log(`FAIL - infisical: ${name} : ${detail}`);
  }
}

async function check(name, fn) {
  try {
    const r = await withTimeout(fn(), 20000);
    const [ok, detail] = Array.isArray(r) ? r : [Boolean(r), ''];
    report(name, ok, detail);
  } catch (e) {
    report(name, false, `${e && e.name}: ${e && e.message}`);
  }
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// The org's LDAP configuration as saved in Infisical.
function ldapConfig(org, { url = LDAPS, bindPass, groupSearchFilter = '', caCertPem = caCert } = {}) {
  const users = `ou=Users,o=${org},dc=jumpcloud,dc=com`;
  return {
    url,
    bindDN: `uid=ldap-svc,${users}`,
    bindPass,
    uniqueUserAttribute: 'uidNumber',
    searchBase: users,
    searchFilter: '(uid={{username}})',
    groupSearchBase: users,
    groupSearchFilter,
    caCert: url.startsWith('ldaps:') ? caCertPem : '',
  };
}
const cfgA = (opts = {}) => ldapConfig(E.ORG_A, { bindPass: E.PW_SVC_A, ...opts });
const cfgB = (opts = {}) => ldapConfig(E.ORG_B, { bindPass: E.PW_SVC_B, ...opts });
const guideFilter = (org) =>
  `(&(objectClass=groupOfNames)(member=uid={{.Username}},ou=Users,o=${org},dc=jumpcloud,dc=com))`;

// --- ldap-fns.ts ----------------------------------------------------------------------------
function buildLdapTlsOptions(cfg) {
  return cfg.caCert ? { ca: [cfg.caCert] } : undefined;
}

function isValidLdapFilter(filter) {
  try {
    ldapjs.parseFilter(filter);
    return true;
  } catch {
    return false;
  }
}

function testLDAPConfig(cfg) {
  return new Promise((resolve) => {
    const tlsOptions = buildLdapTlsOptions(cfg);
    const ldapClient = ldapjs.createClient({
      url: cfg.url,
      bindDN: cfg.bindDN,
      bindCredentials: cfg.bindPass,
      ...(tlsOptions ? { tlsOptions } : {}),
    });
    ldapClient.on('error', () => resolve(false));
    ldapClient.bind(cfg.bindDN, cfg.bindPass, (err) => {
      ldapClient.unbind();
      resolve(!err);
    });
  });
}

const extractCnFromDn = (dn) => {
  const cnRdn = dn
    .split(',')
    .map((rdn) => rdn.trim())
    .find((rdn) => rdn.slice(0, 3).toLowerCase() === 'cn=');
  return cnRdn?.substring(3);
};

function searchGroups(cfg, filter, base) {
  return new Promise((resolve, reject) => {
    const tlsOptions = buildLdapTlsOptions(cfg);
    const ldapClient = ldapjs.createClient({
      url: cfg.url,
      bindDN: cfg.bindDN,
      bindCredentials: cfg.bindPass,
      ...(tlsOptions ? { tlsOptions } : {}),
    });
    // Not in Infisical's code: keeps a connection error from crashing this process.
    ldapClient.on('error', reject);
    ldapClient.search(base, { filter, scope: 'sub' }, (err, res) => {
      if (err) {
        ldapClient.unbind();
        return reject(err);
      }
      const groups = [];
      res.on('searchEntry', (entry) => {
        const dn = entry.dn.toString();
        const cn = extractCnFromDn(dn);
        if (cn !== undefined) groups.push({ dn, cn });
      });
      res.on('error', (error) => {
        ldapClient.unbind();
        reject(error);
      });
      res.on('end', () => {
        ldapClient.unbind();
        resolve(groups);
      });
    });
  });
}

// --- ldap-router.ts: POST /api/v1/ldap/login through passport ------------------------------
// Resolves {kind: 'success', user, groups, externalId, firstName, lastName, email} or
// {kind: 'fail', info, status} or {kind: 'error', err}, as passport would route them.
function ldapLogin(cfg, body) {
  return new Promise((resolve) => {
    const getLdapPassportOpts = (req, done) => {
      process.nextTick(() => done(null, {
        server: {
          url: cfg.url,
          bindDN: cfg.bindDN,
          bindCredentials: cfg.bindPass,
          uniqueUserAttribute: cfg.uniqueUserAttribute,
          searchBase: cfg.searchBase,
          searchFilter: cfg.searchFilter || '(uid={{username}})',
          ...(cfg.caCert !== '' ? { tlsOptions: { ca: [cfg.caCert] } } : {}),
        },
        passReqToCallback: true,
      }));
    };
    const strategy = new LdapStrategy(getLdapPassportOpts, async (req, user, cb) => {
      try {
        if (!user.mail) throw new Error('Invalid request. Missing mail attribute on user.');
        let groups;
        if (cfg.groupSearchBase) {
          const groupSearchFilter = (cfg.groupSearchFilter || DEFAULT_GROUP_FILTER)
            .replaceAll('{{.Username}}', user.uid)
            .replaceAll('{{.UserDN}}', user.dn);
          if (!isValidLdapFilter(groupSearchFilter)) throw new Error('Generated LDAP search filter is invalid.');
          groups = await searchGroups(cfg, groupSearchFilter, cfg.groupSearchBase);
        }
        const externalId = cfg.uniqueUserAttribute ? user[cfg.uniqueUserAttribute] : user.uidNumber;
        return cb(null, {
          user, groups, externalId,
          firstName: user.givenName ?? user.cn ?? '', lastName: user.sn ?? '', email: user.mail,
        });
      } catch (error) {
        return cb(error, false);
      }
    });
    // What passport's authenticate middleware does: a per-request object with the actions.
    const s = Object.create(strategy);
    s.success = (result) => resolve({ kind: 'success', ...result });
    s.fail = (info, status) => resolve({ kind: 'fail', info, status });
    s.error = (err) => resolve({ kind: 'error', err });
    s.redirect = () => resolve({ kind: 'redirect' });
    s.pass = () => resolve({ kind: 'pass' });
    s.authenticate({ body, query: {} }, { session: false });
  });
}

const describe = (r) => (r.kind === 'success'
  ? `success groups=${JSON.stringify(r.groups)}`
  : `${r.kind} ${JSON.stringify(r.info || (r.err && `${r.err.name}: ${r.err.message}`))} ${r.status ?? ''}`);
const usersA = `ou=Users,o=${E.ORG_A},dc=jumpcloud,dc=com`;
const cns = (r) => (r.groups || []).map((g) => g.cn).sort();

// --- checks ---------------------------------------------------------------------------------
await check('library versions: ldapjs 3.0.7 for groups, ldapjs 2.x under passport-ldapauth', () => {
  const v3 = require('ldapjs/package.json').version;
  const fork = require.resolve('ldapauth-fork', { paths: [require.resolve('passport-ldapauth')] });
  const v2 = createRequire(fork)('ldapjs/package.json').version;
  return [v3 === '3.0.7' && v2.startsWith('2.'), `top ${v3}, ldapauth-fork's ${v2}`];
});

await check('test-connection over LDAPS (autobind + explicit bind on one connection) is true',
  async () => [await testLDAPConfig(cfgA()) === true, '']);
await check('test-connection over plain ldap:// is true', async () => testLDAPConfig(cfgA({ url: PLAIN })));
await check('test-connection with a wrong bind password is false',
  async () => (await testLDAPConfig(cfgA({ bindPass: 'wrong' }))) === false);
await check('test-connection with dc=JumpCloud in the bind DN is true', async () => {
  const cfg = cfgA();
  cfg.bindDN = cfg.bindDN.replace('dc=jumpcloud', 'dc=JumpCloud');
  return testLDAPConfig(cfg);
});

let alice;
await check('LDAPS login of alice with the default group filter', async () => {
  alice = await ldapLogin(cfgA(), { username: 'alice', password: E.PW_A });
  return [alice.kind === 'success', describe(alice)];
});
await check('the user object has mail, uid, uidNumber, givenName, sn as strings', () => {
  const u = alice.user || {};
  const fields = ['mail', 'uid', 'uidNumber', 'givenName', 'sn', 'cn', 'dn'];
  const ok = fields.every((f) => typeof u[f] === 'string')
    && u.mail === 'alice@acme.example' && u.uid === 'alice' && /^\d+$/.test(u.uidNumber)
    && u.givenName === 'Alice' && u.sn === 'Anderson' && u.dn === `uid=alice,${usersA}`;
  return [ok, JSON.stringify(Object.fromEntries(fields.map((f) => [f, u[f]])))];
});
await check('externalId (uidNumber), first/last name and email as ldapLogin receives them', () => {
  const ok = alice.externalId === alice.user.uidNumber && alice.firstName === 'Alice'
    && alice.lastName === 'Anderson' && alice.email === 'alice@acme.example';
  return [ok, JSON.stringify([alice.externalId, alice.firstName, alice.lastName, alice.email])];
});
await check('no attribute comes back lower-cased (givenname, uidnumber, memberof)', () => {
  const keys = Object.keys(alice.user || {});
  return [!keys.some((k) => k !== k.toLowerCase() && keys.includes(k.toLowerCase()))
    && keys.includes('memberOf') && !keys.includes('givenname') && !keys.includes('userPassword'),
  keys.join(',')];
});
await check('default group filter: group names from the DN equal the names, with a space', () =>
  [JSON.stringify(cns(alice)) === '["Platform Team"]'
    && alice.groups[0].dn === `cn=Platform Team,${usersA}`, describe(alice)]);

for (const [user, want] of [['bob', ['Platform Team']], ['carol', ['engineering']], ['dave', ['all staff']]]) {
  await check(`JumpCloud guide's group filter for ${user} gives ${JSON.stringify(want)}`, async () => {
    const r = await ldapLogin(cfgA({ groupSearchFilter: guideFilter(E.ORG_A) }), { username: user, password: E.PW_A });
    return [r.kind === 'success' && JSON.stringify(cns(r)) === JSON.stringify(want), describe(r)];
  });
}
await check('default group filter for dave gives ["all staff"]', async () => {
  const r = await ldapLogin(cfgA(), { username: 'dave', password: E.PW_A });
  return [r.kind === 'success' && JSON.stringify(cns(r)) === '["all staff"]', describe(r)];
});
await check('the group filter (objectClass=groupOfNames) from the guide\'s field help lists every group', async () => {
  const r = await ldapLogin(cfgA({ groupSearchFilter: '(objectClass=groupOfNames)' }), { username: 'bob', password: E.PW_A });
  return [r.kind === 'success'
    && JSON.stringify(cns(r)) === JSON.stringify(['Bulk Users', 'Platform Team', 'all staff', 'engineering']),
  describe(r)];
});

const expectFail = async (name, cfg, body) => check(name, async () => {
  const r = await ldapLogin(cfg, body);
  return [r.kind === 'fail' && r.status === 401, describe(r)];
});
await expectFail('wrong password fails with 401', cfgA(), { username: 'alice', password: 'wrong password' });
await expectFail('unknown user fails with 401', cfgA(), { username: 'nobody', password: E.PW_A });
await expectFail('suspended user fails with 401', cfgA(), { username: 'frank', password: E.PW_A });
await expectFail('user not connected to LDAP fails with 401', cfgA(), { username: 'erin', password: E.PW_A });
await expectFail("org B's password does not log in org A's alice", cfgA(), { username: 'alice', password: E.PW_B });
await expectFail("a '*' in the username (escaped by ldapauth-fork as \\5c2a) finds nobody", cfgA(),
  { username: 'ali*', password: E.PW_A });
await expectFail('a filter injection in the username, alice)(uid=*, finds nobody', cfgA(),
  { username: 'alice)(uid=*', password: E.PW_A });
await check('empty password is "Missing credentials" (400), nothing sent', async () => {
  const r = await ldapLogin(cfgA(), { username: 'alice', password: '' });
  return [r.kind === 'fail' && r.status === 400, describe(r)];
});

await check('login over plain ldap:// (no StartTLS) works', async () => {
  const r = await ldapLogin(cfgA({ url: PLAIN }), { username: 'carol', password: E.PW_A });
  return [r.kind === 'success' && r.user.mail === 'carol@acme.example'
    && JSON.stringify(cns(r)) === '["engineering"]', describe(r)];
});
await check('login with a CA that did not sign the server certificate errors (TLS verified)', async () => {
  const other = readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8').split('-----END CERTIFICATE-----')[0]
    + '-----END CERTIFICATE-----\n';
  const r = await ldapLogin(cfgA({ caCertPem: other }), { username: 'alice', password: E.PW_A });
  return [r.kind === 'error', describe(r)];
});
await check("org B's login of the same username sees only org B's groups", async () => {
  const r = await ldapLogin(cfgB({ groupSearchFilter: guideFilter(E.ORG_B) }), { username: 'alice', password: E.PW_B });
  return [r.kind === 'success' && r.user.dn === `uid=alice,ou=Users,o=${E.ORG_B},dc=jumpcloud,dc=com`
    && r.user.mail === 'alice@globex.example' && JSON.stringify(cns(r)) === '["Platform Team"]'
    && r.groups[0].dn.includes(E.ORG_B), describe(r)];
});
await check("org B: bob's groups include the one whose DN needs escaping (R&D, Ops)", async () => {
  const r = await ldapLogin(cfgB(), { username: 'bob', password: E.PW_B });
  const names = cns(r);
  // ldapjs 3's DN.toString() hex-escapes the comma; Infisical maps by that string.
  return [r.kind === 'success' && names.length === 2 && names[0] === 'Platform Team'
    && /^R&D(\\2c|\\,) Ops$/.test(names[1]), describe(r)];
});
await check("org A's group filter with org A's DN run in org B's base finds nothing", async () => {
  const cfg = cfgB();
  const groups = await searchGroups(cfg, `(member=uid=alice,${usersA})`, cfg.groupSearchBase);
  return [groups.length === 0, JSON.stringify(groups)];
});

await check('group mapping lookup (cn=Platform Team) finds exactly that CN', async () => {
  const cfg = cfgA();
  const groups = await searchGroups(cfg, '(cn=Platform Team)', cfg.groupSearchBase);
  return [groups.length === 1 && groups[0].cn === 'Platform Team', JSON.stringify(groups)];
});

// Several binds on one ldapjs 3 connection: service account, a user, the service account.
await check('ldapjs 3: re-binding as different users on one connection', async () => {
  const client = ldapjs.createClient({ url: LDAPS, tlsOptions: { ca: [caCert] } });
  const errors = [];
  client.on('error', (e) => errors.push(e));
  const bind = (dn, pw) => new Promise((res) => client.bind(dn, pw, (err) => res(err ? err.name : 'ok')));
  const whoami = () => new Promise((res) => client.exop('1.3.6.1.4.1.4203.1.11.3', (err, value) =>
    res(err ? err.name : value)));
  const count = () => new Promise((res) => client.search(usersA, { filter: '(uid=dave)', scope: 'sub' }, (err, r) => {
    if (err) return res(err.name);
    let n = 0;
    r.on('searchEntry', () => { n += 1; });
    r.on('error', (e) => res(e.name));
    r.on('end', () => res(n));
  }));
  const svc = `uid=ldap-svc,${usersA}`;
  const steps = [await bind(svc, E.PW_SVC_A), await whoami(), await count(),
    await bind(`uid=alice,${usersA}`, E.PW_A), await whoami(), await count(),
    await bind(`uid=alice,${usersA}`, 'wrong'), await bind(svc, E.PW_SVC_A), await count()];
  await new Promise((res) => client.unbind(() => res()));
  const want = ['ok', `dn:${svc}`, 1, 'ok', `dn:uid=alice,${usersA}`, 0, 'InvalidCredentialsError', 'ok', 1];
  return [JSON.stringify(steps) === JSON.stringify(want) && errors.length === 0, JSON.stringify(steps)];
});

// ldapjs sends requests without waiting for earlier answers; each must get its own.
await check('ldapjs 3: five searches pipelined on one autobound connection', async () => {
  const client = ldapjs.createClient({
    url: LDAPS, bindDN: `uid=ldap-svc,${usersA}`, bindCredentials: E.PW_SVC_A, tlsOptions: { ca: [caCert] },
  });
  client.on('error', () => {});
  const count = (filter) => new Promise((res) => client.search(usersA, { filter, scope: 'sub', attributes: ['uid'] }, (err, r) => {
    if (err) return res(err.name);
    let n = 0;
    r.on('searchEntry', () => { n += 1; });
    r.on('error', (e) => res(e.name));
    r.on('end', () => res(n));
  }));
  const n = Number(E.USERS_VISIBLE_A);
  const got = await Promise.all(['(objectClass=inetOrgPerson)', '(uid=alice)', '(uid=nobody)',
    '(objectClass=groupOfNames)', '(objectClass=inetOrgPerson)'].map(count));
  await new Promise((res) => client.unbind(() => res()));
  return [JSON.stringify(got) === JSON.stringify([n, 1, 0, 4, n]), JSON.stringify(got)];
});

process.exit(failures ? 1 : 0);
