// Names people read cannot hide or reorder characters, and every message names its author's
// unique @username beside the free-text display name, so two people called "Alice" are told
// apart. Text that is not valid UTF-16 is refused rather than stored changed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { flushAll } from "../../durable-objects/chat-room/test-support";
import { openStore } from "../../shared/store";
import { nameProblem } from "../../shared/text";
import type { Message } from "../../shared/wire";
import { api, post, roomWith, signUp, uniqueName } from "../../test/helpers";
import { connect } from "../../test/ws";

const password = "correct horse battery";
const BAD = {
  nul: "Al\u0000ice",
  control: "Alice\u0007",
  "right-to-left override": "Alice\u202Egnp.exe",
  "bidi isolate": "\u2067Alice",
  "zero-width space": "Al\u200Bice",
  "zero-width joiner": "Alice\u200D",
  "byte order mark": "\uFEFFAlice",
  "lone surrogate": "Alice\uD800",
};

describe("names", () => {
  it("refuses control, bidi-override, zero-width and lone-surrogate characters in names with 400", async () => {
    const owner = await signUp("names");
    for (const [what, name] of Object.entries(BAD)) {
      const reg = await api("/auth/register", { body: { username: uniqueName("bad"), password, displayName: name } });
      expect(reg.status, what).toBe(400);
      expect(reg.body, what).toMatchObject({ error: { code: "invalid_input", details: [{ path: "displayName" }] } });
      const character = await api("/characters", { token: owner.token, body: { name, systemPrompt: "Be brief." } });
      expect(character.status, what).toBe(400);
      expect((await api("/rooms", { token: owner.token, body: { title: name } })).status, what).toBe(400);
    }
    // Names in any script, emoji included, are fine.
    const ok = await api("/auth/register", { body: { username: uniqueName("ok"), password, displayName: "Zoë 李 👩‍💻" } });
    expect(ok.status).toBe(201);
  });

  it("refuses invisible characters that pass for nothing, and names with nothing visible", async () => {
    const owner = await signUp("blank");
    const invisible = {
      "soft hyphen": "Al\u00ADice",
      "Hangul filler": "\u3164",
      "braille blank": "\u2800\u2800",
      "tag characters": "Alice\u{E0041}\u{E0042}",
      "deprecated format character": "Al\u206Aice",
      "line separator": "Alice\u2028Smith",
      "paragraph separator": "Alice\u2029",
      "combining marks alone": "\u0301\u0302",
      "a lone variation selector": "\uFE0F",
    };
    let ip = 0;
    for (const [what, name] of Object.entries(invisible)) {
      const headers = { "CF-Connecting-IP": `203.0.113.${++ip}` };
      const reg = await api("/auth/register", { body: { username: uniqueName("inv"), password, displayName: name }, headers });
      expect(reg.status, what).toBe(400);
      expect((await api("/characters", { token: owner.token, body: { name, systemPrompt: "Be brief." } })).status, what).toBe(400);
      expect((await api("/rooms", { token: owner.token, body: { title: name } })).status, what).toBe(400);
    }
    // An emoji with its presentation selector, accents and apostrophes stay fine.
    for (const title of ["❤️ Ana", "Anne-Marie O'Brien", "Renée", "Ann 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"])
      expect((await api("/rooms", { token: owner.token, body: { title } })).status, title).toBe(201);
  });

  it("keeps the characters names refuse out of a room title taken from a message, as from one set by hand", async () => {
    const [room, ann] = await roomWith("title");
    const spoof = "\u202Egnp.exe\u200B\u0007 **bold**\u2066x";
    expect((await api(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { title: "x\u202Ey" } })).status).toBe(400);
    expect((await post(ann, room.id, spoof)).status).toBe(201);
    await flushAll(room.id);
    const title = async () => (await api<{ room: { title: string | null } }>(`/rooms/${room.id}`, { token: ann.token })).body.room.title;
    expect(await title()).toBe("gnp.exe boldx");
    // An edit renames the room by the same rule; emoji sequences keep their joiners.
    const edited = await api(`/rooms/${room.id}/messages/1`, {
      method: "PATCH",
      token: ann.token,
      body: { content: "\uFEFF👩\u200D💻 at\u2067 work\u200F in 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}\u{E0041}" },
    });
    expect(edited.status).toBe(200);
    // The Scottish flag's tags are part of it; a tag after it is not.
    const want = "👩\u200D💻 at work in 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
    for (let i = 0; i < 100 && (await title()) !== want; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await title()).toBe(want);
    // Nothing a name may hold: the stand-in name.
    const [other, bob] = await roomWith("title");
    expect((await post(bob, other.id, "\u202E\u200B\u0007")).status).toBe(201);
    await flushAll(other.id);
    const stored = (await openStore(env).rooms.byId(other.id))?.title;
    expect(stored).toBe("New chat");
    for (const t of [await title(), stored]) expect(nameProblem(t ?? "")).toBeNull();
  });

  it("shows the author's @username on every message: REST, WebSocket, and from the history store", async () => {
    const [room, alice, dave] = await roomWith("alice", "dave");
    const impostor = await api("/auth/register", { body: { username: uniqueName("dave"), password, displayName: alice.user.displayName } });
    expect(impostor.status).toBe(201);
    const b = await connect(alice.token, room.id);
    const sent = await post(dave, room.id, "hello");
    expect(sent.body.message.author).toMatchObject({ kind: "user", id: dave.user.id, username: dave.user.username });
    expect((await b.next("message")).message.author.username).toBe(dave.user.username);
    b.close();
    // Once flushed, the history store returns it too.
    let stored: Message | undefined;
    for (let i = 0; i < 100 && !stored?.author.username; i++) {
      const search = await api<{ results: { message: Message }[] }>("/search?q=hello", { token: alice.token });
      stored = search.body.results.find((r) => r.message.roomId === room.id)?.message;
      if (!stored) await new Promise((r) => setTimeout(r, 50));
    }
    expect(stored?.author.username).toBe(dave.user.username);
  });

  it("refuses a message with a lone surrogate instead of storing it changed", async () => {
    const [room, ann] = await roomWith("utf");
    const r = await post(ann, room.id, "broken \uD83D text");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: "invalid_content" } });
    const a = await connect(ann.token, room.id);
    a.send({ type: "send", clientId: "lone", content: "\uDC00" });
    expect((await a.next("error", (f) => f.clientId === "lone")).code).toBe("invalid_content");
    // A whole pair (an emoji) is fine.
    expect((await post(ann, room.id, "fine \uD83D\uDE00")).status).toBe(201);
    a.close();
  });

  it("refuses another text under a clientId already used, rather than ack it and lose it; a true resend is recognised", async () => {
    const [room, ann] = await roomWith("reuse");
    const first = await post(ann, room.id, "the first text", "same-id");
    expect(first.status).toBe(201);
    const reused = await post(ann, room.id, "a different text", "same-id");
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ error: { code: "client_id_reused" } });
    expect((await post(ann, room.id, "the first text", "same-id")).status).toBe(200);
    const a = await connect(ann.token, room.id);
    a.send({ type: "send", clientId: "same-id", content: "yet another text" });
    expect(await a.next("error", (f) => f.clientId === "same-id")).toMatchObject({ code: "client_id_reused" });
    // Edited since, the message is still the one that clientId sent: its first text is a resend.
    a.send({ type: "edit", seq: first.body.message.seq, content: "the first text, edited", clientId: "edit-1" });
    await a.next("ack", (f) => f.clientId === "edit-1");
    a.send({ type: "send", clientId: "same-id", content: "the first text" });
    expect(await a.next("ack", (f) => f.clientId === "same-id")).toMatchObject({ seq: first.body.message.seq });
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages.map((m) => m.content)).toEqual(["the first text, edited"]);
    a.close();
  });

  it("refuses a message, or an edit, of characters that draw nothing as empty", async () => {
    const [room, ann] = await roomWith("blank");
    const r = await post(ann, room.id, "\u200B\u2060\uFEFF");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: "invalid_content", message: "A message cannot be empty." } });
    const a = await connect(ann.token, room.id);
    a.send({ type: "send", clientId: "zw", content: "\u3164\u200D" });
    expect((await a.next("error", (f) => f.clientId === "zw")).code).toBe("invalid_content");
    const kept = await post(ann, room.id, "visible");
    a.send({ type: "edit", seq: kept.body.message.seq, content: "\u200B", clientId: "zw-edit" });
    expect((await a.next("error", (f) => f.clientId === "zw-edit")).code).toBe("invalid_content");
    a.close();
  });
});
