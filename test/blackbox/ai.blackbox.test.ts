// An AI reply through each dev server: the Worker finds GEMINI_API_KEYS and GEMINI_BASE_URL
// only in the .dev.vars the suite wrote (wrangler.toml has neither a key nor a base URL), so
// the reply streaming into the room from the Gemini double, through the real @google/genai
// SDK and the real local queue, proves those settings reached it.
import { describe, expect, inject, it } from "vitest";
import type { RecordedRequest } from "../gemini-double";
import { call, createRoom, isMessage, isReady, signUp, upgrade } from "./client";

const { modes, geminiUrl, geminiKey } = inject("blackbox");

describe.each(modes)("AI replies through $name", ({ base }) => {
  it("streams the Gemini double's reply into the room, called with the key from .dev.vars", async () => {
    const person = await signUp(base, "ai_person");
    const characters = await call<{ characters: { id: string; name: string; builtIn: boolean }[] }>(base, "/api/characters", {
      token: person.token,
    });
    const assistant = characters.body.characters.find((c) => c.builtIn && c.name === "Assistant");
    if (assistant === undefined) throw new Error("no built-in Assistant character");
    const room = await createRoom(base, person, { title: "ai", characterId: assistant.id, aiMode: "always" });

    const opened = await upgrade(base, room.id, { token: person.token });
    if (!("socket" in opened)) throw new Error(`refused: ${JSON.stringify(opened.refused)}`);
    const socket = opened.socket;
    try {
      socket.send({ type: "hello", afterSeq: 0 });
      await socket.next(isReady, "ready");
      const prompt = `black box prompt ${room.id.slice(0, 8)}`;
      socket.send({ type: "send", clientId: "bb-ai-1", content: prompt });
      const reply = await socket.next(
        isMessage((m) => m.author.kind === "ai" && m.status !== "streaming"),
        "the AI reply",
        45_000,
      );
      expect(reply.message.status).toBe("complete");
      // The double's default reply quotes the last prompt it was sent (after the author's name).
      expect(reply.message.content).toMatch(/^Double reply to: /);
      expect(reply.message.content).toContain(prompt);
    } finally {
      socket.close();
    }
    const seen = (await (await fetch(`${geminiUrl}/__control/requests?key=${geminiKey}`)).json()) as { requests: RecordedRequest[] };
    expect(seen.requests.some((r) => JSON.stringify(r.body).includes(room.id.slice(0, 8)))).toBe(true);
  });
});
