// Which passwords pass, and the reasons the rest are refused.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { checkPassword, estimatorHeld, passwordChecker } from "./password";

describe("checkPassword", () => {
  it.each(["12345678", "password", "aaaaaaaa", "qwertyuiop", "password1", "iloveyou2", "abcdefgh", "19841984"])(
    "refuses the guessable %s with a reason",
    (pw) => {
      const verdict = checkPassword(pw);
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? "" : verdict.reason).toMatch(/\w+.*\./);
    },
  );

  it("says which kind of weakness it found", () => {
    expect(checkPassword("password")).toMatchObject({ reason: expect.stringMatching(/most used passwords/) });
    expect(checkPassword("aaaaaaaaaa")).toMatchObject({ reason: expect.stringMatching(/Repeated characters/) });
    expect(checkPassword("short")).toMatchObject({ reason: "Use at least 8 characters." });
  });

  it("refuses a password built on the person's own username", () => {
    expect(checkPassword("ada_lovelace1", ["ada_lovelace", "Ada Lovelace"])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/username or name/),
    });
  });

  it.each(["correct horse battery", "pale-lantern-orbit-7", "Tr4il mix & river stones"])("accepts the strong %s", (pw) => {
    expect(checkPassword(pw, ["ada_lovelace"])).toEqual({ ok: true });
  });

  it("lets its lookup tables go at the next full garbage collection, and builds them again when asked", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    expect(checkPassword("correct horse battery")).toEqual({ ok: true });
    expect(estimatorHeld()).toBe(true);
    // A weakly held object lives at least to the end of the task that last touched it.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(estimatorHeld()).toBe(false);
    expect(checkPassword("password1")).toMatchObject({ ok: false, reason: expect.stringMatching(/commonly used|most used/) });
    expect(estimatorHeld()).toBe(true);
  });

  it("keeps the tables while a form's checker is in use, and lets them go with it", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    let check: ReturnType<typeof passwordChecker> | undefined = passwordChecker();
    expect(check("correct horse battery")).toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(estimatorHeld()).toBe(true);
    expect(check("12345678")).toMatchObject({ ok: false });
    check = undefined;
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(estimatorHeld()).toBe(false);
  });
});
