// Helpers for tests that drive the Worker through its real fetch handler inside workerd.
import { exports } from "cloudflare:workers";
import type { Message, Room, User } from "../shared/wire";

export const BASE = "https://parlor.test";

export type Reply<T = Record<string, unknown>> = { status: number; body: T; headers: Headers };

export async function api<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  let body: BodyInit | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" || init.body instanceof ReadableStream ? init.body : JSON.stringify(init.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const res = await exports.default.fetch(
    new Request(`${BASE}/api${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body }),
  );
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (an export, say): the raw text.
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let counter = 0;
/** A username no other test (or earlier run against the same Postgres) has used. */
export function uniqueName(prefix = "u"): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e4)}`.slice(0, 32);
}

export type Account = { token: string; user: User };

export async function signUp(prefix = "u"): Promise<Account> {
  const username = uniqueName(prefix);
  // A distinct client IP per account keeps the per-IP registration throttle out of the way.
  const r = await api<Account>("/auth/register", {
    body: { username, password: "correct horse battery" },
    headers: { "CF-Connecting-IP": `10.0.${counter % 250}.${Math.floor(Math.random() * 250)}` },
  });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * The setup most room tests start from: an account for each name, and a room the first one
 * created with the others as members. `const [room, ann, bob] = await roomWith("ann", "bob")`.
 */
export async function roomWith<Names extends string[]>(...names: Names): Promise<[Room, ...{ [K in keyof Names]: Account }]> {
  const people: Account[] = [];
  for (const name of names) people.push(await signUp(name));
  const [owner, ...members] = people;
  if (!owner) throw new Error("roomWith needs at least one name");
  const room = await createRoom(owner, members.length ? { members: members.map((m) => m.user.username) } : {});
  return [room, ...people] as [Room, ...{ [K in keyof Names]: Account }];
}

export async function createRoom(owner: Account, body: Record<string, unknown> = {}): Promise<Room> {
  const r = await api<{ room: Room }>("/rooms", { token: owner.token, body });
  if (r.status !== 201) throw new Error(`create room failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.room;
}

export async function post(owner: Account, roomId: string, content: string, clientId?: string) {
  return api<{ message: Message }>(`/rooms/${roomId}/messages`, { token: owner.token, body: { content, clientId } });
}
