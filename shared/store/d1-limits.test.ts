// D1 in production refuses a string value over 1,000,000 bytes; the local D1 takes any size,
// so a batch that only works here would pass every other test. This D1 binding enforces the
// documented limit on every bound value, and the flush's upsert must stay within it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeRows } from "../../test/store-rows";
import { openStore } from ".";
import { jsonArrays } from "./messages";

const D1_MAX_VALUE_BYTES = 1_000_000;
const utf8 = new TextEncoder();

/** env.DB, but a statement binding a string over D1's limit throws as D1 does. */
function limitedD1(db: D1Database): D1Database {
  const check = (values: unknown[]) => {
    for (const v of values)
      if (typeof v === "string" && utf8.encode(v).byteLength > D1_MAX_VALUE_BYTES)
        throw new Error("D1_ERROR: string or blob too big: SQLITE_TOOBIG");
  };
  return new Proxy(db, {
    get(target, key) {
      if (key !== "prepare") return Reflect.get(target, key, target);
      return (query: string) => {
        const statement = target.prepare(query);
        return new Proxy(statement, {
          get(s, k) {
            if (k !== "bind") return Reflect.get(s, k, s);
            return (...values: unknown[]) => {
              check(values);
              return s.bind(...values);
            };
          },
        });
      };
    },
  });
}

describe("the flush's upsert on D1's limits", () => {
  it("stores a batch of 200 messages of 8,000 three-byte characters (4.8 MB), none of it in one value over 1 MB", async () => {
    const store = openStore({ ...env, DB: limitedD1(env.DB) });
    const { user, room, msg } = storeRows(store);
    const ann = await user("big");
    const r = await room(ann.id);
    const text = (seq: number) => `${seq} ${"€".repeat(7_990)}`;
    const rows = Array.from({ length: 200 }, (_, i) => msg(r.id, i + 1, text(i + 1), { authorId: ann.id }));
    expect(await store.messages.upsert(r.id, rows)).toBe(true);
    const page = await store.messages.page(r.id, { after: 0, limit: 200 });
    expect(page.messages.map((m) => m.seq)).toEqual(rows.map((r) => r.seq));
    expect(page.messages.every((m, i) => m.content === text(i + 1))).toBe(true);
  });

  it("splits JSON arrays by their UTF-8 size, keeping every item once and in order", () => {
    const items = ["1", "22", "333", "4444", `"${"€".repeat(10)}"`];
    const parts = jsonArrays(items, 40);
    expect(parts.flatMap((p) => JSON.parse(p))).toEqual(items.map((i) => JSON.parse(i)));
    for (const p of parts) expect(utf8.encode(p).byteLength).toBeLessThanOrEqual(40);
    expect(jsonArrays([], 40)).toEqual([]);
  });
});
