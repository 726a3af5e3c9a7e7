// A hostile client reconnecting from seq 0 over and over: each long catch-up (more than
// LONG_CATCH_UP messages) costs a token from its member's bucket, so the sixth in a row is
// refused with 1013, while short catch-ups and other members are served as before. This project
// prunes the room to its newest five rows, so each long catch-up reads the history store.
import { describe, expect, it } from "vitest";
import { CloseCode, hello } from "../../shared/wire";
import { type Account, roomWith } from "../../test/helpers";
import { type Client, connect } from "../../test/ws";
import { LONG_CATCH_UP } from "./catch-up";

const LAST = LONG_CATCH_UP + 1;

/** How many messages a catch-up from `afterSeq` brings, up to LAST. */
async function caughtUp(who: Account, roomId: string, afterSeq: number): Promise<number> {
  const c = await connect(who.token, roomId, { afterSeq });
  let count = 0;
  for (;;) {
    const { message } = await c.next("message", undefined, 20_000);
    count++;
    if (message.seq >= LAST) break;
  }
  c.close();
  return count;
}

async function sendAll(c: Client, from: number, to: number) {
  for (let i = from; i <= to; i++) c.send({ type: "send", clientId: `c${i}`, content: `m${i}` });
  await c.next("ack", (f) => f.clientId === `c${to}`, 30_000);
}

describe("long catch-ups", () => {
  it("refuses a member's sixth long catch-up in a row with 1013, and still serves short ones and other members", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    await sendAll(a, 1, 500);
    await sendAll(a, 501, LAST);
    a.close();
    for (let i = 0; i < 5; i++) expect(await caughtUp(bob, room.id, 0)).toBe(LAST);
    const refused = await connect(bob.token, room.id, null);
    refused.send(hello(0));
    expect(await refused.closed).toMatchObject({
      code: CloseCode.overloaded,
      reason: expect.stringMatching(/^Too many long catch-ups; try again in \d+ s$/),
    });
    expect(refused.frames.filter((f) => f.type === "message")).toEqual([]);
    // A short catch-up is no long one; Ann has her own bucket.
    expect(await caughtUp(bob, room.id, LAST - 10)).toBe(10);
    expect(await caughtUp(ann, room.id, 0)).toBe(LAST);
  });
});
