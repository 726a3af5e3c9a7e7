import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { openStore } from "../../shared/store";
import type { Character, Room } from "../../shared/wire";
import { connectChannel } from "../../test/channel";
import { api, createRoom, post, signUp } from "../../test/helpers";
import { connect } from "../../test/ws";

type One = { character: Character };

describe("characters", () => {
  it("lists the built-in Assistant first, then the caller's own, never anyone else's", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    await api("/characters", { token: bob.token, body: { name: "Bob's bot", systemPrompt: "You are Bob's." } });
    const created = await api<One>("/characters", {
      token: ann.token,
      body: { name: "Captain Nemo", systemPrompt: "You are Captain Nemo.", description: "Submariner", temperature: 0.4, avatar: "🐙" },
    });
    expect(created.status).toBe(201);
    expect(created.body.character).toMatchObject({
      name: "Captain Nemo",
      builtIn: false,
      ownerId: ann.user.id,
      temperature: 0.4,
      avatar: "🐙",
    });
    const list = await api<{ characters: Character[] }>("/characters", { token: ann.token });
    expect(list.body.characters.map((c) => c.name)).toEqual(["Assistant", "Captain Nemo"]);
    expect(list.body.characters[0]).toMatchObject({ id: "assistant", builtIn: true });
  });

  it("lets only the owner read, change and delete a character", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const { character } = (await api<One>("/characters", { token: ann.token, body: { name: "Mine", systemPrompt: "p" } })).body;
    expect((await api(`/characters/${character.id}`, { token: bob.token })).status).toBe(404);
    expect((await api(`/characters/${character.id}`, { method: "PATCH", token: bob.token, body: { name: "Stolen" } })).status).toBe(404);
    expect((await api(`/characters/${character.id}`, { method: "DELETE", token: bob.token })).status).toBe(404);
    const patched = await api<One>(`/characters/${character.id}`, {
      method: "PATCH",
      token: ann.token,
      body: { name: "Renamed", model: "gemini-2.5-pro" },
    });
    expect(patched.body.character).toMatchObject({ name: "Renamed", model: "gemini-2.5-pro", systemPrompt: "p" });
    // A cleared avatar is none, as one never set.
    const emoji = await api<One>(`/characters/${character.id}`, { method: "PATCH", token: ann.token, body: { avatar: "🐙" } });
    expect(emoji.body.character.avatar).toBe("🐙");
    const cleared = await api<One>(`/characters/${character.id}`, { method: "PATCH", token: ann.token, body: { avatar: "" } });
    expect(cleared.body.character.avatar).toBeNull();
    const made = await api<One>("/characters", { token: ann.token, body: { name: "Plain", systemPrompt: "p", avatar: "" } });
    expect(made.body.character.avatar).toBeNull();
    expect((await api(`/characters/${character.id}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    expect((await api(`/characters/${character.id}`, { token: ann.token })).status).toBe(404);
  });

  it("turns AI off in the rooms that used a deleted character, for the store, the room and its members", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const { character } = (await api<One>("/characters", { token: ann.token, body: { name: "Gone soon", systemPrompt: "p" } })).body;
    const room = await createRoom(ann, { characterId: character.id, members: [bob.user.username] });
    const other = await createRoom(ann, { characterId: "assistant", aiMode: "mention" });
    expect(room).toMatchObject({ characterId: character.id, aiMode: "always" });
    const channel = await connectChannel(bob.token);
    expect((await api(`/characters/${character.id}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    const got = await api<{ room: Room }>(`/rooms/${room.id}`, { token: bob.token });
    expect(got.body.room).toMatchObject({ characterId: null, aiMode: "off" });
    // Members hear of it as of any change of character, and the room itself stops replying.
    await channel.waitFor("room", (f) => f.room.id === room.id && f.room.aiMode === "off" && f.room.characterId === null);
    const config = await runInDurableObject(chatRoom(env, room.id), (_o, state) =>
      JSON.parse(String(state.storage.sql.exec("SELECT value FROM meta WHERE key = 'room'").one().value)),
    );
    expect(config).toMatchObject({ characterId: null, aiMode: "off" });
    // Another room's character is left alone.
    const untouched = await api<{ room: Room }>(`/rooms/${other.id}`, { token: ann.token });
    expect(untouched.body.room).toMatchObject({ characterId: "assistant", aiMode: "mention" });
    channel.close();
  });

  it("tells the rooms using a renamed character: it answers to its new name, under it, and members see it at once", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const made = await api<One>("/characters", { token: ann.token, body: { name: "Grace Hopper", systemPrompt: "p" } });
    const { character } = made.body;
    const room = await createRoom(ann, { characterId: character.id, aiMode: "mention", members: [bob.user.username] });
    const channel = await connectChannel(bob.token);
    const socket = await connect(bob.token, room.id);
    // The prompt alone is not what members see: the room does not change.
    await api(`/characters/${character.id}`, { method: "PATCH", token: ann.token, body: { systemPrompt: "q" } });
    expect((await api<{ room: Room }>(`/rooms/${room.id}`, { token: bob.token })).body.room.updatedAt).toBe(room.updatedAt);
    const renamed = await api<One>(`/characters/${character.id}`, { method: "PATCH", token: ann.token, body: { name: "Ada Lovelace" } });
    expect(renamed.body.character.name).toBe("Ada Lovelace");
    const heard = await channel.waitFor("room", (f) => f.room.id === room.id && f.room.updatedAt > room.updatedAt);
    const got = await api<{ room: Room; character: { name: string } }>(`/rooms/${room.id}`, { token: bob.token });
    expect(got.body.room.updatedAt).toBe(heard.room.updatedAt);
    expect(got.body.character.name).toBe("Ada Lovelace");
    // The old name no longer wakes it; the new one does, and the reply carries the new name.
    await post(bob, room.id, "@Grace Hopper are you there?");
    const asked = await post(bob, room.id, "@Ada Lovelace are you there?");
    const reply = await socket.next("message", (f) => f.message.author.kind === "ai", 15_000);
    expect(reply.message).toMatchObject({ replyTo: asked.body.message.seq, author: { kind: "ai", name: "Ada Lovelace" } });
    socket.close();
    channel.close();
  });

  it("takes 20 new characters at once from one person, and at most 100 in all", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    for (let i = 0; i < 20; i++)
      expect((await api("/characters", { token: ann.token, body: { name: `Bot ${i}`, systemPrompt: "p" } })).status).toBe(201);
    const fast = await api<{ error: { code: string } }>("/characters", { token: ann.token, body: { name: "One more", systemPrompt: "p" } });
    expect(fast.status).toBe(429);
    expect(fast.body.error.code).toBe("rate_limited");
    // Bob already has 100 (made before the limit was asked): the 101st is refused, and why.
    const store = openStore(env);
    for (let i = 0; i < 100; i++)
      await store.characters.create(crypto.randomUUID(), bob.user.id, { name: `Old ${i}`, systemPrompt: "p" }, Date.now());
    const full = await api<{ error: { code: string; message: string } }>("/characters", {
      token: bob.token,
      body: { name: "101st", systemPrompt: "p" },
    });
    expect(full.status).toBe(409);
    expect(full.body.error).toMatchObject({ code: "too_many_characters", message: expect.stringMatching(/delete one first/) });
  });

  it("keeps the built-in Assistant read-only", async () => {
    const ann = await signUp("ann");
    expect((await api<One>("/characters/assistant", { token: ann.token })).body.character.name).toBe("Assistant");
    expect((await api("/characters/assistant", { method: "PATCH", token: ann.token, body: { name: "Mine now" } })).status).toBe(403);
    expect((await api("/characters/assistant", { method: "DELETE", token: ann.token })).status).toBe(403);
  });

  it("validates fields", async () => {
    const ann = await signUp("ann");
    const r = await api<{ error: { details: { path: string }[] } }>("/characters", {
      token: ann.token,
      body: { name: "", systemPrompt: "p", temperature: 5 },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d) => d.path).sort()).toEqual(["name", "temperature"]);
    // Said the way the form shows it, not in the validator's own words.
    const long = await api<{ error: { message: string } }>("/characters", {
      token: ann.token,
      body: { name: "x".repeat(41), systemPrompt: "p" },
    });
    expect(long.body.error.message).toBe("name: at most 40 characters");
    expect((await api("/characters")).status).toBe(401);
  });

  it("refuses NUL and control characters in every field, and in the avatar what names refuse; keeps lines and tabs in long text", async () => {
    const ann = await signUp("ann");
    const { character } = (await api<One>("/characters", { token: ann.token, body: { name: "Mine", systemPrompt: "p" } })).body;
    const refused = async (body: Record<string, unknown>, path: string) => {
      const created = await api<{ error: { code: string; details: { path: string }[] } }>("/characters", {
        token: ann.token,
        body: { name: "Bot", systemPrompt: "Be brief.", ...body },
      });
      expect(created.status, JSON.stringify(body)).toBe(400);
      expect(created.body.error.code).toBe("invalid_input");
      expect(created.body.error.details.map((d) => d.path)).toEqual([path]);
      const patched = await api(`/characters/${character.id}`, { method: "PATCH", token: ann.token, body });
      expect(patched.status, JSON.stringify(body)).toBe(400);
    };
    for (const bad of ["Be \u0000brief.", "Be brief.\u0007", "\u001BBe brief.", "Be \uD800brief."]) {
      await refused({ systemPrompt: bad }, "systemPrompt");
      await refused({ description: bad }, "description");
    }
    for (const bad of ["\u202E🐙", "🐙\u200B", "\u0007", "\uFEFF", "🐙\u2066", "\u0000", "\uD83D"])
      await refused({ avatar: bad }, "avatar");
    const ok = await api<One>("/characters", {
      token: ann.token,
      body: { name: "Bot", systemPrompt: "Rules:\n\t- be brief\r\n\t- be kind", description: "Line one\nline two", avatar: "👩\u200D💻" },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.character).toMatchObject({
      systemPrompt: "Rules:\n\t- be brief\r\n\t- be kind",
      description: "Line one\nline two",
      avatar: "👩\u200D💻",
    });
    // Right-to-left text is fine in long text (a prompt in Arabic or Hebrew), as in messages.
    expect(
      (await api("/characters", { token: ann.token, body: { name: "Bot", systemPrompt: "\u202Bمرحبا\u202C", description: "שלום" } }))
        .status,
    ).toBe(201);
  });

  it("takes a model any of the deployment's providers serves, and names them when refusing one", async () => {
    const ann = await signUp("ann");
    const made = await api<One>("/characters", {
      token: ann.token,
      body: { name: "Local", systemPrompt: "p", model: "openai:llama-3.1-8b" },
    });
    expect(made.body.character.model).toBe("openai:llama-3.1-8b");
    const refused = await api<{ error: { code: string; message: string } }>("/characters", {
      token: ann.token,
      body: { name: "Nope", systemPrompt: "p", model: "gpt-4o" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: "invalid_input",
      message: expect.stringMatching(/^model: Write the model as gemini-… .* openai:<model>/),
    });
  });
});
