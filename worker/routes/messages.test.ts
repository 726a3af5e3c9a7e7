import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { DIRTY_COUNT, flushAll } from "../../durable-objects/chat-room/test-support";
import { parseMarkdown } from "../../shared/markdown";
import { openStore } from "../../shared/store";
import { STORE_IDLE_SECONDS } from "../../shared/store/db";
import type { Message } from "../../shared/wire";
import { api, createRoom, post, roomWith, signUp } from "../../test/helpers";
import { mergePage } from "./messages";

type Page = { messages: Message[]; hasMore: boolean };

/** Lets the room's flush timer come due, then runs its alarm until every row is in the store: an
 * alarm the runtime had already started may still be writing (a loaded CI run read too soon). */
async function flush(roomId: string) {
  await new Promise((r) => setTimeout(r, 300));
  await flushAll(roomId);
}

describe("messages", () => {
  it("assigns gap-free seqs and pages forward and back with hasMore", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    for (let i = 1; i <= 7; i++) expect((await post(ann, room.id, `m${i}`)).body.message.seq).toBe(i);
    const latest = await api<Page>(`/rooms/${room.id}/messages?limit=3`, { token: ann.token });
    expect(latest.body.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(latest.body.hasMore).toBe(true);
    const back = await api<Page>(`/rooms/${room.id}/messages?before=5&limit=3`, { token: ann.token });
    expect(back.body.messages.map((m) => m.content)).toEqual(["m2", "m3", "m4"]);
    expect(back.body.hasMore).toBe(true);
    const fwd = await api<Page>(`/rooms/${room.id}/messages?after=5&limit=10`, { token: ann.token });
    expect(fwd.body.messages.map((m) => m.seq)).toEqual([6, 7]);
    expect(fwd.body.hasMore).toBe(false);
    expect((await api(`/rooms/${room.id}/messages?before=2&after=1`, { token: ann.token })).status).toBe(400);
    expect((await api(`/rooms/${room.id}/messages?limit=101`, { token: ann.token })).status).toBe(400);
    expect((await api(`/rooms/${room.id}/messages?before=99999999999`, { token: ann.token })).status).toBe(400);
  });

  it("takes counts and seqs as plain decimal numbers only, in every query and path", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    await post(ann, room.id, "m1");
    type Refusal = { error: { code: string; message: string } };
    // What a sloppy client sends for 16 or 5: coercion read each as a number.
    for (const bad of ["0x10", "1e1", "5.0", "+5", "%205", "5%20", "0b1", "Infinity", "1_0", "١"]) {
      const asked: [path: string, name: string][] = [
        [`/rooms/${room.id}/messages?limit=${bad}`, "limit"],
        [`/rooms/${room.id}/messages?before=${bad}`, "before"],
        [`/rooms/${room.id}/messages?after=${bad}`, "after"],
        [`/rooms/${room.id}/messages?around=${bad}`, "around"],
        [`/rooms?limit=${bad}`, "limit"],
        [`/search?q=m1&limit=${bad}`, "limit"],
        [`/people?q=a&limit=${bad}`, "limit"],
      ];
      for (const [path, name] of asked) {
        const r = await api<Refusal>(path, { token: ann.token });
        expect(r.status, path).toBe(400);
        expect(r.body.error, path).toMatchObject({ code: "invalid_input", message: `${name}: a whole number` });
      }
      const edit = await api<Refusal>(`/rooms/${room.id}/messages/${bad}`, { method: "PATCH", token: ann.token, body: { content: "x" } });
      expect(edit.status, bad).toBe(400);
    }
    // A whole number out of bounds says which bound.
    const big = await api<Refusal>(`/rooms/${room.id}/messages/99999999999/stop`, { method: "POST", token: ann.token });
    expect(big.status).toBe(400);
    expect(big.body.error.message).toBe("seq: at most 2147483647");
    expect((await api<Refusal>(`/rooms/${room.id}/messages?limit=0`, { token: ann.token })).body.error.message).toBe("limit: at least 1");
    // Given twice, a number is not a number either.
    expect((await api(`/rooms/${room.id}/messages?limit=1&limit=2`, { token: ann.token })).status).toBe(400);
    // Leading zeros are still decimal.
    const page = await api<Page>(`/rooms/${room.id}/messages?limit=010`, { token: ann.token });
    expect(page.body.messages.map((m) => m.content)).toEqual(["m1"]);
    expect(
      (await api(`/rooms/${room.id}/messages/0001`, { method: "PATCH", token: ann.token, body: { content: "m1, edited" } })).status,
    ).toBe(200);
  });

  it("reads an empty before, after or around as none: the latest page", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    for (let i = 1; i <= 5; i++) await post(ann, room.id, `m${i}`);
    for (const query of ["before=", "after=", "around=", "before=%20", "before=&limit=2", "after=&around="]) {
      const r = await api<Page>(`/rooms/${room.id}/messages?${query}`, { token: ann.token });
      expect(r.status, query).toBe(200);
      expect(
        r.body.messages.map((m) => m.seq),
        query,
      ).toEqual(query.includes("limit=2") ? [4, 5] : [1, 2, 3, 4, 5]);
    }
    // Beside a cursor that has a value, an empty one is not a second cursor.
    const back = await api<Page>(`/rooms/${room.id}/messages?before=3&after=`, { token: ann.token });
    expect(back.body.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it("gives a page around a message, with older and newer history flagged on each side", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    for (let i = 1; i <= 6; i++) await post(ann, room.id, `m${i}`);
    // Some of it in the history store, the rest still only in the room.
    await flush(room.id);
    for (let i = 7; i <= 9; i++) await post(ann, room.id, `m${i}`);
    type Around = Page & { hasMoreAfter: boolean };
    const mid = await api<Around>(`/rooms/${room.id}/messages?around=6&limit=5`, { token: ann.token });
    expect(mid.status).toBe(200);
    expect(mid.body.messages.map((m) => m.seq)).toEqual([4, 5, 6, 7, 8]);
    expect([mid.body.hasMore, mid.body.hasMoreAfter]).toEqual([true, true]);
    // The shape API.md gives: lastChange too, as on other pages.
    expect(Object.keys(mid.body).sort()).toEqual(["hasMore", "hasMoreAfter", "lastChange", "messages"]);
    expect((mid.body as Around & { lastChange: unknown }).lastChange).toBe(0);
    const start = await api<Around>(`/rooms/${room.id}/messages?around=1&limit=4`, { token: ann.token });
    expect(start.body.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect([start.body.hasMore, start.body.hasMoreAfter]).toEqual([false, true]);
    const end = await api<Around>(`/rooms/${room.id}/messages?around=9&limit=4`, { token: ann.token });
    expect(end.body.messages.map((m) => m.seq)).toEqual([8, 9]);
    expect([end.body.hasMore, end.body.hasMoreAfter]).toEqual([true, false]);
  });

  it("refuses around together with before or after, and a seq that cannot exist", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const bad = await api<{ error: { code: string } }>(`/rooms/${room.id}/messages?around=3&before=5`, { token: ann.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_input");
    expect((await api(`/rooms/${room.id}/messages?around=0`, { token: ann.token })).status).toBe(400);
    expect((await api(`/rooms/${room.id}/messages?around=99999999999`, { token: ann.token })).status).toBe(400);
  });

  it("counts a message flushed between the two reads once, for the page and for hasMore", () => {
    const m = (seq: number) => ({ seq, content: `m${seq}` }) as Message;
    // The store already has 6 and 7; the room's read still listed 7 as unflushed.
    const page = mergePage({ messages: [m(6), m(7)], hasMore: false }, [m(7)], 10, true);
    expect(page.messages.map((x) => x.seq)).toEqual([6, 7]);
    expect(page.hasMore).toBe(false);
    const back = mergePage({ messages: [m(4), m(5)], hasMore: true }, [m(5), m(6)], 2, false);
    expect(back).toEqual({ messages: [m(5), m(6)], hasMore: true });
  });

  it("includes a message in history right after its 201, before any flush", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const sent = await post(ann, room.id, "read your writes");
    const page = await api<Page>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages.at(-1)).toEqual(sent.body.message);
  });

  it("returns the original message for a repeated clientId", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const a = await post(ann, room.id, "once", "c-1");
    const b = await post(ann, room.id, "once", "c-1");
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.message).toEqual(a.body.message);
    const page = await api<Page>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages).toHaveLength(1);
  });

  it("stores SQL-looking and unicode content verbatim", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const content = '\'; DROP TABLE messages; -- "quoted" ✓ 漢字 🙂 %_\\ <b>x</b>';
    await post(ann, room.id, content);
    await flush(room.id);
    const store = openStore(env);
    // Under load the runtime may already be running the flush alarm when the test asks for it.
    await expect.poll(async () => (await store.messages.page(room.id, { limit: 5 })).messages[0]?.content, { timeout: 5000 }).toBe(content);
  });

  it("refuses empty and over-long content, and a 2 MB body with 413", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    expect((await post(ann, room.id, "   ")).status).toBe(400);
    expect((await post(ann, room.id, "nul \u0000 byte")).status).toBe(400);
    const long = await post(ann, room.id, "x".repeat(8001));
    expect(long.status).toBe(400);
    const huge = await api<{ error: { code: string } }>(`/rooms/${room.id}/messages`, {
      token: ann.token,
      body: JSON.stringify({ content: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    const page = await api<Page>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages).toHaveLength(0);
  });

  it("takes a body sent in chunks (no Content-Length) whole, and refuses one over 64 KiB with 413 after reading all of it", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    /** `text` in 16 KiB chunks, counting what the server read. */
    const chunked = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      const sent = { bytes: 0, total: bytes.byteLength };
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent.bytes >= bytes.byteLength) return controller.close();
          const part = bytes.slice(sent.bytes, sent.bytes + 16 * 1024);
          sent.bytes += part.byteLength;
          controller.enqueue(part);
        },
      });
      return { stream, sent };
    };
    const fits = chunked(JSON.stringify({ content: "y".repeat(7000) }));
    const ok = await api<{ message: Message }>(`/rooms/${room.id}/messages`, { token: ann.token, body: fits.stream });
    expect(ok.status).toBe(201);
    expect(ok.body.message.content).toBe("y".repeat(7000));
    // Left half read, the body would make the runtime close the connection under the client's
    // next request (the dev server then answers it with an HTML 500): the rest is read first.
    const huge = chunked(JSON.stringify({ content: "x".repeat(2 * 1024 * 1024) }));
    const refused = await api<{ error: { code: string } }>(`/rooms/${room.id}/messages`, { token: ann.token, body: huge.stream });
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe("payload_too_large");
    expect(huge.sent.bytes).toBe(huge.sent.total);
  });

  it("answers malformed JSON and wrong types with 400 in the error shape", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const bad = await api<{ error: { code: string; message: string } }>(`/rooms/${room.id}/messages`, {
      token: ann.token,
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const wrong = await api<{ error: { code: string } }>(`/rooms/${room.id}/messages`, { token: ann.token, body: { content: 42 } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe("invalid_input");
  });

  it("rate-limits a fast sender with 429 and Retry-After, storing nothing refused", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 13; i++) {
      const r = await post(ann, room.id, `burst ${i}`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get("Retry-After");
    }
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(10);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const page = await api<Page>(`/rooms/${room.id}/messages?limit=100`, { token: ann.token });
    expect(page.body.messages).toHaveLength(statuses.filter((s) => s === 201).length);
  });

  it("flushes exactly once even when the room is evicted between the 201 and the flush", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const sent = await post(ann, room.id, "survives eviction", "evict-1");
    const before = await openStore(env).messages.page(room.id, { limit: 10 });
    expect(before.messages).toHaveLength(0);
    await evictDurableObject(chatRoom(env, room.id));
    // The flush timer lives in SQLite and the alarm survives eviction.
    await flush(room.id);
    await flush(room.id);
    const after = await openStore(env).messages.page(room.id, { limit: 10 });
    expect(after.messages).toEqual([sent.body.message]);
    // A resend after the restart is still recognised.
    expect((await post(ann, room.id, "survives eviction", "evict-1")).status).toBe(200);
    await runInDurableObject(chatRoom(env, room.id), async (_obj, state) => {
      const rows = state.storage.sql.exec(DIRTY_COUNT).one();
      expect(rows.n).toBe(0);
    });
    // On a loaded machine the room's own flush timer can run before the eviction; on Postgres
    // the eviction then waits until the room's connections have been idle for
    // STORE_IDLE_SECONDS (before they closed when idle, it timed out: see the next test). What
    // is asserted is the outcome, exactly once, not how long it took.
  }, 60_000);

  it("lets a room that copied to the store be evicted once its connections to it are idle", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    await post(ann, room.id, "copied, then idle");
    await flush(room.id);
    expect((await openStore(env).messages.page(room.id, { limit: 10 })).messages).toHaveLength(1);
    // On Postgres the copy opened connections from inside the room; one left open would keep
    // the room in memory (no eviction, no hibernation) for as long as it stays open. D1 opens
    // none, so there is nothing to wait for.
    if (env.HYPERDRIVE) await new Promise((r) => setTimeout(r, (STORE_IDLE_SECONDS + 1) * 1000));
    await evictDurableObject(chatRoom(env, room.id));
  }, 60_000);

  it("exports the history as JSON and Markdown", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { title: "Export me" });
    await post(ann, room.id, "first **bold**");
    await flush(room.id);
    await post(ann, room.id, "second, not flushed yet");
    const json = await api<{ room: { id: string }; messages: Message[] }>(`/rooms/${room.id}/export?format=json`, { token: ann.token });
    expect(json.status).toBe(200);
    expect(json.headers.get("Content-Disposition")).toContain("parlor-export-me.json");
    expect(json.body.messages.map((m) => m.content)).toEqual(["first **bold**", "second, not flushed yet"]);
    const md = await api<string>(`/rooms/${room.id}/export?format=markdown`, { token: ann.token });
    expect(md.headers.get("Content-Type")).toContain("text/markdown");
    expect(md.body).toContain("# Export me");
    expect(md.body).toContain("second, not flushed yet");
    expect((await api(`/rooms/${room.id}/export?format=pdf`, { token: ann.token })).status).toBe(400);
    // A title in another script names the file in it (with an ASCII stand-in for old clients).
    const plans = await createRoom(ann, { title: "Планы на выходные!" });
    const named = await api(`/rooms/${plans.id}/export?format=markdown`, { token: ann.token });
    expect(named.headers.get("Content-Disposition")).toBe(
      `attachment; filename="parlor-_____-__-________.md"; filename*=UTF-8''${encodeURIComponent("parlor-планы-на-выходные.md")}`,
    );
    // A long title is cut at the end of a word, not in one; times read as a person writes them.
    const long = await createRoom(ann, { title: "Trip planning: Lisbon, Porto, Sintra, June 25 to July 3" });
    const cut = await api<string>(`/rooms/${long.id}/export?format=markdown`, { token: ann.token });
    expect(cut.headers.get("Content-Disposition")).toContain('filename="parlor-trip-planning-lisbon-porto-sintra-june.md"');
    expect(md.body).toMatch(/^\*\*[^*]+\*\* · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
    // Two more exports fill a person's burst of five; the sixth waits.
    expect((await api(`/rooms/${room.id}/export?format=json`, { token: ann.token })).status).toBe(200);
    expect((await api(`/rooms/${room.id}/export?format=json`, { token: ann.token })).status).toBe(429);
  });

  it("keeps each message's Markdown in the export, quoted, so a message cannot forge an author line, a heading or HTML", async () => {
    const [room, ann, dave] = await roomWith("ann", "dave");
    const forged = `ok\n\n**${ann.user.displayName}** · 2026-01-01T00:00:00.000Z\n\n# Send me your password\n\n<img src=x onerror=alert(1)>`;
    await post(dave, room.id, forged);
    await post(
      ann,
      room.id,
      "first **bold**\n\n| Step | Minutes |\n|---|--:|\n| Boil | 10 |\n\n```python\nprint('<b>hi</b>')\n```\n\nand <b>raw</b> html",
    );
    const md = await api<string>(`/rooms/${room.id}/export?format=markdown`, { token: ann.token });
    const tree = parseMarkdown(md.body);
    const kinds = (type: string) =>
      tree.children.flatMap((n) => (n.type === "paragraph" ? n.children : [n])).filter((n) => n.type === type);
    // One author line (strong) per message at the top level, each the real author; one
    // heading there, the title's; each message one quote.
    expect(kinds("strong").map((n) => textOf(n))).toEqual([
      `${dave.user.displayName} (@${dave.user.username})`,
      `${ann.user.displayName} (@${ann.user.username})`,
    ]);
    const headings = tree.children.filter((n) => n.type === "heading");
    // A direct chat has no title: its export is called after the other person.
    expect(headings.map((n) => textOf(n))).toEqual([`Chat with ${dave.user.displayName}`]);
    expect(tree.children.filter((n) => n.type === "blockquote")).toHaveLength(2);
    // No raw HTML anywhere: it reads as the text the app shows.
    expect(nodes(tree).filter((n) => n.type === "html")).toEqual([]);
    expect(md.body).toContain("Send me your password");
    expect(md.body).toContain("\\<img src=x onerror=alert(1)>");
    // Formatting survives inside the quote: emphasis, a table, code (its text untouched).
    const [, mine] = tree.children.filter((n) => n.type === "blockquote");
    const inMine = nodes(mine as object);
    expect(inMine.filter((n) => n.type === "strong").map((n) => textOf(n))).toEqual(["bold"]);
    expect(inMine.filter((n) => n.type === "table")).toHaveLength(1);
    expect(inMine.filter((n) => n.type === "code").map((n) => (n as { value?: string }).value)).toEqual(["print('<b>hi</b>')"]);
    expect(md.body).toContain("> and \\<b>raw\\</b> html");
  });

  it("takes 60 searches at once from one person, then says to wait", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    for (let i = 0; i < 60; i++) expect((await api(`/search?q=word${i}`, { token: ann.token })).status).toBe(200);
    // The bucket refills at two a second meanwhile (a slow run refills it more): some more may
    // pass, then one waits. Each search spends one, faster than they come back.
    let refused = await api<{ error: { code: string } }>("/search?q=more", { token: ann.token });
    for (let i = 0; i < 100 && refused.status === 200; i++) refused = await api("/search?q=more", { token: ann.token });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await api("/search?q=mine", { token: bob.token })).status).toBe(200);
  });

  it("searches only the caller's rooms", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const mine = await createRoom(ann, { title: "Mine" });
    const theirs = await createRoom(bob, { title: "Theirs" });
    await post(ann, mine.id, "the quokka is a marsupial");
    await post(bob, theirs.id, "a quokka in bob's room");
    await Promise.all([flush(mine.id), flush(theirs.id)]);
    const r = await api<{ results: { room: { id: string }; message: Message }[]; nextCursor: string | null }>("/search?q=quokk", {
      token: ann.token,
    });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => x.room.id)).toEqual([mine.id]);
    expect(r.body.results[0]?.message.content).toContain("marsupial");
    expect((await api("/search?q=", { token: ann.token })).status).toBe(400);
  });

  it("pages search by the cursor it hands out, and refuses one it could not have issued with 400", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    await post(ann, room.id, "a numbat");
    await post(ann, room.id, "another numbat");
    await flush(room.id);
    type Page = { results: { message: Message }[]; nextCursor: string | null };
    const first = await api<Page>("/search?q=numbat&limit=1", { token: ann.token });
    expect(first.body.results.map((x) => x.message.content)).toEqual(["another numbat"]);
    const next = await api<Page>(`/search?q=numbat&limit=1&cursor=${encodeURIComponent(first.body.nextCursor ?? "")}`, {
      token: ann.token,
    });
    expect(next.body.results.map((x) => x.message.content)).toEqual(["a numbat"]);
    expect(next.body.nextCursor).toBeNull();
    // Offsets (what cursors used to be) among them.
    for (const cursor of ["1", "20", "1e300", "99999999999999999999", "-1", "abc", "1.5", "0x10", " 7", "1.2.a b", "1.9999999999.r"]) {
      const r = await api<{ error: { code: string } }>(`/search?q=numbat&cursor=${encodeURIComponent(cursor)}`, { token: ann.token });
      expect(r.status, cursor).toBe(400);
      expect(r.body.error.code, cursor).toBe("invalid_input");
    }
    // Before everything there is nothing; an empty cursor is no cursor: the first page.
    const far = await api<Page>(`/search?q=numbat&cursor=0.0.${room.id}`, { token: ann.token });
    expect(far.body).toEqual({ results: [], nextCursor: null });
    const whole = await api<Page>("/search?q=numbat&cursor=", { token: ann.token });
    expect(whole.body.results).toHaveLength(2);
  });
});

/** The text inside a Markdown node, its children's joined. */
/** Every node of a Markdown tree, depth first. */
function nodes(node: object): { type: string }[] {
  const { children } = node as { children?: object[] };
  return [node as { type: string }, ...(children ?? []).flatMap(nodes)];
}

function textOf(node: object): string {
  const { value, children } = node as { value?: unknown; children?: object[] };
  return typeof value === "string" ? value : (children ?? []).map(textOf).join("");
}
