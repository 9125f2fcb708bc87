// tests/scim/target.mjs: a standards-following SCIM 2.0 service provider for skydir's provisioning
// tests and benchmark, built on npm's scimmy + scimmy-routers (Express), with an in-memory store.
//
//   node tests/scim/target.mjs --port 0 --token SECRET [--base /scim/v2]
//
// Prints one JSON line on stdout once listening: {"port":N,"base_url":"http://127.0.0.1:N/scim/v2"},
// logs one line per request on stderr, and serves the test-control endpoints of control.mjs
// (GET /_state, POST /_fail, /_latency, /_reset: outside the base, no token needed).
//
// What it serves, under the base, with `Authorization: Bearer SECRET` (401 otherwise):
//   /ServiceProviderConfig (patch, filter, sort and bulk supported; etag, changePassword not),
//   /Schemas, /ResourceTypes, /Users and /Groups (GET list with filter/startIndex/count/sortBy,
//   GET/PUT/PATCH/DELETE by id, POST -> 201), POST /.search, /Bulk. /Me answers 501.
//   Users carry the core User schema and, optionally, the enterprise extension
//   (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User).
//
// Behaviour a client must expect (all of it scimmy's, unless marked "ours"):
//   * Ids are "u-1", "u-2", ... and "g-1", ... (ours): not UUIDs, on purpose.
//   * POST answers 201, PUT and PATCH 200 with the resource, DELETE 204 with no body.
//     PATCH answers 204 with no body when the operations changed nothing.
//   * Attributes that are not in the schemas are dropped silently; readOnly ones (id, meta, groups)
//     sent by the client are ignored. `"emails": null` (or any null multi-valued attribute) is
//     rejected with 400 invalidValue ("Attribute 'emails' expected to be a collection").
//   * userName is NOT checked for uniqueness (scimmy leaves that to the implementer, and this target
//     deliberately does not add it): a client that POSTs the same user twice gets two users, which
//     GET /_state shows under "duplicates". displayName of groups is not unique either.
//   * Lists are paged: without `count` a page holds at most 20 resources (scimmy's default);
//     totalResults is the real total. Filters are scimmy's RFC 7644 filter language (eq ne co sw
//     ew gt ge lt le pr, and/or/not, [] value paths); an unknown attribute matches nothing (200
//     with an empty list, not 400). A filter that is exactly `userName eq "v"`, `externalId eq "v"`
//     or `displayName eq "v"` is answered from an index (ours), case-insensitively for userName
//     and displayName as RFC 7643 says (caseExact false), exactly for externalId. Any other filter
//     goes through scimmy's filter.match(), which compares strings case-SENSITIVELY whatever the
//     schema says (so `userName eq "A@x.io" and active eq true` misses "a@x.io").
//   * PATCH follows RFC 7644 3.5.2 as scimmy implements it: paths with value filters such as
//     `members[value eq "u-1"]`, `emails[type eq "work"].value`, the enterprise URN prefix, ops in
//     any case. `{"op":"remove","path":"members","value":[{"value":"u-1"}]}` (the Azure and
//     JumpCloud form) removes only the listed members. See the README comment in selfcheck.mjs.
//   * Group members must be ids of existing users or groups (ours: 400 invalidValue otherwise), so a
//     client that sends its own ids instead of the ones this target returned fails loudly. A member
//     without `display` gets the user's displayName (or userName) or the group's displayName
//     (ours), and `type` "User" or "Group". Deleting a user removes it from every group (ours).
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";
import { createControl, listen, parseArgs } from "./control.mjs";

const args = parseArgs(process.argv.slice(2), { base: "/scim/v2" });

// ---- store --------------------------------------------------------------------------------------
// id -> SCIM JSON (what egress returns), with an index per attribute that `attr eq "v"` filters use:
// a provisioning client looks a user up by userName before each create, and with 10,000 users a
// linear scan per lookup would make the target, not the client, the benchmark's bottleneck.
class Store extends Map {
  constructor(indexed) {
    super();
    this.indexed = indexed; // attr -> caseExact
    this.index = Object.fromEntries(Object.keys(indexed).map((a) => [a, new Map()]));
  }
  key(attr, v) {
    return this.indexed[attr] ? String(v) : String(v).toLowerCase();
  }
  set(id, rec) {
    this.delete(id);
    super.set(id, rec);
    for (const a in this.index) {
      if (rec[a] === undefined || rec[a] === null) continue;
      const k = this.key(a, rec[a]);
      if (!this.index[a].has(k)) this.index[a].set(k, new Set());
      this.index[a].get(k).add(id);
    }
    return this;
  }
  delete(id) {
    const rec = super.get(id);
    if (!rec) return false;
    for (const a in this.index) {
      if (rec[a] === undefined || rec[a] === null) continue;
      const k = this.key(a, rec[a]);
      const ids = this.index[a].get(k);
      ids?.delete(id);
      if (ids?.size === 0) this.index[a].delete(k);
    }
    return super.delete(id);
  }
  clear() {
    super.clear();
    for (const a in this.index) this.index[a].clear();
  }
  // The records matching the scimmy filter (an array of parsed expressions, or undefined).
  // scimmy parses `userName eq "x"` into [{userName: ["eq", "x"]}]; that form is answered from the
  // index (same result as filter.match, which compares case-insensitively unless the schema says
  // caseExact), anything else goes through scimmy's own filter.match().
  select(filter) {
    if (!filter) return [...this.values()];
    if (filter.length === 1) {
      const keys = Object.keys(filter[0]);
      const expr = filter[0][keys[0]];
      if (keys.length === 1 && Array.isArray(expr) && expr.length === 2 && expr[0] === "eq" && typeof expr[1] === "string") {
        const attr = Object.keys(this.indexed).find((a) => a.toLowerCase() === keys[0].toLowerCase());
        if (attr) return [...(this.index[attr].get(this.key(attr, expr[1])) ?? [])].map((id) => super.get(id));
      }
    }
    return filter.match([...this.values()]);
  }
}

// true = caseExact (compared exactly), false = compared case-insensitively, as in RFC 7643's schemas
const users = new Store({ userName: false, externalId: true, displayName: false });
const groups = new Store({ displayName: false, externalId: true });
const seq = { u: 0, g: 0 }; // never reset: a stale id never comes back

const control = createControl({
  name: "scim-target",
  base: args.base,
  token: args.token,
  snapshot: () => ({ users: [...users.values()], groups: [...groups.values()] }),
  reset: () => {
    users.clear();
    groups.clear();
  },
});

const clone = (x) => JSON.parse(JSON.stringify(x));
const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);

function stamp(data, existing, id, resourceType) {
  const now = new Date().toISOString();
  const rec = clone(data);
  delete rec.id;
  delete rec.meta;
  return {
    ...rec,
    id,
    meta: { resourceType, created: existing?.meta.created ?? now, lastModified: now },
  };
}

// ---- Users --------------------------------------------------------------------------------------
SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .extend(SCIMMY.Schemas.EnterpriseUser, false)
  .ingress((resource, instance) => {
    if (resource.id) {
      const existing = users.get(resource.id);
      if (!existing) throw notFound(resource.id);
      const rec = stamp(instance, existing, resource.id, "User");
      users.set(rec.id, rec);
      return rec;
    }
    const rec = stamp(instance, null, `u-${++seq.u}`, "User");
    users.set(rec.id, rec);
    control.recordCreate("users", rec.userName);
    return rec;
  })
  .egress((resource) => {
    if (resource.id) {
      const rec = users.get(resource.id);
      if (!rec) throw notFound(resource.id);
      return rec;
    }
    // true = compared exactly (caseExact), false = case-insensitively
    return users.select(resource.filter);
  })
  .degress((resource) => {
    if (!users.delete(resource.id)) throw notFound(resource.id);
    for (const g of groups.values()) {
      if (g.members?.some((m) => m.value === resource.id)) g.members = g.members.filter((m) => m.value !== resource.id);
    }
  });

// ---- Groups -------------------------------------------------------------------------------------
function resolveMembers(members, selfId) {
  const seen = new Set();
  return (members ?? []).filter((m) => !seen.has(m.value) && seen.add(m.value)).map((m) => {
    const u = users.get(m.value);
    const g = groups.get(m.value);
    if (!u && !g) throw new SCIMMY.Types.Error(400, "invalidValue", `Group member '${m.value}' is not an existing User or Group id`);
    if (m.value === selfId) throw new SCIMMY.Types.Error(400, "invalidValue", "A group cannot be a member of itself");
    return {
      value: m.value,
      display: m.display ?? (u ? (u.displayName ?? u.userName) : g.displayName),
      type: u ? "User" : "Group",
    };
  });
}

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress((resource, instance) => {
    if (resource.id) {
      const existing = groups.get(resource.id);
      if (!existing) throw notFound(resource.id);
      const rec = stamp(instance, existing, resource.id, "Group");
      rec.members = resolveMembers(rec.members, rec.id);
      groups.set(rec.id, rec);
      return rec;
    }
    const id = `g-${seq.g + 1}`;
    const rec = stamp(instance, null, id, "Group");
    rec.members = resolveMembers(rec.members, id);
    seq.g++;
    groups.set(id, rec);
    control.recordCreate("groups", rec.displayName);
    return rec;
  })
  .egress((resource) => {
    if (resource.id) {
      const rec = groups.get(resource.id);
      if (!rec) throw notFound(resource.id);
      return rec;
    }
    return groups.select(resource.filter);
  })
  .degress((resource) => {
    if (!groups.delete(resource.id)) throw notFound(resource.id);
    for (const g of groups.values()) {
      if (g.members?.some((m) => m.value === resource.id)) g.members = g.members.filter((m) => m.value !== resource.id);
    }
  });

// ---- HTTP ---------------------------------------------------------------------------------------
const app = express();
control.install(app); // logging, /_state etc., then count/latency/failures/bearer check under the base
app.use(
  args.base,
  new SCIMMYRouters({
    type: "bearer",
    docUri: "https://datatracker.ietf.org/doc/html/rfc6750",
    handler: () => "", // the bearer token was already checked by control.mjs
    baseUri: (req) => `http://${req.get("host")}`, // absolute meta.location
  }),
);
listen(app, args);
