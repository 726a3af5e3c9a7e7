// Thin typed wrappers over k6/http for the REST routes the suite uses (see API.md). Requests
// with ids in the path carry a `name` tag so k6 groups them into one series instead of one per
// room. Wire types come from the Worker's own protocol module, imported as types only, so k6
// (which strips types) never loads zod.

import { sleep } from "k6";
import http, { type RefinedResponse, type ResponseType } from "k6/http";
import type { Character, Message, Room, RoomListItem, User } from "../../shared/wire.ts";
import { config } from "./config.ts";

export type { Character, Message, Room, RoomListItem, User };
export type Res = RefinedResponse<ResponseType | undefined>;

export function authHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
}

/** Parses a JSON body; undefined when the body is empty or not JSON (checks then fail). */
export function body<T>(res: Res): T | undefined {
  if (typeof res.body !== "string" || res.body === "") return undefined;
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return undefined;
  }
}

/**
 * For setup only: retries a request refused with 429, sleeping for Retry-After (capped), so a
 * run that has to register users backs off instead of failing. VU code never retries: there a
 * 429 is a result worth counting. Setup's requests feed the same `http_req_failed` as the
 * test's, so the calls retried here expect a 429 (a 429 they end with fails setup itself).
 */
export function withBackoff(label: string, send: () => Res, attempts = 8): Res {
  let res = send();
  for (let i = 1; i < attempts && res.status === 429; i++) {
    const wait = Math.min(Number(res.headers["Retry-After"] ?? "2") || 2, 30);
    console.warn(`${label}: 429, retrying in ${wait}s (${i}/${attempts - 1})`);
    sleep(wait);
    res = send();
  }
  return res;
}

export type AuthReply = { token: string; user: User };

export function login(username: string, password: string): Res {
  return http.post(`${config.baseUrl}/api/auth/login`, JSON.stringify({ username, password }), {
    headers: { "Content-Type": "application/json" },
    tags: { name: "POST /api/auth/login" },
    // A first run has no users yet: 401 here is expected, not a failed request.
    responseCallback: http.expectedStatuses(200, 401, 429),
  });
}

export function register(username: string, password: string): Res {
  return http.post(`${config.baseUrl}/api/auth/register`, JSON.stringify({ username, password, displayName: `Load ${username}` }), {
    headers: { "Content-Type": "application/json" },
    tags: { name: "POST /api/auth/register" },
    // 409: the name is taken (setup then stops with a clear message).
    responseCallback: http.expectedStatuses(201, 409, 429),
  });
}

export function listCharacters(token: string): Res {
  return http.get(`${config.baseUrl}/api/characters`, {
    headers: authHeaders(token),
    tags: { name: "GET /api/characters" },
  });
}

export type CreateRoom = { title?: string; characterId?: string; aiMode?: Room["aiMode"]; members?: string[] };

export function createRoom(token: string, input: CreateRoom): Res {
  return http.post(`${config.baseUrl}/api/rooms`, JSON.stringify(input), {
    headers: authHeaders(token),
    tags: { name: "POST /api/rooms" },
    responseCallback: http.expectedStatuses(201, 429),
  });
}

export function addMember(token: string, roomId: string, username: string): Res {
  return http.post(`${config.baseUrl}/api/rooms/${roomId}/members`, JSON.stringify({ username }), {
    headers: authHeaders(token),
    tags: { name: "POST /api/rooms/:id/members" },
    // Invitations are throttled per person (100 at once, then 60 a minute): setup waits a 429 out.
    responseCallback: http.expectedStatuses(201, 429),
  });
}

export function deleteRoom(token: string, roomId: string): Res {
  return http.del(`${config.baseUrl}/api/rooms/${roomId}`, null, {
    headers: authHeaders(token),
    tags: { name: "DELETE /api/rooms/:id" },
  });
}

export function getRoom(token: string, roomId: string): Res {
  return http.get(`${config.baseUrl}/api/rooms/${roomId}`, {
    headers: authHeaders(token),
    tags: { name: "GET /api/rooms/:id" },
  });
}

export function listRooms(token: string, limit = 20): Res {
  return http.get(`${config.baseUrl}/api/rooms?limit=${limit}`, {
    headers: authHeaders(token),
    tags: { name: "GET /api/rooms" },
  });
}

export function history(token: string, roomId: string, query: string): Res {
  return http.get(`${config.baseUrl}/api/rooms/${roomId}/messages?${query}`, {
    headers: authHeaders(token),
    tags: { name: "GET /api/rooms/:id/messages" },
  });
}

export function postMessage(token: string, roomId: string, content: string, clientId: string): Res {
  return http.post(`${config.baseUrl}/api/rooms/${roomId}/messages`, JSON.stringify({ content, clientId }), {
    headers: authHeaders(token),
    tags: { name: "POST /api/rooms/:id/messages" },
    // 429 is counted by the writes_rate_limited metric instead of as a failed request, so the
    // two thresholds tell "the server broke" apart from "the load exceeded the send limit".
    responseCallback: http.expectedStatuses({ min: 200, max: 201 }, 429),
  });
}
