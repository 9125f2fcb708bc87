// The console's only way to the server: the same /api routes scripts use with x-api-key,
// authorized here by the session cookie plus the CSRF token on every non-GET request.
let csrfToken = null;
let pending = 0;
let onSignedOut = () => {};

export function setCsrfToken(token) { csrfToken = token; }
export function onSessionEnded(callback) { onSignedOut = callback; }

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    // "username: is taken" names the field at fault (docs/api.md, Errors).
    const m = /^([A-Za-z_.\[\]0-9]+): (.*)$/s.exec(message);
    this.field = m ? m[1] : null;
    this.detail = m ? m[2] : message;
  }
}

function busy(delta) {
  pending += delta;
  document.getElementById('progress').hidden = pending === 0;
}

// method, path, optional JSON body. Answers {data, headers}; throws ApiError with the API's
// message on any failure.
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  busy(1);
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  } finally {
    busy(-1);
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const j = await res.json();
      if (j && j.message) message = j.message;
    } catch { /* not JSON */ }
    if (res.status === 401 && path !== '/api/console/session') onSignedOut();
    throw new ApiError(res.status, message);
  }
  const type = res.headers.get('Content-Type') || '';
  const data = res.status === 204 ? null
    : type.includes('json') ? await res.json() : await res.text();
  return { data, headers: res.headers };
}

export const get = (path) => api('GET', path).then((r) => r.data);

// Looks up names for ids with one request each, at most `limit` at a time.
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
