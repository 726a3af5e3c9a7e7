// The Hono environment: bindings plus what middleware puts on the context.

import type { Store } from "../shared/store";
import type { MemberRow } from "../shared/store/rooms";
import type { Room } from "../shared/wire";
import type { Session } from "./auth/jwt";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    session: Session;
    store: Store;
    /** Set by roomMember() on /rooms/:id routes. */
    room: Room;
    member: MemberRow;
    /** The room's character's name (null without one), read with the membership. */
    roomCharacterName: string | null;
    /** When the membership was read from the store (a WebSocket upgrade may reuse a recent read). */
    accessCheckedAt: number;
    /** A WebSocket upgrade during a store outage: membership could not be read, so `room` and
     * `member` are unset and the room object decides from the members it knows. */
    memberUnverified?: boolean;
  };
};
