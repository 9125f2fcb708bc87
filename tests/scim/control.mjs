// tests/scim/control.mjs: what the two SCIM 2.0 test targets (target.mjs, strict_target.mjs) share.
//
// * parseArgs(): the command line, `--port N` (0 = any free port), `--token SECRET` (required),
//   `--base /path` (the SCIM base path; each server has its own default).
// * createControl(): the test-control endpoints, outside the SCIM base and without the bearer
//   token, and the middleware that every request under the SCIM base goes through first:
//     GET  /_state    -> {"users":[<resource>...], "groups":[<resource>...],
//                         "requests": {"POST /Users": 3, "GET /Users": 5, "PATCH /Groups/:id": 1, ...},
//                         "total_requests": N,
//                         "created": {"users": {"<userName>": <POSTs that created a user with it>},
//                                     "groups": {"<displayName>": <POSTs that created a group with it>}},
//                         "duplicates": {"users": ["<userName held by 2+ live users>"],
//                                        "groups": ["<displayName held by 2+ live groups>"]},
//                         "injected": {"down": N, "429": N, "503": N},
//                         "fail": {"mode": "none"|"down"|"429"|"503", "remaining": N|null, "retry_after": S|null},
//                         "latency_ms": N}
//     POST /_fail     {"mode": "down"|"400"|"429"|"503"|"none", "count": N (optional, default unlimited),
//                      "method": "POST" (optional: only requests with this method are affected),
//                      "retry_after": S (optional; sent as Retry-After on 429/503)}
//                     -> 200 {"fail": {...}}. "down" destroys the connection without answering.
//     POST /_latency  {"ms": N} -> 200 {"latency_ms": N}; delays every later SCIM request by N ms.
//     POST /_reset    -> 200 {"reset": true}; empties the store and every counter, the failure mode
//                     and the latency. Ids keep counting up (an id issued before a reset is never
//                     issued again, so a stale id gets 404 rather than hitting another resource).
//   "users"/"groups" are the live resources in SCIM form (target.mjs: as stored, without
//   meta.location; strict_target.mjs: as GET would render them).
//   "requests" counts every request under the SCIM base, including the ones refused with 401 and
//   the ones a failure mode answered or dropped; the key is the method plus the path relative to
//   the base, with a resource id replaced by ":id".
// * Every request is logged as one line on stderr: `[name] METHOD /path STATUS Nms` (or `DROPPED`).
// * listen(): prints one JSON line on stdout once listening:
//     {"port":N,"base_url":"http://127.0.0.1:N<base>"}
// * scimError(): the SCIM error body of RFC 7644 section 3.12.
import express from "express";

export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export function parseArgs(argv, defaults) {
  const out = { port: 0, token: undefined, base: defaults.base };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === "--port") out.port = Number(next());
    else if (a === "--token") out.token = next();
    else if (a === "--base") out.base = next();
    else if (a === "--help" || a === "-h") usage();
    else usage(`unknown argument ${a}`);
  }
  if (!out.token) usage("--token is required");
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) usage("--port must be 0..65535");
  out.base = "/" + out.base.replace(/^\/+|\/+$/g, "");
  if (out.base === "/") usage("--base must not be /");
  return out;

  function usage(msg) {
    if (msg) process.stderr.write(`error: ${msg}\n`);
    process.stderr.write(`usage: node ${process.argv[1]} --port N --token SECRET [--base ${defaults.base}]\n`);
    process.exit(2);
  }
}

export function scimError(res, status, detail, scimType) {
  const body = { schemas: [ERROR_SCHEMA], status: String(status), detail };
  if (scimType) body.scimType = scimType;
  res.status(status).type("application/scim+json").send(JSON.stringify(body));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// requestKind("/scim/v2", "/scim/v2/Users/u-1?x") -> "/Users/:id"
function requestKind(base, path) {
  let rel = path;
  if (rel === base || rel.startsWith(base + "/")) rel = rel.slice(base.length);
  const segs = rel.split("/").filter(Boolean);
  if (segs.length === 0) return "/";
  if (segs.length === 1) return "/" + segs[0];
  if (segs[1] === ".search") return `/${segs[0]}/.search`;
  return `/${segs[0]}/:id` + (segs.length > 2 ? "/" + segs.slice(2).join("/") : "");
}

/**
 * @param {object} o
 * @param {string} o.name      log prefix
 * @param {string} o.base      SCIM base path
 * @param {string} o.token     bearer token
 * @param {() => {users: object[], groups: object[]}} o.snapshot  current resources
 * @param {() => void} o.reset  empty the store
 */
export function createControl({ name, base, token, snapshot, reset }) {
  const blank = () => ({
    requests: {},
    total: 0,
    created: { users: {}, groups: {} },
    injected: { down: 0, 400: 0, 429: 0, 503: 0 },
    fail: { mode: "none", remaining: null, retry_after: null },
    latency: 0,
  });
  let st = blank();

  const log = (line) => process.stderr.write(`[${name}] ${line}\n`);

  function install(app) {
    app.disable("x-powered-by");
    app.set("etag", false);

    // One stderr line per request, whatever answers it.
    app.use((req, res, next) => {
      const t0 = process.hrtime.bigint();
      const ms = () => Number((process.hrtime.bigint() - t0) / 1000000n);
      let done = false;
      res.on("finish", () => {
        done = true;
        log(`${req.method} ${req.originalUrl} ${res.statusCode} ${ms()}ms`);
      });
      res.on("close", () => {
        if (!done) log(`${req.method} ${req.originalUrl} DROPPED ${ms()}ms`);
      });
      next();
    });

    const ctl = express.Router();
    const json = express.json({ type: () => true, limit: "1mb" }); // only on the control routes
    ctl.get("/_state", (req, res) => {
      const { users, groups } = snapshot();
      res.json({
        users,
        groups,
        requests: st.requests,
        total_requests: st.total,
        created: st.created,
        duplicates: {
          users: dupes(users.map((u) => u.userName)),
          groups: dupes(groups.map((g) => g.displayName)),
        },
        injected: st.injected,
        fail: st.fail,
        latency_ms: st.latency,
      });
    });
    ctl.post("/_fail", json, (req, res) => {
      const b = req.body ?? {};
      const mode = String(b.mode ?? "none");
      if (!["down", "400", "429", "503", "none"].includes(mode))
        return res.status(400).json({ error: `mode must be down, 400, 429, 503 or none, not ${mode}` });
      const count = b.count === undefined || b.count === null ? null : Number(b.count);
      if (count !== null && (!Number.isInteger(count) || count < 0))
        return res.status(400).json({ error: "count must be a non-negative integer" });
      const ra = b.retry_after === undefined || b.retry_after === null ? null : Number(b.retry_after);
      if (ra !== null && (!Number.isFinite(ra) || ra < 0))
        return res.status(400).json({ error: "retry_after must be a non-negative number of seconds" });
      st.fail = mode === "none" || count === 0 ? { mode: "none", remaining: null, retry_after: null }
                                                : { mode, remaining: count, retry_after: ra,
                                                    method: b.method ? String(b.method) : null };
      res.json({ fail: st.fail });
    });
    ctl.post("/_latency", json, (req, res) => {
      const ms = Number(req.body?.ms ?? 0);
      if (!Number.isFinite(ms) || ms < 0) return res.status(400).json({ error: "ms must be a non-negative number" });
      st.latency = ms;
      res.json({ latency_ms: ms });
    });
    ctl.post("/_reset", json, (req, res) => {
      reset();
      st = blank();
      res.json({ reset: true });
    });
    app.use(ctl);

    // Everything under the SCIM base: count, delay, inject failures, then require the token.
    app.use(base, async (req, res, next) => {
      const key = `${req.method} ${requestKind(base, req.originalUrl.split("?")[0])}`;
      st.requests[key] = (st.requests[key] ?? 0) + 1;
      st.total++;
      if (st.latency > 0) await sleep(st.latency);

      const f = st.fail;
      if (f.mode !== "none" && (!f.method || f.method === req.method)) {
        const mode = f.mode;
        if (f.remaining !== null && --f.remaining <= 0) st.fail = { mode: "none", remaining: null, retry_after: null };
        st.injected[mode]++;
        if (mode === "down") {
          req.socket.destroy();
          return;
        }
        if (f.retry_after !== null) res.set("Retry-After", String(f.retry_after));
        const message = { 400: "Rejected (injected)", 429: "Too many requests (injected)",
                          503: "Service unavailable (injected)" }[mode];
        return scimError(res, Number(mode), message,
                         mode === "429" ? "tooMany" : mode === "400" ? "invalidValue" : undefined);
      }

      const m = /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "");
      if (!m || m[1].trim() !== token) {
        res.set("WWW-Authenticate", 'Bearer realm="scim"');
        return scimError(res, 401, m ? "Invalid bearer token" : "Missing bearer token");
      }
      next();
    });
  }

  return {
    install,
    /** Record that a POST created a resource: kind "users" (key userName) or "groups" (key displayName). */
    recordCreate(kind, key) {
      st.created[kind][key] = (st.created[kind][key] ?? 0) + 1;
    },
  };
}

function dupes(names) {
  const seen = new Map();
  for (const n of names) {
    const k = String(n ?? "").toLowerCase();
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, c]) => c > 1).map(([k]) => k);
}

export function listen(app, { port, base }) {
  const server = app.listen(port, "127.0.0.1", () => {
    const p = server.address().port;
    process.stdout.write(JSON.stringify({ port: p, base_url: `http://127.0.0.1:${p}${base}` }) + "\n");
  });
  server.keepAliveTimeout = 30000;
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  return server;
}
