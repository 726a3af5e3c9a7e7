// Jumping to an old message and reading into the gap it leaves, from either side.
import { createRoot } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import type { Message } from "../../../shared/wire";
import { createHistory, gapsIn } from "./history";
import { createMessageStore } from "./messages";

const msg = (seq: number): Message => ({
  id: `m${seq}`,
  roomId: "r1",
  seq,
  author: { kind: "user", id: "u2", name: "Bob" },
  content: `m${seq}`,
  status: "complete",
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
});
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => msg(a + i));

/** A room of 500 messages whose latest page (451–500) is loaded. */
function setup() {
  return createRoot(() => {
    const messages = createMessageStore({ roomId: "r1", me: () => null });
    messages.addPage(range(451, 500), true, "latest");
    const fetchPage = vi.fn(async (q: { before?: number; after?: number; around?: number; limit: number }) => {
      if (q.around !== undefined) {
        const from = Math.max(1, q.around - q.limit / 2 + 1);
        return { messages: q.around > 500 ? [] : range(from, Math.min(500, from + q.limit - 1)), hasMore: from > 1 };
      }
      if (q.after !== undefined) return { messages: range(q.after + 1, Math.min(500, q.after + q.limit)), hasMore: true };
      const before = q.before ?? 501;
      return { messages: range(Math.max(1, before - q.limit), before - 1), hasMore: before - q.limit > 1 };
    });
    return { messages, history: createHistory({ messages, fetchPage }), fetchPage };
  });
}

describe("history jumps", () => {
  it("finds gaps where neighbouring seqs are not consecutive", () => {
    expect(gapsIn([msg(1), msg(2), msg(7), msg(8), msg(20)])).toEqual([
      { after: 2, before: 7 },
      { after: 8, before: 20 },
    ]);
  });

  it("loads the page around an old message, keeps the socket's resume point, and leaves one gap", async () => {
    const { messages, history } = setup();
    expect(await history.jumpTo(100)).toBe(true);
    expect(messages.indexOf(100)).toBeGreaterThanOrEqual(0);
    expect(messages.state.lastSeq).toBe(500);
    expect(messages.state.hasMoreBefore).toBe(true);
    expect(history.gaps()).toEqual([{ after: 130, before: 451 }]);
  });

  it("fills the gap forward from above and backward from below until it closes", async () => {
    const { messages, history } = setup();
    await history.jumpTo(100);
    await history.fill(history.gaps()[0] as { after: number; before: number }, "forward");
    expect(history.gaps()).toEqual([{ after: 230, before: 451 }]);
    await history.fill(history.gaps()[0] as { after: number; before: number }, "backward");
    expect(history.gaps()).toEqual([{ after: 230, before: 351 }]);
    await history.fill(history.gaps()[0] as { after: number; before: number }, "forward");
    expect(history.gaps()).toEqual([{ after: 330, before: 351 }]);
    await history.fill(history.gaps()[0] as { after: number; before: number }, "forward");
    expect(history.gaps()).toEqual([]);
    expect(messages.state.messages.map((m) => m.seq)).toEqual(range(71, 500).map((m) => m.seq));
  });

  it("reports a message the room does not have, and loads nothing for it", async () => {
    const { messages, history } = setup();
    expect(await history.jumpTo(9999)).toBe(false);
    expect(messages.state.messages).toHaveLength(50);
    expect(history.gaps()).toEqual([]);
  });
});
