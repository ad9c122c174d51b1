// The console's one way to call the service: same-origin fetch with the session cookie, the session's CSRF token on
// every state-changing call, and problem+json turned into an Error that says what went wrong and per field.

let csrfToken = null;
let onSignedOut = () => {};

export function setSession(session, signedOut) {
  csrfToken = session ? session.csrfToken : null;
  if (signedOut) onSignedOut = signedOut;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `The service answered ${status}.`);
    this.status = status;
    this.title = problem.title;
    this.errors = problem.errors || null;
  }

  /** "field: message" lines for a validation problem. */
  get lines() {
    return this.errors ? Object.entries(this.errors).flatMap(([k, v]) => v.map(m => `${k}: ${m}`)) : [];
  }
}

export async function api(method, path, body, { contentType = 'application/json', raw = false } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : raw ? await response.text() : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data && typeof data === 'object' ? data : {});
    if (response.status === 401 && path !== '/session') onSignedOut();
    throw error;
  }
  return data;
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = (path, body) => api('DELETE', path, body);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}
