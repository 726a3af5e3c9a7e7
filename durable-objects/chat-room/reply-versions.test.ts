// Reply versions: regenerate writes a new version of the same reply (same seq), keeping the
// earlier ones, stopped and failed attempts included; every member sees the same current
// version, a chosen version is what the AI reads next, and the history store and export keep
// them all. The dummy AI answers (this project binds no keys).

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../../shared/markdown";
import { openStore } from "../../shared/store";
import type { Message } from "../../shared/wire";
import { api, post, roomWith } from "../../test/helpers";
import { type Client, connect } from "../../test/ws";
import { quoteMarkdown } from "../../worker/routes/export";
import { type ChatRoom, chatRoom } from "./chat-room";
import type { RoomLog } from "./room-log";
import { flushAll } from "./test-support";

const settled = (client: Client, seq: number, version: number) =>
  client.next("message", (f) => f.message.seq === seq && f.message.version === version && f.message.status !== "streaming", 15_000);

describe("reply versions", () => {
  it("keeps every attempt under the same seq, the same current one for everyone, and the chosen one for the AI", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    await api(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { characterId: "assistant" } });
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    await post(ann, room.id, "Say something");
    const first = await b.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "complete", 15_000);
    const seq = first.message.seq;
    const regenerate = () => api(`/rooms/${room.id}/messages/${seq}/regenerate`, { method: "POST", token: bob.token });

    // Version 2 streams into the same message and completes.
    expect((await regenerate()).status).toBe(202);
    const started = await a.next("message_updated", (f) => f.message.seq === seq);
    expect(started.message).toMatchObject({ version: 2, status: "streaming", content: "" });
    expect(started.message.versions?.[0]).toMatchObject({ content: first.message.content, status: "complete" });
    const second = await settled(b, seq, 2);
    expect(second.message.status).toBe("complete");

    // Version 3 is stopped before it starts; version 4 fails. Both stay.
    expect((await regenerate()).status).toBe(202);
    expect((await api(`/rooms/${room.id}/messages/${seq}/stop`, { method: "POST", token: ann.token })).status).toBe(202);
    expect((await settled(a, seq, 3)).message.status).toBe("stopped");
    expect((await regenerate()).status).toBe(202);
    await runInDurableObject(chatRoom(env, room.id), async (obj: ChatRoom, state) => {
      const job = state.storage.sql.exec<{ job_id: string }>("SELECT job_id FROM ai_jobs WHERE state IN ('queued', 'running')").one();
      await obj.finishReply(job.job_id, null, { status: "error", error: "The AI gave up." });
    });
    const failed = (await settled(b, seq, 4)).message;
    expect(failed.versions?.map((v) => v.status)).toEqual(["complete", "complete", "stopped", "error"]);

    // Bob flips back to the first version: everyone sees it, and it is what the AI reads next.
    const chosen = await api<{ message: Message }>(`/rooms/${room.id}/messages/${seq}/version`, {
      method: "PUT",
      token: bob.token,
      body: { version: 1 },
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.message).toMatchObject({ version: 1, content: first.message.content, status: "complete" });
    expect((await a.next("message_updated", (f) => f.message.version === 1)).message).toEqual(chosen.body.message);
    const context = await runInDurableObject(chatRoom(env, room.id), (obj) =>
      (obj as unknown as { p: { log: RoomLog } }).p.log.upTo(seq, 60),
    );
    expect(context.at(-1)?.content).toBe(first.message.content);
    expect((await api(`/rooms/${room.id}/messages/${seq}/version`, { method: "PUT", token: bob.token, body: { version: 9 } })).status).toBe(
      400,
    );

    // The history store and the export keep every version.
    await flushAll(room.id);
    const stored = await openStore(env).messages.get(room.id, seq);
    expect(stored).toEqual(chosen.body.message);
    const md = await api<string>(`/rooms/${room.id}/export?format=markdown`, { token: ann.token });
    expect(md.body).toContain("_Version 1 of 4, shown_");
    // The export quotes each version's Markdown, so compare with that form.
    expect(md.body).toContain(quoteMarkdown(second.message.content, parseMarkdown(second.message.content)));
    a.close();
    b.close();
  });

  it("refuses to flip versions of what has none, and while a version is being written", async () => {
    const [room, ann] = await roomWith("ann");
    await api(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { characterId: "assistant" } });
    const a = await connect(ann.token, room.id);
    await post(ann, room.id, "hi");
    const reply = await a.next("message", (f) => f.message.author.kind === "ai" && f.message.status === "complete", 15_000);
    const put = (version: number) =>
      api(`/rooms/${room.id}/messages/${reply.message.seq}/version`, { method: "PUT", token: ann.token, body: { version } });
    expect((await put(1)).status).toBe(404);
    expect((await api(`/rooms/${room.id}/messages/${reply.message.seq}/regenerate`, { method: "POST", token: ann.token })).status).toBe(
      202,
    );
    expect((await put(1)).body).toMatchObject({ error: { code: "busy" } });
    await settled(a, reply.message.seq, 2);
    a.close();
  });
});
