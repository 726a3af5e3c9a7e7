// The benchmark's person channels (GET /api/me/ws): for the fan-out phases run "with channels",
// every member of the room has their channel open, and so do `absent` more members who are in
// the room but have no socket in it: they are the ones the room's coalesced updates go to (a
// member with the room open gets none), so the phase pays for the updates as well as for the
// channels. Counts what arrived, to show the updates stayed about one per room per second.

import WebSocket from "ws";
import { CHANNEL_SOCKET_PATH } from "../shared/wire.ts";

/** Opens one channel for `user`; resolves once its `ready` arrived. */
function openChannel(port, user, counts) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${CHANNEL_SOCKET_PATH}?token=${encodeURIComponent(user.token)}`, {
      perMessageDeflate: false,
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`channel of ${user.username}: no ready within 30 s`));
    }, 30_000);
    ws.on("message", (data) => {
      const type = JSON.parse(String(data)).type;
      counts[type] = (counts[type] ?? 0) + 1;
      if (type === "ready") {
        clearTimeout(timer);
        resolve(ws);
      }
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Adds `absent` to the room (once), opens a channel for each of `members` and `absent` (unless
 * `open` is false), runs `phase`, closes them. Returns what `phase` returned with the frames
 * the channels received during it.
 */
export async function withChannels(t, room, members, absent, phase, open = true) {
  const owner = members[0];
  if (!room.absentAdded) {
    for (const u of absent)
      await t.api.must("POST", `/api/rooms/${room.id}/members`, { token: owner.token, body: { username: u.username } });
    room.absentAdded = true;
  }
  if (!open) return phase();
  const memberCounts = {};
  const absentCounts = {};
  const sockets = [];
  for (let i = 0; i < members.length; i += 50) {
    sockets.push(...(await Promise.all(members.slice(i, i + 50).map((u) => openChannel(t.server.port, u, memberCounts)))));
  }
  for (let i = 0; i < absent.length; i += 50) {
    sockets.push(...(await Promise.all(absent.slice(i, i + 50).map((u) => openChannel(t.server.port, u, absentCounts)))));
  }
  try {
    const result = await phase();
    return {
      ...result,
      channels: {
        open: sockets.length,
        absent: absent.length,
        activityToAbsent: absentCounts.activity ?? 0,
        activityToPresent: memberCounts.activity ?? 0,
      },
    };
  } finally {
    for (const ws of sockets) ws.close(1000, "bye");
  }
}
