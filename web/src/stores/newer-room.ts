// A screen's own copy of a room (fetched with it: members, character) against the room list's,
// which the person's channel keeps live: which one is current, and fetching the screen's again.
import { createEffect } from "solid-js";
import type { Room } from "../../../shared/wire";

/** The newer of a room's two copies: the list's, kept live by the channel (renames, another
 * character), or one fetched with the screen, which may be older. */
export function newerRoom<R extends Pick<Room, "updatedAt">>(listed: R | undefined, fetched: R | undefined): R | undefined {
  return listed && (!fetched || listed.updatedAt >= fetched.updatedAt) ? listed : (fetched ?? listed);
}

/** Fetches a screen's copy of a room again when the list (kept live by the channel) holds a
 * newer one: its members, its settings or its character changed. Once per newer copy. */
export function refetchWhenNewer(
  listed: () => Pick<Room, "updatedAt"> | undefined,
  fetched: () => Pick<Room, "updatedAt"> | undefined,
  refetch: () => unknown,
) {
  let asked = "";
  createEffect(() => {
    const at = listed()?.updatedAt;
    const had = fetched()?.updatedAt;
    if (at && had && at > had && at !== asked) {
      asked = at;
      void refetch();
    }
  });
}
