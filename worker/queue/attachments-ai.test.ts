// What the AI sees of attachments, and AI budgets, end to end inside workerd: files uploaded to
// the local R2 reach the Gemini double as inlineData parts through the real @google/genai SDK,
// and tokens from Gemini's usageMetadata are counted per person; a person over the daily budget
// (AI_DAILY_TOKENS_PER_PERSON is 1,000,000 in this project) gets a message saying so instead
// of a reply, and sees it in GET /api/me/usage, as operators do in /api/admin/usage and /metrics.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import type { Message } from "../../shared/wire";
import { pdf, png, upload } from "../../test/attachments";
import { GeminiControl, type RecordedRequest } from "../../test/gemini/control";
import { type Account, api, createRoom, signUp } from "../../test/helpers";
import { waitForSample } from "../../test/metrics";
import { connect, finalReply } from "../../test/ws";

const double = new GeminiControl(env.GEMINI_BASE_URL);
const KEYS = (env.GEMINI_API_KEYS ?? "").split(",");

async function allRequests(): Promise<RecordedRequest[]> {
  const all = (await Promise.all(KEYS.map((k) => double.requests(k)))).flat();
  return all.sort((a, b) => a.id - b.id);
}

async function ask(who: Account, roomId: string, content: string, attachments: string[] = []): Promise<Message> {
  const ws = await connect(who.token, roomId);
  const sent = await api<{ message: Message }>(`/rooms/${roomId}/messages`, { token: who.token, body: { content, attachments } });
  expect(sent.status).toBe(201);
  const reply = await finalReply(ws, sent.body.message.seq);
  ws.close();
  return reply.message;
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

describe.skipIf(!env.GEMINI_BASE_URL)("attachments and budgets in the AI pipeline", () => {
  beforeEach(async () => {
    for (const k of KEYS) await double.reset(k);
    const pool = keyPool(env);
    await runInDurableObject(pool, (_o, state) => state.storage.deleteAll());
    await evictDurableObject(pool).catch(() => {});
  });

  it("sends the trigger's image and PDF to Gemini as inlineData, and recent ones with the next message", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant" });
    const chart = (await upload(ann, room.id, png(640, 480), "chart.png")).body.attachment;
    const notes = (await upload(ann, room.id, pdf(), "notes.pdf")).body.attachment;
    const reply = await ask(ann, room.id, "what does this chart show?", [chart.id, notes.id]);
    expect(reply.status).toBe("complete");
    expect(reply.content).toContain("[attached: chart.png] [attached: notes.pdf]");
    expect(reply.content).toContain("[got image/png, 97 bytes] [got application/pdf");

    const [first] = await allRequests();
    expect(first?.inline).toEqual([
      { role: "user", mimeType: "image/png", size: 97, data: base64(png(640, 480)) },
      { role: "user", mimeType: "application/pdf", size: pdf().length, data: base64(pdf()) },
    ]);

    // The next question carries no file, but the chart is still in the context window.
    await ask(ann, room.id, "and the trend?");
    const second = (await allRequests())[1];
    expect(second?.inline.map((p) => p.mimeType)).toEqual(["image/png", "application/pdf"]);
  });

  it("counts Gemini's usageMetadata per person; over budget, the reply says so and when it resets", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await createRoom(ann, { characterId: "assistant", members: [bob.user.username] });
    for (const k of KEYS) await double.script(k, { kind: "reply", chunks: ["Big ", "answer."], usage: { prompt: 999_990, output: 10 } });
    expect((await ask(ann, room.id, "a long question")).content).toBe("Big answer.");
    // The pool picked one key; the other's big step must not answer anyone else.
    const used = (await allRequests())[0]?.key;
    for (const k of KEYS) if (k !== used) await double.reset(k);

    const mine = await api<{ usage: Record<string, unknown> }>("/me/usage", { token: ann.token });
    expect(mine.body.usage).toMatchObject({
      tokens: 1_000_000,
      limit: 1_000_000,
      remaining: 0,
      rooms: [{ roomId: room.id, tokens: 1_000_000 }],
    });
    expect(mine.body.usage.resetsAt).toMatch(/T00:00:00\.000Z$/);

    const refused = await ask(ann, room.id, "one more?");
    expect(refused.status).toBe("complete");
    expect(refused.content).toMatch(
      /^ann_\S+, you have used today's AI budget \(1,000,000 of 1,000,000 tokens\), so I can't answer until it resets at 00:00 UTC \(in/,
    );
    expect(await allRequests()).toHaveLength(1);

    // Bob's budget is his own.
    expect((await ask(bob, room.id, "my turn?")).content).toContain("Double reply to:");
    const report = await api<{ people: { userId: string; tokens: number }[]; limits: unknown }>("/admin/usage", { token: env.ADMIN_TOKEN });
    expect(report.body.limits).toEqual({ perPerson: 1_000_000, perRoom: 5_000_000 });
    expect(report.body.people[0]).toMatchObject({ userId: ann.user.id, tokens: 1_000_000 });
    expect(report.body.people.find((p) => p.userId === bob.user.id)?.tokens).toBeGreaterThan(0);
    expect((await api("/admin/usage", { token: ann.token })).status).toBe(401);
    await waitForSample("parlor_ai_budget_refusals_total", 'scope="person"', (v) => v >= 1);
    await waitForSample("parlor_ai_tokens_total", 'kind="prompt"', (v) => v >= 999_990);
  });

  it("puts a regenerated reply on the budget of whoever asked for it, and refuses one whose question was deleted", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await createRoom(ann, { characterId: "assistant", members: [bob.user.username] });
    for (const k of KEYS) await double.script(k, { kind: "reply", chunks: ["First."], usage: { prompt: 100, output: 20 } });
    const first = await ask(ann, room.id, "a question");
    const tokensOf = async (who: Account) =>
      (await api<{ usage: { tokens: number } }>("/me/usage", { token: who.token })).body.usage.tokens;
    expect(await tokensOf(ann)).toBe(120);
    // The key that did not answer still holds its step: cleared, so each key has just the next.
    for (const k of KEYS) await double.reset(k);
    for (const k of KEYS) await double.script(k, { kind: "reply", chunks: ["Second."], usage: { prompt: 400, output: 100 } });
    expect((await api(`/rooms/${room.id}/messages/${first.seq}/regenerate`, { method: "POST", token: bob.token })).status).toBe(202);
    await expect.poll(() => tokensOf(bob), { timeout: 15_000 }).toBe(500);
    expect(await tokensOf(ann)).toBe(120);
    // Ann takes her question back: there is nothing left to answer again.
    expect((await api(`/rooms/${room.id}/messages/${first.replyTo}`, { method: "DELETE", token: ann.token })).status).toBe(200);
    const refused = await api<{ error: { code: string } }>(`/rooms/${room.id}/messages/${first.seq}/regenerate`, {
      method: "POST",
      token: bob.token,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("deleted");
  });
});
