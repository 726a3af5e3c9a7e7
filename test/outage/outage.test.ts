// The history store going down while people chat, against a real PostgreSQL the test stops
// (`pg_ctl -m immediate`) and starts again, or makes fail slowly (test/outage/global-setup.ts).
// Sends are acked throughout; REST answers 503 store_unavailable, except the latest page and
// posting for a member the room knows (served by the room); a member the room knows can
// rejoin, whether they connected before or were only on the list it was handed; the backlog shows in /api/health and /metrics; once the store answers, a health check
// wakes the room and every message reaches it exactly once, long before the retry backoff
// (here allowed to grow to a minute) would have run it. No timing is asserted: the waits poll
// for states, with generous overall limits.
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import type { Message } from "../../shared/wire";
import { forgetRoomAccess } from "../../worker/routes/room-access";
import { type Account, api, roomWith } from "../helpers";
import { type Client, connect, openSocket } from "../ws";

const controlUrl = (env as unknown as { OUTAGE_CONTROL_URL: string }).OUTAGE_CONTROL_URL;

async function control(what: "stop" | "start" | "slow" | "fast") {
  const res = await fetch(`${controlUrl}/${what}`);
  if (!res.ok) throw new Error(`control ${what}: ${res.status} ${await res.text()}`);
}

/** Polls `probe` until it returns something truthy (every 200 ms, for at most `limitMs`). */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 60_000): Promise<T> {
  const end = Date.now() + limitMs;
  let failure: unknown;
  for (;;) {
    const found = await probe().catch((err) => {
      failure = err;
      return undefined;
    });
    if (found) return found;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}${failure ? ` (last error: ${failure})` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** When the room's flush timer is due next (epoch ms), or null when none is armed. */
function flushDueAt(roomId: string): Promise<number | null> {
  return runInDurableObject(chatRoom(env, roomId), async (_room, state) => {
    const [row] = state.storage.sql.exec<{ at: number }>("SELECT at FROM timers WHERE name = 'flush'").toArray();
    return row?.at ?? null;
  });
}

/** The flush timer's deadline if it is more than `ms` away (the backoff has grown that far). */
async function flushDueAfter(roomId: string, ms: number): Promise<number | undefined> {
  const at = await flushDueAt(roomId);
  return at !== null && at - Date.now() > ms ? at : undefined;
}

/** With the store back, health checks (which wake the rooms with a backlog) until the store
 * holds every message exactly once: before `deadline`, when the backoff would have run it. */
async function expectHomeBefore(deadline: number, roomId: string, contents: string[]) {
  await until("health to wake the room and the store to hold every message", async () => {
    await healthBody();
    return (await storedMessages(roomId)).length === contents.length;
  });
  expect(Date.now()).toBeLessThan(deadline);
  expectExactly(await storedMessages(roomId), contents);
}

/** Every message of the room as the Postgres server itself holds it (read from outside). */
async function storedMessages(roomId: string): Promise<Pick<Message, "seq" | "content">[]> {
  const res = await fetch(`${controlUrl}/rows/${roomId}`);
  if (!res.ok) throw new Error(`rows: ${res.status}`);
  return res.json();
}

let sent = 0;
/** The clientIds whose sends were acked. */
const acked = new Set<string>();
async function send(client: Client, content: string) {
  const clientId = `c${++sent}`;
  client.send({ type: "send", clientId, content });
  const ack = await client.next("ack", (f) => f.clientId === clientId, 15_000);
  acked.add(clientId);
  return ack;
}

/** The seqs of the messages a client saw, in arrival order (each version of one counts once). */
function seqsOf(frames: Client["frames"]): number[] {
  return frames.flatMap((f) => (f.type === "message" ? [f.message.seq] : []));
}

/** How a view of seqs 1..n differs from it: missing, repeated, out of order. */
function compare(seqs: number[], n: number) {
  const seen = new Set(seqs);
  return {
    lost: Array.from({ length: n }, (_, i) => i + 1).filter((seq) => !seen.has(seq)).length,
    duplicated: seqs.length - seen.size,
    reordered: seqs.filter((seq, i) => i > 0 && seq < (seqs[i - 1] as number)).length,
  };
}

/** The store holds exactly `contents`, in order, once each, with seqs 1..n. */
function expectExactly(stored: Pick<Message, "seq" | "content">[], contents: string[]) {
  expect(stored.map((m) => m.seq)).toEqual(contents.map((_, i) => i + 1));
  expect(stored.map((m) => m.content)).toEqual(contents);
}

async function healthBody() {
  const res = await api<{ status: string; backlog: Record<string, { messages: number; oldestSeconds: number }> }>("/health");
  return res;
}

describe("the history store going down", () => {
  it("keeps the retry backoff under traffic against a store that fails slowly, and a health check brings the backlog home", async () => {
    const [room, ann] = await roomWith("ann");
    const a = await connect(ann.token, room.id);
    const contents: string[] = [];
    await control("slow");
    try {
      // Each attempt hangs until FLUSH_TIMEOUT_MS (2 s here); a send every 200 ms lands while
      // one is in flight, and none may bring the next attempt forward (the backoff grows
      // 1, 2, 4 s; re-armed by the sends, it would never pass the 250 ms FLUSH_DELAY_MS).
      const due = until("the retry backoff to grow past 3 s", async () => {
        const content = `slow ${contents.length}`;
        contents.push(content);
        await send(a, content);
        return flushDueAfter(room.id, 3000);
      });
      const deadline = await due;
      await control("fast");
      await expectHomeBefore(deadline, room.id, contents);
    } finally {
      await control("fast");
      a.close();
    }
  });

  it("acks sends, answers REST with 503, lets known members rejoin, and loses nothing", async () => {
    const [room, ann, bob, carol, dave] = await roomWith("ann", "bob", "carol", "dave");
    await forgetMember(room.id, dave);
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    acked.clear();
    const contents = ["before the outage"];
    await send(a, contents[0] as string);
    await until("the first message in the store", async () => (await storedMessages(room.id)).length === 1);
    await control("stop");
    try {
      for (let i = 0; i < 20; i++) {
        contents.push(`during ${i}`);
        await send(i % 2 ? b : a, contents.at(-1) as string);
      }
      await expectRestUnavailable(room.id, dave);
      await expectServedByRoom(room.id, ann, contents);
      await expectRejoin(room.id, bob, carol, dave, b, contents.length);
      const health = await until("health to show the backlog", async () => {
        const res = await healthBody();
        return res.status === 503 && (res.body.backlog.pg?.messages ?? 0) >= 20 ? res.body : undefined;
      });
      expect(health.status).toBe("degraded");
      const metrics = await exports.default.fetch(
        new Request("https://parlor.test/metrics", { headers: { Authorization: "Bearer test-admin-token" } }),
      );
      expect(await metrics.text()).toMatch(/parlor_history_backlog_messages\{store="pg"\} (2\d|[3-9]\d)/);
      const deadline = await until("the backoff to grow past 6 s", () => flushDueAfter(room.id, 6000));
      await control("start");
      const restarted = Date.now();
      await expectHomeBefore(deadline, room.id, contents);
      const catchUpMs = Date.now() - restarted;
      await until("health to clear", async () => {
        const res = await healthBody();
        return res.status === 200 && Object.keys(res.body.backlog).length === 0;
      });
      // Every view: Ann's socket (open throughout), a fresh catch-up, and the Postgres rows.
      const fresh = await connect(dave.token, room.id, { afterSeq: 0 });
      await fresh.next("message", (f) => f.message.seq === contents.length);
      const views = {
        annLive: seqsOf(a.frames),
        freshCatchUp: seqsOf(fresh.frames),
        postgresRows: (await storedMessages(room.id)).map((m) => m.seq),
      };
      const report = Object.fromEntries(Object.entries(views).map(([name, seqs]) => [name, compare(seqs, contents.length)]));
      console.log(JSON.stringify({ event: "outage_summary", sends: contents.length, acked: acked.size, catchUpMs, views: report }));
      for (const view of Object.values(report)) expect(view).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
      // Every send but the one posted over REST was acked on a socket.
      expect(acked.size).toBe(contents.length - 1);
      fresh.close();
    } finally {
      await control("start");
      a.close();
    }
  });
});

/** What the room holds itself still serves a member it knows: the latest page, and a post. */
async function expectServedByRoom(roomId: string, who: Account, contents: string[]) {
  const page = await api<{ messages: { content: string }[] }>(`/rooms/${roomId}/messages`, { token: who.token });
  expect(page.status).toBe(200);
  expect(page.body.messages.map((m) => m.content)).toEqual(contents);
  contents.push("posted over REST during the outage");
  const posted = await api<{ message: { seq: number } }>(`/rooms/${roomId}/messages`, {
    token: who.token,
    body: { content: contents.at(-1) },
  });
  expect(posted.status).toBe(201);
  expect(posted.body.message.seq).toBe(contents.length);
}

/** For a member the room does not know, every REST route that reads the store answers 503
 * store_unavailable with Retry-After. */
async function expectRestUnavailable(roomId: string, who: Account) {
  const routes: [string, { method?: string; body?: unknown }][] = [
    [`/rooms/${roomId}/messages`, {}],
    [`/rooms/${roomId}/messages?after=0`, {}],
    [`/rooms/${roomId}`, {}],
    ["/rooms", {}],
    ["/search?q=during", {}],
    [`/rooms/${roomId}/messages`, { body: { content: "over REST" } }],
  ];
  for (const [path, init] of routes) {
    const res = await api<{ error: { code: string } }>(path, { ...init, token: who.token });
    expect(res.status, path).toBe(503);
    expect(res.body.error.code, path).toBe("store_unavailable");
    expect(Number(res.headers.get("Retry-After")), path).toBeGreaterThan(0);
  }
}

/** A member whose addition never reached the room object (the Worker's call to it failed, or
 * the room predates the list it is handed): only the store knows them. */
async function forgetMember(roomId: string, who: Account) {
  await runInDurableObject(chatRoom(env, roomId), async (_room, state) => {
    state.storage.sql.exec("DELETE FROM members WHERE user_id = ?", who.user.id);
  });
  await evictDurableObject(chatRoom(env, roomId));
}

/** Bob, who connected before, gets back in (this isolate's copy of the member list gone, as
 * after a minute), and so does Carol, who never connected but was on the list the room was
 * handed when it was created; Dave, a member the room was never told of, is told to retry
 * (1013). */
async function expectRejoin(roomId: string, bob: Account, carol: Account, dave: Account, old: Client, count: number) {
  old.close();
  for (const who of [bob, carol]) {
    forgetRoomAccess(roomId);
    const again = await connect(who.token, roomId, { afterSeq: 0 });
    await again.next("message", (f) => f.message.seq === count);
    expect(again.frames.filter((f) => f.type === "message")).toHaveLength(count);
    again.close();
  }
  forgetRoomAccess(roomId);
  const res = await openSocket(dave.token, roomId);
  expect(res.status).toBe(101);
  const ws = res.webSocket as WebSocket;
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
  ws.accept();
  expect(await closed).toBe(1013);
}
