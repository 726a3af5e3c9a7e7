// A character on the OpenAI-compatible provider, end to end inside workerd: its model
// (`openai:<model>`) picks the provider, and the reply goes the same way as a Gemini one,
// through the real local queue, the consumer and the ChatRoom into the room's WebSockets,
// with the endpoint's failures retried by the same rules. The double stands for the endpoint
// only; each test's character has a model of its own, which scopes the double's script.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/wire";
import { type Account, api, createRoom, post, signUp } from "../../test/helpers";
import { OpenAiControl, type Step, uniqueKey } from "../../test/openai/control";
import { connect, finalReply } from "../../test/ws";

const double = new OpenAiControl(env.OPENAI_BASE_URL?.replace(/\/v1$/, "") ?? "");

/** A room whose character runs on the endpoint, and the model scripts for it are keyed by. */
async function openAiRoom(who: Account) {
  const model = uniqueKey("m");
  const made = await api<{ character: { id: string } }>("/characters", {
    token: who.token,
    body: { name: "Nemo", systemPrompt: "You are Nemo, a reclusive captain.", model: `openai:${model}` },
  });
  expect(made.status).toBe(201);
  const room = await createRoom(who, { characterId: made.body.character.id });
  return { room, model, socket: await connect(who.token, room.id) };
}

async function aiMessages(roomId: string, who: Account) {
  const page = await api<{ messages: Message[] }>(`/rooms/${roomId}/messages`, { token: who.token });
  return page.body.messages.filter((m) => m.author.kind === "ai");
}

describe.skipIf(!env.OPENAI_BASE_URL)("AI pipeline with the OpenAI-compatible provider", () => {
  it("streams the character's reply into the room, with the room's context", async () => {
    const ann = await signUp("ann");
    const { room, model, socket } = await openAiRoom(ann);
    await double.script(model, { kind: "reply", chunks: ["Deep ", "enough, ", "Ann."], delayMs: 5 });
    const sent = await post(ann, room.id, "how deep are we?");
    const final = await finalReply(socket, sent.body.message.seq);
    expect(final.message).toMatchObject({ status: "complete", content: "Deep enough, Ann.", author: { kind: "ai", name: "Nemo" } });
    const deltas = socket.frames.flatMap((f) => (f.type === "delta" ? [f.text] : []));
    expect(deltas.join("")).toBe("Deep enough, Ann.");
    const [seen] = await double.requests(model);
    expect(seen?.body).toMatchObject({
      model,
      messages: [{ role: "system" }, { role: "user", content: `${ann.user.displayName}: how deep are we?` }],
    });
    socket.close();
  });

  it("waits out a 429 for its Retry-After, showing when it retries, then answers once", async () => {
    const ann = await signUp("ann");
    const { room, model, socket } = await openAiRoom(ann);
    const steps: Step[] = [
      { kind: "error", status: 429, retryAfter: "1" },
      { kind: "reply", chunks: ["Patience."] },
    ];
    await double.script(model, ...steps);
    const sent = await post(ann, room.id, "are you there?");
    const waiting = await socket.next("message", (f) => f.message.author.kind === "ai" && f.message.retryAt !== undefined);
    expect(waiting.message.error).toMatch(/too many requests/);
    expect((await finalReply(socket, sent.body.message.seq)).message).toMatchObject({ status: "complete", content: "Patience." });
    expect((await double.requests(model)).map((r) => r.status)).toEqual([429, 200]);
    expect(await aiMessages(room.id, ann)).toHaveLength(1);
    socket.close();
  });

  it("retries 5xx on the retry ladder and answers with one reply", async () => {
    const ann = await signUp("ann");
    const { room, model, socket } = await openAiRoom(ann);
    await double.script(
      model,
      { kind: "error", status: 500 },
      { kind: "error", status: 503 },
      { kind: "reply", chunks: ["Third ", "time."] },
    );
    const sent = await post(ann, room.id, "try hard");
    expect((await finalReply(socket, sent.body.message.seq)).message).toMatchObject({ status: "complete", content: "Third time." });
    expect((await double.requests(model)).map((r) => r.status)).toEqual([500, 503, 200]);
    expect(await aiMessages(room.id, ann)).toHaveLength(1);
    socket.close();
  });

  it("fails the reply at once when the endpoint refuses the request", async () => {
    const ann = await signUp("ann");
    const { room, model, socket } = await openAiRoom(ann);
    await double.script(model, { kind: "error", status: 400, message: "This model's maximum context length is 8192 tokens." });
    const sent = await post(ann, room.id, "a very long story");
    const final = await finalReply(socket, sent.body.message.seq);
    expect(final.message).toMatchObject({ status: "error", error: "The AI service could not handle this conversation." });
    expect(await double.requests(model)).toHaveLength(1);
    socket.close();
  });
});
