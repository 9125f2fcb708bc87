// tests/scim/selfcheck.mjs: proves that the two SCIM test targets (target.mjs: scimmy, standards;
// strict_target.mjs: Infisical-like) and their control endpoints (control.mjs) behave as their
// header comments say.
//
//   node tests/scim/selfcheck.mjs
//
// Starts each target as a child process on a free port, drives it over HTTP with fetch, prints one
// `ok - ...` or `FAIL - ...` line per check and a closing `N passed, N failed` line, and exits 1 if
// any check failed (the failing target's stderr traffic log is printed then).
//
// Observed behaviour worth knowing when writing a SCIM client against these targets:
//   target.mjs (scimmy 1.3.5 + scimmy-routers 1.3.2 on Express 4):
//     * POST 201, PUT/PATCH 200 with the resource, DELETE 204; PATCH that changes nothing -> 204 empty.
//     * PATCH bodies must carry schemas ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] (400 otherwise);
//       op names are case-insensitive; `active` must be a JSON boolean ("False" -> 400).
//     * remove with path "members" and a value array removes only those members; without a value
//       it empties the group; `members[value eq "id"]` works too.
//     * unknown attributes are dropped silently; `"emails": null` -> 400; resource `schemas` may be
//       omitted on POST; email values are not validated; userName is not unique.
//     * lists default to 20 per page; a filter on an unknown attribute returns an empty list.
//   strict_target.mjs: see its header comment.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const TOKEN = "selfcheck-token";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let passed = 0;
let failed = 0;

function check(name, cond, info) {
  if (cond) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`FAIL - ${name}${info !== undefined ? `: ${typeof info === "string" ? info : JSON.stringify(info)}` : ""}`);
  }
  return !!cond;
}

function start(script) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, script), "--port", "0", "--token", TOKEN], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const log = [];
    child.stderr.on("data", (d) => log.push(d.toString()));
    child.stdout.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        try {
          resolve({ child, log, ...JSON.parse(out.slice(0, nl)) });
        } catch (e) {
          reject(new Error(`bad startup line from ${script}: ${out}`));
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code} before listening: ${log.join("")}`)));
    setTimeout(() => reject(new Error(`${script} did not print its startup line in 10s`)), 10000).unref();
  });
}

function client(srv) {
  const origin = `http://127.0.0.1:${srv.port}`;
  const call = async (method, p, body, { auth = true, base = true } = {}) => {
    const headers = {};
    if (auth) headers.authorization = `Bearer ${TOKEN}`;
    if (body !== undefined) headers["content-type"] = base ? "application/scim+json" : "application/json";
    const res = await fetch((base ? srv.base_url : origin) + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };
  return {
    scim: call,
    ctl: (method, p, body) => call(method, p, body, { auth: false, base: false }),
  };
}

const userBody = (email, extra = {}) => ({
  schemas: [USER, ENT],
  userName: email,
  externalId: "5f1e3c2b9a8d7e6f5a4b3c2d",
  name: { givenName: "Ada", familyName: "Lovelace" },
  displayName: "Ada Lovelace",
  emails: [{ primary: true, type: "work", value: email }],
  active: true,
  title: "Engineer",
  phoneNumbers: [{ type: "work", value: "tel:+1-555-0100" }],
  [ENT]: { department: "R&D", employeeNumber: "42" },
  ...extra,
});
const patchOps = (...Operations) => ({ schemas: [PATCH], Operations });
const memberIds = (g) => (g?.members ?? []).map((m) => m.value).sort();
const q = (f) => `?filter=${encodeURIComponent(f)}`;

async function common(label, srv, { createStatus, deleteStatus, deleteBody, withDisplay }) {
  const { scim, ctl } = client(srv);
  const t = (name, cond, info) => check(`${label}: ${name}`, cond, info);

  t("startup line has port and base_url", Number.isInteger(srv.port) && srv.base_url === `http://127.0.0.1:${srv.port}${label === "target" ? "/scim/v2" : "/api/v1/scim"}`, srv);

  let r = await scim("GET", "/Users", undefined, { auth: false });
  t("no bearer token -> 401 SCIM error", r.status === 401 && r.body?.schemas?.[0]?.endsWith(":Error"), r);
  const wrong = await fetch(srv.base_url + "/Users", { headers: { authorization: "Bearer wrong" } });
  t("wrong bearer token -> 401", wrong.status === 401, wrong.status);

  r = await scim("POST", "/Users", userBody("ada@example.com"));
  const u1 = r.body?.id;
  t(`POST /Users -> ${createStatus} with an id`, r.status === createStatus && typeof u1 === "string", r);
  t("user id is not a UUID", typeof u1 === "string" && !UUID.test(u1), u1);
  r = await scim("POST", "/Users", userBody("bob@example.com", { name: { givenName: "Bob", familyName: "B" }, displayName: "Bob B" }));
  const u2 = r.body?.id;
  t("second user created", r.status === createStatus && typeof u2 === "string" && u2 !== u1, r);

  r = await scim("GET", "/Users" + q('userName eq "ada@example.com"'));
  t('filter userName eq "ada@example.com" -> exactly that user', r.status === 200 && r.body?.Resources?.length === 1 && r.body.Resources[0].id === u1, r.body);
  r = await scim("GET", "/Users" + q('userName eq "nobody@example.com"'));
  t("filter on a missing userName -> empty ListResponse", r.status === 200 && r.body?.Resources?.length === 0, r.body);

  r = await scim("PATCH", `/Users/${u1}`, patchOps({ op: "replace", path: "name.givenName", value: "Augusta" }, { op: "replace", path: "active", value: false }));
  t("PATCH replace name.givenName + active=false -> 200", r.status === 200 && r.body?.active === false && r.body?.name?.givenName === "Augusta", r);
  r = await scim("GET", `/Users/${u1}`);
  t("GET /Users/{id} shows active false", r.status === 200 && r.body?.active === false, r.body);

  const member = (id, display) => (withDisplay ? { value: id, display } : { value: id });
  r = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Engineering", members: [member(u1, "ada@example.com")] });
  const g = r.body?.id;
  t(`POST /Groups with a member -> ${createStatus}`, r.status === createStatus && typeof g === "string" && !UUID.test(g), r);
  t("group has the member", JSON.stringify(memberIds(r.body)) === JSON.stringify([u1]), r.body);
  r = await scim("GET", "/Groups" + q('displayName eq "Engineering"'));
  t('filter displayName eq "Engineering" -> that group', r.status === 200 && r.body?.Resources?.length === 1 && r.body.Resources[0].id === g, r.body);

  r = await scim("PATCH", `/Groups/${g}`, patchOps({ op: "add", path: "members", value: [{ value: u2 }] }));
  t("PATCH members add [{value}] -> both members", r.status === 200 && JSON.stringify(memberIds(r.body)) === JSON.stringify([u1, u2].sort()), r);
  r = await scim("PATCH", `/Groups/${g}`, patchOps({ op: "remove", path: "members", value: [{ value: u1 }] }));
  t("PATCH members remove [{value}] -> removes only that member", r.status === 200 && JSON.stringify(memberIds(r.body)) === JSON.stringify([u2]), r);
  r = await scim("PATCH", `/Groups/${g}`, patchOps({ op: "replace", path: "displayName", value: "Eng" }));
  t("PATCH replace displayName (rename)", r.status === 200 && r.body?.displayName === "Eng", r);

  r = await scim("DELETE", `/Users/${u1}`);
  t(`DELETE /Users/{id} -> ${deleteStatus}`, r.status === deleteStatus && JSON.stringify(r.body) === JSON.stringify(deleteBody), r);
  r = await scim("GET", `/Users/${u1}`);
  t("deleted user -> 404 SCIM error", r.status === 404 && r.body?.status === "404", r);
  r = await scim("DELETE", `/Groups/${g}`);
  t(`DELETE /Groups/{id} -> ${deleteStatus}`, r.status === deleteStatus && JSON.stringify(r.body) === JSON.stringify(deleteBody), r);
  r = await scim("GET", `/Groups/${g}`);
  t("deleted group -> 404", r.status === 404, r);

  // ---- control endpoints
  r = await ctl("GET", "/_state");
  const s = r.body;
  t("GET /_state without a token -> 200 with users, groups, requests", r.status === 200 && Array.isArray(s?.users) && Array.isArray(s?.groups) && typeof s?.requests === "object", r);
  t("/_state lists the remaining user and no group", s?.users?.length === 1 && s.users[0].id === u2 && s.groups.length === 0, s);
  t('/_state counts "POST /Users": 2, "PATCH /Groups/:id": 3, "DELETE /Users/:id": 1', s?.requests?.["POST /Users"] === 2 && s.requests["PATCH /Groups/:id"] === 3 && s.requests["DELETE /Users/:id"] === 1, s?.requests);
  t("/_state created counts one POST per userName, no duplicates", s?.created?.users?.["ada@example.com"] === 1 && s.created.users["bob@example.com"] === 1 && s.duplicates.users.length === 0, s);

  await scim("POST", "/Users", userBody("bob@example.com"));
  r = await ctl("GET", "/_state");
  t("a second POST of the same userName shows in duplicates", r.body?.created?.users?.["bob@example.com"] === 2 && r.body.duplicates.users.includes("bob@example.com"), r.body);

  r = await ctl("POST", "/_fail", { mode: "429", count: 2, retry_after: 2 });
  t("POST /_fail 429 count 2", r.status === 200 && r.body?.fail?.mode === "429" && r.body.fail.remaining === 2, r);
  const a = await scim("GET", "/Users");
  const b = await scim("GET", "/Users");
  const c = await scim("GET", "/Users");
  t("429 twice with Retry-After: 2, then 200", a.status === 429 && a.headers.get("retry-after") === "2" && b.status === 429 && c.status === 200, [a.status, a.headers.get("retry-after"), b.status, c.status]);

  await ctl("POST", "/_fail", { mode: "503", count: 1 });
  const d = await scim("GET", "/Users");
  const e = await scim("GET", "/Users");
  t("503 once without Retry-After, then 200", d.status === 503 && d.headers.get("retry-after") === null && e.status === 200, [d.status, e.status]);

  await ctl("POST", "/_fail", { mode: "503", retry_after: 1 });
  const f1 = await scim("GET", "/Users");
  const f2 = await scim("POST", "/Users", userBody("x@example.com"));
  r = await ctl("POST", "/_fail", { mode: "none" });
  const f3 = await scim("GET", "/Users");
  t("503 unlimited until mode none", f1.status === 503 && f2.status === 503 && f1.headers.get("retry-after") === "1" && r.body?.fail?.mode === "none" && f3.status === 200, [f1.status, f2.status, f3.status]);

  await ctl("POST", "/_fail", { mode: "down", count: 1 });
  let dropped = false;
  try {
    await scim("GET", "/Users");
  } catch {
    dropped = true;
  }
  const after = await scim("GET", "/Users");
  t('"down" drops the connection without an answer, then recovers', dropped && after.status === 200, { dropped, after: after.status });

  r = await ctl("POST", "/_fail", { mode: "bogus" });
  t("/_fail with an unknown mode -> 400", r.status === 400, r);

  await ctl("POST", "/_latency", { ms: 150 });
  const t0 = Date.now();
  await Promise.all([scim("GET", "/Users"), scim("GET", "/Users"), scim("GET", "/Users")]);
  const took = Date.now() - t0;
  await ctl("POST", "/_latency", { ms: 0 });
  t("/_latency 150 delays each request by 150 ms, concurrently", took >= 150 && took < 1000, took);

  r = await ctl("GET", "/_state");
  t("/_state counts injected failures and requests refused with 401", r.body?.injected?.["429"] === 2 && r.body.injected["503"] === 3 && r.body.injected.down === 1 && r.body.requests["GET /Users"] >= 10, r.body);

  r = await ctl("POST", "/_reset");
  const z = await ctl("GET", "/_state");
  t("POST /_reset empties store and counters", r.status === 200 && z.body?.users?.length === 0 && z.body.groups.length === 0 && z.body.total_requests === 0 && Object.keys(z.body.requests).length === 0 && Object.keys(z.body.created.users).length === 0, z.body);
  r = await scim("GET", `/Users/${u2}`);
  t("ids issued before a reset are gone (404)", r.status === 404, r.status);
}

async function targetOnly(srv) {
  const { scim } = client(srv);
  const t = (name, cond, info) => check(`target: ${name}`, cond, info);

  let r = await scim("GET", "/ServiceProviderConfig");
  t("/ServiceProviderConfig advertises patch and filter", r.status === 200 && r.body?.patch?.supported === true && r.body?.filter?.supported === true, r.body);
  r = await scim("GET", "/ResourceTypes");
  t("/ResourceTypes lists User and Group", r.status === 200 && r.body?.Resources?.map((x) => x.name).sort().join() === "Group,User", r.body);
  r = await scim("GET", "/Schemas");
  t("/Schemas includes the enterprise user schema", r.status === 200 && r.body?.Resources?.some((x) => x.id === ENT), r.status);

  r = await scim("POST", "/Users", userBody("carol@example.com", { externalId: "aaaaaaaaaaaaaaaaaaaaaaa1", unknownAttribute: "x" }));
  const u = r.body?.id;
  t("POST keeps core + enterprise attributes, drops unknown ones", r.status === 201 && r.body?.[ENT]?.department === "R&D" && r.body?.title === "Engineer" && r.body?.phoneNumbers?.[0]?.value === "tel:+1-555-0100" && !("unknownAttribute" in r.body), r.body);
  t('ids look like "u-N"', /^u-\d+$/.test(u ?? ""), u);
  r = await scim("GET", "/Users" + q('externalId eq "aaaaaaaaaaaaaaaaaaaaaaa1"'));
  t("filter externalId eq", r.status === 200 && r.body?.Resources?.length === 1 && r.body.Resources[0].id === u, r.body);
  r = await scim("GET", "/Users" + q('userName eq "CAROL@example.com"'));
  t("userName eq is case-insensitive (RFC 7643 caseExact false)", r.body?.Resources?.length === 1, r.body);

  r = await scim("PATCH", `/Users/${u}`, patchOps({ op: "replace", path: `${ENT}:department`, value: "Ops" }));
  t("PATCH with an enterprise URN path", r.status === 200 && r.body?.[ENT]?.department === "Ops", r);
  r = await scim("PATCH", `/Users/${u}`, patchOps({ op: "replace", path: "active", value: true }));
  t("PATCH that changes nothing -> 204", r.status === 204, r.status);
  r = await scim("PATCH", `/Users/${u}`, { Operations: [{ op: "replace", path: "active", value: false }] });
  t("PATCH without the PatchOp schema -> 400", r.status === 400, r);

  r = await scim("PUT", `/Users/${u}`, { ...userBody("carol@example.com"), id: u, active: false, title: "Lead" });
  t("PUT /Users/{id} -> 200, replaced", r.status === 200 && r.body?.active === false && r.body?.title === "Lead", r);
  r = await scim("PUT", `/Users/${u}`, { ...userBody("carol@example.com"), emails: null });
  t('PUT with "emails": null -> 400 (scimmy)', r.status === 400, r);
  r = await scim("PUT", "/Users/u-999999", userBody("nobody@example.com"));
  t("PUT on a missing id -> 404", r.status === 404, r.status);

  const v = (await scim("POST", "/Users", userBody("dan@example.com"))).body?.id;
  r = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Ops", members: [{ value: u }, { value: v }] });
  const g = r.body?.id;
  t('group id looks like "g-N"; member display filled in', /^g-\d+$/.test(g ?? "") && r.body?.members?.every((m) => typeof m.display === "string" && m.type === "User"), r.body);
  r = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Bad", members: [{ value: "5f1e3c2b9a8d7e6f5a4b3c2d" }] });
  t("member value that is not a target id -> 400 invalidValue", r.status === 400 && r.body?.scimType === "invalidValue", r.body);
  r = await scim("PATCH", `/Groups/${g}`, patchOps({ op: "add", path: "members", value: [{ value: u }] }));
  t("adding an existing member again does not duplicate it", [200, 204].includes(r.status) && (r.status === 204 || memberIds(r.body).length === 2), r);
  r = await scim("PATCH", `/Groups/${g}`, patchOps({ op: "remove", path: `members[value eq "${u}"]` }));
  t('PATCH remove members[value eq "id"]', r.status === 200 && JSON.stringify(memberIds(r.body)) === JSON.stringify([v]), r.body);
  r = await scim("PUT", `/Groups/${g}`, { schemas: [GROUP], id: g, displayName: "Ops", members: [{ value: u }] });
  t("PUT /Groups/{id} replaces the members", r.status === 200 && JSON.stringify(memberIds(r.body)) === JSON.stringify([u]), r.body);
  await scim("DELETE", `/Users/${u}`);
  r = await scim("GET", `/Groups/${g}`);
  t("deleting a user removes it from its groups", r.status === 200 && memberIds(r.body).length === 0, r.body);
  r = await scim("GET", "/Users?count=1&startIndex=1");
  t("pagination: count=1 gives one resource and the real totalResults", r.body?.Resources?.length === 1 && r.body.totalResults === 1 && r.body.itemsPerPage === 1, r.body);
}

async function strictOnly(srv) {
  const { scim } = client(srv);
  const t = (name, cond, info) => check(`strict: ${name}`, cond, info);

  for (const p of ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes"]) {
    const r = await scim("GET", p);
    t(`GET ${p} -> 404`, r.status === 404, r.status);
  }
  const noPrimary = userBody("eve@example.com", { emails: [{ type: "work", value: "eve@example.com" }] });
  let r = await scim("POST", "/Users", noPrimary);
  t("emails entry without primary -> 400", r.status === 400 && /primary/.test(r.body?.detail ?? ""), r.body);
  r = await scim("POST", "/Users", userBody("eve@example.com", { emails: null }));
  t('"emails": null -> 400', r.status === 400, r.body);
  r = await scim("POST", "/Users", userBody("eve@example.com", { emails: [{ primary: true, value: "not-an-email" }] }));
  t("invalid email value -> 400", r.status === 400, r.body);
  const { schemas, ...noSchemas } = userBody("eve@example.com");
  void schemas;
  r = await scim("POST", "/Users", noSchemas);
  t("POST /Users without schemas -> 400", r.status === 400, r.body);
  r = await scim("POST", "/Users", userBody("eve@example.com"));
  const u = r.body?.id;
  t("POST /Users -> 200 (not 201), id is membership-like", r.status === 200 && /^om_\d+_[0-9a-f]+$/.test(u ?? ""), r);
  const { active, ...noActive } = { ...userBody("eve@example.com"), id: u };
  void active;
  r = await scim("PUT", `/Users/${u}`, noActive);
  t("PUT /Users without active -> 400", r.status === 400 && /active/.test(r.body?.detail ?? ""), r.body);
  r = await scim("PUT", `/Users/${u}`, { ...userBody("eve@example.com"), id: u, active: false });
  t("PUT /Users with active -> 200", r.status === 200 && r.body?.active === false, r.body);
  r = await scim("PATCH", `/Users/${u}`, patchOps({ op: "Replace", path: "active", value: true }));
  t('PATCH op "Replace" accepted', r.status === 200 && r.body?.active === true, r.body);
  r = await scim("PATCH", `/Users/${u}`, patchOps({ op: "delete", path: "active" }));
  t('PATCH op "delete" -> 400', r.status === 400, r.body);
  r = await scim("PATCH", `/Users/${u}`, patchOps({ op: "remove" }));
  t("PATCH remove without path -> 400", r.status === 400, r.body);
  r = await scim("GET", "/Users" + q('externalId eq "nothing-matches"'));
  t("filter on an unmapped attribute is dropped -> all users", r.status === 200 && r.body?.Resources?.length === 1, r.body);

  r = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Sales", members: [{ value: u }] });
  t("group member without display -> 400", r.status === 400 && /display/.test(r.body?.detail ?? ""), r.body);
  r = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Sales", members: [{ value: u, display: "eve@example.com" }] });
  const g = r.body?.id;
  t("POST /Groups -> 200", r.status === 200 && typeof g === "string", r.body);
  r = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Sales", members: [] });
  t("duplicate group displayName -> 409", r.status === 409 && r.body?.status === "409", r.body);
  r = await scim("PUT", `/Groups/${g}`, { schemas: [GROUP], displayName: "Sales", members: [] });
  t("PUT /Groups without id -> 400", r.status === 400, r.body);
  r = await scim("PUT", `/Groups/${g}`, { schemas: [GROUP], id: g, displayName: "Sales" });
  t("PUT /Groups without members -> 400", r.status === 400, r.body);
  r = await scim("GET", "/Groups" + q('externalId eq "x"'));
  t("group filter on anything but displayName fails (500)", r.status === 500, r.status);
  r = await scim("GET", "/Groups?excludedAttributes=members");
  t("excludedAttributes=members drops members", r.status === 200 && r.body?.Resources?.length === 1 && !("members" in r.body.Resources[0]), r.body);
  r = await scim("DELETE", `/Groups/${g}`);
  t("DELETE /Groups -> 200 {}", r.status === 200 && JSON.stringify(r.body) === "{}", r);
}

async function run(label, script, opts, extra) {
  let srv;
  try {
    srv = await start(script);
  } catch (e) {
    check(`${label}: starts`, false, e.message);
    return;
  }
  const before = failed;
  try {
    await common(label, srv, opts);
    await extra(srv);
  } catch (e) {
    check(`${label}: no exception`, false, e.stack);
  } finally {
    srv.child.kill("SIGTERM");
    if (failed > before) process.stdout.write(`# ${label} traffic (stderr):\n${srv.log.join("").replace(/^/gm, "#   ")}\n`);
  }
}

await run("target", "target.mjs", { createStatus: 201, deleteStatus: 204, deleteBody: undefined, withDisplay: false }, targetOnly);
await run("strict", "strict_target.mjs", { createStatus: 200, deleteStatus: 200, deleteBody: {}, withDisplay: true }, strictOnly);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
