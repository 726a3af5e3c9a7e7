// inOrder: what follows a room's writes runs one call at a time, in the order of the calls,
// even when an earlier call's argument (an early message, not yet written) is still pending.
import { describe, expect, it } from "vitest";
import { inOrder } from "./in-order";

describe("inOrder", () => {
  it("runs a call whose argument is ready only after an earlier one whose argument was pending", async () => {
    const ran: string[] = [];
    const run = inOrder(async (name: string) => {
      ran.push(`start ${name}`);
      await Promise.resolve();
      ran.push(`end ${name}`);
      return name.toUpperCase();
    });
    let release: (name: string) => void = () => {};
    const first = run(new Promise<string>((r) => (release = r)));
    const second = run("second");
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toEqual([]);
    release("first");
    expect(await Promise.all([first, second])).toEqual(["FIRST", "SECOND"]);
    expect(ran).toEqual(["start first", "end first", "start second", "end second"]);
  });

  it("goes on after a call that failed, and the failure reaches that call's caller", async () => {
    const run = inOrder(async (n: number) => {
      if (n === 1) throw new Error("one failed");
      return n;
    });
    const failed = run(1);
    const next = run(2);
    await expect(failed).rejects.toThrow("one failed");
    expect(await next).toBe(2);
  });
});
