// Attachments through the front doors, against Miniflare's local R2: upload (members only,
// typed by bytes, limits), serving (members only, inert), sending them with messages over REST
// and WebSocket, how history, catch-up, export and search show them, and deletion (a message's
// files with the message, the room's objects with the room, unsent uploads after a while).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import type { Message } from "../../shared/wire";
import { download, elf, jpeg, pdf, png, text, upload } from "../../test/attachments";
import { type Account, api, createRoom, roomWith, signUp } from "../../test/helpers";
import { connect } from "../../test/ws";
import { fileLinkPath } from "../lib/file-links";

const objectsOf = async (roomId: string) => (await env.ATTACHMENTS.list({ prefix: `rooms/${roomId}/` })).objects.map((o) => o.key);

async function flush(roomId: string) {
  await new Promise((r) => setTimeout(r, 300));
  await runDurableObjectAlarm(chatRoom(env, roomId));
}

function send(who: Account, roomId: string, body: Record<string, unknown>) {
  return api<{ message: Message; error?: { code: string } }>(`/rooms/${roomId}/messages`, { token: who.token, body });
}

describe("attachments", () => {
  it("stores an upload typed by its bytes and serves it to members only, with its type and name", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const eve = await signUp("eve");
    const up = await upload(ann, room.id, png(640, 480), "chart.png", "image/png");
    expect(up.status).toBe(201);
    const a = up.body.attachment;
    expect(a).toMatchObject({ name: "chart.png", mimeType: "image/png", size: 97, width: 640, height: 480 });
    expect(a.url).toBe(`/api/rooms/${room.id}/attachments/${a.id}`);
    expect((await upload(ann, room.id, jpeg(800, 600), "photo")).body.attachment).toMatchObject({ mimeType: "image/jpeg", width: 800 });

    const res = await download(bob, a.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Disposition")).toContain('inline; filename="chart.png"');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png(640, 480));

    const refused = await download(eve, a.url);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("not_a_member");
    const outsider = await upload(eve, room.id, png(1, 1), "x.png");
    expect(outsider.status).toBe(403);
    expect((await download(ann, `/api/rooms/${room.id}/attachments/nope`)).status).toBe(404);
    // An id no upload could have (R2 refused the key and it was a 500).
    for (const id of ["x".repeat(5000), "a.b", "%F0%9F%99%82"])
      expect((await download(ann, `/api/rooms/${room.id}/attachments/${id}`)).status, id.slice(0, 9)).toBe(400);
  });

  it("refuses oversized, disguised, empty and malformed uploads with clear errors, and stores nothing", async () => {
    const [room, ann] = await roomWith("ann");
    const big = await upload(ann, room.id, text("a".repeat(10 * 1024 * 1024 + 1)), "big.txt", "text/plain");
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: "payload_too_large", message: "Files are limited to 10 MB." });
    const disguised = await upload(ann, room.id, elf(), "photo.png", "image/png");
    expect(disguised.status).toBe(415);
    expect(disguised.body.error?.code).toBe("unsupported_type");
    expect((await upload(ann, room.id, new Uint8Array([0x00, 0xff, 0x00, 0x10]), "blob.txt", "text/plain")).status).toBe(415);
    expect((await upload(ann, room.id, new Uint8Array(0), "empty.txt")).body.error?.code).toBe("empty_file");
    const notMultipart = await api(`/rooms/${room.id}/attachments`, { token: ann.token, body: { file: "x" } });
    expect(notMultipart.status).toBe(400);
    expect((notMultipart.body as { error: { code: string } }).error.code).toBe("invalid_input");
    expect(await objectsOf(room.id)).toEqual([]);
  });

  it("takes 20 uploads at once from one person, then says to wait (429 with Retry-After)", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    for (let i = 0; i < 20; i++) expect((await upload(ann, room.id, text(`note ${i}`), `n${i}.txt`)).status).toBe(201);
    const refused = await upload(ann, room.id, text("one more"), "more.txt");
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another person's uploads are theirs to count.
    expect((await upload(bob, room.id, text("mine"), "mine.txt")).status).toBe(201);
  });

  it("serves an uploaded HTML or SVG file as inert plain text, as a download", async () => {
    const [room, ann] = await roomWith("ann");
    for (const [name, type, body] of [
      ["evil.html", "text/html", "<script>alert(document.cookie)</script>"],
      ["evil.svg", "image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ] as const) {
      const up = await upload(ann, room.id, text(body), name, type);
      expect(up.body.attachment.mimeType).toBe("text/plain");
      const res = await download(ann, up.body.attachment.url);
      expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
      // Downloaded, it would open as a page or a picture with script: it is saved as text.
      expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="evil\.(html|svg)\.txt"/);
      expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(await res.text()).toBe(body);
    }
    expect((await upload(ann, room.id, pdf(), "doc.pdf")).body.attachment.mimeType).toBe("application/pdf");
  });

  it("sends attachments over REST once, idempotently, and refuses someone else's or a sent one", async () => {
    // Three people: a room of two is a direct chat, named after the other person instead.
    const [room, ann, bob] = await roomWith("ann", "bob", "cy");
    const a = (await upload(ann, room.id, png(2, 3), "tiny.png")).body.attachment;
    const first = await send(ann, room.id, { content: "", clientId: "c1", attachments: [a.id] });
    expect(first.status).toBe(201);
    expect(first.body.message.attachments).toEqual([a]);
    const again = await send(ann, room.id, { content: "", clientId: "c1", attachments: [a.id] });
    expect(again.status).toBe(200);
    expect(again.body.message.seq).toBe(first.body.message.seq);
    const reused = await send(ann, room.id, { content: "again", attachments: [a.id] });
    expect(reused.status).toBe(400);
    expect(reused.body.error?.code).toBe("invalid_attachment");
    const b = (await upload(ann, room.id, png(2, 3), "mine.png")).body.attachment;
    expect((await send(bob, room.id, { content: "stolen", attachments: [b.id] })).body.error?.code).toBe("invalid_attachment");
    expect((await send(ann, room.id, { content: "" })).body.error?.code).toBe("invalid_content");
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: bob.token });
    expect(page.body.messages.map((m) => m.attachments?.map((x) => x.id))).toEqual([[a.id]]);
    // A group without a title is named after its first message: here, the file it carried.
    await flush(room.id);
    expect((await api<{ room: { title: string } }>(`/rooms/${room.id}`, { token: ann.token })).body.room.title).toBe("tiny.png");
  });

  it("sends attachments over the WebSocket; catch-up, history after the flush, export and search show them", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = (await upload(ann, room.id, png(640, 480), "chart.png")).body.attachment;
    const ws = await connect(ann.token, room.id);
    ws.send({ type: "send", clientId: "w1", content: "quarterly chart", attachments: [a.id] });
    const broadcast = await ws.next("message");
    const ack = await ws.next("ack");
    expect(ack.seq).toBe(broadcast.message.seq);
    expect(broadcast.message.attachments).toEqual([a]);
    ws.send({ type: "send", clientId: "w1", content: "quarterly chart", attachments: [a.id] });
    expect((await ws.next("ack")).seq).toBe(ack.seq);
    ws.close();

    const late = await connect(bob.token, room.id, { afterSeq: 0 });
    const caught = await late.next("message", (f) => f.message.seq === ack.seq);
    expect(caught.message.attachments).toEqual([a]);
    late.close();

    await flush(room.id);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: bob.token });
    expect(page.body.messages[0]?.attachments).toEqual([a]);
    const json = await api<{ messages: Message[] }>(`/rooms/${room.id}/export?format=json`, { token: bob.token });
    expect(json.body.messages[0]?.attachments).toEqual([a]);
    const md = await api<string>(`/rooms/${room.id}/export?format=markdown`, { token: bob.token });
    expect(md.body).toMatch(/\[chart\.png\]\(https:\/\/parlor\.test\/api\/files\/[^)]+\) \(image\/png, 97 bytes\)/);
    const found = await api<{ results: { message: Message }[] }>("/search?q=quarterly", { token: bob.token });
    expect(found.body.results.find((r) => r.message.roomId === room.id)?.message.attachments).toEqual([a]);
  });

  it("links an exported document's files by signed links that open without a token, for a week", async () => {
    const [room, ann] = await roomWith("ann");
    const a = (await upload(ann, room.id, png(640, 480), "chart.png")).body.attachment;
    const b = (await upload(ann, room.id, text("notes"), "notes.txt")).body.attachment;
    await send(ann, room.id, { content: "two files", attachments: [a.id, b.id] });
    const md = (await api<string>(`/rooms/${room.id}/export?format=markdown`, { token: ann.token })).body;
    const links = [...md.matchAll(/- Attachment: \[[^\]]+\]\((https:\/\/parlor\.test[^)]+)\)/g)].map((m) => m[1] as string);
    expect(links).toHaveLength(2);
    const [chart, notes] = links as [string, string];
    const expires = Number(new URL(chart).searchParams.get("expires"));
    expect(expires * 1000 - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(md).toContain(`Links to files work until ${new Date(expires * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC.`);
    // No token: the link is the key, and the file comes as the members' route serves it.
    const open = (url: string) => exports.default.fetch(new Request(url));
    const res = await open(chart);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png(640, 480));
    expect(await (await open(notes)).text()).toBe("notes");
    // Its signature names this file, this room and this expiry: change any and it is refused.
    const changed = (url: string, edit: (u: URL) => void) => {
      const u = new URL(url);
      edit(u);
      return u.toString();
    };
    const refused = [
      changed(chart, (u) => (u.pathname = u.pathname.replace(a.id, b.id))),
      changed(chart, (u) => u.searchParams.set("expires", String(expires + 86_400))),
      changed(chart, (u) => u.searchParams.set("signature", `${u.searchParams.get("signature")?.slice(0, -2)}AA`)),
      changed(chart, (u) => u.searchParams.delete("signature")),
    ];
    const codes = [];
    for (const url of refused) {
      const r = await open(url);
      codes.push(`${r.status} ${((await r.json()) as { error: { code: string } }).error.code}`);
    }
    expect(codes).toEqual(["403 invalid_link", "403 invalid_link", "403 invalid_link", "400 invalid_input"]);
    // A week on, the same link says it has expired.
    const past = await open(`https://parlor.test${await fileLinkPath(env, room.id, a.id, Math.floor(Date.now() / 1000) - 60)}`);
    expect([past.status, ((await past.json()) as { error: { code: string } }).error.code]).toEqual([410, "link_expired"]);
    // Deleted with its message: the link finds nothing.
    const seq = (await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token })).body.messages[0]?.seq;
    expect((await api(`/rooms/${room.id}/messages/${seq}`, { method: "DELETE", token: ann.token })).status).toBe(200);
    await expect.poll(async () => (await open(chart)).status).toBe(404);
  });

  it("deletes a room's objects with the room, and collects uploads never sent", async () => {
    const [room, ann] = await roomWith("ann");
    const sent = (await upload(ann, room.id, png(1, 1), "sent.png")).body.attachment;
    const unsent = (await upload(ann, room.id, text("draft"), "draft.txt")).body.attachment;
    await send(ann, room.id, { content: "here", attachments: [sent.id] });
    const stub = chatRoom(env, room.id);
    // The sweep is armed for the unsent upload; run it as if a day had passed.
    expect(await runInDurableObject(stub, (_o, state) => state.storage.sql.exec("SELECT name FROM timers").toArray())).toContainEqual({
      name: "uploads",
    });
    expect(await stub.sweepUploads(Date.now() + 25 * 3600_000)).toBe(1);
    expect((await download(ann, unsent.url)).status).toBe(404);
    expect((await download(ann, sent.url)).status).toBe(200);
    expect(await objectsOf(room.id)).toEqual([`rooms/${room.id}/${sent.id}`]);

    expect((await api(`/rooms/${room.id}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    expect(await objectsOf(room.id)).toEqual([]);
  });

  it("deletes a message's files with the message: the tombstone carries none, and they are gone from R2", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const kept = (await upload(ann, room.id, png(1, 1), "kept.png")).body.attachment;
    const gone = (await upload(ann, room.id, pdf(), "gone.pdf")).body.attachment;
    await send(ann, room.id, { content: "stays", attachments: [kept.id] });
    const doomed = (await send(ann, room.id, { content: "goes", attachments: [gone.id] })).body.message;
    const removed = await api<{ message: Message }>(`/rooms/${room.id}/messages/${doomed.seq}`, { method: "DELETE", token: ann.token });
    expect(removed.status).toBe(200);
    expect(removed.body.message.attachments ?? []).toEqual([]);
    expect((await download(bob, gone.url)).status).toBe(404);
    expect((await download(bob, kept.url)).status).toBe(200);
    expect(await objectsOf(room.id)).toEqual([`rooms/${room.id}/${kept.id}`]);
    await flush(room.id);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: bob.token });
    expect(page.body.messages.map((m) => m.attachments?.map((x) => x.name) ?? [])).toEqual([["kept.png"], []]);
  });

  it("lets the AI see them: without keys the dummy says what it received", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant" });
    const chart = (await upload(ann, room.id, png(640, 480), "chart.png")).body.attachment;
    const photo = (await upload(ann, room.id, jpeg(1024, 768), "cat.jpg")).body.attachment;
    const sent = await api<{ reply: Message }>(`/rooms/${room.id}/messages?wait=true`, {
      token: ann.token,
      body: { content: "", attachments: [chart.id, photo.id] },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.reply.content).toContain("I can see a 640×480 PNG named chart.png and a 1024×768 JPEG named cat.jpg.");
  });
});
