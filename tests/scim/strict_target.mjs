// tests/scim/strict_target.mjs: a SCIM 2.0 target that behaves as Infisical's SCIM server does
// (see shared/CLIENTS.md section 1b), hand-written on Express with an in-memory store, so that
// skydir's provisioning is proven against a real, quirky, zod-validated service and not only
// against a textbook one (target.mjs).
//
//   node tests/scim/strict_target.mjs --port 0 --token SECRET [--base /api/v1/scim]
//
// Prints one JSON line on stdout once listening: {"port":N,"base_url":"http://127.0.0.1:N/api/v1/scim"},
// logs one line per request on stderr, and serves the test-control endpoints of control.mjs
// (GET /_state, POST /_fail, /_latency, /_reset: outside the base, no token needed).
//
// Behaviour, under the base, with `Authorization: Bearer SECRET` (401 otherwise). Errors are SCIM
// error bodies ({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400",...});
// validation failures list zod-like issues in "detail", e.g. "emails.0.primary: Required".
//   * No /ServiceProviderConfig, /Schemas, /ResourceTypes, /Bulk, /.search, /Me: 404.
//   * Ids are org-membership-like strings, "om_<n>_<hex>" for users and "grp_<n>_<hex>" for groups;
//     group member `value` is the user's membership id.
//   * GET /Users?startIndex=1&count=20&filter=...: count defaults to 20; totalResults is the length
//     of the page, not the total (Infisical's quirk: page until a page is shorter than count).
//     Filter: userName, active, name.givenName, name.familyName and email.value, with eq ne co sw
//     ew gt ge lt le pr, and/or/not and parentheses. userName eq is exact (case-sensitive), co sw
//     ew are case-insensitive. Expressions on any other attribute are DROPPED (ignored), so
//     `externalId eq "x"` or `emails[value eq "x"]` alone returns ALL users.
//   * POST /Users answers 200, not 201. POST and PUT require schemas (array of strings) and userName
//     (string); name.givenName/familyName must be strings; every emails[] entry needs `primary`
//     (boolean) and `value` (an email address); `"emails": null` is a 400; PUT also requires
//     `active` (boolean). Other attributes (externalId, displayName, title, phoneNumbers, the
//     enterprise extension...) are accepted and dropped: the user shown back is built from
//     userName, name, the primary email and active, with displayName "<givenName> <familyName>".
//     userName is not unique here either (duplicates show in GET /_state).
//   * PATCH /Users/{id} and /Groups/{id} need schemas[] and Operations[]; op must be add, Add,
//     replace, Replace, remove or Remove; remove needs a path and its value, if any, must be
//     [{"value": "..."}]; add/replace may omit the path (value is then an object of attributes).
//     Paths: plain and dotted attributes (active, userName, name.givenName, displayName, ...),
//     `emails[type eq "work"].value`, members, `members[value eq "id"]`.
//     `{"op":"remove","path":"members","value":[{"value":"id"}]}` removes only those members;
//     without a value it removes every member.
//   * DELETE /Users/{id} and DELETE /Groups/{id} answer 200 with `{}`. Deleting a user removes its
//     membership from every group.
//   * POST /Groups answers 200, or 409 when a group with that displayName (exact) already exists.
//     POST and PUT: every members[] entry needs `value` and `display` (strings). PUT also needs
//     `id` and `members`. Member values that are not existing user ids are ignored silently (as
//     Infisical does), with a warning line on stderr. A rename onto another group's name is a 409.
//   * GET /Groups?filter= only understands `displayName eq "X"`, by a naive split on "eq" (as
//     Infisical does: a name containing "eq" breaks it, e.g. `displayName eq "Frequent"` looks
//     for "Fr"); another attribute is a 500. `excludedAttributes=members` drops the members.
import crypto from "node:crypto";
import express from "express";
import { createControl, listen, parseArgs, scimError } from "./control.mjs";

const args = parseArgs(process.argv.slice(2), { base: "/api/v1/scim" });

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

// ---- store --------------------------------------------------------------------------------------
// users: id -> {id, userName, firstName, lastName, email, active}; groups: id -> {id, name, members: [id]}
const users = new Map();
const groups = new Map();
const seq = { u: 0, g: 0 }; // never reset
const newId = (prefix, n) => `${prefix}_${n}_${crypto.randomBytes(3).toString("hex")}`;

function renderUser(u) {
  const gs = [...groups.values()].filter((g) => g.members.includes(u.id)).map((g) => ({ value: g.id, display: g.name }));
  return {
    schemas: [USER_SCHEMA],
    id: u.id,
    userName: u.userName,
    displayName: `${u.firstName} ${u.lastName}`,
    name: { givenName: u.firstName || "", middleName: null, familyName: u.lastName || "" },
    emails: u.email ? [{ primary: true, value: u.email, type: "work" }] : [],
    active: u.active,
    groups: gs,
    meta: { resourceType: "User", location: null },
  };
}

function renderGroup(g, withMembers = true) {
  const out = { schemas: [GROUP_SCHEMA], id: g.id, displayName: g.name };
  if (withMembers) {
    out.members = g.members.filter((id) => users.has(id)).map((id) => {
      const u = users.get(id);
      return { value: id, display: u.email ?? u.userName };
    });
  }
  out.meta = { resourceType: "Group", location: null };
  return out;
}

const control = createControl({
  name: "scim-strict",
  base: args.base,
  token: args.token,
  snapshot: () => ({ users: [...users.values()].map(renderUser), groups: [...groups.values()].map((g) => renderGroup(g)) }),
  reset: () => {
    users.clear();
    groups.clear();
  },
});

// ---- zod-like validation -------------------------------------------------------------------------
class Invalid extends Error {
  constructor(issues) {
    super(issues.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; "));
    this.status = 400;
    this.scimType = "invalidValue";
  }
}
class HttpError extends Error {
  constructor(status, message, scimType) {
    super(message);
    this.status = status;
    this.scimType = scimType;
  }
}

const EMAIL = /^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9-]*\.)+[A-Z]{2,}$/i; // zod's email regex

const typeName = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const V = {
  string: () => (v, p, is) => (typeof v === "string" ? v.trim() : is.push({ path: p, message: v === undefined ? "Required" : `Expected string, received ${typeName(v)}` })),
  boolean: () => (v, p, is) => (typeof v === "boolean" ? v : is.push({ path: p, message: v === undefined ? "Required" : `Expected boolean, received ${typeName(v)}` })),
  email: () => (v, p, is) => {
    const s = V.string()(v, p, is);
    if (typeof s === "string" && !EMAIL.test(s)) is.push({ path: p, message: "Invalid email" });
    return s;
  },
  any: () => (v) => v,
  optional: (inner) => (v, p, is) => (v === undefined ? undefined : inner(v, p, is)),
  default: (inner, d) => (v, p, is) => (v === undefined ? d : inner(v, p, is)),
  array: (inner) => (v, p, is) => {
    if (!Array.isArray(v)) return is.push({ path: p, message: v === undefined ? "Required" : `Expected array, received ${typeName(v)}` });
    return v.map((x, i) => inner(x, p ? `${p}.${i}` : String(i), is));
  },
  // like z.object(): unknown keys are stripped
  object: (shape) => (v, p, is) => {
    if (typeName(v) !== "object") return is.push({ path: p, message: v === undefined ? "Required" : `Expected object, received ${typeName(v)}` });
    const out = {};
    for (const [k, check] of Object.entries(shape)) {
      const r = check(v[k], p ? `${p}.${k}` : k, is);
      if (r !== undefined) out[k] = r;
    }
    return out;
  },
  // like z.union(): the first alternative without issues wins
  union: (...alts) => (v, p, is) => {
    const all = [];
    for (const alt of alts) {
      const mine = [];
      const r = alt(v, p, mine);
      if (mine.length === 0) return r;
      all.push(...mine);
    }
    is.push({ path: p, message: `Invalid input (${all.map((i) => `${i.path}: ${i.message}`).join(", ")})` });
  },
  literal: (...values) => (v, p, is) => (values.includes(v) ? v : is.push({ path: p, message: `Invalid literal value, expected ${values.map((x) => JSON.stringify(x)).join(" | ")}` })),
};
function parse(schema, body) {
  const issues = [];
  const out = schema(body, "", issues);
  if (issues.length) throw new Invalid(issues);
  return out;
}

const nameSchema = V.optional(V.object({ familyName: V.optional(V.string()), givenName: V.optional(V.string()) }));
const emailsSchema = V.optional(V.array(V.object({ primary: V.boolean(), value: V.email() })));
const postUser = V.object({ schemas: V.array(V.string()), userName: V.string(), name: nameSchema, emails: emailsSchema, active: V.default(V.boolean(), true) });
const putUser = V.object({ schemas: V.array(V.string()), userName: V.string(), name: nameSchema, emails: emailsSchema, active: V.boolean() });
const memberSchema = V.object({ value: V.string(), display: V.string() });
const postGroup = V.object({ schemas: V.array(V.string()), displayName: V.string(), members: V.optional(V.array(memberSchema)) });
const putGroup = V.object({ schemas: V.array(V.string()), id: V.string(), displayName: V.string(), members: V.array(memberSchema) });
const patchOp = V.union(
  V.object({ op: V.literal("remove", "Remove"), path: V.string(), value: V.optional(V.array(V.object({ value: V.string() }))) }),
  V.object({ op: V.literal("add", "Add", "replace", "Replace"), path: V.optional(V.string()), value: V.any() }),
);
const patchBody = V.object({ schemas: V.array(V.string()), Operations: V.array(patchOp) });

const listQuery = (q) => {
  const num = (v, d, name) => {
    if (v === undefined || v === "") return d;
    const n = Number(v);
    if (Number.isNaN(n)) throw new Invalid([{ path: name, message: "Expected number, received nan" }]);
    return n;
  };
  return {
    startIndex: num(q.startIndex, 1, "startIndex"),
    count: num(q.count, 20, "count"),
    filter: typeof q.filter === "string" && q.filter.trim() ? q.filter.trim() : undefined,
  };
};
const page = (items, startIndex, count) => items.slice(Math.max(startIndex - 1, 0), Math.max(startIndex - 1, 0) + Math.max(count, 0));

// ---- user filter: a small RFC 7644 filter parser; unknown attributes are dropped ----------------
const USER_ATTRS = {
  username: (u) => u.userName,
  active: (u) => u.active,
  "name.givenname": (u) => u.firstName,
  "name.familyname": (u) => u.lastName,
  "email.value": (u) => u.email,
};

function tokenize(s) {
  const toks = [];
  const re = /\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|([^\s()"[]+(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\][^\s()"]*)?))/y;
  const end = s.trimEnd().length;
  let pos = 0;
  while (pos < end) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new HttpError(400, `Invalid filter: ${s}`, "invalidFilter");
    pos = re.lastIndex;
    if (m[1]) toks.push({ t: "(" });
    else if (m[2]) toks.push({ t: ")" });
    else if (m[3]) toks.push({ t: "val", v: JSON.parse(m[3]) });
    else if (m[4]) toks.push({ t: "word", v: m[4] });
  }
  return toks;
}

// Returns a predicate, or null for "no constraint" (an expression that was dropped).
function parseUserFilter(s) {
  const toks = tokenize(s);
  let i = 0;
  const bad = () => new HttpError(400, `Invalid filter: ${s}`, "invalidFilter");
  const word = (w) => toks[i]?.t === "word" && toks[i].v.toLowerCase() === w;
  const and = (a, b) => (a === null ? b : b === null ? a : (u) => a(u) && b(u));
  const or = (a, b) => (a === null ? b : b === null ? a : (u) => a(u) || b(u));
  function orExpr() {
    let left = andExpr();
    while (word("or")) { i++; left = or(left, andExpr()); }
    return left;
  }
  function andExpr() {
    let left = unary();
    while (word("and")) { i++; left = and(left, unary()); }
    return left;
  }
  function unary() {
    if (word("not")) {
      i++;
      const inner = unary();
      return inner === null ? null : (u) => !inner(u);
    }
    if (toks[i]?.t === "(") {
      i++;
      const e = orExpr();
      if (toks[i++]?.t !== ")") throw bad();
      return e;
    }
    const attr = toks[i++];
    // A value path such as emails[value eq "x"]: not mapped by Infisical, so dropped.
    if (attr?.t === "word" && attr.v.endsWith("]")) return null;
    const op = toks[i++];
    if (attr?.t !== "word" || op?.t !== "word") throw bad();
    const o = op.v.toLowerCase();
    let value;
    if (o !== "pr") {
      const v = toks[i++];
      if (!v) throw bad();
      value = v.t === "val" ? v.v : v.v === "true" ? true : v.v === "false" ? false : v.v === "null" ? null : Number(v.v);
    }
    const get = USER_ATTRS[attr.v.toLowerCase()];
    if (!get) return null; // unknown attribute: dropped, as Infisical does
    const ci = (x) => String(x ?? "").toLowerCase();
    const cmp = {
      eq: (x) => x === value,
      ne: (x) => x !== value,
      co: (x) => ci(x).includes(ci(value)),
      sw: (x) => ci(x).startsWith(ci(value)),
      ew: (x) => ci(x).endsWith(ci(value)),
      gt: (x) => x > value,
      ge: (x) => x >= value,
      lt: (x) => x < value,
      le: (x) => x <= value,
      pr: (x) => x !== undefined && x !== null && x !== "",
    }[o];
    if (!cmp) throw bad();
    return (u) => cmp(get(u));
  }
  const e = orExpr();
  if (i !== toks.length) throw bad();
  return e;
}

// ---- PATCH: applied to a synthesized resource, as Infisical does with scim-patch -----------------
const VALUE_FILTER = /^(\w+)\[\s*(\w+)\s+eq\s+"([^"]*)"\s*\](?:\.(\w+))?$/i;

function getCI(obj, key) {
  const k = Object.keys(obj).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? [key, undefined] : [k, obj[k]];
}

function applyOps(resource, ops) {
  for (const [n, raw] of ops.entries()) {
    const op = raw.op.toLowerCase();
    const path = raw.path?.trim();
    if (!path) {
      if (op === "remove") throw new HttpError(400, `Operations.${n}: remove requires a path`, "noTarget");
      if (typeName(raw.value) !== "object") throw new HttpError(400, `Operations.${n}: value must be an object when path is omitted`, "invalidValue");
      for (const [k, v] of Object.entries(raw.value)) setPath(resource, k, v, op, n);
      continue;
    }
    const vf = VALUE_FILTER.exec(path);
    if (vf) {
      const [, attr, sub, want, leaf] = vf;
      const [key, arr] = getCI(resource, attr);
      if (!Array.isArray(arr)) {
        if (op === "remove") continue;
        throw new HttpError(400, `Operations.${n}: no target for path ${path}`, "noTarget");
      }
      const hit = (e) => String(e?.[sub]) === want;
      if (op === "remove") {
        if (leaf) arr.filter(hit).forEach((e) => delete e[leaf]);
        else resource[key] = arr.filter((e) => !hit(e));
      } else if (leaf) {
        const found = arr.filter(hit);
        if (found.length === 0) throw new HttpError(400, `Operations.${n}: no target for path ${path}`, "noTarget");
        found.forEach((e) => (e[leaf] = raw.value));
      } else {
        arr.filter(hit).forEach((e) => Object.assign(e, raw.value));
      }
      continue;
    }
    if (op === "remove") removePath(resource, path, raw.value);
    else setPath(resource, path, raw.value, op, n);
  }
  return resource;
}

function setPath(resource, path, value, op, n) {
  const parts = path.split(".");
  let obj = resource;
  for (const p of parts.slice(0, -1)) {
    const [k, v] = getCI(obj, p);
    if (typeName(v) !== "object") obj[k] = {};
    obj = obj[k];
  }
  const [k, cur] = getCI(obj, parts.at(-1));
  if (op === "add" && Array.isArray(cur)) {
    const add = Array.isArray(value) ? value : [value];
    const has = (x) => cur.some((c) => c?.value !== undefined && c.value === x?.value);
    obj[k] = [...cur, ...add.filter((x) => !has(x))];
  } else if (op === "add" && typeName(cur) === "object" && typeName(value) === "object") {
    Object.assign(cur, value);
  } else {
    obj[k] = value;
  }
  void n;
}

function removePath(resource, path, value) {
  const parts = path.split(".");
  let obj = resource;
  for (const p of parts.slice(0, -1)) {
    const [, v] = getCI(obj, p);
    if (typeName(v) !== "object") return;
    obj = v;
  }
  const [k, cur] = getCI(obj, parts.at(-1));
  if (Array.isArray(cur) && Array.isArray(value)) {
    const drop = new Set(value.map((x) => x.value));
    obj[k] = cur.filter((c) => !drop.has(c?.value));
  } else {
    delete obj[k];
  }
}

// ---- routes -------------------------------------------------------------------------------------
const app = express();
control.install(app); // logging, /_state etc., then count/latency/failures/bearer check under the base

const r = express.Router();
r.use(express.json({ type: ["application/json", "application/scim+json"], limit: "10mb" }));
r.use((req, res, next) => {
  res.type("application/json");
  next();
});
const h = (fn) => async (req, res, next) => {
  try {
    await fn(req, res);
  } catch (e) {
    next(e);
  }
};
const findUser = (id) => {
  const u = users.get(id);
  if (!u) throw new HttpError(404, `User with ID ${id} not found`);
  return u;
};
const findGroup = (id) => {
  const g = groups.get(id);
  if (!g) throw new HttpError(404, `Group with ID ${id} not found`);
  return g;
};
const primaryEmail = (emails) => emails?.find((e) => e.primary)?.value;

r.get("/Users", h((req, res) => {
  const q = listQuery(req.query);
  let list = [...users.values()];
  if (q.filter) {
    const pred = parseUserFilter(q.filter);
    if (pred) list = list.filter(pred);
  }
  const items = page(list, q.startIndex, q.count).map(renderUser);
  res.json({ Resources: items, itemsPerPage: q.count, schemas: [LIST_SCHEMA], startIndex: q.startIndex, totalResults: items.length });
}));

r.get("/Users/:id", h((req, res) => res.json(renderUser(findUser(req.params.id)))));

r.post("/Users", h((req, res) => {
  const b = parse(postUser, req.body);
  const u = {
    id: newId("om", ++seq.u),
    userName: b.userName,
    firstName: b.name?.givenName,
    lastName: b.name?.familyName,
    email: primaryEmail(b.emails),
    active: b.active,
  };
  users.set(u.id, u);
  control.recordCreate("users", u.userName);
  res.status(200).json(renderUser(u));
}));

r.put("/Users/:id", h((req, res) => {
  const u = findUser(req.params.id);
  const b = parse(putUser, req.body);
  Object.assign(u, { userName: b.userName, firstName: b.name?.givenName, lastName: b.name?.familyName, email: primaryEmail(b.emails), active: b.active });
  res.json(renderUser(u));
}));

r.patch("/Users/:id", h((req, res) => {
  const u = findUser(req.params.id);
  const b = parse(patchBody, req.body);
  const rendered = renderUser(u);
  const res0 = {
    schemas: rendered.schemas, id: u.id, userName: u.userName, displayName: rendered.displayName,
    name: { givenName: u.firstName ?? "", familyName: u.lastName ?? "" }, emails: rendered.emails, active: u.active,
  };
  const out = applyOps(structuredClone(res0), b.Operations);
  if (typeof out.active !== "boolean") throw new Invalid([{ path: "active", message: `Expected boolean, received ${typeName(out.active)}` }]);
  if (typeof out.userName !== "string") throw new Invalid([{ path: "userName", message: "Expected string" }]);
  const email = Array.isArray(out.emails) ? (out.emails.find((e) => e?.primary) ?? out.emails[0])?.value : undefined;
  if (email !== undefined && !EMAIL.test(String(email))) throw new Invalid([{ path: "emails.0.value", message: "Invalid email" }]);
  Object.assign(u, { userName: out.userName, firstName: out.name?.givenName, lastName: out.name?.familyName, email, active: out.active });
  res.json(renderUser(u));
}));

r.delete("/Users/:id", h((req, res) => {
  findUser(req.params.id);
  users.delete(req.params.id);
  for (const g of groups.values()) g.members = g.members.filter((m) => m !== req.params.id);
  res.status(200).json({});
}));

function memberIds(members, where) {
  const ids = [];
  for (const m of members ?? []) {
    if (!users.has(m.value)) {
      process.stderr.write(`[scim-strict] warning: ${where}: member ${JSON.stringify(m.value)} is not a user id here; ignored\n`);
      continue;
    }
    if (!ids.includes(m.value)) ids.push(m.value);
  }
  return ids;
}
const nameTaken = (name, exceptId) => [...groups.values()].some((g) => g.name === name && g.id !== exceptId);

r.get("/Groups", h((req, res) => {
  const q = listQuery(req.query);
  let list = [...groups.values()];
  if (q.filter) {
    // Infisical's parseScimFilter: split on "eq", keep the first two pieces, strip quotes.
    const [name, value] = q.filter.split("eq").map((s) => s.trim());
    if (name !== "displayName") throw new HttpError(500, `column "${name}" does not exist`);
    const want = (value ?? "").replace(/"/g, "");
    list = list.filter((g) => g.name === want);
  }
  const items = page(list, q.startIndex, q.count).map((g) => renderGroup(g, req.query.excludedAttributes !== "members"));
  res.json({ Resources: items, itemsPerPage: q.count, schemas: [LIST_SCHEMA], startIndex: q.startIndex, totalResults: items.length });
}));

r.get("/Groups/:id", h((req, res) => res.json(renderGroup(findGroup(req.params.id)))));

r.post("/Groups", h((req, res) => {
  const b = parse(postGroup, req.body);
  if (nameTaken(b.displayName)) throw new HttpError(409, `Group with name '${b.displayName}' already exists`, "uniqueness");
  const g = { id: newId("grp", ++seq.g), name: b.displayName, members: memberIds(b.members, "POST /Groups") };
  groups.set(g.id, g);
  control.recordCreate("groups", g.name);
  res.status(200).json(renderGroup(g));
}));

r.put("/Groups/:id", h((req, res) => {
  const g = findGroup(req.params.id);
  const b = parse(putGroup, req.body);
  if (nameTaken(b.displayName, g.id)) throw new HttpError(409, `Group with name '${b.displayName}' already exists`, "uniqueness");
  g.name = b.displayName;
  g.members = memberIds(b.members, `PUT /Groups/${g.id}`);
  res.json(renderGroup(g));
}));

r.patch("/Groups/:id", h((req, res) => {
  const g = findGroup(req.params.id);
  const b = parse(patchBody, req.body);
  const cur = renderGroup(g);
  const out = applyOps({ schemas: cur.schemas, id: g.id, displayName: cur.displayName, members: cur.members }, b.Operations);
  if (typeof out.displayName !== "string") throw new Invalid([{ path: "displayName", message: "Expected string" }]);
  const members = out.members ?? [];
  if (!Array.isArray(members)) throw new Invalid([{ path: "members", message: `Expected array, received ${typeName(members)}` }]);
  if (nameTaken(out.displayName, g.id)) throw new HttpError(409, `Group with name '${out.displayName}' already exists`, "uniqueness");
  g.name = out.displayName;
  g.members = memberIds(members.map((m) => (typeName(m) === "object" ? m : { value: m })), `PATCH /Groups/${g.id}`);
  res.json(renderGroup(g));
}));

r.delete("/Groups/:id", h((req, res) => {
  findGroup(req.params.id);
  groups.delete(req.params.id);
  res.status(200).json({});
}));

// Everything else under the base (ServiceProviderConfig, Schemas, ResourceTypes, Bulk...) is 404.
r.use((req, res) => scimError(res, 404, `Route ${req.method}:${req.originalUrl.split("?")[0]} not found`));
// eslint-disable-next-line no-unused-vars
r.use((err, req, res, next) => {
  if (err.type === "entity.parse.failed") return scimError(res, 400, `Body is not valid JSON: ${err.message}`, "invalidSyntax");
  const status = err.status ?? 500;
  if (status >= 500) process.stderr.write(`[scim-strict] ${err.stack ?? err}\n`);
  scimError(res, status, err.message, err.scimType);
});
app.use(args.base, r);
listen(app, args);
