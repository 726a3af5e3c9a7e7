// Room WebSockets through each dev server, as a client sees them: refused upgrades arrive as
// HTTP answers with their real status and JSON error (the Vite dev server used to drop the
// connection instead, so a client could not tell why), and an accepted socket carries the
// protocol end to end between two members.
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Room } from "../../shared/wire";
import { type Account, call, createRoom, isAck, isMessage, isReady, signUp, type Upgrade, upgrade } from "./client";

const { modes } = inject("blackbox");
const MISSING_ROOM = "00000000-0000-4000-8000-000000000000";

const refusal = (u: Upgrade) =>
  "refused" in u ? { status: u.refused.status, code: (u.refused.body as { error?: { code?: string } }).error?.code } : "opened";

describe.each(modes)("WebSockets through $name", ({ base }) => {
  let owner: Account;
  let member: Account;
  let outsider: Account;
  let room: Room;
  beforeAll(async () => {
    owner = await signUp(base, "ws_owner");
    member = await signUp(base, "ws_member");
    outsider = await signUp(base, "ws_out");
    room = await createRoom(base, owner, { title: "sockets", members: [member.user.username] });
  });

  it("refuses upgrades with their status and JSON error, and keeps serving afterwards", async () => {
    const cases: [string, () => Promise<Upgrade>, { status: number; code: string }][] = [
      ["no token", () => upgrade(base, room.id), { status: 401, code: "unauthorized" }],
      ["a forged token", () => upgrade(base, room.id, { token: "not.a.jwt" }), { status: 401, code: "invalid_token" }],
      ["a non-member", () => upgrade(base, room.id, { token: outsider.token }), { status: 403, code: "not_a_member" }],
      [
        "a foreign Origin",
        () => upgrade(base, room.id, { token: owner.token, origin: "https://elsewhere.example" }),
        { status: 403, code: "origin_not_allowed" },
      ],
      ["an unknown room", () => upgrade(base, MISSING_ROOM, { token: owner.token }), { status: 404, code: "not_found" }],
    ];
    for (const [name, attempt, expected] of cases) {
      expect({ name, answer: refusal(await attempt()) }).toEqual({ name, answer: expected });
      const next = await call(base, "/api/rooms", { token: owner.token });
      expect({ after: name, status: next.status }).toEqual({ after: name, status: 200 });
    }
  });

  it("answers a plain GET on the socket path with 426", async () => {
    const r = await call<{ error: { code: string } }>(base, `/api/rooms/${room.id}/ws`, { token: owner.token });
    expect([r.status, r.body.error.code]).toEqual([426, "upgrade_required"]);
  });

  it("delivers a message from one member's socket to another's, acked to the sender", async () => {
    const [a, b] = await Promise.all([upgrade(base, room.id, { token: owner.token }), upgrade(base, room.id, { token: member.token })]);
    if (!("socket" in a) || !("socket" in b)) throw new Error(`a member was refused: ${JSON.stringify([refusal(a), refusal(b)])}`);
    const [sender, receiver] = [a.socket, b.socket];
    try {
      expect(sender.ws.protocol).toBe("parlor");
      sender.send({ type: "hello", afterSeq: 0 });
      receiver.send({ type: "hello", afterSeq: 0 });
      await Promise.all([sender.next(isReady, "ready"), receiver.next(isReady, "ready")]);
      sender.send({ type: "send", clientId: "bb-ws-1", content: "over the socket" });
      const ack = await sender.next(isAck("bb-ws-1"), "ack");
      const got = await receiver.next(
        isMessage((m) => m.content === "over the socket"),
        "the message",
      );
      expect(got.message.seq).toBe(ack.seq);
      expect(got.message.author).toMatchObject({ kind: "user", id: owner.user.id });
    } finally {
      sender.close();
      receiver.close();
    }
  });
});
