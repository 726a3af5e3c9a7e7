// With no GEMINI_API_KEYS (this project binds none) the built-in dummy AI answers through the
// same queue and streaming path, so local dev and tests need no network.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/wire";
import { api, createRoom, post, signUp } from "../../test/helpers";
import { connect } from "../../test/ws";
import { mentions } from "./ai";
import { type ChatRoom, chatRoom } from "./chat-room";

/** A job row written straight into the room's table, as if its queue message were lost or its
 * consumer gone: `touched` is when it last moved. */
function addJob(state: DurableObjectState, id: string, trigger: number, jobState: "queued" | "running", touched = Date.now()) {
  state.storage.sql.exec(
    "INSERT INTO ai_jobs (job_id, trigger_seq, character_id, state, created_at, touched_at) VALUES (?, ?, 'assistant', ?, ?, ?)",
    id,
    trigger,
    jobState,
    touched,
    touched,
  );
}

/** When the watchdog's timer is armed for, if it is. */
const watchdogAt = (state: DurableObjectState) =>
  state.storage.sql.exec<{ at: number }>("SELECT at FROM timers WHERE name = 'ai-watchdog'").toArray()[0]?.at;

describe("AI replies without keys", () => {
  it("streams a reply from the dummy provider in a new room", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant" });
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "Hello there, who are you?");
    const first = await a.next("delta");
    expect(first.index).toBe(0);
    const final = await a.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "complete", 15_000);
    expect(final.message).toMatchObject({ replyTo: sent.body.message.seq, author: { kind: "ai", id: "assistant", name: "Assistant" } });
    expect(final.message.content.length).toBeGreaterThan(10);
    a.close();
  });

  it("stays quiet in rooms without a character or with AI off", async () => {
    const ann = await signUp("ann");
    const plain = await createRoom(ann);
    const off = await createRoom(ann, { characterId: "assistant", aiMode: "off" });
    await post(ann, plain.id, "anyone?");
    await post(ann, off.id, "anyone?");
    await new Promise((r) => setTimeout(r, 500));
    for (const id of [plain.id, off.id]) {
      const page = await api<{ messages: Message[] }>(`/rooms/${id}/messages`, { token: ann.token });
      expect(page.body.messages.map((m) => m.author.kind)).toEqual(["user"]);
    }
  });

  it("answers an edit that first names the AI, where it answers mentions, when it is the newest message", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant", aiMode: "mention" });
    const older = (await post(ann, room.id, "a first thought")).body.message.seq;
    const newest = (await post(ann, room.id, "what makes a good haiku?")).body.message.seq;
    const a = await connect(ann.token, room.id);
    const edit = (seq: number, content: string) =>
      api(`/rooms/${room.id}/messages/${seq}`, { method: "PATCH", token: ann.token, body: { content } });
    // Something was said since the older one: naming the AI there wakes nothing.
    expect((await edit(older, "@Assistant a first thought")).status).toBe(200);
    expect((await edit(newest, "@Assistant what makes a good haiku?")).status).toBe(200);
    const reply = await a.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "complete", 15_000);
    expect(reply.message.replyTo).toBe(newest);
    // Edited again, naming it still: not asked twice.
    expect((await edit(newest, "@Assistant what makes a great haiku?")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages.filter((m) => m.author.kind === "ai").map((m) => m.replyTo)).toEqual([newest]);
    a.close();
  });

  it("refuses to stop or regenerate what is not an AI reply", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant", aiMode: "off" });
    await post(ann, room.id, "not an AI message");
    expect((await api(`/rooms/${room.id}/messages/1/stop`, { method: "POST", token: ann.token })).status).toBe(404);
    expect((await api(`/rooms/${room.id}/messages/1/regenerate`, { method: "POST", token: ann.token })).status).toBe(404);
    expect((await api(`/rooms/${room.id}/messages/99/stop`, { method: "POST", token: ann.token })).status).toBe(404);
  });
});

describe("AI replies when things go wrong", () => {
  it("tells the queue's consumer a reply is over once its room is deleted, rather than failing on its job", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant", aiMode: "off" });
    expect((await api(`/rooms/${room.id}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    const stub = chatRoom(env, room.id);
    // The job's table went with the room: each call says so instead of throwing.
    expect(await stub.beginReply("job-of-a-deleted-room")).toEqual({ ok: false, reason: "room deleted" });
    expect(await stub.appendReply("job-of-a-deleted-room", "attempt", "text")).toBe(false);
    expect(await stub.replyAlive("job-of-a-deleted-room", "attempt")).toBe(false);
    await stub.replyRetrying("job-of-a-deleted-room", "attempt", Date.now() + 1000, "busy");
    await stub.finishReply("job-of-a-deleted-room", "attempt", { status: "complete" });
  });

  it("sends a reconnecting client the final version of a reply it saw start", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await createRoom(ann, { characterId: "assistant", members: [bob.user.username] });
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    await post(ann, room.id, "Tell me something long");
    const started = await b.next("message", (f) => f.message.author.kind === "ai");
    b.close();
    await a.next("message", (f) => f.message.seq === started.message.seq && f.message.status === "complete", 15_000);
    // Bob's newest seq is the reply's own: nothing is "after" it, yet he must see it finished.
    const b2 = await connect(bob.token, room.id, null);
    b2.send({ type: "hello", afterSeq: started.message.seq });
    const final = await b2.next("message", (f) => f.message.seq === started.message.seq);
    expect(final.message.status).toBe("complete");
    expect(final.message.content.length).toBeGreaterThan(0);
    a.close();
    b2.close();
  });

  it("gives up a job nobody works on, so the room's AI is not blocked for good", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant" });
    const first = await post(ann, room.id, "hello");
    const a = await connect(ann.token, room.id);
    await a.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "complete", 15_000);
    // A job whose queue message was lost: queued, and untouched for an hour.
    await runInDurableObject(chatRoom(env, room.id), async (obj: ChatRoom, state) => {
      addJob(state, "lost", first.body.message.seq, "queued", 0);
      await obj.ai.onTimer("ai-watchdog");
    });
    const failed = await a.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "error");
    expect(failed.message.error).toMatch(/didn't answer in time/);
    const next = await post(ann, room.id, "still there?");
    const reply = await a.next("message", (f) => f.message.replyTo === next.body.message.seq && f.message.status === "complete", 15_000);
    expect(reply.message.author.kind).toBe("ai");
    a.close();
  });

  it("gives up a reply whose writer went silent a minute ago, and looks again when the next one would", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant", aiMode: "off" });
    const first = await post(ann, room.id, "hello");
    const second = await post(ann, room.id, "and hello again");
    const a = await connect(ann.token, room.id);
    const minutesAgo = (n: number) => Date.now() - n * 60_000;
    await runInDurableObject(chatRoom(env, room.id), async (obj: ChatRoom, state) => {
      // Its consumer gone mid-stream 70 s ago (a crashed worker); another heard from 30 s ago.
      addJob(state, "silent", first.body.message.seq, "running", minutesAgo(70 / 60));
      const recent = minutesAgo(0.5);
      addJob(state, "recent", second.body.message.seq, "running", recent);
      await obj.ai.onTimer("ai-watchdog");
      // The other is looked at again when it would go stale: 30 s from now, not ten minutes.
      expect(watchdogAt(state)).toBe(recent + 60_000);
    });
    const failed = await a.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "error");
    expect(failed.message).toMatchObject({ replyTo: first.body.message.seq, error: expect.stringMatching(/Try regenerating/) });
    a.close();
  });

  it("takes its writer's polls as signs of life, noted at most every 10 s: a reply thinking before its first word is not given up", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant", aiMode: "off" });
    const first = await post(ann, room.id, "think hard");
    const stub = chatRoom(env, room.id);
    await runInDurableObject(stub, (_obj, state) => addJob(state, "thinking", first.body.message.seq, "queued"));
    const begun = await stub.beginReply("thinking");
    if (!begun.ok) throw new Error(begun.reason);
    const touchedAt = () =>
      runInDurableObject(stub, (_obj, state) =>
        Number(state.storage.sql.exec<{ t: number }>("SELECT touched_at AS t FROM ai_jobs WHERE job_id = 'thinking'").one().t),
      );
    const setTouched = (at: number) =>
      runInDurableObject(
        stub,
        (_obj, state) => void state.storage.sql.exec("UPDATE ai_jobs SET touched_at = ? WHERE job_id = 'thinking'", at),
      );
    // No chunk for 50 s, but the consumer polls: noted, so the watchdog's minute starts again.
    await setTouched(Date.now() - 50_000);
    expect(await stub.replyAlive("thinking", begun.attempt)).toBe(true);
    expect(await touchedAt()).toBeGreaterThan(Date.now() - 5_000);
    // A poll 5 s after the last sign of life writes nothing.
    const recent = Date.now() - 5_000;
    await setTouched(recent);
    await stub.replyAlive("thinking", begun.attempt);
    expect(await touchedAt()).toBe(recent);
  });

  it("lets a reply wait for a retry due later, and gives it ten minutes past that before it gives up", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant", aiMode: "off" });
    const first = await post(ann, room.id, "hello");
    const stub = chatRoom(env, room.id);
    await runInDurableObject(stub, (_obj, state) => addJob(state, "later", first.body.message.seq, "queued"));
    const begun = await stub.beginReply("later");
    if (!begun.ok) throw new Error(begun.reason);
    // Being written: looked at within a minute.
    await runInDurableObject(stub, (_obj, state) => expect(watchdogAt(state)).toBeLessThanOrEqual(Date.now() + 60_000));
    // The provider is busy for half an hour (a 429 with its retry delay); nothing heard since, for five minutes.
    const retryAt = Date.now() + 30 * 60_000;
    await stub.replyRetrying("later", begun.attempt, retryAt, "The AI is getting too many requests right now.");
    await runInDurableObject(stub, async (obj: ChatRoom, state) => {
      state.storage.sql.exec("UPDATE ai_jobs SET touched_at = ? WHERE job_id = 'later'", Date.now() - 5 * 60_000);
      // The watchdog's alarm goes off (taken from the timers as it fires).
      state.storage.sql.exec("DELETE FROM timers WHERE name = 'ai-watchdog'");
      await obj.ai.onTimer("ai-watchdog");
      expect(state.storage.sql.exec<{ state: string }>("SELECT state FROM ai_jobs WHERE job_id = 'later'").one().state).toBe("running");
      expect(watchdogAt(state)).toBe(retryAt + 10 * 60_000);
    });
  });

  it("shows a reply waiting for its asker's turn, until someone else writes after the question", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await createRoom(ann, { characterId: "assistant", aiMode: "off", members: [bob.user.username] });
    const question = await post(ann, room.id, "a question, while my other rooms are busy");
    const stub = chatRoom(env, room.id);
    await runInDurableObject(stub, (_obj, state) => addJob(state, "turn", question.body.message.seq, "queued"));
    const a = await connect(ann.token, room.id);
    const turn = { askerId: ann.user.id, retryAt: Date.now() + 2000, reason: "Waiting for Ann's other AI replies to finish." };
    expect(await stub.beginReply("turn", turn)).toEqual({ ok: false, reason: turn.reason, waiting: true });
    const waiting = await a.next("message", (f) => f.message.author.kind === "ai");
    expect(waiting.message).toMatchObject({
      status: "streaming",
      content: "",
      error: turn.reason,
      retryAt: new Date(turn.retryAt).toISOString(),
    });
    // Ann writing again changes nothing; Bob writing means the reply would hold him back: it goes.
    await post(ann, room.id, "and another thing");
    expect(await stub.beginReply("turn", turn)).toMatchObject({ ok: false, waiting: true });
    await post(bob, room.id, "me too");
    const begun = await stub.beginReply("turn", turn);
    expect(begun).toMatchObject({ ok: true, seq: waiting.message.seq });
    const going = await a.next("message", (f) => f.message.seq === waiting.message.seq && f.message.retryAt === undefined);
    expect(going.message).toMatchObject({ status: "streaming", content: "" });
    a.close();
  });

  it("limits regenerate like sending", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant" });
    const a = await connect(ann.token, room.id);
    await post(ann, room.id, "hi");
    const reply = await a.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "complete", 15_000);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await api(`/rooms/${room.id}/messages/${reply.message.seq}/regenerate`, { method: "POST", token: ann.token })).status);
    }
    expect(statuses).toContain(429);
    a.close();
  });
});

describe("mentions", () => {
  it("matches @Name case-insensitively, not inside longer words or emails", () => {
    expect(mentions("hey @Assistant!", "Assistant")).toBe(true);
    expect(mentions("@assistant what now", "Assistant")).toBe(true);
    expect(mentions("mail me@assistant.com", "Assistant")).toBe(false);
    expect(mentions("@assistants unite", "Assistant")).toBe(false);
    expect(mentions("no mention", "Assistant")).toBe(false);
    expect(mentions("@Dr. Who?", "Dr. Who")).toBe(true);
    expect(mentions("@anyone", null)).toBe(false);
  });
});
