// The AI pipeline end to end, inside workerd: a message in a room with a character goes
// through the real local queue to the consumer, which streams a reply from the Gemini test
// double through the real @google/genai SDK into the room's WebSockets. The double stands
// for Google only; the queue, the KeyPool and the ChatRoom are the real ones.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import type { Message } from "../../shared/wire";
import { GeminiControl, type Step } from "../../test/gemini/control";
import { type Account, api, createRoom, post, signUp } from "../../test/helpers";
import { connect, finalReply } from "../../test/ws";

const double = new GeminiControl(env.GEMINI_BASE_URL);
const [KEY_A, KEY_B] = (env.GEMINI_API_KEYS ?? "").split(",") as [string, string];

const reply = (chunks: string[], delayMs = 5): Step => ({ kind: "reply", chunks, delayMs });
const fail = (status: number, retryDelay?: string): Step => ({ kind: "error", status, retryDelay });

async function freshPool() {
  const pool = keyPool(env);
  await runInDurableObject(pool, async (_obj, state) => {
    await state.storage.deleteAll();
  });
  await evictDurableObject(pool).catch(() => {});
}

async function aiRoom(who: Account, extra: Record<string, unknown> = {}) {
  return createRoom(who, { characterId: "assistant", ...extra });
}

function aiMessages(page: Message[]) {
  return page.filter((m) => m.author.kind === "ai");
}

describe.skipIf(!env.GEMINI_BASE_URL)("AI pipeline", () => {
  beforeEach(async () => {
    await double.reset(KEY_A);
    await double.reset(KEY_B);
    await freshPool();
  });

  it("streams a reply to two clients; one reconnecting mid-stream ends with the same text, no chunk twice", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await aiRoom(ann, { members: [bob.user.username] });
    const words = Array.from({ length: 30 }, (_, i) => `w${i} `);
    await double.script(KEY_A, reply(words, 30));
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    const sent = await post(ann, room.id, "tell me a story");
    const trigger = sent.body.message.seq;

    // Bob leaves once a few deltas arrived, then comes back with the last seq he saw.
    await b.next("delta", (f) => f.index >= 3);
    const streamingSeq = (b.frames.find((f) => f.type === "message" && f.message.author.kind === "ai") as { message: Message }).message.seq;
    b.close();
    const b2 = await connect(bob.token, room.id, null);
    b2.send({ type: "hello", afterSeq: trigger });
    const resumed = await b2.next("message", (f) => f.message.seq === streamingSeq);
    // Apply what a client would: the text so far, then deltas from streamIndex on.
    let text = resumed.message.content;
    let nextIndex = resumed.message.streamIndex ?? 0;
    const finalB = await finalReply(b2, trigger);
    for (const f of b2.frames) {
      if (f.type !== "delta" || f.seq !== streamingSeq) continue;
      if (f.index === nextIndex) {
        text += f.text;
        nextIndex++;
      }
    }
    const finalA = await finalReply(a, trigger);
    expect(finalA.message.content).toBe(words.join(""));
    expect(finalB.message.content).toBe(words.join(""));
    if (resumed.message.status === "streaming") expect(text).toBe(words.join(""));
    // Ann's deltas, applied in order, rebuild the text exactly once.
    const deltas = a.frames.filter((f) => f.type === "delta");
    expect(deltas.map((f) => (f as { index: number }).index)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((f) => (f as { text: string }).text).join("")).toBe(words.join(""));
    a.close();
    b2.close();
  });

  it("moves a rate-limited job to another key and cools the first for its retryDelay", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann);
    await double.script(KEY_A, fail(429, "30s"));
    await double.script(KEY_B, reply(["From ", "key B."]));
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "hello?");
    const final = await finalReply(a, sent.body.message.seq);
    expect(final.message).toMatchObject({ status: "complete", content: "From key B." });
    expect((await double.requests(KEY_A)).map((r) => r.status)).toEqual([429]);
    const status = await keyPool(env).status();
    const cooled = status.keys.find((k) => k.key.endsWith(KEY_A.slice(-4)));
    expect(Date.parse(cooled?.cooldownUntil ?? "")).toBeGreaterThan(Date.now() + 25_000);
    a.close();
  });

  it("waits when every key is cooling, then completes exactly once", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann);
    await double.script(KEY_A, fail(429, "1s"), reply(["Patience ", "pays."]));
    await double.script(KEY_B, fail(429, "1s"), reply(["Patience ", "pays."]));
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "are you there?");
    const waiting = await a.next("message", (f) => f.message.author.kind === "ai" && f.message.retryAt !== undefined);
    expect(waiting.message.status).toBe("streaming");
    const final = await finalReply(a, sent.body.message.seq);
    expect(final.message).toMatchObject({ status: "complete", content: "Patience pays." });
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(aiMessages(page.body.messages)).toHaveLength(1);
    a.close();
  });

  it("retries two 500s and answers on the third attempt, with one reply", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann);
    // Attempts rotate over the keys (least recently used first): A, B, then A again.
    await double.script(KEY_A, fail(500), reply(["Third ", "time."]));
    await double.script(KEY_B, fail(500), reply(["Third ", "time."]));
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "try hard");
    const final = await finalReply(a, sent.body.message.seq);
    expect(final.message).toMatchObject({ status: "complete", content: "Third time." });
    const calls = [...(await double.requests(KEY_A)), ...(await double.requests(KEY_B))];
    expect(calls).toHaveLength(3);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(aiMessages(page.body.messages)).toHaveLength(1);
    a.close();
  });

  it("gives up after 1 + QUEUE_MAX_RETRIES attempts and marks the reply error via the dead-letter queue", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann);
    const always = Array.from({ length: 10 }, () => fail(500));
    await double.script(KEY_A, ...always);
    await double.script(KEY_B, ...always);
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "doomed");
    const final = await finalReply(a, sent.body.message.seq, 20_000);
    expect(final.message.status).toBe("error");
    expect(final.message.error).toMatch(/couldn't answer after several tries/);
    const calls = [...(await double.requests(KEY_A)), ...(await double.requests(KEY_B))];
    expect(calls).toHaveLength(1 + Number(env.QUEUE_MAX_RETRIES));
    a.close();
  });

  it("produces one reply when the same job is delivered twice", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann, { aiMode: "off" });
    await double.script(KEY_A, reply(["Only ", "once."], 20));
    await double.script(KEY_B, reply(["Only ", "once."], 20));
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "hi");
    // Turn the AI on only for the job we send by hand, twice, as a redelivery would.
    const stub = chatRoom(env, room.id);
    const jobId = crypto.randomUUID();
    await runInDurableObject(stub, (_obj, state) => {
      state.storage.sql.exec(
        "INSERT INTO ai_jobs (job_id, trigger_seq, character_id, state, created_at) VALUES (?, ?, 'assistant', 'queued', ?)",
        jobId,
        sent.body.message.seq,
        Date.now(),
      );
    });
    const job = { jobId, roomId: room.id, triggerSeq: sent.body.message.seq, characterId: "assistant" };
    await env.GENERATE_QUEUE.send(job);
    await env.GENERATE_QUEUE.send(job);
    const final = await finalReply(a, sent.body.message.seq);
    expect(final.message.content).toBe("Only once.");
    await new Promise((r) => setTimeout(r, 500));
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(aiMessages(page.body.messages).map((m) => [m.content, m.status])).toEqual([["Only once.", "complete"]]);
    a.close();
  });

  it("stops mid-stream: the upstream request is aborted and the reply stays stopped", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann);
    const slow = Array.from({ length: 100 }, (_, i) => `s${i} `);
    await double.script(KEY_A, reply(slow, 50));
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "go on forever");
    const delta = await a.next("delta", (f) => f.index >= 2);
    a.send({ type: "stop", seq: delta.seq });
    const stopped = await a.next("message", (f) => f.message.seq === delta.seq && f.message.status === "stopped");
    expect(stopped.message.content.length).toBeGreaterThan(0);
    const seen = await double.waitForRequest(KEY_A, (r) => r.aborted);
    expect(seen.completed).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    const ai = aiMessages(page.body.messages);
    expect(ai).toHaveLength(1);
    expect(ai[0]?.status).toBe("stopped");
    expect(sent.status).toBe(201);
    a.close();
  });

  it("coalesces five messages sent during a generation into one follow-up reply", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann);
    await double.script(KEY_A, reply(["first ", "answer"], 60), reply(["follow ", "up"]));
    await double.script(KEY_B, reply(["follow ", "up"]));
    const a = await connect(ann.token, room.id);
    const first = await post(ann, room.id, "question one");
    await a.next("delta");
    let last = first;
    for (let i = 0; i < 5; i++) last = await post(ann, room.id, `and also ${i}`);
    await finalReply(a, first.body.message.seq);
    const followUp = await finalReply(a, last.body.message.seq);
    expect(followUp.message.status).toBe("complete");
    await new Promise((r) => setTimeout(r, 500));
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(aiMessages(page.body.messages)).toHaveLength(2);
    a.close();
  });

  it("answers REST clients with wait=true once the reply is final", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann);
    await double.script(KEY_A, reply(["Waited ", "for."]));
    const r = await api<{ message: Message; reply: Message }>(`/rooms/${room.id}/messages?wait=true`, {
      token: ann.token,
      body: { content: "wait for it" },
    });
    expect(r.status).toBe(201);
    expect(r.body.reply).toMatchObject({ status: "complete", content: "Waited for.", replyTo: r.body.message.seq });
  });

  it("only answers @mentions in mention mode", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann, { aiMode: "mention" });
    await double.script(KEY_A, reply(["You ", "called?"]));
    const a = await connect(ann.token, room.id);
    await post(ann, room.id, "just chatting");
    const called = await post(ann, room.id, "hey @assistant, a question");
    const final = await finalReply(a, called.body.message.seq);
    expect(final.message.content).toBe("You called?");
    expect(
      a.frames.filter((f) => f.type === "message" && f.message.author.kind === "ai" && f.message.replyTo !== called.body.message.seq),
    ).toEqual([]);
    a.close();
  });

  it("writes at most three of one person's replies at once; the fourth waits its turn, and others' do not wait", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const slow = Array.from({ length: 20 }, (_, i) => `s${i} `);
    // Every call, on either key, streams for about two seconds.
    for (const key of [KEY_A, KEY_B]) await double.script(key, ...Array.from({ length: 5 }, () => reply(slow, 100)));
    const rooms = await Promise.all([0, 1, 2, 3, 4].map(() => aiRoom(ann)));
    const sockets = await Promise.all(rooms.map((r) => connect(ann.token, r.id)));
    // The local queue hands the consumer one batch at a time: the first job streams while the
    // other four gather into one batch behind it.
    const sent = [await post(ann, rooms[0]?.id ?? "", "question 0")];
    await sockets[0]?.next("delta");
    sent.push(...(await Promise.all(rooms.slice(1).map((r, i) => post(ann, r.id, `question ${i + 1}`)))));
    const waits = () =>
      sockets.flatMap((ws) =>
        ws.frames.filter((f) => f.type === "message" && f.message.author.kind === "ai" && f.message.retryAt !== undefined),
      );
    const bobRoom = await aiRoom(bob);
    const b = await connect(bob.token, bobRoom.id);
    const bobs = await post(bob, bobRoom.id, "mine is separate");
    const bobReply = await finalReply(b, bobs.body.message.seq);
    expect(bobReply.message.content).toBe(slow.join(""));
    expect(b.frames.filter((f) => f.type === "message" && f.message.retryAt !== undefined)).toEqual([]);
    const finals = await Promise.all(sockets.map((ws, i) => finalReply(ws, sent[i]?.body.message.seq ?? 0)));
    expect(finals.map((f) => f.message.content)).toEqual(rooms.map(() => slow.join("")));
    // Exactly one of the four written together was told to wait, and why.
    const waited = new Set(waits().map((f) => (f.type === "message" ? f.message.roomId : "")));
    expect(waited.size).toBe(1);
    expect(waits()[0]).toMatchObject({
      message: { error: "Waiting its turn: one person's messages get at most 3 AI replies at once." },
    });
    for (const ws of [...sockets, b]) ws.close();
  });

  it("holds a retry longer than the queue allows in the room's alarm, then sends the job again", async () => {
    const ann = await signUp("ann");
    const room = await aiRoom(ann, { aiMode: "off" });
    await double.script(KEY_A, reply(["Held ", "and ", "resumed."]));
    const a = await connect(ann.token, room.id);
    const sent = await post(ann, room.id, "later, please");
    const stub = chatRoom(env, room.id);
    const jobId = crypto.randomUUID();
    await runInDurableObject(stub, (_obj, state) => {
      state.storage.sql.exec(
        "INSERT INTO ai_jobs (job_id, trigger_seq, character_id, state, created_at) VALUES (?, ?, 'assistant', 'running', ?)",
        jobId,
        sent.body.message.seq,
        Date.now(),
      );
    });
    await stub.holdJob(
      { jobId, roomId: room.id, triggerSeq: sent.body.message.seq, characterId: "assistant", priorAttempts: 2 },
      Date.now() + 300,
    );
    const final = await finalReply(a, sent.body.message.seq);
    expect(final.message.content).toBe("Held and resumed.");
    a.close();
  });
});
