// Bitwarden Directory Connector's LDAP sync against skydir, with ldapts 9.0.0 as the connector
// uses it (CLIENTS.md §2; bitwarden/directory-connector
// libs/services/directory-services/ldap-directory.service.ts), configured as its JumpCloud guide
// says (seeds/002_*):
//   Server port 636, SSL on, "Do not verify server certificates" on, AD off, paging off
//   Root Path o=<org>,dc=jumpcloud,dc=com   Username uid=<admin>,ou=Users,o=<org>,dc=JumpCloud,dc=com
//   User Path ou=Users,o=<org>, inetOrgPerson, mail   Group Path o=<org>, groupOfNames,
//   Group Name Attribute "memberOf" (so the cn fallback names the groups), member attribute member.
// Variants: paging on (pageSize 100), CA verification, StartTLS, the delta sync's revision filter.
// Run by ldap_clients_suite.sh; one "ok - "/"FAIL - " line per check.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';

import { Client, Control } from 'ldapts';

const E = process.env;
const ORG = E.ORG_A;
const N_USERS = Number(E.USERS_VISIBLE_A);
const BULK = Number(E.BULK_USERS);
const usersDn = `ou=Users,o=${ORG},dc=jumpcloud,dc=com`;
let failures = 0;

function report(name, ok, detail = '') {
  if (ok) {
    console.log(`ok - bitwarden: ${name}`);
  } else {
    failures += 1;
    console.log(`FAIL - bitwarden: ${name} : ${detail}`);
  }
}

async function check(name, fn) {
  let timer;
  try {
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out after 30 s')), 30000); });
    const r = await Promise.race([fn(), timeout]);
    const [ok, detail] = Array.isArray(r) ? r : [Boolean(r), ''];
    report(name, ok, detail);
  } catch (e) {
    report(name, false, `${e && e.constructor && e.constructor.name}: ${e && e.message} ${e && e.code ? `(code ${e.code})` : ''}`);
  } finally {
    clearTimeout(timer);
  }
}

// The connector's settings (LdapConfiguration + SyncConfiguration) for the JumpCloud guide.
function settings(overrides = {}) {
  return {
    hostname: 'localhost',
    port: Number(E.LDAPS_PORT),
    ssl: true,
    startTls: false,
    sslAllowUnauthorized: true, // "Do not verify server certificates"
    sslCaPath: '',
    tlsCaPath: '',
    ad: false,
    pagedSearch: false,
    rootPath: `o=${ORG},dc=jumpcloud,dc=com`,
    username: `uid=ldap-svc,ou=Users,o=${ORG},dc=JumpCloud,dc=com`,
    password: E.PW_SVC_A,
    users: true,
    userPath: `ou=Users,o=${ORG}`,
    userObjectClass: 'inetOrgPerson',
    userEmailAttribute: 'mail',
    userFilter: '',
    groups: true,
    groupPath: `o=${ORG}`,
    groupObjectClass: 'groupOfNames',
    groupNameAttribute: 'memberOf',
    memberAttribute: 'member',
    groupFilter: '',
    revisionDateAttribute: 'modifyTimestamp',
    timeLimit: undefined, // the connector leaves it to ldapts (10 s); some versions sent 300
    ...overrides,
  };
}

// --- LdapDirectoryService, reduced to what talks to the server -------------------------------
class LdapDirectoryService {
  constructor(cfg) {
    this.cfg = cfg;
    this.searches = [];
  }

  async getEntries(force, lastSync) {
    await this.bind();
    let users;
    let groups;
    try {
      if (this.cfg.users) users = await this.getUsers(force, lastSync);
      if (this.cfg.groups) {
        let groupForce = force;
        if (!groupForce && users != null) groupForce = users.filter((u) => !u.deleted && !u.disabled).length > 0;
        groups = await this.getGroups(groupForce, lastSync);
      }
    } catch (e) {
      await this.client.unbind();
      throw e;
    }
    await this.client.unbind();
    return [groups, users];
  }

  async getUsers(force, lastSync) {
    let filter = this.buildBaseFilter(this.cfg.userObjectClass, this.cfg.userFilter);
    filter = this.buildRevisionFilter(filter, force, lastSync);
    const path = this.makeSearchPath(this.cfg.userPath);
    return this.search(path, filter, (se) => this.buildUser(se, false));
  }

  buildUser(se, deleted) {
    const user = { referenceId: se.dn, deleted };
    if (user.referenceId == null) return null;
    user.externalId = this.getExternalId(se, user.referenceId);
    user.disabled = this.entryDisabled(se);
    user.email = this.getAttr(se, this.cfg.userEmailAttribute);
    if (user.email != null) user.email = user.email.trim().toLowerCase();
    if (!user.deleted && (user.email == null || user.email.trim() === '')) return null;
    return user;
  }

  async getGroups(force, lastSync) {
    const entries = [];
    const originalFilter = this.buildBaseFilter(this.cfg.groupObjectClass, this.cfg.groupFilter);
    let filter = originalFilter;
    const revisionFilter = this.buildRevisionFilter(filter, force, lastSync);
    const searchSinceRevision = filter !== revisionFilter;
    filter = revisionFilter;
    const path = this.makeSearchPath(this.cfg.groupPath);
    let groupSearchEntries = [];
    const initialSearchGroupIds = await this.search(path, filter, (se) => {
      groupSearchEntries.push(se);
      return se.dn;
    });
    if (searchSinceRevision && initialSearchGroupIds.length === 0) return [];
    if (searchSinceRevision) groupSearchEntries = await this.search(path, originalFilter, (se) => se);

    const userFilter = this.buildBaseFilter(this.cfg.userObjectClass, this.cfg.userFilter);
    const userPath = this.makeSearchPath(this.cfg.userPath);
    const userDnMap = new Map();
    const userUidMap = new Map();
    await this.search(userPath, userFilter, (se) => {
      const dn = se.dn;
      const uid = this.getAttr(se, 'uid');
      const externalId = this.getExternalId(se, dn);
      userDnMap.set(dn, externalId);
      if (uid != null) userUidMap.set(uid.toLowerCase(), externalId);
      return se;
    });
    this.rawGroups = groupSearchEntries;
    this.userDnMap = userDnMap;
    for (const se of groupSearchEntries) {
      const group = this.buildGroup(se, userDnMap, userUidMap);
      if (group != null) entries.push(group);
    }
    return entries;
  }

  buildGroup(se, userDnMap, userUidMap) {
    const group = { referenceId: se.dn, userMemberExternalIds: new Set(), groupMemberReferenceIds: new Set() };
    if (group.referenceId == null) return null;
    group.externalId = this.getExternalId(se, group.referenceId);
    group.name = this.getAttr(se, this.cfg.groupNameAttribute);
    if (group.name == null) group.name = this.getAttr(se, 'cn');
    if (group.name == null) return null;
    const members = this.getAttrVals(se, this.cfg.memberAttribute);
    if (members != null) {
      for (const member of members) {
        const isDnLike = member.includes('=') && member.includes(',');
        if (isDnLike && userDnMap.has(member)) {
          group.userMemberExternalIds.add(userDnMap.get(member));
        } else if (isDnLike) {
          group.groupMemberReferenceIds.add(member);
        } else {
          const externalId = userUidMap.get(member.toLowerCase());
          if (externalId != null) group.userMemberExternalIds.add(externalId);
        }
      }
    }
    return group;
  }

  getExternalId(se, referenceId) {
    const attr = this.getAttr(se, 'objectGUID');
    return attr != null ? `guid:${Buffer.from(attr).toString('hex')}` : referenceId;
  }

  buildBaseFilter(objectClass, subFilter) {
    let filter = `(&(objectClass=${objectClass}))`;
    if (subFilter != null && subFilter.trim() !== '') filter = `(&${filter}${subFilter})`;
    return filter;
  }

  buildRevisionFilter(baseFilter, force, lastRevisionDate) {
    const attr = this.cfg.revisionDateAttribute;
    if (!force && lastRevisionDate != null && attr != null && attr.trim() !== '') {
      const dateString = `${lastRevisionDate.toISOString().replace(/[-:T]/g, '').substr(0, 16)}Z`;
      return `(&${baseFilter}(${attr}>=${dateString}))`;
    }
    return baseFilter;
  }

  makeSearchPath(pathPrefix) {
    if (this.cfg.rootPath.toLowerCase().indexOf('dc=') === -1) return pathPrefix;
    if (this.cfg.rootPath != null && this.cfg.rootPath.trim() !== '') {
      const trimmedRootPath = this.cfg.rootPath.trim().toLowerCase();
      let path = trimmedRootPath.substr(trimmedRootPath.indexOf('dc='));
      if (pathPrefix != null && pathPrefix.trim() !== '') path = `${pathPrefix.trim()},${path}`;
      return path;
    }
    return null;
  }

  getAttrVals(se, attr) {
    if (se == null || se[attr] == null) return null;
    const vals = se[attr];
    return Array.isArray(vals) ? vals : [vals];
  }

  getAttr(se, attr) {
    const vals = this.getAttrVals(se, attr);
    return vals == null || vals.length < 1 ? null : vals[0];
  }

  entryDisabled(se) {
    const c = this.getAttr(se, 'userAccountControl');
    return c != null && (parseInt(c, 10) & 2) === 2;
  }

  async search(path, filter, processEntry, controls = []) {
    const options = {
      filter,
      scope: 'sub',
      paged: this.cfg.pagedSearch,
      explicitBufferAttributes: ['objectGUID'],
      ...(this.cfg.timeLimit !== undefined ? { timeLimit: this.cfg.timeLimit } : {}),
    };
    this.searches.push({ path, filter });
    const { searchEntries } = await this.client.search(path, options, controls);
    return searchEntries.map((e) => processEntry(e)).filter((e) => e != null);
  }

  async bind() {
    const protocol = this.cfg.ssl && !this.cfg.startTls ? 'ldaps' : 'ldap';
    const url = `${protocol}://${this.cfg.hostname}:${this.cfg.port}`;
    const options = { url: url.trim().toLowerCase(), timeout: 20000, connectTimeout: 5000 };
    if (protocol === 'ldaps') options.tlsOptions = this.buildTlsOptions();
    this.client = new Client(options);
    if (this.cfg.startTls && this.cfg.ssl) await this.client.startTLS(this.buildTlsOptions());
    try {
      await this.client.bind(this.cfg.username, this.cfg.password);
    } catch (error) {
      await this.client.unbind();
      throw error;
    }
  }

  buildTlsOptions() {
    const tlsOptions = {};
    if (this.cfg.sslAllowUnauthorized) tlsOptions.rejectUnauthorized = !this.cfg.sslAllowUnauthorized;
    if (!this.cfg.startTls) {
      if (this.cfg.sslCaPath) tlsOptions.ca = [readFileSync(this.cfg.sslCaPath)];
    } else if (this.cfg.tlsCaPath) {
      tlsOptions.ca = [readFileSync(this.cfg.tlsCaPath)];
    }
    tlsOptions.checkServerIdentity = (host, cert) => tls.checkServerIdentity(host, cert);
    return tlsOptions;
  }
}

// --- what a sync must produce ----------------------------------------------------------------
const GROUP_NAMES = ['Bulk Users', 'Platform Team', 'all staff', 'engineering'];
const groupDn = (name) => `cn=${name},${usersDn}`;
const userDn = (uid) => `uid=${uid},${usersDn}`;

function verifySync(label, svc, groups, users) {
  report(`${label}: all ${N_USERS} users with their email, no error`,
    users && users.length === N_USERS && users.every((u) => u.email && u.email === u.email.toLowerCase() && !u.disabled)
      && new Set(users.map((u) => u.externalId)).size === N_USERS,
    `users=${users && users.length}`);
  const byName = new Map((groups || []).map((g) => [g.name, g]));
  report(`${label}: groups named by the cn fallback`,
    JSON.stringify([...byName.keys()].sort()) === JSON.stringify(GROUP_NAMES), JSON.stringify([...byName.keys()]));
  const memberIds = (name) => [...(byName.get(name)?.userMemberExternalIds || [])].sort();
  const nested = (name) => [...(byName.get(name)?.groupMemberReferenceIds || [])].sort();
  const ok = byName.size === 4
    && memberIds('Bulk Users').length === BULK && nested('Bulk Users').length === 0
    && JSON.stringify(memberIds('Platform Team')) === JSON.stringify([userDn('alice'), userDn('bob')])
    && JSON.stringify(memberIds('engineering')) === JSON.stringify([userDn('carol')])
    && JSON.stringify(nested('engineering')) === JSON.stringify([groupDn('Platform Team')])
    && JSON.stringify(memberIds('all staff')) === JSON.stringify([userDn('dave')])
    && JSON.stringify(nested('all staff')) === JSON.stringify([groupDn('engineering')]);
  report(`${label}: user members resolve by DN, nested groups by group DN`, ok,
    JSON.stringify([...byName.values()].map((g) => [g.name, g.userMemberExternalIds.size, [...g.groupMemberReferenceIds]])));
  // Every member value must be byte-identical to a user entry's DN or a group entry's DN.
  const groupDns = new Set((svc.rawGroups || []).map((g) => g.dn));
  const stray = [];
  for (const g of svc.rawGroups || []) {
    for (const m of svc.getAttrVals(g, 'member') || []) {
      if (!svc.userDnMap.has(m) && !groupDns.has(m)) stray.push(m);
    }
  }
  report(`${label}: every member value is byte-identical to a served user or group DN`,
    stray.length === 0 && (svc.rawGroups || []).length === 4, stray.slice(0, 3).join(' | '));
}

async function sync(label, overrides, { force = false, lastSync = null } = {}) {
  const svc = new LdapDirectoryService(settings(overrides));
  let result;
  await check(`${label}: sync runs`, async () => {
    result = await svc.getEntries(force, lastSync);
    return [true, ''];
  });
  if (result) verifySync(label, svc, result[0], result[1]);
  return svc;
}

// --- checks ----------------------------------------------------------------------------------
const first = await sync('LDAPS, do not verify, paging off (the guide)', {});
report('search bases: user path lowercased root, group path o=<org>',
  first.searches[0]?.path === `ou=Users,o=${ORG},dc=jumpcloud,dc=com`
  && first.searches[1]?.path === `o=${ORG},dc=jumpcloud,dc=com`
  && first.searches[0]?.filter === '(&(objectClass=inetOrgPerson))'
  && first.searches[1]?.filter === '(&(objectClass=groupOfNames))', JSON.stringify(first.searches.slice(0, 2)));

await sync('LDAPS, paging on (pageSize 100)', { pagedSearch: true });
await sync('LDAPS verifying the CA, timeLimit 300', { sslAllowUnauthorized: false, sslCaPath: E.CA, timeLimit: 300 });
await sync('StartTLS with the CA', {
  port: Number(E.LDAP_PORT), startTls: true, sslAllowUnauthorized: false, tlsCaPath: E.CA, pagedSearch: true,
});
await sync('user path typed in lower case (ou=users)', { userPath: `ou=users,o=${ORG}` });

await check('LDAPS verifying against a CA that did not sign the certificate fails to connect', async () => {
  const svc = new LdapDirectoryService(settings({
    sslAllowUnauthorized: false, sslCaPath: '/etc/ssl/certs/ca-certificates.crt',
  }));
  try {
    await svc.getEntries(true, null);
  } catch (e) {
    return [/certificate|self.signed|verify/i.test(String(e && e.message)), String(e && e.message)];
  }
  return [false, 'synced without verifying'];
});

// Delta sync: the revision clause is (modifyTimestamp>=YYYYMMDDHHMMSS.fZ).
await check('delta sync since yesterday: every user, then groups in full', async () => {
  const svc = new LdapDirectoryService(settings());
  const since = new Date(Date.now() - 86400000);
  const [groups, users] = await svc.getEntries(false, since);
  const f = svc.searches[0].filter;
  return [/^\(&\(&\(objectClass=inetOrgPerson\)\)\(modifyTimestamp>=\d{14}\.\dZ\)\)$/.test(f)
    && users.length === N_USERS && groups.length === 4 && svc.searches.length === 3,
  `${f} users=${users.length} groups=${groups && groups.length} searches=${svc.searches.length}`];
});
await check('group-only delta sync since yesterday: revision search, then all groups and users', async () => {
  const svc = new LdapDirectoryService(settings({ users: false }));
  const [groups] = await svc.getEntries(false, new Date(Date.now() - 86400000));
  const f = svc.searches[0].filter;
  return [/^\(&\(&\(objectClass=groupOfNames\)\)\(modifyTimestamp>=\d{14}\.\dZ\)\)$/.test(f)
    && groups.length === 4 && svc.searches.length === 3,
  `${f} groups=${groups && groups.length} searches=${svc.searches.length}`];
});
await check('delta sync since tomorrow: no users, no group changes', async () => {
  const svc = new LdapDirectoryService(settings());
  const [groups, users] = await svc.getEntries(false, new Date(Date.now() + 86400000));
  return [users.length === 0 && groups.length === 0 && svc.searches.length === 2,
    `users=${users.length} groups=${groups.length} searches=${svc.searches.length}`];
});

// Paging really pages: the first page holds 100 entries and a cookie.
await check(`paged search returns ${Math.ceil(N_USERS / 100)} pages of at most 100`, async () => {
  const client = new Client({ url: E.LDAPS_URL, tlsOptions: { ca: [readFileSync(E.CA)] } });
  await client.bind(settings().username, E.PW_SVC_A);
  const sizes = [];
  for await (const page of client.searchPaginated(`ou=Users,o=${ORG},dc=jumpcloud,dc=com`, {
    filter: '(&(objectClass=inetOrgPerson))', scope: 'sub', paged: { pageSize: 100 }, attributes: ['uid'],
  })) sizes.push(page.searchEntries.length);
  await client.unbind();
  const total = sizes.reduce((a, b) => a + b, 0);
  return [total === N_USERS && sizes.length === Math.ceil(N_USERS / 100) && sizes.every((s) => s <= 100),
    JSON.stringify(sizes)];
});

await check('four paged searches interleaved on one connection each return every user', async () => {
  const client = new Client({ url: E.LDAPS_URL, tlsOptions: { ca: [readFileSync(E.CA)] } });
  await client.bind(settings().username, E.PW_SVC_A);
  const results = await Promise.all([1, 2, 3, 4].map(() => client.search(`ou=Users,o=${ORG},dc=jumpcloud,dc=com`, {
    filter: '(&(objectClass=inetOrgPerson))', scope: 'sub', paged: { pageSize: 100 }, attributes: ['uid'],
  })));
  await client.unbind();
  const counts = results.map((r) => new Set(r.searchEntries.map((e) => e.dn)).size);
  return [counts.every((c) => c === N_USERS), JSON.stringify(counts)];
});

// AD mode's deleted-objects search (critical control 1.2.840.113556.1.4.417) fails; the
// connector ignores that, so the connection must stay usable.
await check('AD deleted-objects search fails cleanly and the connection stays usable', async () => {
  const client = new Client({ url: E.LDAPS_URL, tlsOptions: { ca: [readFileSync(E.CA)] } });
  await client.bind(settings().username, E.PW_SVC_A);
  let failed = '';
  try {
    await client.search('cn=deleted objects,dc=jumpcloud,dc=com', {
      filter: '(&(&(objectClass=inetOrgPerson))(isDeleted=TRUE))', scope: 'sub', paged: true,
    }, [new Control('1.2.840.113556.1.4.417', { critical: true })]);
  } catch (e) {
    failed = e.constructor.name;
  }
  const { searchEntries } = await client.search(`ou=Users,o=${ORG},dc=jumpcloud,dc=com`, { filter: '(uid=alice)' });
  await client.unbind();
  return [failed !== '' && searchEntries.length === 1, `error=${failed} then ${searchEntries.length}`];
});

await check("org B's admin syncs only org B, escaped group DN (R&D, Ops) resolves byte-identically", async () => {
  const svc = new LdapDirectoryService(settings({
    rootPath: `o=${E.ORG_B},dc=jumpcloud,dc=com`,
    username: `uid=ldap-svc,ou=Users,o=${E.ORG_B},dc=JumpCloud,dc=com`,
    password: E.PW_SVC_B,
    userPath: `ou=Users,o=${E.ORG_B}`,
    groupPath: `o=${E.ORG_B}`,
  }));
  const [groups, users] = await svc.getEntries(true, null);
  const emails = users.map((u) => u.email).sort();
  const names = groups.map((g) => g.name).sort();
  const groupDns = new Set(svc.rawGroups.map((g) => g.dn));
  const rd = groups.find((g) => g.name === 'R&D, Ops');
  const ok = JSON.stringify(emails) === JSON.stringify(['alice@globex.example', 'bob@globex.example',
    'carol@globex.example', 'dave@globex.example', 'ldap-admin@globex.example'])
    && JSON.stringify(names) === JSON.stringify(['Platform Team', 'R&D, Ops', 'all staff', 'engineering'])
    && groups.every((g) => g.referenceId.includes(E.ORG_B))
    && rd && rd.userMemberExternalIds.size === 1 && rd.groupMemberReferenceIds.size === 1
    && [...rd.groupMemberReferenceIds].every((dn) => groupDns.has(dn))
    && svc.userDnMap.has([...rd.userMemberExternalIds][0]);
  return [ok, `${emails} groups=${names}`];
});

await check('a wrong password fails the sync with InvalidCredentialsError', async () => {
  const svc = new LdapDirectoryService(settings({ password: 'wrong' }));
  try {
    await svc.getEntries(true, null);
  } catch (e) {
    return [e.constructor.name === 'InvalidCredentialsError', e.constructor.name];
  }
  return [false, 'synced'];
});

process.exit(failures ? 1 : 0);
