// setup()/teardown() building blocks: users, chat rooms (optionally seeded with history) and AI
// rooms, all created through the public API exactly as a client would. The result is passed by
// k6 to every VU as JSON, so it holds only plain data.
import { check, fail, sleep } from "k6";
import * as api from "./api.ts";
import { config } from "./config.ts";
import { stamp } from "./marker.ts";

export interface LoadUser {
  id: string;
  username: string;
  token: string;
}

export interface LoadRoom {
  id: string;
  /** Indices into Fixture.users; members[0] owns the room. */
  members: number[];
}

export interface Fixture {
  users: LoadUser[];
  rooms: LoadRoom[];
  aiRooms: LoadRoom[];
}

export interface FixtureNeeds {
  rooms?: boolean;
  seed?: boolean;
  aiRooms?: boolean;
}

function username(i: number): string {
  const name = `${config.userPrefix}_${String(i).padStart(4, "0")}`;
  if (!/^[a-z0-9_]{3,32}$/.test(name)) fail(`USER_PREFIX gives invalid username "${name}" (want [a-z0-9_], <= 27 chars)`);
  return name;
}

/** Logs in the deterministic user i, registering it (slowly: per-IP throttle) on first use. */
function ensureUser(i: number): LoadUser {
  const name = username(i);
  let res = api.withBackoff("login", () => api.login(name, config.password));
  if (res.status === 401) {
    res = api.withBackoff("register", () => api.register(name, config.password));
    if (res.status === 409) fail(`${name} exists with another password: set USER_PREFIX or PASSWORD`);
    sleep(config.registerPauseMs / 1000);
  }
  const reply = api.body<api.AuthReply>(res);
  if (!check(res, { "auth: got a token": () => reply?.token !== undefined }) || reply === undefined) {
    fail(`could not log in or register ${name}: ${res.status} ${String(res.body).slice(0, 200)}`);
  }
  return { id: reply.user.id, username: name, token: reply.token };
}

/** Members named in the create call; larger rooms add the rest one by one (see README). */
const CREATE_MEMBERS = 15;

function makeRoom(users: LoadUser[], members: number[], input: api.CreateRoom): LoadRoom {
  const owner = users[members[0] ?? 0] as LoadUser;
  const others = members.slice(1).map((m) => (users[m] as LoadUser).username);
  const first = others.slice(0, CREATE_MEMBERS);
  const res = api.withBackoff("create room", () =>
    api.createRoom(owner.token, { ...input, members: first.length > 0 ? first : undefined }),
  );
  const room = api.body<{ room: api.Room }>(res)?.room;
  if (!check(res, { "setup: room created": (r) => r.status === 201 && room !== undefined }) || room === undefined) {
    fail(`create room: ${res.status} ${String(res.body).slice(0, 200)}`);
  }
  for (const username of others.slice(CREATE_MEMBERS)) {
    const added = api.withBackoff("add member", () => api.addMember(owner.token, room.id, username));
    check(added, { "setup: member added": (r) => r.status === 201 });
  }
  return { id: room.id, members };
}

function seed(users: LoadUser[], room: LoadRoom, count: number): void {
  for (let k = 0; k < count; k++) {
    const author = users[room.members[k % room.members.length] ?? 0] as LoadUser;
    const res = api.withBackoff("seed", () => api.postMessage(author.token, room.id, stamp("rest", `seed ${k}`), `seed-${room.id}-${k}`));
    check(res, { "setup: seed message stored": (r) => r.status === 201 || r.status === 200 });
  }
}

function findAssistant(token: string): string {
  const res = api.listCharacters(token);
  const list = api.body<{ characters: api.Character[] }>(res)?.characters ?? [];
  const assistant = list.find((c) => c.builtIn && c.name === "Assistant") ?? list[0];
  if (assistant === undefined) fail(`no characters available: ${res.status}`);
  return assistant.id;
}

export function createFixture(needs: FixtureNeeds): Fixture {
  const runId = Date.now().toString(36);
  const users: LoadUser[] = [];
  for (let i = 0; i < config.users; i++) users.push(ensureUser(i));

  const rooms: LoadRoom[] = [];
  if (needs.rooms === true) {
    const perRoom = Math.min(config.members, config.users);
    for (let r = 0; r < config.rooms; r++) {
      const members: number[] = [];
      for (let m = 0; m < perRoom; m++) members.push((r * perRoom + m) % config.users);
      // aiMode off: these rooms measure people talking; AI load is its own scenario.
      rooms.push(makeRoom(users, members, { title: `k6 ${runId} room ${r}`, aiMode: "off" }));
    }
    if (needs.seed === true) for (const room of rooms) seed(users, room, config.seedMessages);
  }

  const aiRooms: LoadRoom[] = [];
  if (needs.aiRooms === true && config.aiRooms > 0) {
    const characterId = findAssistant((users[0] as LoadUser).token);
    // One room per AI VU: a room runs one generation at a time, so sharing would measure the
    // coalescing queue rather than the pipeline.
    for (let a = 0; a < config.aiRooms; a++) {
      const owner = a % config.users;
      aiRooms.push(makeRoom(users, [owner], { title: `k6 ${runId} ai ${a}`, characterId, aiMode: "always" }));
    }
  }
  console.log(`fixture: ${users.length} users, ${rooms.length} rooms, ${aiRooms.length} AI rooms`);
  return { users, rooms, aiRooms };
}

/** Deletes what setup created (owners only can), unless KEEP_ROOMS=1. */
export function removeFixture(data: Fixture): void {
  if (config.keepRooms) return;
  for (const room of [...data.rooms, ...data.aiRooms]) {
    const owner = data.users[room.members[0] ?? 0];
    if (owner !== undefined) check(api.deleteRoom(owner.token, room.id), { "teardown: room deleted": (r) => r.status === 204 });
  }
}
