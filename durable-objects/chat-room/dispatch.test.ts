// plainSend, the schema-free check of a text `send`, against the frame schema it stands in for:
// every frame it takes, the schema takes too and returns the same; every text send the schema
// takes, it takes (so the room's commonest frame never runs the schema).
import { afterEach, describe, expect, it } from "vitest";
import * as schema from "../../shared/frames";
import { ClientFrame } from "../../shared/frames";
import { MAX_CLIENT_ID_LENGTH } from "../../shared/wire";
import { dispatch, type FrameHandlers, plainSend, unloadFrameSchema } from "./dispatch";
import { FloodGuard } from "./flood-guard";
import type { SocketInfo } from "./sockets";

const id = (n: number) => "c".repeat(n);
const frames: unknown[] = [
  { type: "send", clientId: "a", content: "hi" },
  { type: "send", clientId: id(MAX_CLIENT_ID_LENGTH), content: "" },
  { type: "send", clientId: "a-1_B.~!", content: "multi\nline ✓" },
  { type: "send", clientId: "ü🙂", content: "not ASCII" },
  { type: "send", clientId: "a\u0000b", content: "NUL in the id" },
  { type: "send", clientId: "a b", content: "blank in the id" },
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

describe("dispatch", () => {
  afterEach(() => unloadFrameSchema());

  it("hands frames on in the order they came while the frame schema is still loading", async () => {
    // A room's first frames after a start: the hello needs the schema, the text send after it
    // does not, and must not overtake it.
    let release = () => {};
    unloadFrameSchema(() => new Promise((resolve) => (release = () => resolve(schema))));
    const order: string[] = [];
    const info: SocketInfo = { user: { id: "u1", username: "ann", displayName: "Ann" }, exp: Number.MAX_SAFE_INTEGER, ready: false };
    const ws = { send() {}, close() {} } as unknown as WebSocket;
    const on = {
      sockets: { info: () => info },
      floods: new FloodGuard(),
      hello: async () => void order.push("hello"),
      send: async (_ws: WebSocket, _user: unknown, frame: { clientId: string }) => void order.push(`send ${frame.clientId}`),
    } as unknown as FrameHandlers;
    const done = [
      dispatch(ws, JSON.stringify({ type: "hello", afterSeq: 0 }), on),
      dispatch(ws, JSON.stringify({ type: "send", clientId: "A", content: "first", attachments: [] }), on),
      dispatch(ws, JSON.stringify({ type: "send", clientId: "B", content: "second" }), on),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    release();
    await Promise.all(done);
    expect(order).toEqual(["hello", "send A", "send B"]);
  });
});
