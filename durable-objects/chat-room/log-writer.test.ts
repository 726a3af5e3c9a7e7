// The reserved row of early delivery (LogWriter): taken before it is written, written by the
// first use of the log after it, so no append takes its seq, no read misses it, no rollback
// undoes it once acked, and a resend of its clientId finds it. Driven inside a real room object.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/wire";
import { chatRoom } from "./chat-room";
import type { NewMessage, RoomLog } from "./room-log";

const logOf = (instance: unknown) => (instance as { p: { log: RoomLog } }).p.log;
const ann = { kind: "user" as const, id: "u-ann", name: "Ann" };
const text = (content: string, clientId?: string): NewMessage => ({ author: ann, content, status: "complete", clientId });
const rowCount = (state: DurableObjectState) => Number(state.storage.sql.exec("SELECT count(*) AS n FROM messages").one().n);

/** Runs `fn` on a fresh room's log, with a record of what the reservation heard. */
function inRoom<T>(fn: (log: RoomLog, state: DurableObjectState, heard: string[]) => T) {
  return runInDurableObject(chatRoom(env, crypto.randomUUID()), (instance, state) => fn(logOf(instance), state, []));
}
const listen = (heard: string[]) => ({ written: () => heard.push("written"), lost: (err: unknown) => heard.push(`lost: ${err}`) });

describe("a reserved row", () => {
  it("is not written until the log is next used, and then before anything else", async () => {
    const seqs = await inRoom((log, state, heard) => {
      const early = log.reserve(text("early", "c1"), listen(heard)).message;
      const unwritten = rowCount(state);
      const next = log.append(text("next"));
      return { early: early.seq, unwritten, next: next.seq, heard, rows: rowCount(state) };
    });
    expect(seqs).toEqual({ early: 1, unwritten: 0, next: 2, heard: ["written"], rows: 2 });
  });

  it("is seen by every read: lastSeq, get, after, and a resend check of its clientId", async () => {
    const seen = await inRoom((log, _state, heard) => {
      const out: unknown[] = [];
      log.reserve(text("a", "c1"), listen(heard));
      out.push(log.lastSeq);
      log.reserve(text("b", "c2"), listen(heard));
      out.push(log.get(2)?.content);
      log.reserve(text("c", "c3"), listen(heard));
      out.push(log.after(0, 10).map((m: Message) => m.seq));
      log.reserve(text("d", "c4"), listen(heard));
      out.push(log.byClientId(ann.id, "c4")?.seq);
      return { out, heard };
    });
    expect(seen.out).toEqual([1, "b", [1, 2, 3], 4]);
    expect(seen.heard).toEqual(["written", "written", "written", "written"]);
  });

  it("is written outside a transaction that then rolls back", async () => {
    const result = await inRoom((log, state, heard) => {
      log.reserve(text("kept", "c1"), listen(heard));
      expect(() =>
        log.transaction(() => {
          log.append(text("undone"));
          throw new Error("rolled back");
        }),
      ).toThrow("rolled back");
      log.reload();
      return { heard, rows: rowCount(state), lastSeq: log.lastSeq };
    });
    expect(result).toEqual({ heard: ["written"], rows: 1, lastSeq: 1 });
  });

  it("that cannot be written is reported lost, and its seq is taken by the next message", async () => {
    const result = await inRoom((log, state, heard) => {
      log.append(text("first", "c1"));
      // The same clientId again: its write is refused by the unique index.
      log.reserve(text("again", "c1"), listen(heard));
      const next = log.append(text("next"));
      return { heard, next: next.seq, rows: rowCount(state) };
    });
    expect(result.heard).toHaveLength(1);
    expect(result.heard[0]).toMatch(/^lost: /);
    expect(result).toMatchObject({ next: 2, rows: 2 });
  });
});
