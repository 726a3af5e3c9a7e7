// A busy room's copies to the history store are spaced out (Flush.pace): after a copy of 20
// rows or more, the next write waits five times FLUSH_DELAY_MS for its copy; after a smaller
// one, FLUSH_DELAY_MS again. And a copy that falls due while the room is writing waits for
// its next pause (Flush.due), within a bound.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { testBindings } from "../../test/bindings";
import { api, roomWith } from "../../test/helpers";
import { chatRoom } from "./chat-room";
import { FLUSH_TIMER, SLICE_GAP_MS, SLICE_ROWS } from "./flush";
import type { RoomParts } from "./parts";

const DELAY = Number(testBindings.FLUSH_DELAY_MS);

/** In the room's object: `count` messages by `authorId`, each scheduling the copy as a send
 * does, then the copy itself, run as its timer would run it. */
const writeThenCopy = (roomId: string, authorId: string, count: number) =>
  runInDurableObject(chatRoom(env, roomId), async (instance) => {
    const p = (instance as unknown as { p: RoomParts }).p;
    for (let i = 0; i < count; i++) {
      p.log.append({ author: { kind: "user", id: authorId, name: "Ann" }, content: `m${i}`, status: "complete" });
      await p.flush.schedule();
    }
    p.timers.clear(FLUSH_TIMER);
    await p.flush.run();
    return Number(p.log.backlog().messages);
  });

/** One more message: how long until its copy is due (ms). */
const nextCopyDueIn = (roomId: string, authorId: string) =>
  runInDurableObject(chatRoom(env, roomId), async (instance, state) => {
    const p = (instance as unknown as { p: RoomParts }).p;
    p.log.append({ author: { kind: "user", id: authorId, name: "Ann" }, content: "one more", status: "complete" });
    // The write's own time, passed in: the clock may tick between two reads of it.
    const now = Date.now();
    await p.flush.schedule(now);
    const row = state.storage.sql.exec<{ at: number }>("SELECT at FROM timers WHERE name = ?", FLUSH_TIMER).one();
    return row.at - now;
  });

describe("the write-behind copy's pace", () => {
  it("waits five times longer after a busy copy, and the usual delay again once the room calms", async () => {
    const [room, ann] = await roomWith("ann");
    expect((await api(`/rooms/${room.id}/messages`, { token: ann.token, body: { content: "hello" } })).status).toBe(201);

    // A quiet spell: a copy of a few rows, and the next write waits the usual delay.
    expect(await writeThenCopy(room.id, ann.user.id, 3)).toBe(0);
    const quiet = await nextCopyDueIn(room.id, ann.user.id);
    expect(quiet).toBeGreaterThan(0);
    expect(quiet).toBeLessThanOrEqual(DELAY);

    // A busy second: 25 rows in one copy (everything copied), and the next write waits longer.
    expect(await writeThenCopy(room.id, ann.user.id, 25)).toBe(0);
    const busy = await nextCopyDueIn(room.id, ann.user.id);
    expect(busy).toBeGreaterThan(4 * DELAY);
    expect(busy).toBeLessThanOrEqual(5 * DELAY);

    // It calms: a copy of that one row, and the usual delay is back.
    expect(await writeThenCopy(room.id, ann.user.id, 0)).toBe(0);
    const calm = await nextCopyDueIn(room.id, ann.user.id);
    expect(calm).toBeLessThanOrEqual(DELAY);
  });
});

/** In the room's object, after everything so far is copied: `rows` messages, the last written
 * `writtenAgo` ms ago (their wait counted from `waitingFor` ms ago), then the flush timer
 * rings. What the copy left at once, when the timer is due again, and what was left after
 * `thenMs`. */
const ringWhile = (
  roomId: string,
  authorId: string,
  {
    rows = 1,
    writtenAgo = 0,
    waitingFor = writtenAgo,
    thenMs = 0,
  }: { rows?: number; writtenAgo?: number; waitingFor?: number; thenMs?: number },
) =>
  runInDurableObject(chatRoom(env, roomId), async (instance, state) => {
    const p = (instance as unknown as { p: RoomParts }).p;
    const now = Date.now();
    for (let i = 0; i < rows; i++) {
      p.log.append({ author: { kind: "user", id: authorId, name: "Ann" }, content: `in a burst ${i}`, status: "complete" });
    }
    await p.flush.schedule(now - waitingFor);
    await p.flush.schedule(now - writtenAgo);
    p.timers.clear(FLUSH_TIMER); // as the alarm takes a due timer
    await p.flush.due(now);
    const left = Number(p.log.backlog().messages);
    const [timer] = state.storage.sql.exec<{ at: number }>("SELECT at FROM timers WHERE name = ?", FLUSH_TIMER).toArray();
    for (let waited = 0; waited < thenMs && p.log.backlog().messages > 0; waited += 50) await new Promise((r) => setTimeout(r, 50));
    return { left, dueIn: timer ? timer.at - now : undefined, leftLater: Number(p.log.backlog().messages) };
  });

describe("a copy due while the room writes", () => {
  it("waits for the room's next pause, with the timer kept for a bound, and runs in the pause", async () => {
    const [room, ann] = await roomWith("ann");
    expect((await api(`/rooms/${room.id}/messages`, { token: ann.token, body: { content: "hello" } })).status).toBe(201);
    expect(await writeThenCopy(room.id, ann.user.id, 0)).toBe(0);
    // Well before the bound (10 × DELAY), so only the pause can have run it.
    const burst = await ringWhile(room.id, ann.user.id, { thenMs: 5 * DELAY });
    expect(burst.left).toBe(1);
    expect(burst.dueIn).toBe(10 * DELAY);
    expect(burst.leftLater).toBe(0);
    // The pause took over from the timer, which is gone with the copy.
    expect(
      await runInDurableObject(chatRoom(env, room.id), (instance) => (instance as unknown as { p: RoomParts }).p.timers.has(FLUSH_TIMER)),
    ).toBe(false);
  });

  it("runs at once in a room that is already quiet, or once its oldest write has waited the bound", async () => {
    const [room, ann] = await roomWith("ann");
    expect((await api(`/rooms/${room.id}/messages`, { token: ann.token, body: { content: "hello" } })).status).toBe(201);
    expect(await writeThenCopy(room.id, ann.user.id, 0)).toBe(0);
    expect(await ringWhile(room.id, ann.user.id, { writtenAgo: 1000 })).toMatchObject({ left: 0, dueIn: undefined });
    expect(await ringWhile(room.id, ann.user.id, { waitingFor: 10 * DELAY })).toMatchObject({ left: 0, dueIn: undefined });
  });

  it("goes in slices a gap apart once the bound has passed with the room still writing, until all is copied", async () => {
    const [room, ann] = await roomWith("ann");
    expect((await api(`/rooms/${room.id}/messages`, { token: ann.token, body: { content: "hello" } })).status).toBe(201);
    expect(await writeThenCopy(room.id, ann.user.id, 0)).toBe(0);
    const rows = 2 * SLICE_ROWS + 50;
    const sliced = await ringWhile(room.id, ann.user.id, { rows, waitingFor: 10 * DELAY, thenMs: 20 * DELAY });
    // One slice at once; the rest of the backlog follows a gap later (by the alarm), not a
    // busy room's delay (five times DELAY) later, and is all copied.
    expect(sliced.left).toBe(rows - SLICE_ROWS);
    expect(sliced.dueIn).toBeGreaterThanOrEqual(SLICE_GAP_MS);
    expect(sliced.dueIn).toBeLessThan(5 * DELAY);
    expect(sliced.leftLater).toBe(0);
    // A pause copies the whole backlog at once, as before.
    expect(await ringWhile(room.id, ann.user.id, { rows, writtenAgo: 1000, waitingFor: 10 * DELAY })).toMatchObject({ left: 0 });
  });
});
