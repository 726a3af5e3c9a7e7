// How long a member cut off for flooding waits before their next socket is let in: 30 s, then
// twice as long for each further cut-off within an hour of the last, up to 15 minutes.
import { describe, expect, it } from "vitest";
import { FLOOD_STRIKES } from "../../shared/wire";
import { FLOOD_COOL_OFF_MAX_MS, FLOOD_COOL_OFF_MS, FLOOD_MEMORY_MS, FloodGuard } from "./flood-guard";

const socket = () => ({}) as WebSocket;

/** Refuses sends from a new socket of `userId` until it is cut off; returns when it was. */
function cutOff(guard: FloodGuard, userId: string, now: number): WebSocket {
  const ws = socket();
  for (let i = 0; i < FLOOD_STRIKES; i++) expect(guard.refused(ws, userId, now)).toBe(false);
  expect(guard.refused(ws, userId, now)).toBe(true);
  expect(guard.isCutOff(ws)).toBe(true);
  return ws;
}

describe("FloodGuard", () => {
  it("cuts a socket off only after FLOOD_STRIKES refusals in a row", () => {
    const guard = new FloodGuard();
    const ws = socket();
    for (let i = 0; i < FLOOD_STRIKES; i++) guard.refused(ws, "ann", 0);
    guard.accepted(ws);
    for (let i = 0; i < FLOOD_STRIKES; i++) expect(guard.refused(ws, "ann", 0)).toBe(false);
    expect(guard.isCutOff(ws)).toBe(false);
    expect(guard.waitFor("ann", 0)).toBe(0);
  });

  it("makes the member wait 30 s, then twice as long for each cut-off within the hour, at most 15 minutes", () => {
    const guard = new FloodGuard();
    let now = 1_000_000;
    cutOff(guard, "ann", now);
    expect(guard.waitFor("ann", now)).toBe(FLOOD_COOL_OFF_MS);
    expect(guard.waitFor("ann", now + 10_000)).toBe(FLOOD_COOL_OFF_MS - 10_000);
    expect(guard.waitFor("ann", now + FLOOD_COOL_OFF_MS)).toBe(0);
    expect(guard.waitFor("bob", now)).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      now += guard.waitFor("ann", now) + 1000;
      cutOff(guard, "ann", now);
      waits.push(guard.waitFor("ann", now));
    }
    expect(waits).toEqual([
      60_000,
      120_000,
      240_000,
      480_000,
      FLOOD_COOL_OFF_MAX_MS,
      FLOOD_COOL_OFF_MAX_MS,
      FLOOD_COOL_OFF_MAX_MS,
      FLOOD_COOL_OFF_MAX_MS,
    ]);
  });

  it("forgives an offence after an hour without another", () => {
    const guard = new FloodGuard();
    cutOff(guard, "ann", 0);
    cutOff(guard, "ann", FLOOD_COOL_OFF_MS);
    const later = FLOOD_COOL_OFF_MS + FLOOD_MEMORY_MS + 1;
    cutOff(guard, "ann", later);
    expect(guard.waitFor("ann", later)).toBe(FLOOD_COOL_OFF_MS);
  });
});
