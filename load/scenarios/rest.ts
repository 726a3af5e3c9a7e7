// REST scenarios at a fixed arrival rate (open model: a slow server faces the same demand
// instead of slowing the load down). Readers open the room list and a room's latest history
// page, then one older page; writers post stamped messages, sometimes resending the same
// clientId to check idempotency.
import { check } from "k6";
import exec from "k6/execution";
import type { Scenario, Stage } from "k6/options";
import * as api from "../lib/api.ts";
import { config, k6Duration } from "../lib/config.ts";
import type { Fixture, LoadRoom, LoadUser } from "../lib/fixtures.ts";
import { stamp } from "../lib/marker.ts";
import * as m from "../lib/metrics.ts";

/** Arrival rates are counted per minute, so a fractional READ_RATE or WRITE_RATE (0.5/s) is
 * offered as asked instead of rounded to whole iterations per second. */
export const perMinute = (perSecond: number): number => Math.round(perSecond * 60);

function arrival(exec: string, rate: number, durationMs: number, startTime: string, stages?: Stage[]): Scenario {
  if (!(perMinute(rate) > 0)) throw new Error(`${exec}: its rate must be at least 1 a minute, got ${rate}/s`);
  // Enough VUs for the rate at ~250 ms per iteration; k6 adds up to maxVUs if the server slows.
  const preAllocatedVUs = Math.max(2, Math.ceil(rate / 2));
  if (stages !== undefined) {
    return {
      executor: "ramping-arrival-rate",
      exec,
      startRate: 0,
      timeUnit: "1m",
      stages,
      preAllocatedVUs,
      maxVUs: preAllocatedVUs * 5,
      startTime,
    };
  }
  return {
    executor: "constant-arrival-rate",
    exec,
    rate: perMinute(rate),
    timeUnit: "1m",
    duration: k6Duration(durationMs),
    preAllocatedVUs,
    maxVUs: preAllocatedVUs * 5,
    startTime,
  };
}

export function readersScenario(durationMs: number, startTime = "0s", stages?: Stage[]): Scenario {
  return arrival("readers", config.readRate, durationMs, startTime, stages);
}

export function writersScenario(durationMs: number, startTime = "0s", stages?: Stage[]): Scenario {
  return arrival("writers", config.writeRate, durationMs, startTime, stages);
}

function pick<T>(list: T[], i: number): T {
  const item = list[i % list.length];
  if (item === undefined) throw new Error("setup() produced an empty list");
  return item;
}

export function readers(data: Fixture): void {
  const user = pick(data.users, exec.scenario.iterationInTest);
  const listRes = api.listRooms(user.token);
  const rooms = api.body<{ rooms: api.RoomListItem[] }>(listRes)?.rooms;
  check(listRes, { "rooms: 200 with a list": (r) => r.status === 200 && Array.isArray(rooms) });
  const roomId = rooms?.[0]?.id;
  if (roomId === undefined) return;

  const pageRes = api.history(user.token, roomId, "limit=50");
  const page = api.body<{ messages: api.Message[]; hasMore: boolean }>(pageRes);
  check(pageRes, { "history: 200 with messages": (r) => r.status === 200 && Array.isArray(page?.messages) });
  if (page === undefined) return;
  if (pageRes.status === 200) m.readsOk.add(1);
  m.historyOrdered.add(ascending(page.messages));

  const oldest = page.messages[0];
  if (!page.hasMore || oldest === undefined) return;
  const olderRes = api.history(user.token, roomId, `before=${oldest.seq}&limit=50`);
  const older = api.body<{ messages: api.Message[] }>(olderRes);
  check(olderRes, {
    "older page: 200, all before the cursor": (r) =>
      r.status === 200 && older !== undefined && older.messages.every((x) => x.seq < oldest.seq),
  });
  if (older !== undefined) m.historyOrdered.add(ascending(older.messages));
}

function ascending(messages: api.Message[]): boolean {
  return messages.every((x, i) => i === 0 || x.seq > (messages[i - 1] as api.Message).seq);
}

export function writers(data: Fixture): void {
  const i = exec.scenario.iterationInTest;
  const room: LoadRoom = pick(data.rooms, i);
  // Rotate authors inside the room so each stays under the per-user send limit.
  const user: LoadUser = pick(data.users, pick(room.members, Math.floor(i / data.rooms.length)));
  const clientId = `k6-w-${exec.vu.idInTest}-${exec.vu.iterationInScenario}`;
  const res = api.postMessage(user.token, room.id, stamp("rest", clientId), clientId);
  m.writesRateLimited.add(res.status === 429);
  if (res.status === 429) return;
  const message = api.body<{ message: api.Message }>(res)?.message;
  if (check(res, { "post: 201 with a seq": (r) => r.status === 201 && (message?.seq ?? 0) > 0 })) m.writesOk.add(1);

  if (message === undefined || Math.random() >= config.resendRatio) return;
  // As after a lost reply: same clientId again must give back the same message, not a new one.
  const again = api.postMessage(user.token, room.id, stamp("rest", clientId), clientId);
  if (again.status === 429) return;
  const same = api.body<{ message: api.Message }>(again)?.message;
  m.idempotentResend.add(same !== undefined && same.seq === message.seq && same.id === message.id);
}

/** Busy-evening shape: ramp to the peak (per second) over the first 20%, hold 60%, ramp down
 * 20%; targets per minute, as the scenarios count them. */
export function eveningStages(peak: number, durationMs: number): Stage[] {
  const ramp = k6Duration(durationMs * 0.2);
  return [
    { target: perMinute(peak), duration: ramp },
    { target: perMinute(peak), duration: k6Duration(durationMs * 0.6) },
    { target: 0, duration: ramp },
  ];
}
