// How a ChatRoom is put together: each capability of this folder built once and wired to the
// ones it needs, in dependency order. ChatRoom (chat-room.ts) holds the result and is left
// with its RPC surface and the runtime's entry points.
import { readConfig } from "../../shared/config";
import { openStore, type Store } from "../../shared/store";
import type { ChannelFrame, Message, OnlineUser } from "../../shared/wire";
import { userChannel } from "../user-channel/user-channel";
import { type ActionError, RoomAi } from "./ai";
import { CatchUp } from "./catch-up";
import { Changes } from "./changes";
import { Connections } from "./connections";
import type { FrameHandlers } from "./dispatch";
import { Edits } from "./edits";
import { FloodGuard, OffenderTable } from "./flood-guard";
import { Flush } from "./flush";
import { inOrder } from "./in-order";
import { MemberList } from "./member-list";
import { MemberUpdates } from "./member-updates";
import { Membership } from "./membership";
import { type Notice, noticeWriter } from "./notices";
import { RoomLog } from "./room-log";
import { Sends } from "./sends";
import { RoomSockets } from "./sockets";
import { Timers } from "./timers";
import { renameAfter } from "./title";
import { Uploads } from "./uploads";

export interface RoomParts {
  log: RoomLog;
  sockets: RoomSockets;
  timers: Timers;
  membership: Membership;
  members: MemberList;
  connections: Connections;
  sends: Sends;
  catchUp: CatchUp;
  flush: Flush;
  changes: Changes;
  edits: Edits;
  memberUpdates: MemberUpdates;
  uploads: Uploads;
  ai: RoomAi;
  /** Writes lines that say what changed in the room (notices.ts). */
  notify: (notices: readonly Notice[]) => Promise<number>;
  /** Regenerates a reply; it costs a generation: the asker's send limit and AI budget pay. */
  regenerate: (seq: number, user: OnlineUser) => Promise<ActionError | undefined>;
  /** Who handles each frame from the room's sockets (dispatch.ts). */
  frames: FrameHandlers;
}

export function composeRoom(ctx: DurableObjectState, env: Env): RoomParts {
  const config = readConfig(env);
  // The history store, one for the object's lifetime (a Postgres connection is reused across
  // flushes and catch-ups); a failed flush drops it so the next attempt opens a fresh one.
  let store: Store | undefined;
  const history = () => (store ??= openStore(env));
  const sockets = new RoomSockets(ctx);
  const members = new MemberList(ctx.storage.sql);
  const membership = new Membership(ctx, sockets, members);
  const room = () => membership.room;
  const roomId = () => room()?.roomId ?? "";
  const log = new RoomLog(ctx.storage, roomId);
  const timers = new Timers(ctx.storage);
  const flush = new Flush(config, log, timers, membership, history, () => {
    store = undefined;
  });
  const changes = new Changes(ctx.storage.sql);
  const push = (userId: string, frame: ChannelFrame) => userChannel(env, userId).push(frame);
  const memberUpdates = new MemberUpdates(members, log, sockets, timers, room, history, push);
  const broadcast = sockets.broadcast.bind(sockets);
  const replyWritten = async () => {
    await flush.schedule();
    await memberUpdates.soon();
  };
  const ai = new RoomAi(env, log, timers, broadcast, room, replyWritten, ctx.storage.sql, changes);
  const uploads = new Uploads(ctx.storage.sql, timers, env.ATTACHMENTS, roomId, config.attachments.unsentMs);
  // What follows stored (and broadcast) messages, REST or WebSocket: the flush is armed once,
  // the members' sidebars hear of it, and each message may start an AI reply. One call at a
  // time, in seq order, so each message's reply starts before the next one's (an early
  // message queues its place before it is written: Sends.sendEarly).
  const afterWrites = inOrder(async (messages: Message[]) => {
    if (messages.length === 0) return [];
    await flush.schedule();
    await memberUpdates.note(messages);
    const started: boolean[] = [];
    for (const message of messages) started.push(await ai.onUserMessage(message));
    return started;
  });
  const sends = new Sends(config, log, sockets, membership, afterWrites, uploads, new FloodGuard(new OffenderTable(ctx.storage.sql)));
  const edits = new Edits(log, changes, membership, history, {
    broadcast,
    takeToken: (userId) => sends.takeToken(userId),
    flushSoon: () => flush.schedule(),
    replyBusy: (seq) => ai.writing(seq),
    deleted: async (message) => void (await uploads.discard(message.seq)),
    changed: async (roomId, before, after) => {
      await renameAfter({ log, history, retitled: (room) => memberUpdates.tell({ type: "room", room }) }, roomId, before, after);
      // The newest message is the room list's preview: an edit or a delete must not leave the
      // old text there (a deleted message's least of all).
      if (after.seq === log.lastSeq) await memberUpdates.soon();
      await ai.onUserMessage(after, before);
    },
    maxChars: config.maxMessageChars,
  });
  const connections = new Connections(ctx, sockets, membership, timers, (userId) => sends.floods.waitFor(userId, Date.now()));
  const catchUp = new CatchUp(log, sockets, membership, history, changes);
  const regenerate = async (seq: number, user: OnlineUser) => {
    const wait = sends.takeToken(user.id);
    if (wait > 0) return { code: "rate_limited", message: `Too many requests; try again in ${Math.ceil(wait / 1000)} s.` };
    return ai.regenerate(seq, { id: user.id, name: user.displayName });
  };
  const frames: FrameHandlers = {
    sockets,
    floods: sends.floods,
    hello: (ws, info, afterSeq, afterChange) => catchUp.hello(ws, info, afterSeq, afterChange),
    send: (ws, user, frame) => sends.enqueue(ws, user, frame),
    typing: (ws, user) => connections.typing(ws, user),
    stop: (seq) => ai.stop(seq),
    regenerate,
    edit: (user, seq, content) => edits.edit(user, seq, content),
    remove: (user, seq) => edits.remove(user, seq),
    selectVersion: (user, seq, version) => edits.select(user, seq, version),
    otherTabs: (ws, open) => memberUpdates.otherTabs(ws, open),
  };
  return {
    log,
    sockets,
    timers,
    membership,
    members,
    connections,
    sends,
    catchUp,
    flush,
    changes,
    edits,
    memberUpdates,
    uploads,
    ai,
    notify: noticeWriter(log, sockets, afterWrites),
    regenerate,
    frames,
  };
}
