// The only module in the web app that calls `fetch` (and XMLHttpRequest, for an upload's
// progress). Every REST call in API.md has a typed function here; failures of any kind (HTTP errors, network errors, non-JSON replies) become
// one `ApiError` that carries the API's `{error: {code, message}}`, so screens can show what
// happened without knowing about HTTP. It also tracks whether the history store looks down
// (`historyOutage`): set by a 503 `store_unavailable`, cleared by the next successful call.
import { createSignal } from "solid-js";
import type {
  Attachment,
  Character,
  CharacterInput,
  Credentials,
  Member,
  Message,
  RegisterInput,
  Room,
  RoomCharacter,
  RoomInput,
  RoomListItem,
  RoomPatch,
  SessionInfo,
  User,
} from "../../shared/wire";

export type { CharacterInput } from "../../shared/wire";

/** Whether a request failed on the way (offline, a timeout, too busy, a server error), so the
 * same request may succeed later; not refused for what it is. */
export const failedOnTheWay = (err: unknown) => !(err instanceof ApiError) || [0, 408, 429].includes(err.status) || err.status >= 500;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** From `Retry-After` on a 429, so callers can say when to try again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const [outage, setOutage] = createSignal(false);
/** True since a call was answered 503 `store_unavailable`, until one succeeds (the room list
 * refreshes every 20 s, so this clears on its own once the store is back). */
export const historyOutage = outage;

type Config = {
  token: () => string | null;
  onUnauthorized: () => void;
  /** Settles once no token refresh is in flight (however long it takes). */
  settled?: () => Promise<void>;
};
// Set once by the session at start-up; kept as late-bound callbacks so this module has no
// import cycle with the session and tests can swap them.
let config: Config = { token: () => null, onUnauthorized: () => {} };
export function configureApi(next: Config) {
  config = next;
}

type Query = Record<string, string | number | undefined | null>;
/** `once`: not tried again with a newer token after a 401 (the refresh itself, or a retry). */
type Options = { query?: Query; body?: unknown; signal?: AbortSignal; raw?: boolean; once?: boolean };

function url(path: string, query?: Query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ""}`;
}

async function errorFrom(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get("Retry-After"));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error?.code) {
      return new ApiError(res.status, body.error.code, body.error.message ?? res.statusText, body.error.details, retryAfterMs);
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to a generic message.
  }
  return new ApiError(
    res.status,
    `http_${res.status}`,
    `The server answered ${res.status} ${res.statusText}`.trim(),
    undefined,
    retryAfterMs,
  );
}

/** Whether `token` was replaced while its request was out (a refresh here or in another tab):
 * then a 401 is the old token's, not the end of the session. */
async function replaced(token: string): Promise<boolean> {
  await config.settled?.();
  const now = config.token();
  return now !== null && now !== token;
}

async function send(method: string, path: string, opts: Options = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = config.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "Couldn't reach Parlor. Check your connection and try again.");
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (error.code === "store_unavailable") setOutage(true);
    // A 401 on an authenticated call means the session is over, unless a refresh replaced the
    // token meanwhile: then once more with the new one. Auth calls report their own.
    // (A wrong current password, `invalid_credentials`, ends nothing.)
    if (res.status === 401 && token && error.code !== "invalid_credentials") {
      if (!opts.once && (await replaced(token))) return send(method, path, { ...opts, once: true });
      config.onUnauthorized();
    }
    throw error;
  }
  setOutage(false);
  return res;
}

async function json<T>(method: string, path: string, opts?: Options): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/**
 * Uploads a file to a room (multipart, field `file`) with XMLHttpRequest, which, unlike fetch,
 * reports upload progress. `onProgress` gets 0–1; aborting `signal` cancels the upload.
 */
function upload(
  roomId: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
  once = false,
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url(`/rooms/${enc(roomId)}/attachments`));
    const token = config.token();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = async () => {
      const res = new Response(xhr.responseText, { status: xhr.status, headers: { "Content-Type": "application/json" } });
      if (res.ok) return resolve(((await res.json()) as { attachment: Attachment }).attachment);
      if (xhr.status === 401 && token) {
        if (!once && (await replaced(token))) return resolve(upload(roomId, file, onProgress, signal, true));
        config.onUnauthorized();
      }
      reject(await errorFrom(res));
    };
    xhr.onerror = () => reject(new ApiError(0, "network_error", "Couldn't reach Parlor. Check your connection and try again."));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

export type Usage = { day: string; tokens: number; limit: number | null; remaining: number | null; resetsAt: string };

export type Session = { token: string; user: User };
export type Page<T> = T & { nextCursor: string | null };
export type SearchResult = { room: Room; message: Message };

export const api = {
  register: (body: RegisterInput) => json<Session>("POST", "/auth/register", { body }),
  login: (body: Credentials) => json<Session>("POST", "/auth/login", { body }),
  me: () => json<{ user: User; limits?: { attachmentBytes: number } }>("GET", "/me"),
  updateProfile: (body: Pick<User, "displayName">) => json<{ user: User }>("PATCH", "/me", { body }),
  refresh: () => json<Session>("POST", "/auth/refresh", { once: true }),
  logout: () => json<void>("POST", "/auth/logout"),
  logoutAll: () => json<{ ended: number }>("POST", "/auth/logout-all"),
  sessions: () => json<{ sessions: SessionInfo[] }>("GET", "/auth/sessions"),
  endSession: (id: string) => json<void>("DELETE", `/auth/sessions/${enc(id)}`),
  changePassword: (currentPassword: string, newPassword: string) =>
    json<{ ended: number }>("POST", "/auth/password", { body: { currentPassword, newPassword } }),

  characters: () => json<{ characters: Character[] }>("GET", "/characters"),
  character: (id: string) => json<{ character: Character }>("GET", `/characters/${enc(id)}`),
  createCharacter: (body: CharacterInput) => json<{ character: Character }>("POST", "/characters", { body }),
  updateCharacter: (id: string, body: Partial<CharacterInput>) =>
    json<{ character: Character }>("PATCH", `/characters/${enc(id)}`, { body }),
  deleteCharacter: (id: string) => json<void>("DELETE", `/characters/${enc(id)}`),

  rooms: (query: { q?: string; cursor?: string | null } = {}, signal?: AbortSignal) =>
    json<Page<{ rooms: RoomListItem[] }>>("GET", "/rooms", { query, signal }),
  /** `existing`: the direct chat you already have with that person (200), not a new room. */
  createRoom: (body: RoomInput) => json<{ room: Room; existing?: true }>("POST", "/rooms", { body }),
  room: (id: string) => json<{ room: Room; members: Member[]; character: RoomCharacter | null }>("GET", `/rooms/${enc(id)}`),
  updateRoom: (id: string, body: RoomPatch) => json<{ room: Room }>("PATCH", `/rooms/${enc(id)}`, { body }),
  deleteRoom: (id: string) => json<void>("DELETE", `/rooms/${enc(id)}`),
  addMember: (id: string, username: string) => json<{ member: Member }>("POST", `/rooms/${enc(id)}/members`, { body: { username } }),
  removeMember: (id: string, userId: string) => json<void>("DELETE", `/rooms/${enc(id)}/members/${enc(userId)}`),
  /** A page of history: the latest, `before`/`after` a seq, or `around` one (then `hasMore` is
   * about older messages and `hasMoreAfter` about newer ones). */
  messages: (id: string, query: { before?: number; after?: number; around?: number; limit?: number } = {}) =>
    json<{ messages: Message[]; hasMore: boolean; hasMoreAfter?: boolean; lastChange?: number }>("GET", `/rooms/${enc(id)}/messages`, {
      query,
    }),
  /** Not in API.md v1: the Worker's read marker that drives `unread` in the room list. */
  markRead: (id: string, seq: number) => json<void>("POST", `/rooms/${enc(id)}/read`, { body: { seq } }),
  stop: (id: string, seq: number) => json<void>("POST", `/rooms/${enc(id)}/messages/${seq}/stop`),
  regenerate: (id: string, seq: number) => json<void>("POST", `/rooms/${enc(id)}/messages/${seq}/regenerate`),
  people: (q: string, signal?: AbortSignal, limit = 8) =>
    json<{ people: User[]; exact: User | null }>("GET", "/people", { query: { q, limit }, signal }),
  search: (q: string, signal?: AbortSignal, cursor?: string) =>
    json<Page<{ results: SearchResult[] }>>("GET", "/search", { query: { q, cursor }, signal }),

  upload,
  /** An attachment's bytes (its `url` needs the session's token, which an <img> cannot send). */
  attachment: async (attachmentUrl: string, signal?: AbortSignal) =>
    (await send("GET", attachmentUrl.replace(/^\/api/, ""), { signal })).blob(),
  /** Your AI usage today and what is left of your daily budget. */
  usage: () => json<{ usage: Usage }>("GET", "/me/usage"),
  /** Fetches the export with the session's token and hands it to the browser as a download. */
  async exportRoom(id: string, format: "json" | "markdown") {
    const res = await send("GET", `/rooms/${enc(id)}/export`, { query: { format } });
    const blob = await res.blob();
    const disposition = res.headers.get("Content-Disposition") ?? "";
    // The UTF-8 name (RFC 5987) where there is one; the quoted one is its ASCII stand-in.
    const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const name = utf8
      ? decodeURIComponent(utf8)
      : (/filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `parlor-${id}.${format === "json" ? "json" : "md"}`);
    const href = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = href;
    a.download = name;
    a.click();
    // Give the browser a tick to start the download before the URL goes away.
    setTimeout(() => URL.revokeObjectURL(href), 1000);
  },
};

const enc = encodeURIComponent;

/** A sentence for the user, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    // "Too many … Wait a moment and try again." says when: "Too many … Try again in 3 s."
    const when = err.retryAfterMs && `Try again in ${Math.ceil(err.retryAfterMs / 1000)} s.`;
    if (err.status === 429 && when) return `${err.message.replace(/\s*Wait a moment and try again\.$/, "")} ${when}`;
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}
