// Shim of "k6/http": blocking requests (see sync-fetch.mjs) that feed k6's built-in metrics
// http_reqs, http_req_duration and http_req_failed with k6's tags (name, method, status,
// expected_response), so thresholds on them read as they would in k6.
import { record } from "./runtime.mjs";
import { fetchSync } from "./sync-fetch.mjs";

const canonical = (name) => name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash, ch) => dash + ch.toUpperCase());

export function expectedStatuses(...specs) {
  return { expected: specs };
}

let defaultCallback = expectedStatuses({ min: 200, max: 399 });
export function setResponseCallback(cb) {
  defaultCallback = cb;
}

const isExpected = (cb, status) => cb.expected.some((s) => (typeof s === "number" ? s === status : status >= s.min && status <= s.max));

export function request(method, url, body, params = {}) {
  const headers = { "User-Agent": "k6-shim", ...(params.headers ?? {}) };
  const timeoutMs = typeof params.timeout === "number" ? params.timeout : 60_000;
  const res = fetchSync({ url: String(url), method, headers, body: body ?? undefined, timeoutMs });
  const expected = res.status !== 0 && isExpected(params.responseCallback ?? defaultCallback, res.status);
  const tags = {
    name: params.tags?.name ?? String(url),
    method,
    status: String(res.status),
    expected_response: String(expected),
    ...(params.tags ?? {}),
  };
  record("http_reqs", "counter", 1, tags);
  record("http_req_duration", "trend", res.duration, tags, true);
  record("http_req_failed", "rate", expected ? 0 : 1, tags);
  const response = {
    status: res.status,
    status_text: res.statusText,
    body: res.body,
    headers: Object.fromEntries(res.headers.map(([k, v]) => [canonical(k), v])),
    error: res.error ?? "",
    error_code: res.error ? 1 : 0,
    timings: { duration: res.duration, waiting: res.duration, blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, receiving: 0 },
    url: String(url),
    json(selector) {
      const value = JSON.parse(res.body);
      return selector ? selector.split(".").reduce((v, k) => v?.[k], value) : value;
    },
  };
  return response;
}

export const get = (url, params) => request("GET", url, null, params);
export const head = (url, params) => request("HEAD", url, null, params);
export const post = (url, body, params) => request("POST", url, body, params);
export const put = (url, body, params) => request("PUT", url, body, params);
export const patch = (url, body, params) => request("PATCH", url, body, params);
export const del = (url, body, params) => request("DELETE", url, body, params);
export const options = (url, body, params) => request("OPTIONS", url, body, params);

export default { request, get, head, post, put, patch, del, options, expectedStatuses, setResponseCallback };
