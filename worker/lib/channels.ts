// Pushes from the Worker to people's channels (durable-objects/user-channel): the room changes
// the Worker makes itself (created, invited, settings changed, removed, deleted, read). The
// response never waits for them: each push is one call per person, kept alive past the
// response by waitUntil, and one that fails is lost only until that person's next snapshot.
import { waitUntil } from "cloudflare:workers";
import { userChannel } from "../../durable-objects/user-channel/user-channel";
import { log } from "../../shared/log";
import type { Store } from "../../shared/store";
import type { ChannelFrame, Room } from "../../shared/wire";

export function tellPeople(env: Pick<Env, "USER_CHANNEL">, userIds: Iterable<string>, frame: ChannelFrame): void {
  const sends = [...new Set(userIds)].map((id) => userChannel(env, id).push(frame));
  const all = Promise.allSettled(sends).then((results) => {
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed > 0) log.warn("channel_push_failed", { type: frame.type, failed });
  });
  try {
    waitUntil(all);
  } catch {
    // Outside a request: nothing to keep alive.
  }
}

/** Tells every member of `room` (as the store lists them now) that it changed: their lists,
 * and their open room and settings screens, take it as it is now. */
export async function tellMembers(env: Pick<Env, "USER_CHANNEL">, store: Store, room: Room): Promise<void> {
  const members = await store.rooms.members(room.id);
  tellPeople(
    env,
    members.map((m) => m.user.id),
    { type: "room", room },
  );
}
