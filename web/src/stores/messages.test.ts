// Behaviour of the room message store: merge by seq, the pending → acked/failed life of a
// local send, and how streamed deltas are applied, dropped or superseded.
import { describe, expect, it } from "vitest";
import type { Author, Message } from "../../../shared/wire";
import { createMessageStore } from "./messages";

const me: Author = { kind: "user", id: "u1", name: "Ada" };
const bob: Author = { kind: "user", id: "u2", name: "Bob" };
const ai: Author = { kind: "ai", id: "c1", name: "Assistant" };

function msg(seq: number, content: string, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    roomId: "r1",
    seq,
    author: bob,
    content,
    status: "complete",
    createdAt: "2026-01-01T00:00:00.000Z",
    ...extra,
  };
}

const setup = () => createMessageStore({ roomId: "r1", me: () => me });
const seqs = (s: ReturnType<typeof setup>) => s.state.messages.map((m) => m.seq);

describe("merging messages by seq", () => {
  it("keeps messages sorted by seq whatever order they arrive in", () => {
    const s = setup();
    for (const n of [3, 1, 2, 5, 4]) s.receive(msg(n, `#${n}`));
    expect(seqs(s)).toEqual([1, 2, 3, 4, 5]);
  });

  it("replaces a message when a frame for the same seq arrives again", () => {
    const s = setup();
    s.receive(msg(1, "first"));
    s.receive(msg(1, "edited", { status: "stopped" }));
    expect(s.state.messages).toHaveLength(1);
    expect(s.state.messages[0]?.content).toBe("edited");
    expect(s.state.messages[0]?.status).toBe("stopped");
  });

  it("does not duplicate anything when catch-up replays what is already shown", () => {
    const s = setup();
    s.addPage([msg(1, "a"), msg(2, "b"), msg(3, "c")], false, "latest");
    for (const n of [2, 3, 4]) s.receive(msg(n, `x${n}`));
    expect(seqs(s)).toEqual([1, 2, 3, 4]);
  });

  it("tracks the highest seq it has received for hello {afterSeq}", () => {
    const s = setup();
    s.addPage([msg(7, "a"), msg(8, "b")], true, "latest");
    expect(s.state.lastSeq).toBe(8);
    s.receive(msg(9, "c"));
    s.receive(msg(4, "old"));
    expect(s.state.lastSeq).toBe(9);
  });

  it("leaves an ack older than what is shown to the older pages, so the gap still loads", () => {
    const s = setup();
    // Only the latest arrived (no history page); a resend is acked with its old seq 1.
    for (let n = 12; n <= 14; n++) s.receive(msg(n, `m${n}`));
    expect(s.state.hasMoreBefore).toBe(true);
    const local = s.addLocal("x");
    s.ack(local.clientId, 1);
    expect(s.state.pending).toHaveLength(0);
    expect(seqs(s)).toEqual([12, 13, 14]);
    s.addPage([msg(1, "x"), msg(2, "b")], true, "older");
    expect(seqs(s)).toEqual([1, 2, 12, 13, 14]);
    expect(s.state.hasMoreBefore).toBe(true);
  });

  it("prepends older pages without replacing the messages already shown", () => {
    const s = setup();
    s.addPage([msg(51, "a"), msg(52, "b")], true, "latest");
    const shown = s.state.messages[0];
    s.addPage([msg(50, "z"), msg(51, "stale copy"), msg(49, "y")], false, "older");
    expect(seqs(s)).toEqual([49, 50, 51, 52]);
    expect(s.state.messages[2]).toBe(shown);
    expect(s.state.messages[2]?.content).toBe("a");
    expect(s.state.hasMoreBefore).toBe(false);
    expect(s.state.lastSeq).toBe(52);
  });
});

describe("local sends", () => {
  it("shows a send as pending until its ack, then as the message with that seq", () => {
    const s = setup();
    const local = s.addLocal("hello");
    expect(s.state.pending[0]).toMatchObject({ clientId: local.clientId, status: "pending", content: "hello" });
    s.ack(local.clientId, 12);
    expect(s.state.pending).toHaveLength(0);
    expect(s.state.messages[0]).toMatchObject({ seq: 12, content: "hello", author: me, clientId: local.clientId });
  });

  it("lets the server's copy replace the acked placeholder in place", () => {
    const s = setup();
    const local = s.addLocal("hello");
    s.ack(local.clientId, 3);
    s.receive(msg(3, "hello", { id: "real", author: me, clientId: local.clientId }));
    expect(s.state.messages).toHaveLength(1);
    expect(s.state.messages[0]?.id).toBe("real");
  });

  it("does not update lastSeq from an ack: earlier seqs may still be on their way", () => {
    const s = setup();
    s.receive(msg(1, "a"));
    const local = s.addLocal("hi");
    s.ack(local.clientId, 5);
    expect(s.state.lastSeq).toBe(1);
  });

  it("drops the pending copy when the message frame arrives before the ack (with clientId)", () => {
    const s = setup();
    const local = s.addLocal("hello");
    s.receive(msg(4, "hello", { author: me, clientId: local.clientId }));
    expect(s.state.pending).toHaveLength(0);
    s.ack(local.clientId, 4);
    expect(s.state.messages).toHaveLength(1);
    expect(s.state.pending).toHaveLength(0);
  });

  it("drops the pending copy on ack when the message frame came first without a clientId", () => {
    const s = setup();
    const local = s.addLocal("hello");
    s.receive(msg(4, "hello", { author: me }));
    expect(s.state.pending).toHaveLength(1);
    s.ack(local.clientId, 4);
    expect(s.state.pending).toHaveLength(0);
    expect(seqs(s)).toEqual([4]);
    expect(s.state.messages[0]?.id).toBe("m4");
  });

  it("puts every unacked send back to wait for the connection when the socket closes, and keeps them visible", () => {
    const s = setup();
    const a = s.addLocal("one");
    const b = s.addLocal("two");
    s.ack(a.clientId, 1);
    s.requeue();
    expect(s.state.pending).toEqual([expect.objectContaining({ clientId: b.clientId, status: "pending", waiting: true })]);
  });

  it("puts the named send back to wait on rate_limited, held while the room is connected", () => {
    const s = setup();
    const a = s.addLocal("one");
    const b = s.addLocal("two");
    expect(s.rateLimited(b.clientId)).toBe(true);
    expect(s.state.pending[0]?.waiting).toBeUndefined();
    expect(s.state.pending[1]).toMatchObject({ clientId: b.clientId, status: "pending", waiting: true, held: true });
    expect(a.clientId).not.toBe(b.clientId);
  });

  it("sends again, first, an own message shown before its ack whose socket closed, and puts it back if refused", () => {
    const s = setup();
    const shown = s.addLocal("shown");
    s.addLocal("later");
    s.receive(msg(4, "shown", { author: me, clientId: shown.clientId }));
    expect(s.queue().map((p) => [p.content, !!p.waiting])).toEqual([
      ["shown", false],
      ["later", false],
    ]);
    s.requeue();
    expect(s.queue().map((p) => [p.content, !!p.waiting])).toEqual([
      ["shown", true],
      ["later", true],
    ]);
    // Still shown once, as the message; no pending copy beside it.
    expect(s.state.pending.map((p) => p.content)).toEqual(["later"]);
    s.setWaiting(shown.clientId, false);
    expect(s.rateLimited(shown.clientId)).toBe(true);
    expect(s.queue()[0]).toMatchObject({ clientId: shown.clientId, waiting: true });
    s.ack(shown.clientId, 4);
    expect(s.queue().map((p) => p.content)).toEqual(["later"]);
  });

  it("takes a rate_limited frame without a clientId for the oldest send on its way", () => {
    const s = setup();
    const a = s.addLocal("one");
    s.addLocal("two");
    s.rateLimited();
    expect(s.state.pending.map((p) => !!p.waiting)).toEqual([true, false]);
    expect(s.state.pending[0]?.clientId).toBe(a.clientId);
  });

  it("fails a send the server refused, with the server's reason", () => {
    const s = setup();
    const a = s.addLocal("x".repeat(10));
    expect(s.fail(a.clientId, "Message is too long")).toBe(true);
    expect(s.state.pending[0]).toMatchObject({ status: "failed", error: "Message is too long" });
  });

  it("says when a refusal names a send it does not know, and changes nothing", () => {
    const s = setup();
    s.addLocal("one");
    expect(s.fail("nope", "refused")).toBe(false);
    expect(s.rateLimited("nope")).toBe(false);
    expect(s.state.pending[0]?.status).toBe("pending");
  });

  it("retries a failed send with the same clientId", () => {
    const s = setup();
    const a = s.addLocal("one");
    s.fail(a.clientId, "refused");
    s.markPending(a.clientId);
    expect(s.state.pending[0]).toMatchObject({ clientId: a.clientId, status: "pending" });
    expect(s.state.pending[0]?.error).toBeUndefined();
    s.ack(a.clientId, 9);
    expect(seqs(s)).toEqual([9]);
  });

  it("ignores an ack for a clientId it does not know", () => {
    const s = setup();
    s.ack("nope", 3);
    expect(s.state.messages).toHaveLength(0);
  });
});

describe("streamed deltas", () => {
  const start = (s: ReturnType<typeof setup>, content = "") => s.receive(msg(2, content, { author: ai, status: "streaming" }));

  it("appends deltas in index order", () => {
    const s = setup();
    start(s);
    s.delta(2, 0, "Hel");
    s.delta(2, 1, "lo");
    expect(s.state.messages[0]?.content).toBe("Hello");
  });

  it("drops a duplicate delta", () => {
    const s = setup();
    start(s);
    s.delta(2, 0, "Hel");
    s.delta(2, 0, "Hel");
    s.delta(2, 1, "lo");
    expect(s.state.messages[0]?.content).toBe("Hello");
  });

  it("stops appending after a gap until the final message replaces the text", () => {
    const s = setup();
    start(s);
    s.delta(2, 0, "A");
    s.delta(2, 2, "C");
    s.delta(2, 3, "D");
    expect(s.state.messages[0]?.content).toBe("A");
    s.receive(msg(2, "ABCD", { author: ai, status: "complete" }));
    expect(s.state.messages[0]?.content).toBe("ABCD");
    s.delta(2, 4, "late");
    expect(s.state.messages[0]?.content).toBe("ABCD");
  });

  it("continues a streaming snapshot from catch-up with whatever index comes next", () => {
    const s = setup();
    start(s, "Hello wor");
    s.delta(2, 5, "ld");
    s.delta(2, 5, "ld");
    s.delta(2, 6, "!");
    expect(s.state.messages[0]?.content).toBe("Hello world!");
  });

  it("drops deltas a snapshot already holds, using its streamIndex", () => {
    const s = setup();
    // Reconnected mid-stream: the snapshot holds chunks 0–2; chunk 2 was in flight too.
    s.receive(msg(2, "Hello wor", { author: ai, status: "streaming", streamIndex: 3 }));
    s.delta(2, 2, "wor");
    s.delta(2, 3, "ld");
    expect(s.state.messages[0]?.content).toBe("Hello world");
  });

  it("ignores deltas for a seq it has not seen", () => {
    const s = setup();
    s.delta(42, 0, "ghost");
    expect(s.state.messages).toHaveLength(0);
  });

  it("restarts from index 0 when a regenerate resets the reply", () => {
    const s = setup();
    start(s);
    s.delta(2, 0, "first try");
    s.receive(msg(2, "first try", { author: ai, status: "complete" }));
    start(s);
    s.delta(2, 0, "second");
    expect(s.state.messages[0]?.content).toBe("second");
  });

  it("keeps the same message object while streaming so the row is not re-created", () => {
    const s = setup();
    start(s);
    const row = s.state.messages[0];
    s.delta(2, 0, "x");
    s.receive(msg(2, "x", { author: ai, status: "complete" }));
    expect(s.state.messages[0]).toBe(row);
  });
});
