// SPDX-License-Identifier: GPL-2.0
// The REST API of docs/api.md: the UI's only access to the console. Adds the CSRF header to every
// state-changing request and reports an expired session (401) once, to send the user to login.

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
    this.retryAfter = retryAfter;
  }
}

let csrfToken = null;
let onUnauthenticated = null;

export function setCsrfToken(token) {
  csrfToken = typeof token === 'string' ? token : null;
}

export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

export function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, String(x)));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// request('POST', '/api/v1/x', {body, query, signal, auth: false})
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: opts.signal };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path + queryString(opts.query), init);
  if (response.status === 204) return null;
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;
  const err = data && typeof data.error === 'object' && data.error ? data.error : {};
  const error = new ApiError(
    response.status,
    typeof err.code === 'string' ? err.code : `http_${response.status}`,
    typeof err.message === 'string' ? err.message : `The console answered ${response.status}.`,
    err.details,
    response.headers.get('Retry-After'),
  );
  if (response.status === 401 && opts.auth !== false && onUnauthenticated) onUnauthenticated(error);
  throw error;
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
export const del = (path, opts) => request('DELETE', path, opts);

// A short text for an error, for message boxes.
export function describe(error) {
  if (error instanceof ApiError) {
    let text = error.message;
    for (const d of error.details.slice(0, 20)) {
      if (d && typeof d === 'object') {
        const where = d.key ?? d.field;
        text += `\n${where ? `${where}: ` : ''}${d.message ?? ''}`;
      }
    }
    return text;
  }
  if (error && error.name === 'AbortError') return 'Cancelled.';
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return `Cannot reach the console (${error.message}).`;
  }
  return `Unexpected error: ${error && error.message ? error.message : error}`;
}
