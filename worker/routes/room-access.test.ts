// The per-isolate member list behind WebSocket upgrades, against the real D1 store: a room
// filling up reads its members once, a read that may predate a change is not trusted, and a
// copy dropped by a change is not put back by a read that was already under way. History pages
// read the same copy, and the room refuses what it knows to be stale.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { openStore, type Store } from "../../shared/store";
import { api, createRoom, post, signUp } from "../../test/helpers";
import { forgetRoomAccess, upgradeMembership } from "./room-access";

/** The real store, counting member-list reads; `hold` delays a read's answer (not its query)
 * until released, so a test can change the room while that read is under way. */
function countingStore() {
  const store = openStore(env);
  const state = { reads: 0, hold: undefined as Promise<void> | undefined, queried: () => {}, fail: false };
  const rooms = {
    ...store.rooms,
    async withMembers(id: string) {
      state.reads++;
      const held = state.hold;
      const fail = state.fail;
      state.hold = undefined;
      state.fail = false;
      const found = await store.rooms.withMembers(id);
      state.queried();
      if (held) await held;
      if (fail) throw new Error("the store went away");
      return found;
    },
  };
  return { store: { ...store, rooms } as Store, state };
}

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("upgrade membership", () => {
  it("reads a room's members once for a burst of upgrades, then answers from the copy", async () => {
    const owner = await signUp("ann");
    const others = await Promise.all(Array.from({ length: 5 }, () => signUp("m")));
    const outsider = await signUp("zed");
    const room = await createRoom(owner, { members: others.map((o) => o.user.username) });
    const { store, state } = countingStore();
    forgetRoomAccess(room.id);

    const burst = await Promise.all([owner, ...others, ...others].map((a) => upgradeMembership(store, room.id, a.user.id)));
    expect(state.reads).toBe(1);
    for (const found of burst) expect(found?.member).not.toBeNull();
    expect(new Set(burst.map((f) => f?.member?.userId))).toEqual(new Set([owner, ...others].map((a) => a.user.id)));

    expect((await upgradeMembership(store, room.id, others[0]!.user.id))?.member?.userId).toBe(others[0]!.user.id);
    expect(state.reads).toBe(1);
    // Someone the copy does not name is checked against the store again, and refused.
    expect((await upgradeMembership(store, room.id, outsider.user.id))?.member).toBeNull();
    expect(state.reads).toBe(2);
  });

  it("reads again for a member the read under way may have missed", async () => {
    const owner = await signUp("ann");
    const late = await signUp("bob");
    const room = await createRoom(owner);
    const { store, state } = countingStore();
    forgetRoomAccess(room.id);

    const held = gate();
    const queried = gate();
    state.hold = held.opened;
    state.queried = queried.open;
    const first = upgradeMembership(store, room.id, owner.user.id);
    await queried.opened;
    // Added elsewhere (another isolate) after that read saw the room, before it answered.
    await openStore(env).rooms.addMember(room.id, late.user.id, Date.now());
    const joining = upgradeMembership(store, room.id, late.user.id);
    held.open();

    expect((await first)?.member?.userId).toBe(owner.user.id);
    expect((await joining)?.member?.userId).toBe(late.user.id);
    expect(state.reads).toBe(2);
  });

  it("keeps no copy from a read that a change to the room overtook", async () => {
    const owner = await signUp("ann");
    const room = await createRoom(owner);
    const { store, state } = countingStore();
    forgetRoomAccess(room.id);

    const held = gate();
    state.hold = held.opened;
    const first = upgradeMembership(store, room.id, owner.user.id);
    forgetRoomAccess(room.id);
    held.open();
    expect((await first)?.member?.userId).toBe(owner.user.id);

    await upgradeMembership(store, room.id, owner.user.id);
    expect(state.reads).toBe(2);
    await upgradeMembership(store, room.id, owner.user.id);
    expect(state.reads).toBe(2);
  });

  it("does not join a read that has been under way for seconds, and retries a joined read that failed", async () => {
    const owner = await signUp("ann");
    const other = await signUp("bob");
    const room = await createRoom(owner, { members: [other.user.username] });
    const { store, state } = countingStore();
    forgetRoomAccess(room.id);

    // A read that never answers holds up only those who joined it while it was new.
    state.hold = new Promise<void>(() => {});
    void upgradeMembership(store, room.id, owner.user.id);
    await new Promise((r) => setTimeout(r, 3100));
    expect((await upgradeMembership(store, room.id, other.user.id))?.member?.userId).toBe(other.user.id);
    expect(state.reads).toBe(2);

    // A failed read fails its own request; one that joined it reads for itself.
    forgetRoomAccess(room.id);
    const held = gate();
    state.hold = held.opened;
    state.fail = true;
    const first = upgradeMembership(store, room.id, owner.user.id);
    const joined = upgradeMembership(store, room.id, other.user.id);
    held.open();
    await expect(first).rejects.toThrow("the store went away");
    expect((await joined)?.member?.userId).toBe(other.user.id);
    expect(state.reads).toBe(4);
  });

  it("answers a room that does not exist with nothing", async () => {
    const owner = await signUp("ann");
    const { store } = countingStore();
    expect(await upgradeMembership(store, crypto.randomUUID(), owner.user.id)).toBeUndefined();
  });
});

describe("history pages from the cached member list", () => {
  // A page read takes its membership from this isolate's copy of the member list, as upgrades
  // do; what another isolate changed since is caught by the room itself. Here the removal and
  // the deletion are made as another isolate's routes make them: in the store and in the room,
  // leaving this isolate's copy (which names the member) in place.
  it("refuses a member removed, or a room deleted, after the copy was read", async () => {
    const owner = await signUp("ann");
    const bob = await signUp("bob");
    const room = await createRoom(owner, { members: [bob.user.username] });
    await post(owner, room.id, "before the removal");
    const page = () => api<{ messages: { content: string }[] }>(`/rooms/${room.id}/messages`, { token: bob.token });
    const first = await page();
    expect(first.status).toBe(200);
    expect(first.body.messages.map((m) => m.content)).toEqual(["before the removal"]);

    await openStore(env).rooms.removeMember(room.id, bob.user.id, Date.now());
    await chatRoom(env, room.id).updateMembers({ remove: bob.user.id });
    expect(await page()).toMatchObject({ status: 403, body: { error: { code: "not_a_member" } } });

    const ownerPage = () => api(`/rooms/${room.id}/messages`, { token: owner.token });
    expect((await ownerPage()).status).toBe(200);
    await chatRoom(env, room.id).destroy();
    expect(await ownerPage()).toMatchObject({ status: 404 });
  });
});
