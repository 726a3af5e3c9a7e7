// plainSend, the schema-free check of a text `send`, against the frame schema it stands in for:
// every frame it takes, the schema takes too and returns the same; every text send the schema
// takes, it takes (so the room's commonest frame never runs the schema).
import { describe, expect, it } from "vitest";
import { ClientFrame } from "../../shared/frames";
import { MAX_CLIENT_ID_LENGTH } from "../../shared/wire";
import { plainSend } from "./dispatch";

const id = (n: number) => "c".repeat(n);
const frames: unknown[] = [
  { type: "send", clientId: "a", content: "hi" },
  { type: "send", clientId: id(MAX_CLIENT_ID_LENGTH), content: "" },
  { type: "send", clientId: "ü🙂", content: "multi\nline ✓" },
  { type: "send", clientId: "x", content: "with extra keys", seq: 4, extra: { a: 1 } },
  { content: "keys in another order", clientId: "k", type: "send" },
  { type: "send", clientId: "", content: "empty id" },
  { type: "send", clientId: id(MAX_CLIENT_ID_LENGTH + 1), content: "id too long" },
  { type: "send", clientId: 7, content: "numeric id" },
  { type: "send", content: "no id" },
  { type: "send", clientId: "a" },
  { type: "send", clientId: "a", content: 5 },
  { type: "send", clientId: "a", content: null },
  { type: "send", clientId: "a", content: "files", attachments: [] },
  { type: "send", clientId: "a", content: "files", attachments: ["f1"] },
  { type: "send", clientId: "a", content: "bad files", attachments: "f1" },
  { type: "send", clientId: "a", content: "null files", attachments: null },
  { type: "Send", clientId: "a", content: "wrong case" },
  { type: "hello", afterSeq: 3 },
  { type: "ping" },
  { type: "edit", seq: 1, content: "x", clientId: "a" },
  JSON.parse('{"type":"send","clientId":"p","content":"own __proto__","__proto__":{"x":1}}'),
  ["send", "a", "hi"],
  "send",
  null,
  42,
];

describe("plainSend", () => {
  for (const frame of frames) {
    it(`agrees with the schema on ${JSON.stringify(frame)}`, () => {
      const plain = plainSend(frame);
      const parsed = ClientFrame.safeParse(frame);
      const textSend = parsed.success && parsed.data.type === "send" && parsed.data.attachments === undefined;
      if (textSend) expect(plain).toEqual(parsed.data);
      else expect(plain).toBeUndefined();
    });
  }

  it("keeps only the frame's own fields", () => {
    expect(plainSend({ type: "send", clientId: "a", content: "hi", role: "admin" })).toStrictEqual({
      type: "send",
      clientId: "a",
      content: "hi",
    });
  });
});
